# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Russian banks and accounts on Tryton's bank module: the BIK and key
checks, the look-up of payers by number and the migration of the former
ric.party.bank_account."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from sql import Table

from trytond import backend
from trytond.modules.ric_base import requisites as ru
from trytond.modules.ric_party.bank import migrate_bank_accounts
from trytond.modules.ric_party.exceptions import (
    BankAccountNumberValidationError, BankValidationError)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

from .test_requisites import settlement_account

BIK = '044525225'
CORRESPONDENT = '30101810400000000225'
OTHER_BIK = '044525593'
OTHER_CORRESPONDENT = '30101810200000000593'


class BankTestCase(_DBTestCase):
    "Test the Russian banks and accounts of RIC Party"
    module = 'ric_party'

    def _bank(self, bik=BIK, correspondent=CORRESPONDENT, name="Сбербанк"):
        pool = Pool()
        Party = pool.get('party.party')
        Bank = pool.get('bank')
        party, = Party.create([{'name': name}])
        bank, = Bank.create([{'party': party.id, 'bik': bik,
                    'correspondent_account': correspondent}])
        return bank

    def _account(self, bank, owner, number, **values):
        Account = Pool().get('bank.account')
        account, = Account.create([{
                    'bank': bank.id if bank else None,
                    'owners': [('add', [owner.id])],
                    'numbers': [('create', [{
                                    'type': 'ru_account', 'number': number,
                                    }])],
                    **values}])
        return account

    @with_transaction()
    def test_bank_bik(self):
        "The BIK and the correspondent account of a bank are checked"
        Bank = Pool().get('bank')
        bank = self._bank(bik='04 4525 225', correspondent=None)
        self.assertEqual(bank.bik, BIK)
        self.assertEqual(Bank.search([('rec_name', '=', BIK)]), [bank])
        self.assertEqual(bank.rec_name, "Сбербанк (044525225)")
        with self.assertRaises(BankValidationError):
            self._bank(bik='123456789', correspondent=None, name="Bad")
        with self.assertRaises(BankValidationError):
            Bank.write([bank], {
                    'correspondent_account': '30101810400000000226'})
        Bank.write([bank], {'correspondent_account': CORRESPONDENT})
        with self.assertRaises(Exception):
            # one bank per BIK
            self._bank(correspondent=None, name="Twin")

    @with_transaction()
    def test_ru_number(self):
        "A Russian number is compact, checked against the BIK, unique"
        pool = Pool()
        Party = pool.get('party.party')
        Number = pool.get('bank.account.number')
        Account = pool.get('bank.account')
        bank = self._bank()
        party, other = Party.create([{'name': "Ромашка"}, {'name': "Other"}])
        number = settlement_account(BIK, 1)
        spaced = ' '.join([number[:5], number[5:8], number[8:]])
        account = self._account(bank, party, spaced)
        self.assertEqual(Number.default_type(), 'ru_account')
        self.assertEqual(account.numbers[0].number, number)
        self.assertEqual(account.numbers[0].number_compact, number)
        self.assertEqual(account.ru_number, number)
        self.assertEqual(account.bik, BIK)
        # a wrong key
        wrong = number[:8] + str((int(number[8]) + 1) % 10) + number[9:]
        with self.assertRaises(BankAccountNumberValidationError):
            self._account(bank, party, wrong)
        # no bank, no check possible
        with self.assertRaises(BankAccountNumberValidationError):
            self._account(None, party, number)
        # the same active number at the same BIK
        with self.assertRaises(BankAccountNumberValidationError):
            self._account(bank, other, number)
        # other types are not checked
        other_bank = self._bank(OTHER_BIK, OTHER_CORRESPONDENT, "Альфа")
        Account.create([{'bank': other_bank.id, 'numbers': [('create', [{
                                'type': 'other', 'number': '123'}])]}])
        # the bank of an account can not change under its numbers
        with self.assertRaises(BankAccountNumberValidationError):
            Account.write([account], {'bank': other_bank.id})

    @with_transaction()
    def test_bank_bik_change(self):
        "The BIK of a bank can not change under its Russian numbers"
        pool = Pool()
        Party = pool.get('party.party')
        Bank = pool.get('bank')
        bank = self._bank()
        party, = Party.create([{'name': "Ромашка"}])
        self._account(bank, party, settlement_account(BIK, 1))
        with self.assertRaises(BankAccountNumberValidationError):
            Bank.write([bank], {
                    'bik': OTHER_BIK, 'correspondent_account': None})

    @settings(max_examples=20, deadline=None)
    @given(st.integers(min_value=0, max_value=10 ** 11 - 1),
        st.integers(min_value=1, max_value=9))
    def test_ru_number_key_property(self, serial, shift):
        "A number is accepted iff its key matches the BIK"
        number = settlement_account(BIK, serial)
        wrong = number[:8] + str((int(number[8]) + shift) % 10) + number[9:]
        self.assertTrue(ru.is_valid_settlement_account(number, BIK))
        self.assertFalse(ru.is_valid_settlement_account(wrong, BIK))
        self._check_number(number, wrong)

    @with_transaction()
    def _check_number(self, number, wrong):
        Party = Pool().get('party.party')
        bank = self._bank()
        party, = Party.create([{'name': "Party"}])
        self._account(bank, party, number)
        with self.assertRaises(BankAccountNumberValidationError):
            self._account(bank, party, wrong)

    @with_transaction()
    def test_payer_by_number(self):
        "A payer is found by its number as account_statement does"
        pool = Pool()
        Party = pool.get('party.party')
        Number = pool.get('bank.account.number')
        bank = self._bank()
        payer, = Party.create([{'name': "Плательщик"}])
        number = settlement_account(BIK, 7)
        self._account(bank, payer, number)
        numbers = Number.search(['OR',
                ('number', '=', number),
                ('number_compact', '=', number),
                ])
        self.assertEqual([n.account.owners for n in numbers], [(payer,)])
        self.assertEqual(Party.search([('rec_name', '=', number)]), [payer])

    @with_transaction()
    def test_main_bank_account(self):
        "The main account is the first active one in Tryton's order"
        pool = Pool()
        Party = pool.get('party.party')
        Account = pool.get('bank.account')
        bank = self._bank()
        party, = Party.create([{'name': "Party"}])
        first = self._account(bank, party, settlement_account(BIK, 1))
        second = self._account(bank, party, settlement_account(BIK, 2))
        self.assertEqual(party.main_bank_account, first)
        Account.write([first], {'owners_sequence': 20},
            [second], {'owners_sequence': 10})
        self.assertEqual(party.main_bank_account, second)
        Account.write([second], {'active': False, 'numbers': [
                    ('write', [n.id for n in second.numbers],
                        {'active': False})]})
        self.assertEqual(party.main_bank_account, first)
        self.assertEqual(
            party.requisites_snapshot().settlement_account,
            first.numbers[0].number)

    @with_transaction()
    def test_migration(self):
        "The former bank accounts move onto bank.account"
        pool = Pool()
        Party = pool.get('party.party')
        Bank = pool.get('bank')
        Account = pool.get('bank.account')
        Version = pool.get('ric.party.requisites')
        cursor = Transaction().connection.cursor()
        TableHandler = backend.TableHandler
        self.assertFalse(TableHandler.table_exist('ric_party_bank_account'))
        cursor.execute('CREATE TABLE ric_party_bank_account ('
            'id INTEGER PRIMARY KEY, party INTEGER, bank_name VARCHAR, '
            'bik VARCHAR, correspondent_account VARCHAR, number VARCHAR, '
            'active BOOLEAN, sequence INTEGER)')
        old = Table('ric_party_bank_account')
        a, b, c = Party.create(
            [{'name': "A"}, {'name': "B"}, {'name': "C"}])
        # an existing bank of the second BIK is reused
        alfa = self._bank(OTHER_BIK, None, "Альфа-Банк")
        n1, n2, n3, n4 = (settlement_account(BIK, 1),
            settlement_account(BIK, 2), settlement_account(OTHER_BIK, 3),
            settlement_account(BIK, 4))
        cursor.execute(*old.insert(
                [old.id, old.party, old.bank_name, old.bik,
                    old.correspondent_account, old.number, old.active,
                    old.sequence],
                [[1, a.id, "ПАО Сбербанк", BIK, CORRESPONDENT, n1, True, 2],
                    [2, a.id, "Альфа", OTHER_BIK, OTHER_CORRESPONDENT, n3,
                        True, 1],
                    [3, b.id, "Сбербанк", BIK, None, n2, False, None],
                    # the same account shared by two parties
                    [4, c.id, "Сбербанк", BIK, None, n1, True, 5],
                    ]))
        # versions: one with a row's account, one with an account that is
        # no longer listed
        v1, v2 = Version.create([
                {'party': a.id, 'name': "A", 'bik': BIK,
                    'correspondent_account': CORRESPONDENT,
                    'settlement_account': n1, 'bank_name': "ПАО Сбербанк"},
                {'party': b.id, 'name': "B", 'bik': BIK,
                    'settlement_account': n4, 'bank_name': "Сбербанк",
                    'start_date': dt.date(2024, 1, 1)},
                ])

        self.assertEqual(migrate_bank_accounts(), 4)
        self.assertFalse(TableHandler.table_exist('ric_party_bank_account'))

        sber, = Bank.search([('bik', '=', BIK)])
        # named after the first row of the BIK
        self.assertEqual(sber.party.name, "Сбербанк")
        self.assertEqual(sber.correspondent_account, CORRESPONDENT)
        self.assertEqual(Bank.search([('bik', '=', OTHER_BIK)]), [alfa])

        def account(number):
            with Transaction().set_context(active_test=False):
                account, = Account.search([
                        ('numbers.number_compact', '=', number),
                        ])
            return account
        shared = account(n1)
        self.assertEqual(shared.bank, sber)
        self.assertEqual(set(shared.owners), {a, c})
        self.assertEqual(shared.numbers[0].type, 'ru_account')
        self.assertTrue(shared.active)
        self.assertEqual(account(n3).bank, alfa)
        self.assertFalse(account(n2).active)
        self.assertFalse(account(n2).numbers[0].active)
        self.assertEqual(account(n4).owners, (b,))
        self.assertFalse(account(n4).active)
        # A's accounts keep their order: Alfa (sequence 1) first
        self.assertEqual(a.main_bank_account, account(n3))
        self.assertEqual(c.main_bank_account, shared)
        self.assertIsNone(b.main_bank_account)
        v1, v2 = Version.browse([v1.id, v2.id])
        self.assertEqual(v1.bank_account, shared)
        self.assertEqual(v2.bank_account, account(n4))
        # nothing left to migrate
        self.assertEqual(migrate_bank_accounts(), 0)


del _DBTestCase
