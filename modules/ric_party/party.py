# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict, namedtuple

from sql import Literal, Null
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, DictSchemaMixin, Index, ModelSQL, ModelView, Unique,
    fields, tree)
from trytond.modules.ric_base import requisites as ru
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import RequisitesValidationError

#: the size of the slices of ids of the queries
_IN_MAX = backend.MAX_QUERY_PARAMS // 2
#: the party.identifier types of the requisites typed on the client card
REQUISITE_TYPES = {
    'inn': 'ru_vat',
    'kpp': 'ru_kpp',
    'ogrn': 'ru_ogrn',
    }
#: {identifier type: (field of the requisite, valid lengths)}
REQUISITE_LENGTHS = {
    'ru_vat': ('inn', (10, 12)),
    'ru_kpp': ('kpp', (9,)),
    'ru_ogrn': ('ogrn', (13, 15)),
    }
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
#: returned by :meth:`Party.get_requisites`: ``party`` and
#: ``bank_account`` are ids (of party.party and bank.account), the others
#: the texts printed on documents.
Requisites = namedtuple('Requisites', [
        'party', 'name', 'inn', 'kpp', 'ogrn', 'legal_address',
        'postal_address', 'bank_account', 'bank_name', 'bik',
        'correspondent_account', 'settlement_account', 'start_date'])


def _check(record, name, inn=None, kpp=None, ogrn=None, bik=None,
        account=None, correspondent_account=None):
    try:
        ru.check_requisites(
            inn=inn, kpp=kpp, ogrn=ogrn, bik=bik, account=account,
            correspondent_account=correspondent_account, record=name)
    except ru.RequisiteError as exception:
        raise RequisitesValidationError(str(exception)) from exception


def _light_definition(definition):
    "Return the field definition with nested views without relation_fields"
    views = definition.get('views')
    if not views:
        return definition
    definition = dict(definition)
    definition['views'] = {key: dict(view, fields={
                name: {k: v for k, v in field.items()
                    if k != 'relation_fields'}
                for name, field in view['fields'].items()})
        for key, view in views.items()}
    return definition


def check_identifier_code(type_, code, party, Party):
    """Raise RequisitesValidationError when code is not a valid requisite
    of type_ (see REQUISITE_LENGTHS), saying why and naming party"""
    if type_ not in REQUISITE_LENGTHS or not code:
        return
    name, lengths = REQUISITE_LENGTHS[type_]
    label = Party.fields_get([name])[name]['string']
    compact = ru.compact(code)
    values = {'requisite': label, 'code': code, 'party': party}
    if len(compact) not in lengths:
        raise RequisitesValidationError(gettext(
                'ric_party.msg_requisite_length', length=len(compact),
                lengths=' / '.join(map(str, lengths)), **values))
    if type_ == 'ru_kpp':
        if not ru.is_valid_kpp(compact):
            raise RequisitesValidationError(gettext(
                    'ric_party.msg_requisite_kpp_format', **values))
        return
    if not compact.isdigit():
        raise RequisitesValidationError(gettext(
                'ric_party.msg_requisite_digits', **values))
    valid = ru.is_valid_inn if type_ == 'ru_vat' else ru.is_valid_ogrn_any
    if not valid(compact):
        raise RequisitesValidationError(gettext(
                'ric_party.msg_requisite_control', **values))


