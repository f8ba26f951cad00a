# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Primary documents of the billing: types, strict numbers, return control"""
import datetime as dt
import re
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Count, Max, Min

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.ric_base import batch
from trytond.modules.ric_base import tools as ric_tools
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id, If, PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import DocumentSequenceError

#: the document types (codes) printed for each document set of an invoice
DOCUMENT_SETS = {
    'invoice_act': ('payment_invoice', 'act'),
    'invoice_act_vat': ('payment_invoice', 'act', 'vat_invoice'),
    'upd_1': ('payment_invoice', 'upd'),
    'upd_2': ('payment_invoice', 'upd'),
    }

#: the printed barcode of a document: this prefix and its id on 10 digits
BARCODE_PREFIX = 'RB'
_BARCODE = re.compile(r'^%s(\d{1,12})$' % BARCODE_PREFIX)


def barcode(document_id):
    "Return the barcode text of the document of id"
    return '%s%010d' % (BARCODE_PREFIX, document_id)


def parse_barcode(code):
    "Return the document id of a barcode text or None"
    match = _BARCODE.match((code or '').strip().upper())
    if match:
        return int(match.group(1))


def end_of_month(date):
    return (date.replace(day=1) + dt.timedelta(days=32)).replace(
        day=1) - dt.timedelta(days=1)


def planned_return_date(date, period, days=0, working_days=False,
        exceptions=None):
    """Return the date a document of date must be returned by

    period is None (not returned), 'days' (days after date) or
    'end_of_month' (the last day of the month of date, then days more);
    with working_days the days are working days of the production
    calendar (exceptions: {date: working}) and the end of the month is its
    last working day."""
    if not period or date is None:
        return None
    days = days or 0
    if period == 'days':
        if working_days:
            return ric_tools.add_working_days(date, days, exceptions)
        return date + dt.timedelta(days=days)
    elif period == 'end_of_month':
        end = end_of_month(date)
        if working_days:
            end = ric_tools.add_working_days(
                end + dt.timedelta(days=1), -1, exceptions)
            if days:
                end = ric_tools.add_working_days(end, days, exceptions)
            return end
        return end + dt.timedelta(days=days)
    raise ValueError(period)


