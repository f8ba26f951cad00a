# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict, namedtuple

from sql.conditionals import Coalesce

from trytond import backend
from trytond.model import (
    DeactivableMixin, DictSchemaMixin, Index, ModelSQL, ModelView, Unique,
    fields, sequence_ordered, tree)
from trytond.model.exceptions import ValidationError
from trytond.modules.ric_base import requisites as ru
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

_IN_MAX = backend.MAX_QUERY_PARAMS // 2
CLIENT_STATUSES = [
    (None, ''),
    ('potential', "Potential"),
    ('served', "Served"),
    ('disconnected', "Disconnected"),
    ]
CATEGORIES = [
    (None, ''),
    ('A', "A"),
    ('B', "B"),
    ('C', "C"),
    ]
TAX_REGIMES = [
    (None, ''),
    ('osno', "General (OSNO)"),
    ('usn_income', "Simplified, income (USN 6%)"),
    ('usn_profit', "Simplified, income less expenses (USN 15%)"),
    ('ausn', "Automated simplified (AUSN)"),
    ('eshn', "Unified agricultural tax (ESHN)"),
    ('psn', "Patent (PSN)"),
    ('npd', "Professional income tax (NPD)"),
    ]

#: Read-only snapshot of the requisites of a counterparty on a date,
#: returned by :meth:`Party.get_requisites`.
Requisites = namedtuple('Requisites', [
        'party', 'name', 'inn', 'kpp', 'ogrn', 'legal_address',
        'postal_address', 'bank_name', 'bik', 'correspondent_account',
        'bank_account', 'start_date'])


class RequisitesValidationError(ValidationError):
    pass


def _check(record, name, inn=None, kpp=None, ogrn=None, bik=None,
        account=None, correspondent_account=None):
    try:
        ru.check_requisites(
            inn=inn, kpp=kpp, ogrn=ogrn, bik=bik, account=account,
            correspondent_account=correspondent_account, record=name)
    except ru.RequisiteError as exception:
        raise RequisitesValidationError(str(exception)) from exception


class Industry(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Industry"
    __name__ = 'ric.party.industry'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", help="For example the OKVED code.")
    parent = fields.Many2One(
        'ric.party.industry', "Parent", ondelete='RESTRICT')
    children = fields.One2Many('ric.party.industry', 'parent', "Children")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))


class Source(DeactivableMixin, ModelSQL, ModelView):
    "Source of Client Data"
    __name__ = 'ric.party.source'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")


