# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Cast, Literal, Null, Union
from sql.operators import Exists
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, Model, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.exceptions import UserWarning
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .pricing import ratio
from .price_list import PRICE_KINDS, _decimal


def _null(type_):
    "Return a typed NULL column for table queries"
    return Cast(Literal(None), type_)


def _difference(price, list_price):
    if price is None or list_price is None:
        return None
    return price - list_price


def _percent(price, list_price):
    "Return the change from list_price to price in percent"
    if price is None or not list_price:
        return None
    return ratio((price - list_price) * 100, list_price, digits=2)


def _month(offset):
    "The first day of the month offset months from today's"
    today = Pool().get('ir.date').today()
    month = today.year * 12 + today.month - 1 + offset
    return dt.date(month // 12, month % 12 + 1, 1)


class CurrencyMixin:
    """The currency of a report row: its company's, else the context's
    company's (the amounts show the digits of the currency)"""
    __slots__ = ()
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'get_currency')

    @classmethod
    def get_currency(cls, records, name):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        default = (Company(company).currency.id
            if company and company > 0 else None)
        return {r.id: (r.company.currency.id
                if getattr(r, 'company', None) else default)
            for r in records}


class PriceApproval(Workflow, ModelSQL, ModelView):
    "Price Approval"
    __name__ = 'ric.price.approval'
    __string__ = "Price Approval"

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    client = fields.Many2One('party.party', "Client", required=True,
        states=_states)
    system = fields.Many2One('ric.system', "System", required=True,
        states=_states)
    network_type = fields.Many2One(
        'ric.network.type', "Network Type", required=True, states=_states)
    kind = fields.Selection(PRICE_KINDS, "Kind", required=True,
        states=_states)
    date = fields.Date("Date", required=True, states=_states,
        help="The first day the proposed price applies.")
    end_date = fields.Date("End Date", states=_states,
        domain=[If(Eval('end_date') & Eval('date'),
                ('end_date', '>=', Eval('date')), ())])
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    proposed_price = Monetary("Proposed Price", currency='currency',
        digits='currency', required=True, states=_states)
    list_price = Monetary("List Price", currency='currency',
        digits='currency', readonly=True,
        help="The price of the client's price list when requested.")
    difference = fields.Function(Monetary("Difference", currency='currency',
            digits='currency'), 'get_difference')
    percent = fields.Function(fields.Numeric("Change %", digits=(16, 2)),
        'get_difference')
    exceeding = fields.Function(fields.Boolean("Exceeding"), 'get_difference')
    reason = fields.Text("Reason", states=_states)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('refused', "Refused"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the price control looks up the approvals of clients by state
        # and date
        cls._sql_indexes.add(
            Index(t, (t.client, Index.Range()),
                (t.state, Index.Equality(cardinality='low')),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'approved'),
            ('requested', 'refused'),
            ('requested', 'draft'),
            ('refused', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['requested', 'refused']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'maintenance'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def get_difference(cls, approvals, names):
        result = {n: {} for n in names}
        for approval in approvals:
            price, list_price = approval.proposed_price, approval.list_price
            values = {
                'difference': _difference(price, list_price),
                'percent': _percent(price, list_price),
                'exceeding': (list_price is None
                    or (price is not None and price > list_price)),
                }
            for name in names:
                result[name][approval.id] = values[name]
        return result

    def get_rec_name(self, name):
        return '%s: %s / %s' % (self.client.rec_name,
            self.system.rec_name, self.network_type.rec_name)

    @classmethod
    def check_modification(cls, mode, approvals, values=None, external=False):
        super().check_modification(
            mode, approvals, values=values, external=external)
        if mode == 'delete':
            for approval in approvals:
                if approval.state not in {'draft', 'refused'}:
                    raise AccessError(gettext(
                            'ric_price_list.msg_approval_delete',
                            approval=approval.rec_name))

    @classmethod
    def set_list_prices(cls, approvals):
        "Store the list price of the approvals (set-based)"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        keys = {a: (a.client.id, a.system.id, a.network_type.id, a.date,
                a.kind) for a in approvals}
        prices = PriceList.get_prices(set(keys.values()))
        to_write = []
        for approval, key in keys.items():
            to_write.extend(([approval], {'list_price': prices[key]}))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, approvals):
        cls.write(approvals, {'decided_by': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, approvals):
        cls.set_list_prices(approvals)

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, approvals):
        cls.write(approvals, {'decided_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, approvals):
        cls.write(approvals, {'decided_by': Transaction().user})


class PriceControl(Model):
    """Price Control

    Compare prices of invoices, budgets or offers with the price list.
    """
    __name__ = 'ric.price_list.control'
    __string__ = "Price Control"

    @classmethod
    def get_exceedings(cls, items, date=None):
        """Return {item: values} of the items priced above the price list

        items is an iterable of (client_id, system_id, network_type_id, date,
        kind, price).  values is a dict with list_price (None when the list
        has no price), difference and approved (True when an approved price
        approval covers the price).  Items at or below the list are left out.
        """
        pool = Pool()
        PriceList = pool.get('product.price_list')
        items = list(items)
        keys = {i: tuple(i[:5]) for i in items}
        prices = PriceList.get_prices(set(keys.values()), date=date)
        exceeding = {}
        for item in items:
            list_price = prices[keys[item]]
            price = _decimal(item[5])
            if price is None:
                continue
            if list_price is None or price > list_price:
                exceeding[item] = {
                    'list_price': list_price,
                    'difference': _difference(price, list_price),
                    'approved': False,
                    }
        approved = cls.get_approved_prices(exceeding, date=date)
        for item, values in exceeding.items():
            approved_price = approved.get(item)
            values['approved'] = (approved_price is not None
                and _decimal(item[5]) <= approved_price)
        return exceeding

    @classmethod
    def get_approved_prices(cls, items, date=None):
        """Return {item: the highest approved price valid for it}

        One query per slice of clients."""
        pool = Pool()
        Approval = pool.get('ric.price.approval')
        Date = pool.get('ir.date')
        table = Approval.__table__()
        cursor = Transaction().connection.cursor()
        if date is None:
            date = Date.today()
        items = list(items)
        clients = {i[0] for i in items}
        approvals = defaultdict(list)
        for sub_ids in grouped_slice(clients, backend.MAX_QUERY_PARAMS):
            cursor.execute(*table.select(
                    table.client, table.system, table.network_type,
                    table.kind, table.date, table.end_date,
                    table.proposed_price,
                    where=reduce_ids(table.client, sub_ids)
                    & (table.state == 'approved')))
            for (client, system, network_type, kind, start, end,
                    price) in cursor:
                approvals[(client, system, network_type, kind)].append(
                    (start, end, _decimal(price)))
        result = {}
        for item in items:
            client, system, network_type, item_date, kind = item[:5]
            item_date = item_date or date
            best = None
            for start, end, price in approvals.get(
                    (client, system, network_type, kind or 'maintenance'),
                    []):
                if start <= item_date and (end is None or item_date <= end):
                    best = price if best is None else max(best, price)
            if best is not None:
                result[item] = best
        return result

    @classmethod
    def check(cls, items, key, date=None):
        """Raise a UserWarning named key when unapproved items exceed the list

        Billing and sales call it before posting documents; the user may
        confirm the warning to go on."""
        pool = Pool()
        Warning_ = pool.get('res.user.warning')
        System = pool.get('ric.system')
        Party = pool.get('party.party')
        exceedings = cls.get_exceedings(items, date=date)
        unapproved = [(i, v) for i, v in exceedings.items()
            if not v['approved']]
        if unapproved and Warning_.check(key):
            item, values = unapproved[0]
            raise UserWarning(key, gettext(
                    'ric_price_list.msg_price_exceeds_list',
                    client=Party(item[0]).rec_name,
                    system=System(item[1]).rec_name,
                    price=item[5],
                    list_price=(values['list_price']
                        if values['list_price'] is not None else '-'),
                    count=len(unapproved)))
        return exceedings


class BilledAmount(ModelSQL, ModelView):
    """Billed Amount

    The amount billed to a client for a distributive and a month: the
    source of the price-list coefficient, fed by billing."""
    __name__ = 'ric.billed.amount'
    __string__ = "Billed Amount"

    company = fields.Many2One('company.company', "Company", required=True,
        help="The legal entity that billed the amount.")
    client = fields.Many2One('party.party', "Client", required=True)
    employee = fields.Many2One('company.employee', "Employee",
        help="The employee in charge of the client.")
    distributive = fields.Many2One('ric.distributive', "Distributive")
    system = fields.Many2One('ric.system', "System", required=True)
    network_type = fields.Many2One(
        'ric.network.type', "Network Type", required=True)
    date = fields.Date("Date", required=True,
        help="The first day of the billed month.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    billed_amount = Monetary("Billed Amount", currency='currency',
        digits='currency', required=True)
    list_amount = Monetary("List Amount", currency='currency',
        digits='currency',
        help="The monthly maintenance price of the client's price list; "
        "computed when left empty.")
    origin = fields.Reference("Origin", selection='get_origin')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the coefficient and billing read the amounts of an entity's
        # clients by month
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Range()),
                (t.client, Index.Range()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'refresh_list_amounts': {},
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def _get_origin(cls):
        "Return the models that may feed billed amounts"
        return ['ric.distributive']

    @classmethod
    def get_origin(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        models = cls._get_origin()
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in models]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('date'):
            values['date'] = values['date'].replace(day=1)
        return values

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._set_list_amounts([r for r in records if r.list_amount is None])
        return records

    @classmethod
    @ModelView.button
    def refresh_list_amounts(cls, records):
        cls._set_list_amounts(records)

    @classmethod
    def _set_list_amounts(cls, records):
        "Compute the list amounts with the spine API (set-based)"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        if not records:
            return
        keys = {r: (r.client.id, r.system.id, r.network_type.id, r.date,
                'maintenance') for r in records}
        prices = PriceList.get_prices(set(keys.values()))
        to_write = []
        for record, key in keys.items():
            price = prices[key]
            if price is not None:
                price = record.currency.round(price)
            if price != record.list_amount:
                to_write.extend(([record], {'list_amount': price}))
        if to_write:
            cls.write(*to_write)


class ComparisonContext(ModelView):
    "Price List Comparison Context"
    __name__ = 'ric.price_list.comparison.context'
    __string__ = "Price List Comparison Context"

    price_list_a = fields.Many2One(
        'product.price_list', "Price List A",
        domain=[('ric_type', '!=', None)])
    version_a = fields.Many2One('ric.price_list.version', "Version A",
        domain=[If(Eval('price_list_a'),
                ('price_list', '=', Eval('price_list_a', -1)), ())])
    price_list_b = fields.Many2One(
        'product.price_list', "Price List B",
        domain=[('ric_type', '!=', None)])
    version_b = fields.Many2One('ric.price_list.version', "Version B",
        domain=[If(Eval('price_list_b'),
                ('price_list', '=', Eval('price_list_b', -1)), ())])
    date = fields.Date("Date",
        help="The date of the versions when no version is chosen.")
    only_changed = fields.Boolean("Only Changed")

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_only_changed(cls):
        return False

    @classmethod
    def _default_versions(cls):
        """The main tariff price list and, to compare, its version valid
        today (B) and the valid version before it (A)"""
        pool = Pool()
        PriceList = pool.get('product.price_list')
        Version = pool.get('ric.price_list.version')
        Date = pool.get('ir.date')
        context = Transaction().context
        domain = [('ric_type', '=', 'main')]
        if context.get('company'):
            domain.append(('company', '=', context['company']))
        price_lists = PriceList.search(domain, order=[('id', 'ASC')], limit=1)
        if not price_lists:
            return None, None, None
        price_list, = price_lists
        today = Date.today()
        key = (price_list.id, today)
        current = PriceList.get_valid_versions([key])[key]
        previous = None
        if current:
            earlier = Version.search([
                    ('price_list', '=', price_list.id),
                    ('state', 'in', ['approved', 'closed']),
                    ('start_date', '<', Version(current).start_date),
                    ], order=[('start_date', 'DESC')], limit=1)
            previous = earlier[0].id if earlier else None
        return price_list.id, previous or current, current

    @classmethod
    def default_price_list_a(cls):
        return cls._default_versions()[0]

    @classmethod
    def default_price_list_b(cls):
        return cls._default_versions()[0]

    @classmethod
    def default_version_a(cls):
        return cls._default_versions()[1]

    @classmethod
    def default_version_b(cls):
        return cls._default_versions()[2]


class Comparison(CurrencyMixin, ModelSQL, ModelView):
    "Price List Comparison"
    __name__ = 'ric.price_list.comparison'
    __string__ = "Price List Comparison"

    item_type = fields.Selection([
            ('system', "System"),
            ('kit', "Kit"),
            ('product', "Product"),
            ], "Item Type")
    system = fields.Many2One('ric.system', "System")
    system_kind = fields.Function(fields.Selection(
            'get_system_kinds', "System Kind"), 'get_system_kind')
    network_type = fields.Many2One('ric.network.type', "Network Type")
    kit = fields.Many2One('ric.kit', "Kit")
    product = fields.Many2One('product.product', "Product")
    line_a = fields.Many2One('product.price_list.line', "Line A")
    line_b = fields.Many2One('product.price_list.line', "Line B")
    maintenance_a = fields.Function(fields.Numeric(
            "Maintenance A", digits='currency'), 'get_prices')
    maintenance_b = fields.Function(fields.Numeric(
            "Maintenance B", digits='currency'), 'get_prices')
    maintenance_difference = fields.Function(fields.Numeric(
            "Maintenance Difference", digits='currency'), 'get_prices')
    maintenance_percent = fields.Function(fields.Numeric(
            "Maintenance Change %", digits=(16, 2)), 'get_prices')
    sale_a = fields.Function(fields.Numeric(
            "Sale A", digits='currency'), 'get_prices')
    sale_b = fields.Function(fields.Numeric(
            "Sale B", digits='currency'), 'get_prices')
    sale_difference = fields.Function(fields.Numeric(
            "Sale Difference", digits='currency'), 'get_prices')
    sale_percent = fields.Function(fields.Numeric(
            "Sale Change %", digits=(16, 2)), 'get_prices')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('item_type', 'DESC'), ('id', 'ASC')]

    @classmethod
    def get_versions(cls):
        "Return the ids of the versions A and B of the context"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        Date = pool.get('ir.date')
        context = Transaction().context
        date = context.get('date') or Date.today()
        result = []
        for suffix in ('a', 'b'):
            version = context.get('version_' + suffix)
            price_list = context.get('price_list_' + suffix)
            if not version and price_list:
                key = (price_list, date)
                version = PriceList.get_valid_versions([key])[key]
            result.append(version or -1)
        return result

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('product.price_list.line')
        version_a, version_b = cls.get_versions()
        a = Line.__table__()
        b = Line.__table__()
        keys = ['system', 'network_type', 'kit', 'product']
        side_a = a.select(a.id, a.item_type, a.maintenance_price,
            a.sale_price, *[getattr(a, k) for k in keys],
            where=a.version == version_a)
        side_b = b.select(b.id, b.item_type, b.maintenance_price,
            b.sale_price, *[getattr(b, k) for k in keys],
            where=b.version == version_b)
        condition = None
        for key in keys:
            equal = (Coalesce(getattr(side_a, key), 0)
                == Coalesce(getattr(side_b, key), 0))
            condition = equal if condition is None else condition & equal
        join = side_a.join(side_b, type_='FULL', condition=condition)
        where = None
        if Transaction().context.get('only_changed'):
            where = ((side_a.id == Null) | (side_b.id == Null)
                | (Coalesce(side_a.maintenance_price, -1)
                    != Coalesce(side_b.maintenance_price, -1))
                | (Coalesce(side_a.sale_price, -1)
                    != Coalesce(side_b.sale_price, -1)))
        return join.select(
            Coalesce(side_a.id, side_b.id).as_('id'),
            _null('INTEGER').as_('create_uid'),
            _null('TIMESTAMP').as_('create_date'),
            _null('INTEGER').as_('write_uid'),
            _null('TIMESTAMP').as_('write_date'),
            Coalesce(side_a.item_type, side_b.item_type).as_('item_type'),
            *[Coalesce(getattr(side_a, k), getattr(side_b, k)).as_(k)
                for k in keys],
            side_a.id.as_('line_a'),
            side_b.id.as_('line_b'),
            where=where)

    @classmethod
    def get_system_kinds(cls):
        pool = Pool()
        System = pool.get('ric.system')
        return System.fields_get(['kind'])['kind']['selection'] + [
            (None, '')]

    def get_system_kind(self, name):
        return self.system.kind if self.system else None

    @classmethod
    def get_prices(cls, comparisons, names):
        result = {n: {} for n in names}
        for comparison in comparisons:
            values = {}
            for kind in ('maintenance', 'sale'):
                price_a = (getattr(comparison.line_a, kind + '_price')
                    if comparison.line_a else None)
                price_b = (getattr(comparison.line_b, kind + '_price')
                    if comparison.line_b else None)
                values[kind + '_a'] = price_a
                values[kind + '_b'] = price_b
                values[kind + '_difference'] = _difference(price_b, price_a)
                values[kind + '_percent'] = _percent(price_b, price_a)
            for name in names:
                result[name][comparison.id] = values[name]
        return result


class ControlContext(ModelView):
    "Price Control Context"
    __name__ = 'ric.price_list.control.context'
    __string__ = "Price Control Context"

    company = fields.Many2One('company.company', "Company")
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")
    only_unapproved = fields.Boolean("Only Unapproved")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        return _month(0)

    @classmethod
    def default_to_date(cls):
        return _month(1) - dt.timedelta(days=1)


class ControlReport(CurrencyMixin, ModelSQL, ModelView):
    "Price Exceeding Control"
    __name__ = 'ric.price_list.control.report'
    __string__ = "Price Exceeding Control"

    source = fields.Selection([
            ('approval', "Price Approval"),
            ('billing', "Billing"),
            ], "Source")
    approval = fields.Many2One('ric.price.approval', "Price Approval")
    billed = fields.Many2One('ric.billed.amount', "Billed Amount")
    company = fields.Many2One('company.company', "Company")
    client = fields.Many2One('party.party', "Client")
    system = fields.Many2One('ric.system', "System")
    network_type = fields.Many2One('ric.network.type', "Network Type")
    date = fields.Date("Date")
    price = fields.Function(fields.Numeric(
            "Price", digits='currency'), 'get_amounts')
    list_price = fields.Function(fields.Numeric(
            "List Price", digits='currency'), 'get_amounts')
    difference = fields.Function(fields.Numeric(
            "Difference", digits='currency'), 'get_amounts')
    percent = fields.Function(fields.Numeric(
            "Change %", digits=(16, 2)), 'get_amounts')
    approved = fields.Function(fields.Boolean("Approved"), 'get_amounts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Approval = pool.get('ric.price.approval')
        Billed = pool.get('ric.billed.amount')
        approval = Approval.__table__()
        billed = Billed.__table__()
        context = Transaction().context
        where_a = (approval.state.in_(['requested', 'approved', 'refused'])
            & ((approval.list_price == Null)
                | (approval.proposed_price > approval.list_price)))
        where_b = ((billed.list_amount == Null)
            | (billed.billed_amount > billed.list_amount))
        if context.get('company'):
            where_a &= approval.company == context['company']
            where_b &= billed.company == context['company']
        if context.get('from_date'):
            where_a &= approval.date >= context['from_date']
            where_b &= billed.date >= context['from_date']
        if context.get('to_date'):
            where_a &= approval.date <= context['to_date']
            where_b &= billed.date <= context['to_date']
        if context.get('only_unapproved'):
            where_a &= approval.state != 'approved'
            where_b &= ~Exists(cls._covering_approvals(billed))
        common = [_null('INTEGER').as_('create_uid'),
            _null('TIMESTAMP').as_('create_date'),
            _null('INTEGER').as_('write_uid'),
            _null('TIMESTAMP').as_('write_date')]
        query_a = approval.select(
            (approval.id * 2).as_('id'), *common,
            Cast(Literal('approval'), 'VARCHAR').as_('source'),
            approval.id.as_('approval'),
            _null('INTEGER').as_('billed'),
            approval.company, approval.client, approval.system,
            approval.network_type, approval.date,
            where=where_a)
        query_b = billed.select(
            (billed.id * 2 + 1).as_('id'), *common,
            Cast(Literal('billing'), 'VARCHAR').as_('source'),
            _null('INTEGER').as_('approval'),
            billed.id.as_('billed'),
            billed.company, billed.client, billed.system,
            billed.network_type, billed.date,
            where=where_b)
        return Union(query_a, query_b, all_=True)

    @staticmethod
    def _covering_approvals(billed):
        """Return the query of the approved prices covering billed

        The same rule as PriceControl.get_approved_prices: an approved
        maintenance price of the client, system and network type valid on
        the billed month and not below the billed amount."""
        Approval = Pool().get('ric.price.approval')
        approval = Approval.__table__()
        return approval.select(Literal(1),
            where=(approval.state == 'approved')
            & (approval.client == billed.client)
            & (approval.system == billed.system)
            & (approval.network_type == billed.network_type)
            & (approval.kind == 'maintenance')
            & (approval.date <= billed.date)
            & ((approval.end_date == Null)
                | (approval.end_date >= billed.date))
            & (approval.proposed_price >= billed.billed_amount))

    @classmethod
    def get_amounts(cls, records, names):
        pool = Pool()
        Control = pool.get('ric.price_list.control')
        result = {n: {} for n in names}
        billed_items = {}
        for record in records:
            if record.billed:
                b = record.billed
                billed_items[record.id] = (b.client.id, b.system.id,
                    b.network_type.id, b.date, 'maintenance',
                    b.billed_amount)
        approved = Control.get_approved_prices(billed_items.values())
        for record in records:
            if record.approval:
                price = record.approval.proposed_price
                list_price = record.approval.list_price
                is_approved = record.approval.state == 'approved'
            else:
                price = record.billed.billed_amount
                list_price = record.billed.list_amount
                approved_price = approved.get(billed_items[record.id])
                is_approved = (approved_price is not None
                    and price <= approved_price)
            values = {
                'price': price,
                'list_price': list_price,
                'difference': _difference(price, list_price),
                'percent': _percent(price, list_price),
                'approved': is_approved,
                }
            for name in names:
                result[name][record.id] = values[name]
        return result


class CoefficientContext(ModelView):
    "Price-List Coefficient Context"
    __name__ = 'ric.price_list.coefficient.context'
    __string__ = "Price-List Coefficient Context"

    company = fields.Many2One('company.company', "Company")
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")
    group_by = fields.Selection([
            ('month', "Client, Employee and Month"),
            ('client', "Client"),
            ('employee', "Employee"),
            ('company', "Legal Entity"),
            ('period', "Month"),
            ], "Group by", required=True)

    @classmethod
    def default_group_by(cls):
        return 'month'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        # a year of months, the coefficient is followed over time
        return _month(-11)

    @classmethod
    def default_to_date(cls):
        return _month(1) - dt.timedelta(days=1)


class Coefficient(CurrencyMixin, ModelSQL, ModelView):
    """Price-List Coefficient

    The billed amount divided by the list amount of the same distributives
    and months."""
    __name__ = 'ric.price_list.coefficient'
    __string__ = "Price-List Coefficient"

    company = fields.Many2One('company.company', "Company")
    client = fields.Many2One('party.party', "Client")
    employee = fields.Many2One('company.employee', "Employee")
    date = fields.Date("Month")
    billed_amount = fields.Function(fields.Numeric(
            "Billed Amount", digits='currency'), 'get_amounts')
    list_amount = fields.Function(fields.Numeric(
            "List Amount", digits='currency'), 'get_amounts')
    coefficient = fields.Function(fields.Numeric(
            "Coefficient", digits=(16, 4)), 'get_amounts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _grouping(cls):
        group_by = Transaction().context.get('group_by') or 'month'
        return {
            'month': ['company', 'client', 'employee', 'date'],
            'client': ['company', 'client'],
            'employee': ['company', 'employee'],
            'company': ['company'],
            'period': ['company', 'date'],
            }.get(group_by, ['company', 'client', 'employee', 'date'])

    @classmethod
    def _where(cls, billed):
        context = Transaction().context
        where = billed.list_amount != Null
        if context.get('company'):
            where &= billed.company == context['company']
        if context.get('from_date'):
            where &= billed.date >= context['from_date']
        if context.get('to_date'):
            where &= billed.date <= context['to_date']
        return where

    @classmethod
    def table_query(cls):
        pool = Pool()
        Billed = pool.get('ric.billed.amount')
        billed = Billed.__table__()
        grouping = cls._grouping()
        columns = []
        for name in ['company', 'client', 'employee', 'date']:
            if name in grouping:
                columns.append(getattr(billed, name).as_(name))
            else:
                columns.append(
                    _null('DATE' if name == 'date' else 'INTEGER').as_(name))
        return billed.select(
            Min(billed.id).as_('id'),
            _null('INTEGER').as_('create_uid'),
            _null('TIMESTAMP').as_('create_date'),
            _null('INTEGER').as_('write_uid'),
            _null('TIMESTAMP').as_('write_date'),
            *columns,
            where=cls._where(billed),
            group_by=[getattr(billed, n) for n in grouping])

    @classmethod
    def get_amounts(cls, records, names):
        "Sum the billed and list amounts of the groups (one query)"
        pool = Pool()
        Billed = pool.get('ric.billed.amount')
        billed = Billed.__table__()
        grouping = cls._grouping()
        cursor = Transaction().connection.cursor()
        group_columns = [getattr(billed, n) for n in grouping]
        cursor.execute(*billed.select(
                Min(billed.id), Sum(billed.billed_amount),
                Sum(billed.list_amount),
                where=cls._where(billed),
                group_by=group_columns))
        sums = {row[0]: (row[1], row[2]) for row in cursor}
        result = {n: {} for n in names}
        for record in records:
            billed_sum, list_sum = sums.get(record.id, (None, None))
            billed_sum, list_sum = _money(billed_sum), _money(list_sum)
            values = {
                'billed_amount': billed_sum,
                'list_amount': list_sum,
                'coefficient': ratio(billed_sum, list_sum),
                }
            for name in names:
                result[name][record.id] = values[name]
        return result


def _money(value):
    if value is None:
        return None
    return _decimal(value).quantize(Decimal('0.01'))
