# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The requisites spine: get_counterparties and get_requisites take records
or ids, return the bank account of the counterparty and run a constant
number of queries."""
import datetime as dt
from unittest.mock import patch

from trytond import backend
from trytond.modules.ric_base import requisites as ru
from trytond.modules.ric_base.tests.tools import count_queries
from trytond.modules.ric_party import party as party_module
from trytond.modules.ric_party.exceptions import RequisitesValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

D = dt.date
BIK = '044525225'
CORRESPONDENT = '30101810400000000225'


def settlement_account(bik, serial):
    "Return a valid 20-digit settlement account at the bank of bik"
    for key in range(10):
        number = '40702810%d%011d' % (key, serial)
        if ru.is_valid_settlement_account(number, bik):
            return number


class RequisitesTestCase(_DBTestCase):
    "Test the requisites spine of RIC Party"
    module = 'ric_party'

    def _bank(self, bik=BIK, correspondent=CORRESPONDENT, name="Сбербанк"):
        pool = Pool()
        Party = pool.get('party.party')
        Bank = pool.get('bank')
        party, = Party.create([{'name': name}])
        bank, = Bank.create([{'party': party.id, 'bik': bik,
                    'correspondent_account': correspondent}])
        return bank

    def _accounts(self, bank, owners, start=1):
        "Create one active account per owner; return them"
        Account = Pool().get('bank.account')
        return Account.create([{
                    'bank': bank.id,
                    'owners': [('add', [owner.id])],
                    'numbers': [('create', [{
                                    'type': 'ru_account',
                                    'number': settlement_account(
                                        bank.bik, start + i),
                                    }])],
                    } for i, owner in enumerate(owners)])

    def _clients(self, count, prefix):
        """count clients: a third pay through a payer with requisites
        versions, a third through a payer without, the rest pay themselves;
        every party has an INN, a legal address and a bank account"""
        pool = Pool()
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        bank = self._bank(
            bik='04452%04d' % count, correspondent=None,
            name="Bank %s" % prefix)
        parties = Party.create([{
                    'name': '%s %s' % (prefix, i),
                    'is_client': i >= 2, 'client_status': 'served',
                    'addresses': [('create', [{
                                    'street': 'ул. Победы, д. %s' % i,
                                    'city': 'Белгород'}])],
                    'identifiers': [('create', [{
                                    'type': 'ru_vat',
                                    'code': ru.complete_inn(
                                        '31%07d' % (count * 1000 + i))}])],
                    } for i in range(count + 2)])
        for party in parties:
            party.legal_address = party.addresses[0]
        Party.save(parties)
        versioned, live, clients = parties[0], parties[1], parties[2:]
        self._accounts(bank, parties, start=count * 1000)
        History.create([{
                    'client': c.id,
                    'counterparty': (versioned if i % 3 == 0 else live).id,
                    'start_date': D(2024, 1, 1)}
                for i, c in enumerate(clients) if i % 3 != 2])
        Party.change_requisites([versioned], D(2024, 6, 1), {
                'name': '%s renamed' % prefix})
        return clients

    @with_transaction()
    def test_counterparties_ids_and_records(self):
        "get_counterparties takes ids as well as records"
        pool = Pool()
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        client, other, payer = Party.create([
                {'name': "Client"}, {'name': "Other"}, {'name': "Payer"}])
        History.create([{'client': client.id, 'counterparty': payer.id,
                    'start_date': D(2024, 1, 1)}])
        by_records = Party.get_counterparties([client, other], D(2025, 1, 1))
        by_ids = Party.get_counterparties([client.id, other.id], D(2025, 1, 1))
        self.assertEqual(by_records, {client.id: payer, other.id: other})
        self.assertEqual(by_ids, by_records)
        self.assertIsInstance(by_ids[other.id], Party)
        # duplicates count once
        self.assertEqual(
            Party.get_counterparties([client.id, client], D(2025, 1, 1)),
            {client.id: payer})

    @with_transaction()
    def test_requisites_bank_account(self):
        "The requisites carry the main bank account of the counterparty"
        pool = Pool()
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        bank = self._bank()
        client, payer = Party.create([
                {'name': "ООО «Ромашка»", 'is_client': True,
                    'client_status': 'served'},
                {'name': "ООО «Плательщик»", 'kpp': '312301001'}])
        old, = self._accounts(bank, [payer])
        new, = self._accounts(bank, [client], start=2)
        History.create([{'client': client.id, 'counterparty': payer.id,
                    'start_date': D(2024, 1, 1)}])

        req = Party.get_requisites([client.id], D(2024, 6, 1))[client.id]
        self.assertEqual(req.party, payer.id)
        self.assertEqual(req.bank_account, old.id)
        self.assertEqual(req.bank_name, "Сбербанк")
        self.assertEqual(req.bik, BIK)
        self.assertEqual(req.correspondent_account, CORRESPONDENT)
        self.assertEqual(req.settlement_account, old.numbers[0].number)
        self.assertEqual(payer.main_bank_account, old)

        # the payer moves to another account from 2025
        Party.change_requisites([payer], D(2025, 1, 1), {
                'bank_accounts': [('remove', [old.id]), ('add', [new.id])]})
        first, second = sorted(
            payer.requisites_versions, key=lambda v: v.start_date or D.min)
        self.assertEqual((first.start_date, second.start_date),
            (None, D(2025, 1, 1)))
        self.assertEqual((first.bank_account, second.bank_account),
            (old, new))
        self.assertEqual(payer.main_bank_account, new)
        before = Party.get_requisites([client], D(2024, 6, 1))[client.id]
        after = Party.get_requisites([client], D(2025, 6, 1))[client.id]
        self.assertEqual(before.bank_account, old.id)
        self.assertEqual(before.settlement_account, old.numbers[0].number)
        self.assertEqual(after.bank_account, new.id)
        self.assertEqual(after.settlement_account, new.numbers[0].number)
        # the old version stays valid though the account left the payer
        first.name = "ООО «Плательщик» (до 2025)"
        first.save()

    @with_transaction()
    def test_party_requisites_validation(self):
        "Invalid requisites of a party or a version are refused"
        pool = Pool()
        Party = pool.get('party.party')
        Version = pool.get('ric.party.requisites')
        party, = Party.create([{'name': "Test"}])
        party.kpp = '12345'
        with self.assertRaises(RequisitesValidationError):
            party.save()
        party.kpp = '312301001'
        party.ogrn = '1027700132195'
        party.save()
        number = settlement_account(BIK, 1)
        Version.create([{'party': party.id, 'name': "Test", 'bik': BIK,
                    'settlement_account': number}])
        wrong = number[:8] + str((int(number[8]) + 1) % 10) + number[9:]
        with self.assertRaises(RequisitesValidationError):
            Version.create([{'party': party.id, 'name': "Test",
                        'bik': BIK, 'settlement_account': wrong,
                        'start_date': D(2025, 1, 1)}])

    @with_transaction()
    def test_requisites_without_bank_account(self):
        "A counterparty without bank account has empty bank requisites"
        Party = Pool().get('party.party')
        party, = Party.create([{'name': "Без счёта"}])
        req = Party.get_requisites([party.id])[party.id]
        self.assertEqual(
            (req.bank_account, req.bank_name, req.bik,
                req.correspondent_account, req.settlement_account),
            (None,) * 5)
        self.assertIsNone(party.main_bank_account)

    @with_transaction()
    def test_version_on_change_bank_account(self):
        "Choosing the bank account of a version fills its texts"
        pool = Pool()
        Party = pool.get('party.party')
        Version = pool.get('ric.party.requisites')
        party, = Party.create([{'name': "Party"}])
        account, = self._accounts(self._bank(), [party])
        version = Version(party=party, name="Party", bank_account=account)
        version.on_change_bank_account()
        self.assertEqual(version.bik, BIK)
        self.assertEqual(version.correspondent_account, CORRESPONDENT)
        self.assertEqual(version.settlement_account, account.numbers[0].number)
        self.assertEqual(version.bank_name, "Сбербанк")
        self.assertEqual(account.bank.rec_name, "Сбербанк (044525225)")
        version.save()

    @with_transaction()
    def test_requisites_constant_queries(self):
        "get_requisites runs the same number of queries for 10 or 500 clients"
        Party = Pool().get('party.party')
        few = self._clients(10, "Few")
        many = self._clients(500, "Many")
        # the queries are sliced by the backend's parameter limit (200 on
        # SQLite): count within one slice
        size = max(backend.MAX_QUERY_PARAMS, 2000)
        with patch.object(backend, 'MAX_QUERY_PARAMS', size), \
                patch.object(party_module, '_IN_MAX', size):
            counts = []
            for clients in [few, many]:
                # the first call, with a cold cache, from ids
                ids = [c.id for c in clients]
                Transaction().cache.clear()
                with count_queries() as queries:
                    requisites = Party.get_requisites(ids, D(2025, 1, 1))
                counts.append(queries.value)
                self.assertEqual(len(requisites), len(clients))
                self.assertTrue(all(r.bank_account and r.inn
                        and r.legal_address for r in requisites.values()))
                self.assertEqual(
                    {r.name.split()[-1] for r in requisites.values()
                        if r.start_date},
                    {'renamed'})
            with count_queries() as counterparty_queries:
                Party.get_counterparties([c.id for c in many], D(2025, 1, 1))
        self.assertEqual(counts[0], counts[1], counts)
        # 7 on SQLite and PostgreSQL: counterparties, versions, parties,
        # identifiers (2), addresses, bank accounts
        self.assertLessEqual(counts[1], 8, counts)
        self.assertEqual(counterparty_queries.value, 1)


del _DBTestCase