class Attribute(DictSchemaMixin, ModelSQL, ModelView):
    "Client Attribute"
    __name__ = 'ric.party.attribute'


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    is_client = fields.Boolean(
        "RIC Client",
        help="Check for the clients of the RIC (served, potential or "
        "disconnected), leave empty for other parties (banks, suppliers…).")
    client_status = fields.Selection(
        CLIENT_STATUSES, "Client Status", sort=False,
        states={
            'invisible': ~Eval('is_client'),
            'required': Bool(Eval('is_client')),
            })
    client_number = fields.Char(
        "Client Number",
        states={
            'invisible': ~Eval('is_client'),
            },
        help="The number of the client in the RIC (e.g. 193254).")
    client_category = fields.Selection(
        CATEGORIES, "Category", sort=False,
        states={
            'invisible': ~Eval('is_client'),
            })
    tax_regime = fields.Selection(TAX_REGIMES, "Tax Regime", sort=False)
    industry = fields.Many2One(
        'ric.party.industry', "Industry", ondelete='RESTRICT')
    accountants = fields.Integer(
        "Accountants", help="The number of accountants of the client.",
        domain=[If(Eval('accountants'), ('accountants', '>=', 0), ())])
    lawyers = fields.Integer(
        "Lawyers", help="The number of lawyers of the client.",
        domain=[If(Eval('lawyers'), ('lawyers', '>=', 0), ())])
    competitor_systems = fields.Char(
        "Competitor Systems",
        help="The legal reference systems of competitors the client uses "
        "(Garant, Kodeks…).")
    record_source = fields.Many2One(
        'ric.party.source', "Source", ondelete='RESTRICT',
        help="Where the record of the client comes from.")
    source_reference = fields.Char(
        "Source Reference", readonly=True,
        help="The identifier of the record in its source (set by imports).")
    ric_attributes = fields.Dict(
        'ric.party.attribute', "Additional Attributes")
    ric_contacts = fields.One2Many(
        'ric.party.contact', 'party', "Contact Persons")
    ric_responsibles = fields.One2Many(
        'ric.party.responsible', 'party', "Responsibles")
    key_client = fields.Boolean("Key Client")
    key_client_responsible = fields.Many2One(
        'company.employee', "Key Client Responsible",
        states={
            'invisible': ~Eval('key_client'),
            })
    key_events = fields.One2Many(
        'ric.party.key_event', 'party', "Key Events")

    # Requisites
    inn = fields.Function(fields.Char("INN"), 'get_inn', searcher='search_inn')
    kpp = fields.Char("KPP")
    ogrn = fields.Char("OGRN")
    legal_address = fields.Many2One(
        'party.address', "Legal Address", ondelete='SET NULL',
        domain=[('party', '=', Eval('id', -1))])
    postal_address = fields.Many2One(
        'party.address', "Postal Address", ondelete='SET NULL',
        domain=[('party', '=', Eval('id', -1))])
    ric_bank_accounts = fields.One2Many(
        'ric.party.bank_account', 'party', "Bank Accounts")
    requisites_versions = fields.One2Many(
        'ric.party.requisites', 'party', "Requisites History")
    counterparty_history = fields.One2Many(
        'ric.party.counterparty', 'client', "Counterparty History",
        states={
            'invisible': ~Eval('is_client'),
            })
    counterparty = fields.Function(fields.Many2One(
            'party.party', "Counterparty",
            help="The legal person that pays for the client today."),
        'get_counterparty')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('client_number_unique', Unique(t, t.client_number),
                'ric_party.msg_client_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.client_status, Index.Equality())),
                Index(t, (t.client_number, Index.Equality())),
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/form/notebook/page[@id="%s"]' % page, 'states', {
                    'invisible': ~Eval('is_client'),
                    })
            for page in ['ric_client', 'ric_segments', 'ric_readiness']] + [
            ('/form/notebook/page[@name="key_events"]', 'states', {
                    'invisible': ~Eval('is_client'),
                    }),
            ]

    @classmethod
    def default_is_client(cls):
        return Transaction().context.get('ric_client', False)

    @fields.depends('is_client', 'client_status')
    def on_change_is_client(self):
        if self.is_client and not self.client_status:
            self.client_status = 'potential'
        elif not self.is_client:
            self.client_status = None

    @classmethod
    def default_client_status(cls):
        if cls.default_is_client():
            return 'potential'

    def get_inn(self, name):
        for identifier in self.identifiers:
            if identifier.type == 'ru_vat' and identifier.active:
                return identifier.code_compact or identifier.code

    @classmethod
    def search_inn(cls, name, clause):
        _, operator, value, *extra = clause
        if isinstance(value, str) and operator in {'=', '!='}:
            value = ru.compact(value)
        return [('identifiers', 'where', [
                    ('type', '=', 'ru_vat'),
                    ('code_compact', operator, value, *extra),
                    ])]

    def get_counterparty(self, name):
        if not self.is_client:
            return None
        return self.get_counterparties([self], None)[self.id].id

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        if not field_names or {'kpp', 'ogrn'} & field_names:
            for party in parties:
                _check(party, party.rec_name, kpp=party.kpp, ogrn=party.ogrn)

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('client_number')
        default.setdefault('source_reference')
        default.setdefault('key_events')
        default.setdefault('counterparty_history')
        default.setdefault('requisites_versions')
        return super().copy(parties, default=default)

    # --- Client status contract (see doc/index.rst) ---

    @classmethod
    def update_client_status(cls, parties):
        """Recompute the client status of parties and write the changes

        The value comes from :meth:`_compute_client_status`; parties are
        grouped by new status and written in one call per status.
        """
        statuses = cls._compute_client_status(parties)
        to_write = {}
        for party in parties:
            status = statuses.get(party.id, party.client_status)
            if party.is_client and status != party.client_status:
                to_write.setdefault(status, []).append(party)
        args = []
        for status, records in to_write.items():
            args.extend((records, {'client_status': status}))
        if args:
            cls.write(*args)
        return to_write

    @classmethod
    def _compute_client_status(cls, parties):
        "Return {party id: client status}; by default keep the current one"
        return {p.id: p.client_status for p in parties}

    # --- Counterparty and requisites on a date (spine API) ---

    @classmethod
    def get_counterparties(cls, clients, date=None):
        """Return {client id: counterparty} valid on date

        The counterparty is the party of the counterparty history of the
        client with the latest start date on or before date; the client
        itself when no history line applies.  One query over the history
        table per slice of ``IN_MAX`` clients.
        """
        pool = Pool()
        History = pool.get('ric.party.counterparty')
        Date = pool.get('ir.date')
        history = History.__table__()
        cursor = Transaction().connection.cursor()
        if date is None:
            date = Date.today()
        clients = list(clients)
        found = {}
        for sub_clients in grouped_slice([c.id for c in clients], _IN_MAX):
            cursor.execute(*history.select(
                    history.client, history.counterparty,
                    history.start_date,
                    where=reduce_ids(history.client, list(sub_clients))
                    & (history.start_date <= date),
                    order_by=[history.client, history.start_date.asc,
                        history.id.asc]))
            for client_id, counterparty_id, _ in cursor:
                # the last line of each client is the one valid on date
                found[client_id] = counterparty_id
        return {c.id: cls(found[c.id]) if c.id in found else c
            for c in clients}

    @classmethod
    def get_requisites(cls, clients, date=None):
        """Return {client id: Requisites} of the counterparty on date

        The snapshot comes from the requisites version of the counterparty
        with the latest start date on or before date (the earliest version
        for an earlier date); from the current data of the counterparty when
        it has no version.
        """
        pool = Pool()
        Version = pool.get('ric.party.requisites')
        Date = pool.get('ir.date')
        version = Version.__table__()
        cursor = Transaction().connection.cursor()
        if date is None:
            date = Date.today()
        counterparties = cls.get_counterparties(clients, date)
        party_ids = sorted({p.id for p in counterparties.values()})
        versions = {}
        for sub_ids in grouped_slice(party_ids, _IN_MAX):
            cursor.execute(*version.select(
                    version.id, version.party,
                    Coalesce(version.start_date, dt.date.min),
                    where=reduce_ids(version.party, list(sub_ids)),
                    order_by=[version.party,
                        Coalesce(version.start_date, dt.date.min).asc,
                        version.id.asc]))
            for version_id, party_id, start_date in cursor:
                if isinstance(start_date, str):  # SQLite
                    start_date = dt.date.fromisoformat(start_date)
                if party_id not in versions or start_date <= date:
                    versions[party_id] = version_id
        snapshots = {}
        for version in Version.browse(list(versions.values())):
            snapshots[version.party.id] = version.snapshot()
        live = cls.browse([i for i in party_ids if i not in snapshots])
        for party in live:
            snapshots[party.id] = party.requisites_snapshot()
        return {client_id: snapshots[counterparty.id]
            for client_id, counterparty in counterparties.items()}

    @property
    def main_bank_account(self):
        for account in self.ric_bank_accounts:
            if account.active:
                return account

    def requisites_snapshot(self, start_date=None):
        "Return the current requisites of the party as a Requisites"
        account = self.main_bank_account
        return Requisites(
            party=self.id,
            name=self.full_name or self.name,
            inn=self.inn,
            kpp=self.kpp,
            ogrn=self.ogrn,
            legal_address=(self.legal_address.full_address
                if self.legal_address else None),
            postal_address=(self.postal_address.full_address
                if self.postal_address else None),
            bank_name=account.bank_name if account else None,
            bik=account.bik if account else None,
            correspondent_account=(
                account.correspondent_account if account else None),
            bank_account=account.number if account else None,
            start_date=start_date)

    def requisites_values(self):
        "Return the values of a requisites version from the current data"
        snapshot = self.requisites_snapshot()
        values = snapshot._asdict()
        del values['party'], values['start_date']
        return values

    @classmethod
    def change_requisites(cls, parties, date, values):
        """Record that the requisites of parties change from date

        The current requisites are kept as a version starting at the
        previous change (or since always), then values are written on the
        parties and a version starting at date is recorded.
        """
        pool = Pool()
        Version = pool.get('ric.party.requisites')
        to_create = []
        for party in parties:
            if not party.requisites_versions:
                to_create.append(
                    {'party': party.id, **party.requisites_values()})
        if to_create:
            Version.create(to_create)
        if values:
            cls.write(list(parties), values)
        to_create = []
        for party in cls.browse(parties):
            to_create.append({
                    'party': party.id, 'start_date': date,
                    **party.requisites_values()})
        return Version.create(to_create)

    @classmethod
    def get_responsibles(cls, parties, direction=None, date=None):
        """Return {party id: [employee, …]} responsible on date

        direction is a ric.activity.direction record, its code or None for
        every direction.
        """
        pool = Pool()
        Responsible = pool.get('ric.party.responsible')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        domain = [
            ('party', 'in', [p.id for p in parties]),
            ['OR', ('date_from', '=', None), ('date_from', '<=', date)],
            ['OR', ('date_to', '=', None), ('date_to', '>=', date)],
            ]
        if isinstance(direction, str):
            domain.append(('direction.code', '=', direction))
        elif direction:
            domain.append(('direction', '=', direction.id))
        result = {p.id: [] for p in parties}
        for line in Responsible.search(domain, order=[('id', 'ASC')]):
            result[line.party.id].append(line.employee)
        return result


