# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Import of the ``1CClientBankExchange`` files through Tryton's own
``account.statement.import`` wizard (file format ``1c_clientbank``)"""
from collections import Counter
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.modules.ric_base.batch import in_max, search_ids
from trytond.tools import grouped_slice

from . import clientbank
from .exceptions import BankImportError, ClientBankFileError, NothingNewError

FORMAT = '1c_clientbank'
#: the information keys of an origin and the attribute of the document
#: (or of its counterparty) they keep
INFORMATION = [
    ('ric_document_kind', 'kind'),
    ('ric_document_number', 'number'),
    ('ric_document_date', 'date'),
    ('ric_direction', None),
    ('ric_received_date', 'received_date'),
    ('ric_debited_date', 'debited_date'),
    ('ric_payment_kind', 'payment_kind'),
    ('ric_payment_type', 'payment_type'),
    ('ric_priority', 'priority'),
    ]
COUNTERPARTY = ['name', 'inn', 'kpp', 'account', 'bik', 'bank',
    'correspondent_account']
#: the keys of a document whose value is already in a field or an
#: information key; the others go in ric_other_keys
_READ_KEYS = {'Номер', 'Дата', 'Сумма', 'ДатаПоступило', 'ДатаСписано',
    'ВидПлатежа', 'ВидОплаты', 'Очередность', 'НазначениеПлатежа'}


def file_error(exception, filename):
    "Return the ClientBankFileError of a clientbank.ParseError"
    return ClientBankFileError(
        gettext('ric_bank.msg_clientbank_' + exception.reason,
            filename=filename, line=exception.line,
            field=exception.field or '', value=exception.value or ''),
        filename=filename, line=exception.line,
        field=exception.field or None)


def information(document, account):
    "Return the information dict of an origin for the document"
    result = {}
    direction = document.direction(account)
    for key, name in INFORMATION:
        value = direction if name is None else getattr(document, name)
        if value not in (None, ''):
            result[key] = value
    for side, counterparty in [
            ('payer', document.payer), ('recipient', document.recipient)]:
        for name in COUNTERPARTY:
            value = getattr(counterparty, name)
            if value:
                result['ric_%s_%s' % (side, name)] = value
    other = [(k, v) for k, v in document.values.items()
        if v and k not in _READ_KEYS
        and not k.startswith(('Плательщик', 'Получатель',
                'НазначениеПлатежа'))]
    if other:
        result['ric_other_keys'] = '\n'.join('%s=%s' % kv for kv in other)
    return result


class Origin(metaclass=PoolMeta):
    __name__ = 'account.statement.origin'
    ric_identity = fields.Char(
        "Bank Document Identity", readonly=True,
        help="The account, date, number, amount and counterparty account of "
        "the bank document: the same document is never imported twice.")
    ric_counterparty_inn = fields.Char("Counterparty INN", readonly=True,
        help="The INN of the payer of an incoming document, of the "
        "recipient of an outgoing one.")
    ric_counterparty_kpp = fields.Char("Counterparty KPP", readonly=True)
    ric_counterparty_account = fields.Char(
        "Counterparty Account", readonly=True,
        help="The number of the bank account of the payer of an incoming "
        "document, of the recipient of an outgoing one.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ric_identity_unique', Unique(t, t.ric_identity),
                'ric_bank.msg_origin_identity_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.ric_identity, Index.Equality())),
                Index(t, (t.ric_counterparty_inn, Index.Equality())),
                Index(t, (t.ric_counterparty_account, Index.Equality())),
                })

    @classmethod
    def copy(cls, origins, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ric_identity')
        return super().copy(origins, default=default)


class StatementImportStart(metaclass=PoolMeta):
    __name__ = 'account.statement.import.start'
    file_name = fields.Char("File Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # the errors of a file name it
        cls.file_.filename = 'file_name'
        # the selection of file_format is not translated (translate=False
        # in account_statement): the label is the name the Russian users
        # know the format by, written as they read it
        cls.file_format.selection.append((FORMAT, "1С: Клиент-банк"))


class StatementImport(metaclass=PoolMeta):
    __name__ = 'account.statement.import'

    @classmethod
    def ric_import_file(cls, company, data, filename, file_format=FORMAT):
        """Import the statement file data for the company as the wizard does
        (for a scheduled task or a script) and return the statements"""
        pool = Pool()
        Statement = pool.get('account.statement')
        session_id, _, _ = cls.create()
        try:
            wizard = cls(session_id)
            wizard.start.company = company
            wizard.start.file_ = data
            wizard.start.file_format = file_format
            wizard.start.file_name = filename
            _, result = wizard.do_import_({'views': []})
        finally:
            cls.delete(session_id)
        return Statement.browse(result['res_id'])

    def _1c_clientbank_filename(self):
        return getattr(self.start, 'file_name', None) or 'clientbank.txt'

    def parse_1c_clientbank(self):
        "Return the statements of a 1CClientBankExchange file"
        filename = self._1c_clientbank_filename()
        try:
            exchange = clientbank.parse(self.start.file_, filename)
        except clientbank.ParseError as exception:
            raise file_error(exception, filename) from exception
        return self.clientbank_statements(exchange)

    def clientbank_statements(self, exchange):
        """Return the statements of the new documents of the Exchange

        A document already imported (same identity) is skipped; a section
        without a new document gives no statement."""
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        if not exchange.documents:
            raise NothingNewError(gettext(
                    'ric_bank.msg_clientbank_no_documents',
                    filename=exchange.filename))
        identities = {i for a in exchange.accounts
            for i in account_identities(a)}
        known = set()
        for sub in grouped_slice(sorted(identities), in_max()):
            known.update(o['ric_identity'] for o in Origin.read(
                    search_ids(Origin, [
                            ('ric_identity', 'in', list(sub)),
                            ]), ['ric_identity']))
        parties = self.clientbank_parties(exchange)
        statements = []
        for account in exchange.accounts:
            statement = self.clientbank_statement(
                exchange, account, known, parties)
            if statement is not None:
                statements.append(statement)
        if not statements:
            raise NothingNewError(gettext(
                    'ric_bank.msg_clientbank_nothing_new',
                    filename=exchange.filename,
                    count=len(exchange.documents)))
        return statements

    def clientbank_statement(self, exchange, account, known, parties):
        pool = Pool()
        Statement = pool.get('account.statement')
        Journal = pool.get('account.statement.journal')
        Origin = pool.get('account.statement.origin')

        company = self.start.company
        journal = Journal.get_by_bank_account(company, account.number)
        if not journal:
            raise BankImportError(gettext('ric_bank.msg_clientbank_no_journal',
                    filename=exchange.filename,
                    line=account.line or 1, account=account.number))
        origins, skipped = [], Decimal(0)
        for document, identity in zip(
                account.documents, account_identities(account)):
            amount = document.signed_amount(account.number)
            if identity in known:
                skipped += amount
                continue
            known.add(identity)
            origin = Origin()
            origin.number = document.number or None
            origin.date = document.value_date(account.number)
            origin.amount = amount
            counterparty = document.counterparty(account.number)
            origin.party = self.clientbank_party(parties, counterparty)
            origin.description = document.purpose or None
            origin.information = information(document, account.number)
            origin.ric_identity = identity
            origin.ric_counterparty_inn = counterparty.inn or None
            origin.ric_counterparty_kpp = counterparty.kpp or None
            origin.ric_counterparty_account = counterparty.account or None
            origins.append(origin)
        if not origins:
            return None

        statement = Statement()
        statement.company = company
        statement.journal = journal
        start = account.start_date or exchange_date(exchange, 'ДатаНачала')
        end = account.end_date or exchange_date(exchange, 'ДатаКонца')
        dates = [o.date for o in origins]
        end = end or max(dates)
        start = start or min(dates)
        statement.date = end
        statement.name = '%s %s' % (account.number, (
                start.strftime('%d.%m.%Y') if start == end else
                '%s–%s' % (start.strftime('%d.%m.%Y'),
                    end.strftime('%d.%m.%Y'))))
        total = sum((o.amount for o in origins), Decimal(0))
        if account.start_balance is not None:
            # the documents already imported moved the balance
            statement.start_balance = account.start_balance + skipped
        else:
            statement.start_balance = statement.on_change_with_start_balance()
        if account.end_balance is not None:
            statement.end_balance = account.end_balance
        elif statement.start_balance is not None:
            statement.end_balance = statement.start_balance + total
        statement.total_amount = total
        statement.number_of_lines = len(origins)
        statement.origins = origins
        return statement

    def clientbank_parties(self, exchange):
        """Return {inn: [(party id, kpps)]} of the parties with the INNs of
        the counterparties of the file (two searches)"""
        pool = Pool()
        Identifier = pool.get('party.identifier')
        inns = {d.counterparty(a.number).inn for a in exchange.accounts
            for d in a.documents} - {''}
        result = {}
        if not inns:
            return result
        party_ids = set()
        by_inn = {}
        for sub in grouped_slice(sorted(inns), in_max()):
            for identifier in Identifier.search([
                        ('type', '=', 'ru_vat'),
                        ('code', 'in', list(sub)),
                        ('party.active', '=', True),
                        ]):
                by_inn.setdefault(identifier.code, set()).add(
                    identifier.party.id)
                party_ids.add(identifier.party.id)
        kpps = {}
        for sub in grouped_slice(sorted(party_ids), in_max()):
            for identifier in Identifier.search([
                        ('type', '=', 'ru_kpp'),
                        ('party', 'in', list(sub)),
                        ]):
                kpps.setdefault(identifier.party.id, set()).add(
                    identifier.code)
        for inn, ids in by_inn.items():
            result[inn] = [(i, kpps.get(i, set())) for i in sorted(ids)]
        return result

    def clientbank_party(self, parties, counterparty):
        """Return the party of the counterparty: the only one with its INN,
        or among several the only one with its KPP"""
        candidates = parties.get(counterparty.inn, [])
        if len(candidates) > 1 and counterparty.kpp:
            candidates = [c for c in candidates if counterparty.kpp in c[1]]
        if len(candidates) == 1:
            return candidates[0][0]
        return None


def account_identities(account):
    """Return the identities of the documents of the account, in their
    order: two equal documents of one file (two bank fees of a day) are
    told apart by their rank, the same in every file that holds them"""
    seen = Counter()
    result = []
    for document in account.documents:
        identity = document.identity(account.number)
        seen[identity] += 1
        if seen[identity] > 1:
            identity += '|%s' % seen[identity]
        result.append(identity)
    return result


def exchange_date(exchange, key):
    value = exchange.get(key)
    if value:
        try:
            return clientbank.parse_date(value)
        except ValueError:
            pass
    return None
