# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Russian banks and accounts on Tryton's ``bank`` module

* ``bank`` gets the BIK (unique) and the correspondent account, checked
  against each other with :mod:`trytond.modules.ric_base.requisites`;
* ``bank.account.number`` gets the type ``ru_account`` (20 digits), stored
  compact in ``number`` and ``number_compact`` (the columns
  ``account_statement`` searches) and checked against the BIK of the bank
  of its account; an active number is unique per BIK;
* :func:`migrate_bank_accounts` moves the rows of the former
  ``ric.party.bank_account`` onto these models.
"""
from collections import defaultdict

from sql import Null, Table

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Unique, fields
from trytond.modules.ric_base import requisites as ru
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import BankAccountNumberValidationError, BankValidationError

#: the table of the former model ric.party.bank_account
OLD_TABLE = 'ric_party_bank_account'


class Bank(metaclass=PoolMeta):
    __name__ = 'bank'
    bik = fields.Char(
        "BIK", size=9,
        help="The Russian bank identification code (9 digits).")
    correspondent_account = fields.Char(
        "Correspondent Account", size=20,
        help="The account of the bank at the Bank of Russia (20 digits).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('bik_unique', Unique(t, t.bik), 'ric_party.msg_bank_bik_unique'),
            ]

    def get_rec_name(self, name):
        name = super().get_rec_name(name)
        if self.bik:
            name += ' (%s)' % self.bik
        return name

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            return [domain, ('bik', operator, operand, *extra)]
        return ['OR', domain, ('bik', operator, operand, *extra)]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in ['bik', 'correspondent_account']:
            if values.get(name):
                values[name] = ru.compact(values[name])
        return values

    @classmethod
    def validate_fields(cls, banks, field_names):
        super().validate_fields(banks, field_names)
        if field_names and not {'bik', 'correspondent_account'} & field_names:
            return
        for bank in banks:
            try:
                ru.check_requisites(
                    bik=bank.bik,
                    correspondent_account=bank.correspondent_account,
                    record=bank.party.rec_name if bank.party else '')
            except ru.RequisiteError as exception:
                raise BankValidationError(str(exception)) from exception
        if field_names and 'bik' in field_names:
            # the numbers of the accounts at these banks depend on the BIK
            Number = Pool().get('bank.account.number')
            Number._check_ru_numbers(Number.search([
                        ('account.bank', 'in', [b.id for b in banks]),
                        ('type', '=', 'ru_account'),
                        ]))


class Account(metaclass=PoolMeta):
    __name__ = 'bank.account'
    bik = fields.Function(
        fields.Char("BIK"), 'get_bank_field', searcher='search_bank_field')

    def get_bank_field(self, name):
        return getattr(self.bank, name, None) if self.bank else None

    @classmethod
    def search_bank_field(cls, name, clause):
        return [('bank.' + clause[0],) + tuple(clause[1:])]

    @property
    def ru_number(self):
        "The first active Russian number (or the first number) of the account"
        numbers = [n for n in self.numbers if n.active] or self.numbers
        for number in numbers:
            if number.type == 'ru_account':
                return number.number
        return numbers[0].number if numbers else None

    @classmethod
    def validate_fields(cls, accounts, field_names):
        super().validate_fields(accounts, field_names)
        if not field_names or 'bank' in field_names:
            Number = Pool().get('bank.account.number')
            Number._check_ru_numbers([n for a in accounts for n in a.numbers
                    if n.type == 'ru_account'])


class AccountNumber(metaclass=PoolMeta):
    __name__ = 'bank.account.number'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('ru_account', "Russian Account")
        if selection not in cls.type.selection:
            cls.type.selection.append(selection)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Migration from the module's own ric.party.bank_account: run once
        # every model of the module (and bank.account) is registered
        if backend.TableHandler.table_exist(OLD_TABLE):
            migrate_bank_accounts()

    @classmethod
    def default_type(cls):
        return 'ru_account'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('type') == 'ru_account'
                and values.get('number')):
            values['number'] = values['number_compact'] = ru.compact(
                values['number'])
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if ((field_names is None or {'type', 'number'} & field_names)
                and getattr(self, 'type', None) == 'ru_account'):
            number = getattr(self, 'number', None)
            if number:
                number = ru.compact(number)
                if self.number != number:
                    values['number'] = number
                if getattr(self, 'number_compact', None) != number:
                    values['number_compact'] = number
        return values

    @classmethod
    def validate_fields(cls, numbers, field_names):
        super().validate_fields(numbers, field_names)
        if not field_names or {
                'type', 'number', 'account', 'active'} & field_names:
            cls._check_ru_numbers(
                [n for n in numbers if n.type == 'ru_account'])

    @classmethod
    def _check_ru_numbers(cls, numbers):
        """Check the control key of Russian numbers against the BIK of their
        bank and that an active number is unique per BIK (one search)"""
        keys = {}
        for number in numbers:
            bank = number.account.bank
            bik = bank.bik if bank else None
            if not bik:
                raise BankAccountNumberValidationError(gettext(
                        'ric_party.msg_bank_account_number_no_bik',
                        number=number.number))
            try:
                ru.check_requisites(
                    bik=bik, account=number.number,
                    record=number.account.rec_name)
            except ru.RequisiteError as exception:
                raise BankAccountNumberValidationError(
                    str(exception)) from exception
            if number.active:
                keys[bik, number.number_compact] = number
        if not keys:
            return
        others = cls.search([
                ('type', '=', 'ru_account'),
                ('number_compact', 'in', list({k[1] for k in keys})),
                ('account.bank.bik', 'in', list({k[0] for k in keys})),
                ('id', 'not in', [n.id for n in keys.values()]),
                ])
        for other in others:
            number = keys.get((other.account.bank.bik, other.number_compact))
            if number:
                raise BankAccountNumberValidationError(gettext(
                        'ric_party.msg_bank_account_number_unique',
                        number=number.number,
                        bank=other.account.bank.rec_name,
                        account=other.account.rec_name))


def migrate_bank_accounts(table_name=OLD_TABLE):
    """Move the rows of the former ``ric.party.bank_account`` onto
    ``bank``/``bank.account``/``bank.account.number`` and point the
    requisites versions at them, then drop the old table.

    One bank per BIK (an existing bank with the BIK is reused, a new one
    gets a party named after the bank), one account per BIK and number with
    every party of the rows as owners (an existing number at the bank is
    reused), the number typed ``ru_account`` when its key is valid
    (``other`` otherwise).  Versions whose BIK and settlement account match
    no row get an inactive account of their party.  Returns the number of
    accounts created.
    """
    TableHandler = backend.TableHandler
    if not TableHandler.table_exist(table_name):
        return 0
    accounts, versions = _read_old_accounts(table_name)
    banks = _banks_by_bik(accounts)
    existing, created = _create_accounts(accounts, banks)
    _link_versions(versions, existing)
    TableHandler.drop_table('ric.party.bank_account', table_name)
    return len(created)


def _add_old_account(
        accounts, bik, number, owner, bank_name, correspondent, active,
        sequence):
    "Add the owner and the data of an old row to the values of its account"
    bik, number = ru.compact(bik), ru.compact(number)
    if not bik or not number:
        return
    values = accounts.setdefault((bik, number), {
            'owners': [], 'bank_name': None, 'correspondent': None,
            'active': False, 'sequence': sequence})
    if owner not in values['owners']:
        values['owners'].append(owner)
    values['bank_name'] = values['bank_name'] or bank_name
    values['correspondent'] = (
        values['correspondent'] or ru.compact(correspondent) or None)
    values['active'] |= bool(active)


def _read_old_accounts(table_name):
    """Return ({(bik, number): values} of the accounts of the old rows and
    of the versions without account, [rows of these versions])"""
    pool = Pool()
    Version = pool.get('ric.party.requisites')
    cursor = Transaction().connection.cursor()
    old = Table(table_name)
    version = Version.__table__()

    # (bik, number) -> the values of its account
    accounts = {}
    cursor.execute(*old.select(
            old.id, old.party, old.bank_name, old.bik,
            old.correspondent_account, old.number, old.active, old.sequence))
    rows = sorted(cursor, key=lambda r: (
            r[7] is not None, r[7] or 0, r[0]))
    for _, party, bank_name, bik, correspondent, number, active, sequence in (
            rows):
        _add_old_account(accounts, bik, number, party, bank_name,
            correspondent, active, sequence)
    cursor.execute(*version.select(
            version.id, version.party, version.bank_name, version.bik,
            version.correspondent_account, version.settlement_account,
            where=(version.bank_account == Null)
            & (version.settlement_account != Null)
            & (version.bik != Null)))
    versions = list(cursor)
    for _, party, bank_name, bik, correspondent, number in versions:
        _add_old_account(accounts, bik, number, party, bank_name,
            correspondent, False, None)
    return accounts, versions


def _banks_by_bik(accounts):
    """Return {bik: bank} of the BIKs of the accounts, the banks missing
    created with a party named after the bank"""
    pool = Pool()
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    biks = sorted({k[0] for k in accounts})
    banks = {b.bik: b for b in Bank.search([('bik', 'in', biks)])}
    new_biks = [b for b in biks if b not in banks]
    if new_biks:
        names = {}
        for (bik, _), values in accounts.items():
            names.setdefault(bik, values['bank_name'])
            if not names[bik]:
                names[bik] = values['bank_name']
        correspondents = {}
        for (bik, _), values in accounts.items():
            if values['correspondent'] and ru.is_valid_correspondent_account(
                    values['correspondent'], bik):
                correspondents.setdefault(bik, values['correspondent'])
        parties = Party.create([{'name': names[b] or b} for b in new_biks])
        banks.update((b.bik, b) for b in Bank.create([{
                        'party': p.id, 'bik': b,
                        'correspondent_account': correspondents.get(b)}
                    for b, p in zip(new_biks, parties)]))
    return banks


def _existing_accounts(accounts):
    "Return {(bik, number): account} of the numbers already at the banks"
    Number = Pool().get('bank.account.number')
    existing = {}
    numbers = list({k[1] for k in accounts})
    for number in Number.search([
                ['OR',
                    ('number_compact', 'in', numbers),
                    ('number', 'in', numbers),
                    ],
                ('account.bank.bik', 'in', sorted({k[0] for k in accounts})),
                ], order=[('id', 'ASC')]):
        existing.setdefault((number.account.bank.bik,
                number.number_compact or ru.compact(number.number)),
            number.account)
    return existing


def _create_accounts(accounts, banks):
    """Return ({(bik, number): account}, [accounts created]): the owners
    missing added to the existing accounts, the other accounts created"""
    Account = Pool().get('bank.account')
    # accounts: reuse the numbers already at the banks
    existing = _existing_accounts(accounts)
    owners_to_add = defaultdict(list)
    keys, to_create = [], []
    for key, values in accounts.items():
        bik, number = key
        if key in existing:
            account = existing[key]
            owners = {o.id for o in account.owners}
            for owner in values['owners']:
                if owner not in owners:
                    owners_to_add[account].append(owner)
            continue
        valid = ru.is_valid_settlement_account(number, bik)
        keys.append(key)
        to_create.append({
                'bank': banks[bik].id,
                'active': values['active'],
                'owners_sequence': values['sequence'],
                'owners': [('add', values['owners'])],
                'numbers': [('create', [{
                                'type': 'ru_account' if valid else 'other',
                                'number': number,
                                'active': values['active'],
                                }])],
                })
    created = Account.create(to_create)
    existing.update(zip(keys, created))
    args = []
    for account, owners in owners_to_add.items():
        args.extend(([account], {'owners': [('add', owners)]}))
    if args:
        Account.write(*args)
    return existing, created


def _link_versions(versions, existing):
    """Point the requisites versions at their account of existing
    {(bik, number): account}"""
    Version = Pool().get('ric.party.requisites')
    by_account = defaultdict(list)
    for version_id, _, _, bik, _, number in versions:
        key = ru.compact(bik), ru.compact(number)
        if key in existing:
            by_account[existing[key].id].append(version_id)
    args = []
    for account_id, version_ids in by_account.items():
        args.extend(
            (Version.browse(version_ids), {'bank_account': account_id}))
    if args:
        Version.write(*args)