class CounterpartyHistory(ModelSQL, ModelView):
    "Counterparty History"
    __name__ = 'ric.party.counterparty'
    client = fields.Many2One(
        'party.party', "Client", required=True, ondelete='CASCADE')
    counterparty = fields.Many2One(
        'party.party', "Counterparty", required=True, ondelete='RESTRICT',
        help="The legal person that pays for the client from the date.")
    start_date = fields.Date("Start Date", required=True)
    reference = fields.Char(
        "Reference",
        help="The additional agreement that changes the counterparty.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('client_date_unique', Unique(t, t.client, t.start_date),
                'ric_party.msg_counterparty_date_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.client, Index.Range()), (t.start_date, Index.Range())))
        cls._order.insert(0, ('start_date', 'DESC'))
        cls.__access__.add('client')


class RequisitesVersion(ModelSQL, ModelView):
    "Requisites Version"
    __name__ = 'ric.party.requisites'
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')
    start_date = fields.Date(
        "Start Date",
        help="Leave empty for the requisites valid since always.")
    name = fields.Char("Name", required=True)
    inn = fields.Char("INN")
    kpp = fields.Char("KPP")
    ogrn = fields.Char("OGRN")
    legal_address = fields.Text("Legal Address")
    postal_address = fields.Text("Postal Address")
    bank_name = fields.Char("Bank")
    bik = fields.Char("BIK")
    correspondent_account = fields.Char("Correspondent Account")
    bank_account = fields.Char("Settlement Account")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_date_unique', Unique(t, t.party, t.start_date),
                'ric_party.msg_requisites_date_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.party, Index.Range())))
        cls._order.insert(0, ('start_date', 'DESC NULLS LAST'))
        cls.__access__.add('party')

    @classmethod
    def validate_fields(cls, versions, field_names):
        super().validate_fields(versions, field_names)
        for version in versions:
            _check(version, version.name, inn=version.inn, kpp=version.kpp,
                ogrn=version.ogrn, bik=version.bik,
                account=version.bank_account,
                correspondent_account=version.correspondent_account)

    def snapshot(self):
        return Requisites(
            party=self.party.id, name=self.name, inn=self.inn, kpp=self.kpp,
            ogrn=self.ogrn, legal_address=self.legal_address,
            postal_address=self.postal_address, bank_name=self.bank_name,
            bik=self.bik, correspondent_account=self.correspondent_account,
            bank_account=self.bank_account, start_date=self.start_date)


class BankAccount(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Russian Bank Account"
    __name__ = 'ric.party.bank_account'
    _rec_name = 'number'
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')
    bank_name = fields.Char("Bank", required=True)
    bik = fields.Char("BIK", required=True, size=9)
    correspondent_account = fields.Char("Correspondent Account", size=20)
    number = fields.Char("Settlement Account", required=True, size=20)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('party')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in ['bik', 'correspondent_account', 'number']:
            if values.get(name):
                values[name] = ru.compact(values[name])
        return values

    @classmethod
    def validate_fields(cls, accounts, field_names):
        super().validate_fields(accounts, field_names)
        for account in accounts:
            _check(account, account.party.rec_name, bik=account.bik,
                account=account.number,
                correspondent_account=account.correspondent_account)


class Responsible(ModelSQL, ModelView):
    "Client Responsible"
    __name__ = 'ric.party.responsible'
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='CASCADE')
    direction = fields.Many2One(
        'ric.activity.direction', "Activity Direction", required=True,
        ondelete='RESTRICT')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='RESTRICT')
    department = fields.Function(
        fields.Many2One('ric.department', "Department"), 'get_department')
    date_from = fields.Date(
        "Date From",
        domain=[If(Eval('date_from') & Eval('date_to'),
                ('date_from', '<=', Eval('date_to', None)), ())])
    date_to = fields.Date(
        "Date To",
        domain=[If(Eval('date_from') & Eval('date_to'),
                ('date_to', '>=', Eval('date_from', None)), ())])
    current = fields.Function(
        fields.Boolean("Current"), 'get_current', searcher='search_current')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.employee, Index.Range())),
                })
        cls._order = [
            ('date_to', 'DESC NULLS FIRST'), ('date_from', 'DESC NULLS LAST'),
            ('id', 'DESC')]
        cls.__access__.add('party')

    @classmethod
    def default_date_from(cls):
        return Pool().get('ir.date').today()

    def get_department(self, name):
        if self.employee.department:
            return self.employee.department.id

    def get_current(self, name):
        today = Pool().get('ir.date').today()
        return ((not self.date_from or self.date_from <= today)
            and (not self.date_to or self.date_to >= today))

    @classmethod
    def search_current(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        domain = [
            ['OR', ('date_from', '=', None), ('date_from', '<=', today)],
            ['OR', ('date_to', '=', None), ('date_to', '>=', today)],
            ]
        if (operator == '=') != bool(value):
            domain = ['OR',
                ('date_from', '>', today), ('date_to', '<', today)]
        return domain

    @classmethod
    def create(cls, vlist):
        "Close the current line of the same direction when a new one starts"
        records = super().create(vlist)
        cls._close_previous(records)
        return records

    @classmethod
    def _close_previous(cls, records):
        records = [r for r in records if r.date_from]
        if not records:
            return
        # the open lines of the same parties, read once for all records
        open_lines = defaultdict(list)
        for line in cls.search([
                    ('party', 'in', list({r.party.id for r in records})),
                    ('date_to', '=', None),
                    ]):
            open_lines[line.party.id, line.direction.id].append(line)
        to_write = []
        for record in records:
            previous = [line for line in open_lines[
                    record.party.id, record.direction.id]
                if line.id != record.id and line.date_from
                and line.date_from < record.date_from]
            if previous:
                to_write.extend((previous, {
                            'date_to': record.date_from - dt.timedelta(1)}))
        if to_write:
            cls.write(*to_write)


class KeyEvent(ModelSQL, ModelView):
    "Key Event"
    __name__ = 'ric.party.key_event'
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    name = fields.Char("Event", required=True)
    employee = fields.Many2One('company.employee', "Employee")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls.__access__.add('party')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()


class Address(metaclass=PoolMeta):
    __name__ = 'party.address'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.party, Index.Range())))


class PartyReplace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('ric.party.responsible', 'party'),
            ('ric.party.key_event', 'party'),
            ('ric.party.bank_account', 'party'),
            ('ric.party.contact', 'party'),
            ('ric.party.counterparty', 'client'),
            ('ric.party.counterparty', 'counterparty'),
            ]