class DocumentType(DeactivableMixin, ModelSQL, ModelView):
    "Billing Document Type"
    __name__ = 'ric.billing.document.type'
    __string__ = "Billing Document Type"

    code = fields.Char("Code", required=True,
        help="The code the billing and the printed forms know the type by.")
    name = fields.Char("Name", required=True, translate=True)
    sequence = fields.Integer("Sequence")
    return_period = fields.Selection([
            (None, "Not Returned"),
            ('days', "Days after the Document Date"),
            ('end_of_month', "End of the Month"),
            ], "Return Period",
        help="When the signed copy of the document must be back.")
    return_days = fields.Integer("Return Days",
        domain=[If(Eval('return_days'), ('return_days', '>=', 0), ())],
        states={'invisible': ~Eval('return_period')},
        help="The days after the document date, or after the end of the "
        "month.")
    working_days = fields.Boolean("Working Days",
        states={'invisible': ~Eval('return_period')},
        help="Count working days of the production calendar; the end of "
        "the month is then its last working day.")
    number_prefix = fields.Char("Number Prefix",
        help="The prefix of the numbering sequences created for the type.")
    sequences = fields.One2Many('ric.billing.document.type.sequence', 'type',
        "Sequences")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ric_billing.msg_document_type_code_unique'),
            ]
        cls._order = [('sequence', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def default_return_days(cls):
        return 0

    @classmethod
    def default_working_days(cls):
        return False

    def get_planned_return_date(self, date, exceptions=None):
        return planned_return_date(date, self.return_period,
            self.return_days, self.working_days, exceptions)


class DocumentTypeSequence(ModelSQL, ModelView):
    "Billing Document Sequence"
    __name__ = 'ric.billing.document.type.sequence'
    __string__ = "Billing Document Sequence"

    type = fields.Many2One('ric.billing.document.type', "Type",
        required=True, ondelete='CASCADE')
    company = fields.Many2One('company.company', "Company", required=True)
    fiscalyear = fields.Many2One('account.fiscalyear', "Fiscal Year",
        required=True, ondelete='CASCADE',
        domain=[('company', '=', Eval('company', -1))])
    sequence = fields.Many2One('ir.sequence.strict', "Sequence",
        required=True,
        domain=[
            ('sequence_type', '=',
                Id('ric_billing', 'sequence_type_billing_document')),
            ('company', 'in', [Eval('company', -1), None]),
            ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('type_company_fiscalyear_unique',
                Unique(t, t.type, t.company, t.fiscalyear),
                'ric_billing.msg_document_sequence_unique'),
            ]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def get_sequences(cls, keys):
        """Return {(type id, company id, fiscal year id): ir.sequence.strict}

        The missing sequences are created (named after the type, the
        company and the fiscal year, with the type's number prefix).  Two
        queries and the creations whatever the number of keys."""
        pool = Pool()
        Sequence = pool.get('ir.sequence.strict')
        Type = pool.get('ric.billing.document.type')
        FiscalYear = pool.get('account.fiscalyear')
        ModelData = pool.get('ir.model.data')
        keys = set(keys)
        result = {}
        if not keys:
            return result
        domain = ['OR'] + [[
                ('type', '=', t), ('company', '=', c),
                ('fiscalyear', '=', f)]
            for t, c, f in sorted(keys)]
        for record in cls.search(domain):
            key = (record.type.id, record.company.id, record.fiscalyear.id)
            if key in keys:
                result[key] = record.sequence
        missing = sorted(keys - set(result))
        if missing:
            sequence_type = ModelData.get_id(
                'ric_billing', 'sequence_type_billing_document')
            types = {t.id: t for t in Type.browse({k[0] for k in missing})}
            fiscalyears = {f.id: f
                for f in FiscalYear.browse({k[2] for k in missing})}
            with Transaction().set_context(_check_access=False):
                sequences = Sequence.create([{
                            'name': '%s %s' % (
                                types[t].name, fiscalyears[f].name),
                            'sequence_type': sequence_type,
                            'company': c,
                            'prefix': types[t].number_prefix,
                            } for t, c, f in missing])
                cls.create([{
                            'type': t, 'company': c, 'fiscalyear': f,
                            'sequence': s.id,
                            } for (t, c, f), s in zip(missing, sequences)])
            result.update(zip(missing, sequences))
        return result


class Document(Workflow, ModelSQL, ModelView):
    "Billing Document"
    __name__ = 'ric.billing.document'
    __string__ = "Billing Document"

    _states = {'readonly': True}

    type = fields.Many2One('ric.billing.document.type', "Type",
        required=True, ondelete='RESTRICT', states=_states)
    number = fields.Char("Number", required=True, states=_states,
        help="The strict number of the type in the entity and fiscal year.")
    date = fields.Date("Date", required=True, states=_states)
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    fiscalyear = fields.Many2One('account.fiscalyear', "Fiscal Year",
        required=True, ondelete='RESTRICT', states=_states)
    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='RESTRICT', states=_states)
    party = fields.Many2One('party.party', "Counterparty", required=True,
        ondelete='RESTRICT', states=_states,
        help="The party of the invoice: the legal person paying for the "
        "client on the document date.")
    employee = fields.Many2One('company.employee', "Employee",
        ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))],
        help="The employee in charge of the client who brings the signed "
        "copy back.")
    origin = fields.Reference("Origin", selection='get_origin',
        required=True, states=_states)
    planned_return_date = fields.Date("Planned Return Date",
        states={'readonly': Eval('state') != 'issued'},
        help="The allowed return period of the type added to the date.")
    return_date = fields.Date("Return Date", states=_states)
    returned_by = fields.Many2One('res.user', "Returned by", states=_states)
    state = fields.Selection([
            ('issued', "Issued"),
            ('returned', "Returned"),
            ], "State", required=True, readonly=True, sort=False)
    barcode = fields.Function(fields.Char("Barcode"), 'get_barcode',
        searcher='search_barcode')
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_overdue',
        searcher='search_overdue')
    days_overdue = fields.Function(fields.Integer("Days Overdue"),
        'get_overdue')
    scanned = fields.Function(fields.Boolean("Scanned",
            help="A scanned copy is attached."), 'get_scanned',
        searcher='search_scanned')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # never twice: one document of a type per origin
            ('origin_type_unique', Unique(t, t.origin, t.type),
                'ric_billing.msg_document_origin_type_unique'),
            ('number_unique',
                Unique(t, t.company, t.type, t.fiscalyear, t.number),
                'ric_billing.msg_document_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.origin, Index.Equality())),
                # the return control reads the documents to return by date
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    (t.planned_return_date, Index.Range())),
                Index(t, (t.client, Index.Range())),
                Index(t, (t.employee, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('issued', 'returned'),
            ('returned', 'issued'),
            }
        cls._buttons.update({
                'cancel_return': {
                    'invisible': Eval('state') != 'returned',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'issued',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'issued'

    @classmethod
    def _get_origin(cls):
        "Return the models a document may be issued for"
        return ['account.invoice']

    @classmethod
    def get_origin(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._get_origin()]

    def get_rec_name(self, name):
        return '%s %s' % (self.type.rec_name, self.number)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, value),
            ('type.name', operator, value),
            ]

    def get_barcode(self, name):
        return barcode(self.id)

    @classmethod
    def search_barcode(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'}:
            return [('id', '=', -1)]
        values = value if operator == 'in' else [value]
        ids = [i for i in map(parse_barcode, values) if i is not None]
        return [('id', 'in', ids)]

    @staticmethod
    def _today():
        context = Transaction().context
        return context.get('date') or Pool().get('ir.date').today()

    @classmethod
    def get_overdue(cls, documents, names):
        """A document is overdue on the context's date (default today) when
        its planned return date is before it and it was not back by the
        planned date (still out, or returned late)"""
        today = cls._today()
        result = {n: {} for n in names}
        for document in documents:
            planned = document.planned_return_date
            end = today
            if document.return_date and document.return_date <= today:
                end = document.return_date
            late = planned is not None and planned < today and end > planned
            values = {
                'overdue': late,
                'days_overdue': (end - planned).days if late else None,
                }
            for name in names:
                result[name][document.id] = values[name]
        return result

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        today = cls._today()
        table = cls.__table__()
        query = table.select(table.id,
            where=(table.planned_return_date != Null)
            & (table.planned_return_date < today)
            & ((table.return_date == Null)
                | (table.return_date > table.planned_return_date)))
        if (operator == '=') == bool(value):
            return [('id', 'in', query)]
        return [('id', 'not in', query)]

    @classmethod
    def get_scanned(cls, documents, name):
        "Tell which documents have an attachment (one query per slice)"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachment = Attachment.__table__()
        cursor = Transaction().connection.cursor()
        result = dict.fromkeys(map(int, documents), False)
        resources = {'%s,%s' % (cls.__name__, d.id): d.id for d in documents}
        for sub in _slices(sorted(resources)):
            cursor.execute(*attachment.select(attachment.resource,
                    where=attachment.resource.in_(sub),
                    group_by=[attachment.resource]))
            for resource, in cursor:
                result[resources[resource]] = True
        return result

    @classmethod
    def search_scanned(cls, name, clause):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachment = Attachment.__table__()
        _, operator, value = clause[:3]
        query = attachment.select(attachment.resource,
            where=attachment.resource.like(cls.__name__ + ',%'))
        documents = [int(r.split(',')[1]) for r in _column(query)]
        if (operator == '=') == bool(value):
            return [('id', 'in', documents)]
        return [('id', 'not in', documents)]

    @classmethod
    def check_modification(cls, mode, documents, values=None,
            external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'delete':
            # strict numbering: an issued number is never given back
            for document in documents:
                raise AccessError(gettext(
                        'ric_billing.msg_document_delete',
                        document=document.rec_name))

    @classmethod
    @ModelView.button_action('ric_billing.wizard_document_return')
    def return_(cls, documents):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('issued')
    def cancel_return(cls, documents):
        cls.write(documents, {'return_date': None, 'returned_by': None})

    @classmethod
    def mark_returned(cls, documents, date=None):
        """Record the signed copies of documents back on date (default today)

        Documents already returned keep their return date.  Return the
        documents marked."""
        Date = Pool().get('ir.date')
        if date is None:
            date = Date.today()
        documents = [d for d in documents if d.state == 'issued']
        if documents:
            cls.write(documents, {
                    'state': 'returned',
                    'return_date': date,
                    'returned_by': Transaction().user,
                    })
        return documents

    @classmethod
    def resolve_codes(cls, codes):
        """Return (documents, unknown, ambiguous) of scanned or typed codes

        A code is a printed barcode (see :func:`barcode`) or a document
        number; a number names the documents of the context's company that
        are not returned yet, and must name only one.  documents is
        {code: document}; unknown and ambiguous are lists of codes.  One
        query per slice of codes."""
        codes = [c.strip() for c in codes if c and c.strip()]
        by_id = {c: parse_barcode(c) for c in codes}
        ids = [i for i in by_id.values() if i is not None]
        numbers = [c for c, i in by_id.items() if i is None]
        found = {}
        if ids:
            found_ids = {d.id: d for d in cls.browse(
                    cls.search([('id', 'in', ids)]))}
            for code, id_ in by_id.items():
                if id_ in found_ids:
                    found[code] = found_ids[id_]
        ambiguous = []
        if numbers:
            domain = [('number', 'in', numbers), ('state', '=', 'issued')]
            company = Transaction().context.get('company')
            if company:
                domain.append(('company', '=', company))
            matches = defaultdict(list)
            for document in cls.search(domain):
                matches[document.number].append(document)
            for code in numbers:
                if len(matches.get(code, [])) == 1:
                    found[code] = matches[code][0]
                elif len(matches.get(code, [])) > 1:
                    ambiguous.append(code)
        unknown = [c for c in codes if c not in found and c not in ambiguous]
        return found, unknown, ambiguous

    @classmethod
    def _document_set(cls, invoice):
        "Return the document set of a posted invoice"
        document_set = getattr(invoice, 'ric_document_set', None)
        if not document_set:
            vat_payer = getattr(invoice.company, 'ric_vat_payer', True)
            document_set = 'invoice_act_vat' if vat_payer else 'invoice_act'
        return document_set

    @classmethod
    def _document_types(cls, invoice):
        "Return the codes of the types of the documents of invoice"
        return DOCUMENT_SETS.get(cls._document_set(invoice), ())

    @classmethod
    def _client(cls, invoice):
        return getattr(invoice, 'ric_client', None) or invoice.party

    @classmethod
    def issue(cls, invoices):
        """Create the documents of the posted invoices

        Each posted customer invoice gets one document of each type of its
        document set, numbered strictly per company, type and fiscal year;
        the documents it already has are left alone, so a second call
        creates nothing (and the database refuses a second document of the
        same origin and type).  Invoices that are not posted are skipped.
        Return {invoice id: [documents]} of the invoices given.

        A constant number of queries whatever the number of invoices
        (besides the INSERTs)."""
        invoices = [i for i in invoices
            if i.type == 'out' and i.state in {'posted', 'paid'}]
        result = {i.id: [] for i in invoices}
        if not invoices:
            return result
        existing, existing_ids = cls._existing(invoices)
        wanted = cls._wanted(invoices, existing)
        created = cls._create_documents(wanted) if wanted else []
        for document in cls.browse(existing_ids) + created:
            result[document.origin.id].append(document)
        return result

    @classmethod
    def _existing(cls, invoices):
        """Return the (origin, type id) of the documents the invoices have
        and the ids of these documents"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        existing, existing_ids = set(), []
        for sub in _slices(sorted({str(i) for i in invoices})):
            cursor.execute(*table.select(table.id, table.origin, table.type,
                    where=table.origin.in_(sub)))
            for id_, origin, type_ in cursor:
                existing.add((origin, type_))
                existing_ids.append(id_)
        return existing, existing_ids

    @classmethod
    def _wanted(cls, invoices, existing):
        """Return the (invoice, document type) of the documents the
        invoices lack"""
        Type = Pool().get('ric.billing.document.type')
        types = {t.code: t for t in Type.search([])}
        wanted = []
        for invoice in invoices:
            for code in cls._document_types(invoice):
                type_ = types.get(code)
                if type_ is None:
                    raise DocumentSequenceError(gettext(
                            'ric_billing.msg_document_type_missing',
                            code=code, invoice=invoice.rec_name))
                if (str(invoice), type_.id) not in existing:
                    wanted.append((invoice, type_))
        return wanted

    @classmethod
    def _sequence_groups(cls, wanted):
        """Return {(type id, company id, fiscal year id): [(invoice,
        type)]}: the documents each strict sequence numbers"""
        FiscalYear = Pool().get('account.fiscalyear')
        dates = [i.invoice_date for i, _ in wanted]
        fiscalyears = FiscalYear.search([
                ('company', 'in', list({i.company.id for i, _ in wanted})),
                ('start_date', '<=', max(dates)),
                ('end_date', '>=', min(dates)),
                ])

        def fiscalyear(invoice):
            for year in fiscalyears:
                if (year.company == invoice.company
                        and year.start_date <= invoice.invoice_date
                        <= year.end_date):
                    return year
            raise DocumentSequenceError(gettext(
                    'ric_billing.msg_document_no_fiscalyear',
                    invoice=invoice.rec_name,
                    date=invoice.invoice_date))

        groups = defaultdict(list)
        for invoice, type_ in wanted:
            groups[(type_.id, invoice.company.id,
                    fiscalyear(invoice).id)].append((invoice, type_))
        return groups

    @classmethod
    def _create_documents(cls, wanted):
        """Create the wanted documents, numbered in the order of their
        invoices; return them"""
        pool = Pool()
        TypeSequence = pool.get('ric.billing.document.type.sequence')
        Sequence = pool.get('ir.sequence.strict')
        Calendar = pool.get('ric.calendar.exception')
        groups = cls._sequence_groups(wanted)
        sequences = TypeSequence.get_sequences(groups)
        Sequence.lock([s for s in sequences.values()])
        if any(t.working_days for _, t in wanted):
            exceptions = Calendar.exceptions()
        else:
            exceptions = None
        dates = [i.invoice_date for i, _ in wanted]
        employees = cls._employees(
            {cls._client(i).id for i, _ in wanted}, min(dates), max(dates))
        to_create = []
        for key in sorted(groups):
            items = sorted(groups[key], key=lambda x: (
                    x[0].invoice_date, x[0].number or '', x[0].id))
            numbers = sequences[key].get_many(len(items))
            for (invoice, type_), number in zip(items, numbers):
                client = cls._client(invoice)
                to_create.append({
                        'type': type_.id,
                        'number': number,
                        'date': invoice.invoice_date,
                        'company': invoice.company.id,
                        'fiscalyear': key[2],
                        'client': client.id,
                        'party': invoice.party.id,
                        'employee': _employee(employees, client.id,
                            invoice.company.id, invoice.invoice_date),
                        'origin': str(invoice),
                        'planned_return_date': (
                            type_.get_planned_return_date(
                                invoice.invoice_date, exceptions)),
                        'state': 'issued',
                        })
        return cls.create(to_create)

    @classmethod
    def _employees(cls, clients, start, end):
        """Return {client id: [(company id, date_from, date_to, service,
        employee id)]} of the responsibles of clients between start and
        end, the service engineers first"""
        pool = Pool()
        Responsible = pool.get('ric.party.responsible')
        Direction = pool.get('ric.activity.direction')
        Employee = pool.get('company.employee')
        responsible = Responsible.__table__()
        direction = Direction.__table__()
        employee = Employee.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(list)
        for sub in batch.id_slices(clients):
            cursor.execute(*responsible
                .join(direction,
                    condition=responsible.direction == direction.id)
                .join(employee,
                    condition=responsible.employee == employee.id)
                .select(responsible.party, employee.company,
                    responsible.date_from, responsible.date_to,
                    direction.code, responsible.employee,
                    where=batch.in_ids(responsible.party, sub)
                    & ((responsible.date_from == Null)
                        | (responsible.date_from <= end))
                    & ((responsible.date_to == Null)
                        | (responsible.date_to >= start)),
                    order_by=[responsible.id.asc]))
            for party, company, date_from, date_to, code, emp in cursor:
                result[party].append((company, _date(date_from),
                        _date(date_to), code == 'service', emp))
        for lines in result.values():
            lines.sort(key=lambda l: not l[3])
        return result


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _employee(employees, client, company, date):
    for line_company, start, end, _, employee in employees.get(client, []):
        if (line_company == company
                and (start is None or start <= date)
                and (end is None or end >= date)):
            return employee


def _slices(values):
    for sub in batch.id_slices(range(len(values))):
        yield [values[i] for i in sub]


def _column(query):
    cursor = Transaction().connection.cursor()
    cursor.execute(*query)
    return [r[0] for r in cursor]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'
    ric_documents = fields.One2Many('ric.billing.document', 'origin',
        "Documents", readonly=True,
        help="The primary documents issued for the invoice.")

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ric_documents')
        return super().copy(invoices, default=default)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    ric_billing_documents = fields.One2Many('ric.billing.document', 'client',
        "Billing Documents", readonly=True,
        help="The primary documents issued for the client: acts, invoices, "
        "universal transfer documents.")

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ric_billing_documents')
        return super().copy(parties, default=default)


class DocumentReturnStart(ModelView):
    "Return Documents"
    __name__ = 'ric.billing.document.return.start'
    __string__ = "Return Documents"

    date = fields.Date("Return Date", required=True)
    code = fields.Char("Barcode or Number",
        help="Scan the barcode of a document or type its number; "
        "the document is added to the list.")
    documents = fields.Many2Many('ric.billing.document', None, None,
        "Documents", domain=[('state', '=', 'issued')])
    unknown = fields.Text("Not Found", readonly=True,
        help="The codes scanned that name no document to return, or "
        "several.")

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('code', 'documents', 'unknown')
    def on_change_code(self):
        pool = Pool()
        Document = pool.get('ric.billing.document')
        if not self.code:
            return
        codes = [c for c in re.split(r'[\s,;]+', self.code) if c]
        found, unknown, ambiguous = Document.resolve_codes(codes)
        documents = list(self.documents or [])
        for document in found.values():
            if document.state == 'issued' and document not in documents:
                documents.append(document)
            elif document.state != 'issued':
                unknown.append(gettext(
                        'ric_billing.msg_document_already_returned',
                        code=document.rec_name))
        lines = [l for l in (self.unknown or '').splitlines() if l]
        lines += unknown + [gettext('ric_billing.msg_document_ambiguous',
                code=c) for c in ambiguous]
        self.documents = documents
        self.unknown = '\n'.join(lines)
        self.code = None


class DocumentReturn(Wizard):
    "Return Documents"
    __name__ = 'ric.billing.document.return'
    __string__ = "Return Documents"

    start = StateView('ric.billing.document.return.start',
        'ric_billing.document_return_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Mark Returned", 'return_', 'tryton-ok', default=True),
            ])
    return_ = StateTransition()

    def default_start(self, fields):
        defaults = {}
        if (self.model and self.model.__name__ == 'ric.billing.document'
                and self.records):
            defaults['documents'] = [
                r.id for r in self.records if r.state == 'issued']
        return defaults

    def transition_return_(self):
        Document = Pool().get('ric.billing.document')
        Document.mark_returned(list(self.start.documents), self.start.date)
        return 'end'


class DocumentIssue(Wizard):
    "Issue Documents"
    __name__ = 'ric.billing.document.issue'
    __string__ = "Issue Documents"

    start = StateAction('ric_billing.act_document')

    def do_start(self, action):
        Document = Pool().get('ric.billing.document')
        result = Document.issue(self.records)
        ids = sorted(d.id for v in result.values() for d in v)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', ids)])
        return action, {}


class DocumentOverdueContext(ModelView):
    "Overdue Documents Context"
    __name__ = 'ric.billing.document.overdue.context'
    __string__ = "Overdue Documents Context"

    company = fields.Many2One('company.company', "Company")
    date = fields.Date("Date", required=True,
        help="The documents not back on this date though planned before.")
    type = fields.Many2One('ric.billing.document.type', "Type")
    employee = fields.Many2One('company.employee', "Employee")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()


class DocumentOverdue(ModelSQL, ModelView):
    """Overdue Documents

    The documents not returned by their planned date, counted by company,
    employee and client, as on the context's date."""
    __name__ = 'ric.billing.document.overdue'
    __string__ = "Overdue Documents"

    company = fields.Many2One('company.company', "Company")
    employee = fields.Many2One('company.employee', "Employee")
    client = fields.Many2One('party.party', "Client")
    count = fields.Integer("Documents")
    first_planned_date = fields.Date("Earliest Planned Date")
    last_date = fields.Date("Latest Document Date")
    days_overdue = fields.Function(fields.Integer("Days Overdue",
            help="The days since the earliest planned return date."),
        'get_days_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('first_planned_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _date(cls):
        return Transaction().context.get('date') or Pool().get(
            'ir.date').today()

    @classmethod
    def overdue_where(cls, document, date):
        "Return the condition of the documents of document overdue on date"
        context = Transaction().context
        where = ((document.planned_return_date != Null)
            & (document.planned_return_date < date)
            & (document.date <= date)
            & ((document.return_date == Null)
                | (document.return_date > date)))
        if context.get('company'):
            where &= document.company == context['company']
        if context.get('type'):
            where &= document.type == context['type']
        if context.get('employee'):
            where &= document.employee == context['employee']
        return where

    @classmethod
    def table_query(cls):
        Document = Pool().get('ric.billing.document')
        document = Document.__table__()
        return document.select(
            Min(document.id).as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            document.company, document.employee, document.client,
            Count(document.id).as_('count'),
            Min(document.planned_return_date).as_('first_planned_date'),
            Max(document.date).as_('last_date'),
            where=cls.overdue_where(document, cls._date()),
            group_by=[document.company, document.employee, document.client])

    @classmethod
    def get_days_overdue(cls, records, name):
        date = cls._date()
        return {r.id: (date - r.first_planned_date).days
            if r.first_planned_date else None for r in records}