class Industry(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Industry"
    __name__ = 'ric.party.industry'
    __string__ = "Industry"
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
    __string__ = "Source of Client Data"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")


class Attribute(DictSchemaMixin, ModelSQL, ModelView):
    "Client Attribute"
    __name__ = 'ric.party.attribute'
    __string__ = "Client Attribute"


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

    # Requisites: typed on the card, stored as party identifiers
    inn = fields.Function(fields.Char(
            "INN",
            help="The taxpayer number: 10 digits for an organisation, 12 for "
            "an individual."),
        'get_requisite_codes', setter='set_requisite_codes',
        searcher='search_requisite_code')
    kpp = fields.Function(fields.Char(
            "KPP", help="The tax registration reason code (9 characters)."),
        'get_requisite_codes', setter='set_requisite_codes',
        searcher='search_requisite_code')
    ogrn = fields.Function(fields.Char(
            "OGRN",
            help="The state registration number: 13 digits (OGRN) or 15 "
            "for an individual entrepreneur (OGRNIP)."),
        'get_requisite_codes', setter='set_requisite_codes',
        searcher='search_requisite_code')
    legal_address = fields.Many2One(
        'party.address', "Legal Address", ondelete='SET NULL',
        domain=[('party', '=', Eval('id', -1))])
    postal_address = fields.Many2One(
        'party.address', "Postal Address", ondelete='SET NULL',
        domain=[('party', '=', Eval('id', -1))])
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
                # the expression a search of the name by fragment filters
                # on (Char._domain_column: unaccented, NULL as ''), so that
                # the search of clients uses the trigram index
                Index(t, (Index.Unaccent(Coalesce(t.name, '')),
                        Index.Similarity())),
                })
        # one number on the card: the client number of the clients, the
        # code of the other parties
        cls.code.states = dict(cls.code.states,
            invisible=Bool(Eval('is_client')))

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        table_h = cls.__table_handler__(module)
        # Migration: the KPP and the OGRN were columns of the party, they
        # are identifiers now
        columns = [n for n in ['kpp', 'ogrn'] if table_h.column_exist(n)]
        super().__register__(module)
        if not columns:
            return
        table = cls.__table__()
        identifier = Identifier.__table__()
        cursor = Transaction().connection.cursor()
        for name in columns:
            type_ = REQUISITE_TYPES[name]
            column = getattr(table, name)
            existing = identifier.select(identifier.party,
                where=identifier.type == type_)
            cursor.execute(*identifier.insert(
                    [identifier.party, identifier.type, identifier.code,
                        identifier.code_compact, identifier.active,
                        identifier.create_uid, identifier.create_date],
                    table.select(table.id, Literal(type_), column, column,
                        Literal(True), Literal(0), CurrentTimestamp(),
                        where=(column != Null) & (column != '')
                        & ~table.id.in_(existing))))
            table_h.drop_column(name)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/form/notebook/page[@id="%s"]' % page, 'states', {
                    'invisible': ~Eval('is_client'),
                    })
            for page in ['ric_client', 'ric_segments', 'ric_documents']] + [
            ('/form/notebook/page[@name="%s"]' % page, 'states', {
                    'invisible': ~Eval('is_client'),
                    })
            for page in ['key_events', 'ric_responsibles']] + [
            ]

    @classmethod
    def parse_view(cls, tree, type, *args, **kwargs):
        """Remove the pages of the groups the user is not in and keep the
        nested list views of the form small

        The definition of a form is cached per groups of users
        (``fields_view_get``), so the pages are removed on the server.
        The fields of the nested views lose the ``relation_fields`` (the
        definition of every field of the target of their many-to-one,
        used only by the search bar of a list, which a nested list has
        not): on the client card they were most of its size."""
        if type == 'form':
            cls._remove_group_pages(tree)
        arch, fields_ = super().parse_view(tree, type, *args, **kwargs)
        if type == 'form':
            fields_ = {name: _light_definition(definition)
                for name, definition in fields_.items()}
        return arch, fields_

    #: {xpath of a page: [xml ids of the groups that see it]}
    _group_pages = {
        '/form/notebook/page[@id="accounting"]': [
            'account.group_account', 'ric_base.group_ric_accountant'],
        '/form/notebook/page[@id="stock"]': ['stock.group_stock_admin'],
        '/form/notebook/page[@id="sale"]': ['sale.group_sale_admin'],
        '/form/notebook/page[@id="relations"]': [
            'ric_base.group_ric_admin', 'ric_base.group_ric_manager',
            'party.group_party_admin'],
        '/form/notebook/page[@name="identifiers"]': [
            'ric_base.group_ric_admin', 'party.group_party_admin'],
        }

    @classmethod
    def _remove_group_pages(cls, tree):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        # by the groups only, the root user too: trytond caches the view
        # by the groups of the user (root shares it with a user without)
        groups = set(User.get_groups())
        for xpath, xml_ids in cls._group_pages.items():
            allowed = set()
            for xml_id in xml_ids:
                try:
                    allowed.add(ModelData.get_id(*xml_id.split('.')))
                except KeyError:
                    pass
            if allowed & groups:
                continue
            for element in tree.xpath(xpath):
                element.getparent().remove(element)

    @classmethod
    def default_lang(cls, **pattern):
        "Russian when the configuration gives no language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = super().default_lang(**pattern)
        if lang is None:
            # Lang.get keeps the id of a code in a cache: the default is
            # computed for each party read (party.lang is a MultiValue),
            # a search here cost a query per client of a list
            lang = Lang.get('ru').id
        return lang

    @classmethod
    def create(cls, vlist):
        "Number the new clients without a number, all in one call"
        vlist = [v.copy() for v in vlist]
        is_client = cls.default_is_client()
        missing = [v for v in vlist if v.get('is_client', is_client)
            and not v.get('client_number')]
        if missing:
            for values, number in zip(
                    missing, cls._new_client_numbers(len(missing))):
                values['client_number'] = number
        return super().create(vlist)

    @classmethod
    def _new_client_numbers(cls, count):
        Configuration = Pool().get('ric.party.configuration')
        return Configuration(1).get_client_numbers(count)

    @classmethod
    def write(cls, *args):
        super().write(*args)
        # a party that becomes a client gets its number
        actions = iter(args)
        ids = set()
        for records, values in zip(actions, actions):
            if values.get('is_client') and not values.get('client_number'):
                ids.update(r.id for r in records)
        if ids:
            parties = cls.search([
                    ('id', 'in', list(ids)),
                    ('client_number', '=', None),
                    ], order=[('id', 'ASC')])
            if parties:
                numbers = cls._new_client_numbers(len(parties))
                to_write = []
                for party, number in zip(parties, numbers):
                    to_write.extend(([party], {'client_number': number}))
                super().write(*to_write)

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

    @classmethod
    def get_requisite_codes(cls, parties, names):
        """Return {name: {party id: code}} of the INN, KPP and OGRN

        The code is the compact code of the first active identifier of the
        type of the requisite (see REQUISITE_TYPES); one query per slice of
        parties for all the names."""
        pool = Pool()
        Identifier = pool.get('party.identifier')
        identifier = Identifier.__table__()
        cursor = Transaction().connection.cursor()
        in_ = fields.SQL_OPERATORS['in']
        types = {REQUISITE_TYPES[n]: n for n in names}
        result = {n: {p.id: None for p in parties} for n in names}
        for sub_ids in grouped_slice([p.id for p in parties], _IN_MAX):
            cursor.execute(*identifier.select(
                    identifier.party, identifier.type,
                    Coalesce(identifier.code_compact, identifier.code),
                    where=in_(identifier.party, list(sub_ids))
                    & identifier.type.in_(list(types))
                    & (identifier.active == True),  # noqa: E712
                    order_by=[identifier.sequence.desc.nulls_last,
                        identifier.id.desc]))
            # the last row of a party and type is the first identifier
            for party_id, type_, code in cursor:
                result[types[type_]][party_id] = code
        return result

    @classmethod
    def set_requisite_codes(cls, parties, name, value, *args):
        """Store the requisite name of parties as their identifier

        The first active identifier of the type is changed (or deleted
        when value is empty), one is created when the party has none; the
        identifier checks the code and names the party when it is wrong.
        args are more (parties, value) pairs; one search, delete, write
        and create for all."""
        pool = Pool()
        Identifier = pool.get('party.identifier')
        type_ = REQUISITE_TYPES[name]
        actions = iter((parties, value) + args)
        wanted = {}
        for records, value in zip(actions, actions):
            value = ru.compact(value) if value else None
            for party in records:
                wanted[party.id] = value
        existing = {}
        for sub_ids in grouped_slice(list(wanted), _IN_MAX):
            for identifier in Identifier.search([
                        ('party', 'in', list(sub_ids)),
                        ('type', '=', type_),
                        ], order=[('sequence', 'DESC NULLS LAST'),
                        ('id', 'DESC')]):
                existing[identifier.party.id] = identifier
        to_create, to_delete = [], []
        to_write = defaultdict(list)
        for party_id, value in wanted.items():
            identifier = existing.get(party_id)
            if not value:
                if identifier:
                    to_delete.append(identifier)
            elif identifier:
                if (identifier.code_compact or identifier.code) != value:
                    to_write[value].append(identifier)
            else:
                to_create.append(
                    {'party': party_id, 'type': type_, 'code': value})
        if to_delete:
            Identifier.delete(to_delete)
        if to_write:
            Identifier.write(*[x for value, identifiers in to_write.items()
                    for x in (identifiers, {'code': value})])
        if to_create:
            Identifier.create(to_create)

    @classmethod
    def search_requisite_code(cls, name, clause):
        _, operator, value, *extra = clause
        if isinstance(value, str) and operator in {'=', '!='}:
            value = ru.compact(value)
        return [('identifiers', 'where', [
                    ('type', '=', REQUISITE_TYPES[name]),
                    ('code_compact', operator, value, *extra),
                    ])]

    @classmethod
    def get_counterparty(cls, parties, name):
        clients = [p for p in parties if p.is_client]
        counterparties = cls.get_counterparties(clients, None)
        return {p.id: counterparties[p.id].id if p.id in counterparties
            else None for p in parties}

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

        clients are records or ids.  The counterparty (a party.party record)
        is the party of the counterparty history of the client with the
        latest start date on or before date (today by default); the client
        itself when no history line applies.  One query over the history
        table per slice of ``_IN_MAX`` clients.
        """
        pool = Pool()
        History = pool.get('ric.party.counterparty')
        Date = pool.get('ir.date')
        history = History.__table__()
        cursor = Transaction().connection.cursor()
        in_ = fields.SQL_OPERATORS['in']
        if date is None:
            date = Date.today()
        client_ids = list(dict.fromkeys(int(c) for c in clients))
        found = {}
        for sub_ids in grouped_slice(client_ids, _IN_MAX):
            cursor.execute(*history.select(
                    history.client, history.counterparty,
                    where=in_(history.client, list(sub_ids))
                    & (history.start_date <= date),
                    order_by=[history.client, history.start_date.asc,
                        history.id.asc]))
            for client_id, counterparty_id in cursor:
                # the last line of each client is the one valid on date
                found[client_id] = counterparty_id
        return {c: cls(found.get(c, c)) for c in client_ids}

    @classmethod
    def get_requisites(cls, clients, date=None):
        """Return {client id: Requisites} of the counterparty on date

        clients are records or ids.  The snapshot comes from the requisites
        version of the counterparty with the latest start date on or before
        date (the earliest version for an earlier date); from the current
        data of the counterparty when it has no version (see
        :meth:`_requisites_snapshots`).  A constant number of queries per
        slice of ``_IN_MAX`` clients.
        """
        pool = Pool()
        Version = pool.get('ric.party.requisites')
        Date = pool.get('ir.date')
        version = Version.__table__()
        cursor = Transaction().connection.cursor()
        in_ = fields.SQL_OPERATORS['in']
        if date is None:
            date = Date.today()
        counterparties = cls.get_counterparties(clients, date)
        party_ids = sorted({p.id for p in counterparties.values()})
        snapshots = {}
        columns = [getattr(version, f) for f in Requisites._fields
            if f not in {'party', 'start_date'}]
        for sub_ids in grouped_slice(party_ids, _IN_MAX):
            cursor.execute(*version.select(
                    version.party, version.start_date, *columns,
                    where=in_(version.party, list(sub_ids)),
                    order_by=[version.party,
                        Coalesce(version.start_date, dt.date.min).asc,
                        version.id.asc]))
            for party_id, start_date, *values in cursor:
                if isinstance(start_date, str):  # SQLite
                    start_date = dt.date.fromisoformat(start_date)
                if (party_id not in snapshots
                        or start_date is None or start_date <= date):
                    snapshots[party_id] = Requisites(
                        party_id, *values, start_date)
        snapshots.update(cls._requisites_snapshots(
                cls.browse([i for i in party_ids if i not in snapshots])))
        return {client_id: snapshots[counterparty.id]
            for client_id, counterparty in counterparties.items()}

    @classmethod
    def _main_bank_accounts(cls, parties):
        """Return {party id: (bank account id, bank name, BIK, correspondent
        account, settlement account)} of the main bank account of parties

        The main account is the first active account of the party in the
        order of Tryton (owners sequence, then id); its number is the first
        active number of type ``ru_account`` (any active number otherwise).
        One query per slice of ``_IN_MAX`` parties.
        """
        pool = Pool()
        Owner = pool.get('bank.account-party.party')
        Account = pool.get('bank.account')
        Number = pool.get('bank.account.number')
        Bank = pool.get('bank')
        owner = Owner.__table__()
        account = Account.__table__()
        number = Number.__table__()
        bank = Bank.__table__()
        bank_party = cls.__table__()
        cursor = Transaction().connection.cursor()
        in_ = fields.SQL_OPERATORS['in']
        query_from = (owner
            .join(account, condition=(account.id == owner.account)
                & (account.active == True))  # noqa: E712
            .join(bank, 'LEFT', condition=bank.id == account.bank)
            .join(bank_party, 'LEFT', condition=bank_party.id == bank.party)
            .join(number, 'LEFT', condition=(number.account == account.id)
                & (number.active == True)))  # noqa: E712
        best = {}
        for sub_ids in grouped_slice([int(p) for p in parties], _IN_MAX):
            cursor.execute(*query_from.select(
                    owner.owner, account.id, account.owners_sequence,
                    number.id, number.sequence, number.type, number.number,
                    bank_party.name, bank.bik, bank.correspondent_account,
                    where=in_(owner.owner, list(sub_ids))))
            for (party_id, account_id, owners_sequence, number_id, sequence,
                    type_, number_, bank_name, bik, correspondent) in cursor:
                key = (
                    owners_sequence is not None, owners_sequence or 0,
                    account_id, number_id is None, type_ != 'ru_account',
                    sequence is not None, sequence or 0, number_id or 0)
                if party_id not in best or key < best[party_id][0]:
                    best[party_id] = (key, (
                            account_id, bank_name, bik, correspondent,
                            number_))
        return {p: best[p][1] if p in best else (None,) * 5
            for p in (int(p) for p in parties)}

    @property
    def main_bank_account(self):
        "The bank.account printed on the documents of the party"
        Account = Pool().get('bank.account')
        account_id = self._main_bank_accounts([self])[self.id][0]
        return Account(account_id) if account_id is not None else None

    @classmethod
    def _requisites_snapshots(cls, parties, start_date=None):
        "Return {party id: Requisites} from the current data of parties"
        accounts = cls._main_bank_accounts(parties)
        return {party.id: Requisites(
                party.id, party.full_name or party.name, party.inn,
                party.kpp, party.ogrn,
                party.legal_address.full_address
                if party.legal_address else None,
                party.postal_address.full_address
                if party.postal_address else None,
                *accounts[party.id], start_date)
            for party in parties}

    def requisites_snapshot(self, start_date=None):
        "Return the current requisites of the party as a Requisites"
        return self._requisites_snapshots([self], start_date)[self.id]

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
        parties = cls.browse([int(p) for p in parties])
        to_create = [s._asdict() for s in cls._requisites_snapshots(
                [p for p in parties if not p.requisites_versions]).values()]
        if to_create:
            Version.create(to_create)
        if values:
            cls.write(list(parties), values)
        to_create = [s._asdict() for s in cls._requisites_snapshots(
                cls.browse([p.id for p in parties]), date).values()]
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
    __string__ = "Counterparty History"
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
    __string__ = "Requisites Version"
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
    bank_account = fields.Many2One(
        'bank.account', "Bank Account", ondelete='RESTRICT',
        help="The bank account of the party the bank texts come from "
        "(the account may be closed or no longer linked to the party "
        "since).")
    bank_name = fields.Char("Bank")
    bik = fields.Char("BIK")
    correspondent_account = fields.Char("Correspondent Account")
    settlement_account = fields.Char(
        "Settlement Account",
        help="The number of the bank account as printed on the documents.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_date_unique', Unique(t, t.party, t.start_date),
                'ric_party.msg_requisites_date_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.bank_account, Index.Range()),
                    where=t.bank_account != Null),
                })
        cls._order.insert(0, ('start_date', 'DESC NULLS LAST'))
        cls.__access__.add('party')

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        # Migration from the bank accounts of the module: the number was
        # stored in bank_account, which now points at bank.account
        if (table_h.column_exist('bank_account')
                and not table_h.column_exist('settlement_account')):
            table_h.column_rename('bank_account', 'settlement_account')
        super().__register__(module)

    @fields.depends('bank_account')
    def on_change_bank_account(self):
        if self.bank_account:
            bank = self.bank_account.bank
            self.bank_name = bank.party.name if bank else None
            self.bik = bank.bik if bank else None
            self.correspondent_account = (
                bank.correspondent_account if bank else None)
            self.settlement_account = self.bank_account.ru_number

    @classmethod
    def validate_fields(cls, versions, field_names):
        super().validate_fields(versions, field_names)
        for version in versions:
            _check(version, version.name, inn=version.inn, kpp=version.kpp,
                ogrn=version.ogrn, bik=version.bik,
                account=version.settlement_account,
                correspondent_account=version.correspondent_account)

    def snapshot(self):
        return Requisites(
            party=self.party.id, name=self.name, inn=self.inn, kpp=self.kpp,
            ogrn=self.ogrn, legal_address=self.legal_address,
            postal_address=self.postal_address,
            bank_account=self.bank_account.id if self.bank_account else None,
            bank_name=self.bank_name, bik=self.bik,
            correspondent_account=self.correspondent_account,
            settlement_account=self.settlement_account,
            start_date=self.start_date)


class Responsible(ModelSQL, ModelView):
    "Client Responsible"
    __name__ = 'ric.party.responsible'
    __string__ = "Client Responsible"
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

    @classmethod
    def get_department(cls, lines, name):
        return {l.id: l.employee.department.id
            if l.employee.department else None for l in lines}

    @classmethod
    def get_current(cls, lines, name):
        today = Pool().get('ir.date').today()
        return {l.id: ((not l.date_from or l.date_from <= today)
                and (not l.date_to or l.date_to >= today)) for l in lines}

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
    __string__ = "Key Event"
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


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the search of a party by fragment looks in the compact codes
        cls._sql_indexes.add(Index(t, (t.code_compact, Index.Similarity())))

    def pre_validate(self):
        # before the generic check of Tryton, which does not say why
        check_identifier_code(self.type, self.code,
            self.party.rec_name if self.party and self.party.id
            and self.party.id > 0 else '',
            Pool().get('party.party'))
        super().pre_validate()

    @classmethod
    def validate_fields(cls, identifiers, field_names):
        "Check the INN, KPP and OGRN saying why they are wrong"
        Party = Pool().get('party.party')
        if not field_names or {'type', 'code'} & field_names:
            for identifier in identifiers:
                check_identifier_code(identifier.type, identifier.code,
                    identifier.party.rec_name if identifier.party else '',
                    Party)
        super().validate_fields(identifiers, field_names)


class PartyReplace(metaclass=PoolMeta):
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('ric.party.responsible', 'party'),
            ('ric.party.key_event', 'party'),
            ('ric.party.contact', 'party'),
            ('ric.party.counterparty', 'client'),
            ('ric.party.counterparty', 'counterparty'),
            ]
