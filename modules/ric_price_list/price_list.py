# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Null
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.ric_base.batch import id_slices, in_ids
from trytond.modules.ric_base.model import CodeNameMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools.decimal_ import DecimalNull
from trytond.transaction import Transaction

from .pricing import (
    FORMULA_NAMES, KINDS, describe_formula, overlaps, round_amount,
    select_period)

RIC_TYPES = [
    (None, ""),
    ('main', "RIC Main"),
    ('budget', "Budget Organisations"),
    ('partner', "Partner"),
    ('coordination', "Coordination Centre"),
    ('other', "Other"),
    ]
PRICE_KINDS = [
    ('maintenance', "Maintenance"),
    ('sale', "Sale"),
    ]
ITEM_TYPES = [
    ('system', "System"),
    ('kit', "Kit"),
    ('product', "Product"),
    ]
VALID_STATES = ('approved', 'closed')


class PriceList(CodeNameMixin, metaclass=PoolMeta):
    __name__ = 'product.price_list'

    ric_type = fields.Selection(RIC_TYPES, "Tariff Type",
        help="Set for the RIC's tariff price lists (прейскурант) that have "
        "versions and prices of systems, kits and products.")
    code = fields.Char("Code",
        states={'invisible': ~Eval('ric_type')},
        help="The code of the price list in imported and exported files.")
    currency = fields.Many2One('currency.currency', "Currency",
        states={
            'required': Bool(Eval('ric_type')),
            'invisible': ~Eval('ric_type'),
            })
    base_price_list = fields.Many2One(
        'product.price_list', "Base Price List",
        domain=[
            ('id', '!=', Eval('id', -1)),
            ('ric_type', '!=', None),
            ],
        states={'invisible': ~Eval('ric_type')},
        help="The price list from which this one is derived by formulas.")
    derive_formula = fields.Char("Derivation Formula",
        states={'invisible': ~Eval('ric_type')},
        help="The formula given to the lines created from the base price "
        "list, e.g. base_price * 1.15.")
    rounding = fields.Numeric("Rounding", digits=(16, 4),
        domain=['OR', ('rounding', '=', None), ('rounding', '>', 0)],
        states={'invisible': ~Eval('ric_type')},
        help="Computed prices are rounded to a multiple of this amount "
        "(1 for roubles, 0.01 for kopecks).")
    versions = fields.One2Many(
        'ric.price_list.version', 'price_list', "Versions",
        states={'invisible': ~Eval('ric_type')})
    assignments = fields.One2Many(
        'ric.price_list.assignment', 'price_list', "Assignments",
        states={'invisible': ~Eval('ric_type')})

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company and company > 0:
            return Company(company).currency.id

    @fields.depends('company', 'currency')
    def on_change_company(self):
        try:
            super().on_change_company()
        except AttributeError:
            pass
        if self.company and not self.currency:
            self.currency = self.company.currency

    @classmethod
    def default_rounding(cls):
        return Decimal('0.01')

    @classmethod
    def default_derive_formula(cls):
        return 'base_price'

    def get_context_formula(self, product, quantity, uom, pattern=None):
        context = super().get_context_formula(
            product, quantity, uom, pattern=pattern)
        names = context['names']
        for name in ['base_price', 'local_price', 'coefficient']:
            names.setdefault(name, DecimalNull())
        return context

    def round_price(self, value):
        """Round a computed price with the rounding of the price list, at
        most to the digits of its currency (prices are money)"""
        value = round_amount(value, self.rounding)
        if value is not None and self.currency:
            value = self.currency.round(value)
        return value

    def compute(self, product, quantity, uom, pattern=None):
        "Use the valid version's prices of a tariff for sales of products"
        pool = Pool()
        Date = pool.get('ir.date')
        if not self.ric_type:
            return super().compute(product, quantity, uom, pattern=pattern)
        if not product:
            return None
        context = Transaction().context
        date = context.get('sale_date') or context.get('date') or Date.today()
        kind = context.get('ric_price_kind') or 'sale'
        prices = self.get_item_prices(
            [(self.id, ('product', product.id), date, kind)],
            price_lists=True)
        price = prices.popitem()[1] if prices else None
        if price is None:
            return super().compute(product, quantity, uom, pattern=pattern)
        return price

    @classmethod
    def copy(cls, price_lists, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('versions', None)
        default.setdefault('assignments', None)
        default.setdefault('code', None)
        return super().copy(price_lists, default=default)

    # --- Spine API -------------------------------------------------------

    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def get_default_price_list(cls):
        "Return the id of the default tariff price list or None"
        pool = Pool()
        Configuration = pool.get('ric.configuration')
        config = Configuration(1)
        price_list = config.default_price_list
        return price_list.id if price_list else None

    @classmethod
    def get_client_price_lists(cls, requests):
        """Return {(client_id, date): price_list_id} for the requests

        The price list is the one assigned to the client on the date or the
        default price list of the configuration (None when there is none).
        One query per slice of clients.
        """
        pool = Pool()
        Assignment = pool.get('ric.price_list.assignment')
        table = Assignment.__table__()
        cursor = Transaction().connection.cursor()
        requests = set(requests)
        clients = {c for c, _ in requests if c is not None}
        periods = defaultdict(list)
        if clients:
            dates = [d for _, d in requests]
            start, end = min(dates), max(dates)
            for sub_ids in id_slices(clients):
                cursor.execute(*table.select(
                        table.party, table.price_list, table.start_date,
                        table.end_date,
                        where=in_ids(table.party, sub_ids)
                        & ((table.start_date == Null)
                            | (table.start_date <= end))
                        & ((table.end_date == Null)
                            | (table.end_date >= start))))
                for party, price_list, start_date, end_date in cursor:
                    periods[party].append((price_list, start_date, end_date))
        default = None
        if any(select_period(periods.get(c, []), d) is None
                for c, d in requests):
            default = cls.get_default_price_list()
        result = {}
        for client, date in requests:
            price_list = select_period(periods.get(client, []), date)
            result[(client, date)] = price_list or default
        return result

    @classmethod
    def get_valid_versions(cls, requests):
        """Return {(price_list_id, date): version_id} for the requests

        Only approved or closed versions are valid; on a date the version
        that starts last before it wins.  One query per slice of price lists.
        """
        pool = Pool()
        Version = pool.get('ric.price_list.version')
        table = Version.__table__()
        cursor = Transaction().connection.cursor()
        requests = set(requests)
        lists = {p for p, _ in requests if p is not None}
        periods = defaultdict(list)
        for sub_ids in id_slices(lists):
            cursor.execute(*table.select(
                    table.id, table.price_list, table.start_date,
                    table.end_date,
                    where=in_ids(table.price_list, sub_ids)
                    & table.state.in_(list(VALID_STATES))))
            for id_, price_list, start_date, end_date in cursor:
                periods[price_list].append((id_, start_date, end_date))
        return {(p, d): select_period(periods.get(p, []), d) if p else None
            for p, d in requests}

    @classmethod
    def get_version_prices(cls, requests):
        """Return {(version_id, item): {kind: price}} for the requests

        item is ('system', system_id, network_type_id), ('kit', kit_id) or
        ('product', product_id); a product also matches the line of the kit
        or of the system that sells it.
        """
        pool = Pool()
        Line = pool.get('product.price_list.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        requests = set(requests)
        versions = {v for v, _ in requests if v is not None}
        result = {}
        if not versions:
            return result
        systems = {i[1] for _, i in requests if i[0] == 'system'}
        kits = {i[1] for _, i in requests if i[0] == 'kit'}
        products = {i[1] for _, i in requests if i[0] == 'product'}
        product_items = cls._product_items(products)
        for items in product_items.values():
            for item in items:
                if item[0] == 'system':
                    systems.add(item[1])
                elif item[0] == 'kit':
                    kits.add(item[1])
        found = {}
        for sub_ids in id_slices(versions):
            where = in_ids(line.version, sub_ids)
            item_where = None
            for column, ids in [
                    (line.system, systems),
                    (line.kit, kits),
                    (line.product, products)]:
                if ids:
                    condition = column.in_(list(ids))
                    item_where = (condition if item_where is None
                        else item_where | condition)
            if item_where is None:
                continue
            cursor.execute(*line.select(
                    line.version, line.system, line.network_type, line.kit,
                    line.product, line.maintenance_price, line.sale_price,
                    where=where & item_where))
            for (version, system, network_type, kit, product, maintenance,
                    sale) in cursor:
                if system:
                    item = ('system', system, network_type)
                elif kit:
                    item = ('kit', kit)
                else:
                    item = ('product', product)
                found[(version, item)] = {
                    'maintenance': _decimal(maintenance),
                    'sale': _decimal(sale),
                    }
        for version, item in requests:
            prices = found.get((version, item))
            if prices is None and item[0] == 'product':
                for other in product_items.get(item[1], []):
                    prices = found.get((version, other))
                    if prices is not None:
                        break
            result[(version, item)] = prices
        return result

    @classmethod
    def _product_items(cls, products):
        "Return {product_id: [items]} of the kits selling the products"
        pool = Pool()
        Kit = pool.get('ric.kit')
        result = defaultdict(list)
        if not products:
            return result
        kit = Kit.__table__()
        cursor = Transaction().connection.cursor()
        for sub_ids in id_slices(products):
            cursor.execute(*kit.select(kit.id, kit.product,
                    where=in_ids(kit.product, sub_ids)))
            for kit_id, product in cursor:
                result[product].append(('kit', kit_id))
        return result

    @classmethod
    def get_item_prices(cls, requests, date=None, price_lists=False,
            with_source=False):
        """Return {request: Decimal or None} for the price requests

        A request is (client_id, item, date, kind) where item is
        ('system', system_id, network_type_id), ('kit', kit_id) or
        ('product', product_id) and kind 'maintenance' or 'sale'; a None
        date is replaced by date or today.  With price_lists the first
        element of a request is a price list id instead of a client.

        When the client's price list (or its version valid on the date) has
        no price for the item, the default price list of the configuration
        prices it.  With with_source the values are :class:`Price` tuples
        (amount, price list id, version id, fallback) telling which list
        priced the request and whether it was the fallback to the default
        list; the amount is None (and the list the client's) when no list
        has a price.
        """
        requests = list(requests)
        if date is None:
            date = cls._today()
        for request in requests:
            if (request[3] or 'maintenance') not in KINDS:
                raise ValueError("unknown price kind %r" % request[3])

        def date_of(request):
            return request[2] or date
        if price_lists:
            list_of = {r: r[0] for r in requests}
        else:
            lists = cls.get_client_price_lists(
                {(r[0], date_of(r)) for r in requests})
            list_of = {r: lists[(r[0], date_of(r))] for r in requests}
        found = cls._prices_in_lists(
            {r: (list_of[r], date_of(r)) for r in requests})
        default = None
        if not price_lists and any(
                found[r][0] is None for r in requests):
            default = cls.get_default_price_list()
        missing = {r: (default, date_of(r)) for r in requests
            if found[r][0] is None and default and list_of[r] != default}
        fallback = cls._prices_in_lists(missing) if missing else {}
        result = {}
        for request in requests:
            if fallback.get(request, (None,))[0] is not None:
                amount, version = fallback[request]
                price = Price(amount, default, version, True)
            else:
                amount, version = found[request]
                price = Price(amount, list_of[request], version, False)
            result[request] = price if with_source else price.amount
        return result

    @classmethod
    def _prices_in_lists(cls, lists):
        """Return {request: (amount, version id)} for lists, a dict
        {request: (price list id, date)}; the amount is None when the
        version valid on the date has no price for the item"""
        versions = cls.get_valid_versions(set(lists.values()))
        version_of = {r: versions[lists[r]] for r in lists}
        prices = cls.get_version_prices(
            {(version_of[r], r[1]) for r in lists})
        result = {}
        for request in lists:
            kind = request[3] or 'maintenance'
            found = prices.get((version_of[request], request[1]))
            amount = found.get(kind) if found else None
            result[request] = (amount, version_of[request])
        return result

    @classmethod
    def get_prices(cls, requests, date=None, with_source=False):
        """Return {request: Decimal or None} of systems' prices

        requests is an iterable of (client_id, system_id, network_type_id,
        date, kind) tuples; kind is 'maintenance' (monthly price) or
        'sale'.  The client's price list assignment valid on the date (or the
        default price list) and its version valid on the date give the
        price; when that list has no price for the system and network type,
        the default price list gives it.  With with_source the values are
        :class:`Price` tuples (amount, price list, version, fallback) that
        tell which list priced each request.  The number of queries does
        not depend on the number of requests.
        """
        requests = list(requests)
        items = {r: (r[0], ('system', r[1], r[2]), r[3], r[4])
            for r in requests}
        prices = cls.get_item_prices(
            items.values(), date=date, with_source=with_source)
        return {r: prices[items[r]] for r in requests}

    @classmethod
    def get_list_prices(cls, requests, date=None):
        """Return {request: Decimal or None} for requests of a price list

        requests is an iterable of (price_list_id, system_id,
        network_type_id, date, kind): the price in the given list whatever
        the client.
        """
        requests = list(requests)
        items = {r: (r[0], ('system', r[1], r[2]), r[3], r[4])
            for r in requests}
        prices = cls.get_item_prices(
            items.values(), date=date, price_lists=True)
        return {r: prices[items[r]] for r in requests}

    @classmethod
    def compute_price(
            cls, client, system, network_type, date=None, kind='maintenance'):
        "Return the price of one system for a client (records or ids)"
        key = (_id(client), _id(system), _id(network_type), date, kind)
        return cls.get_prices([key], date=date)[key]


class Price(namedtuple('Price', ['amount', 'price_list', 'version',
            'fallback'])):
    """The price of a request with its source: the amount (Decimal or
    None), the price list and the version that gave it, and whether the
    default price list gave it because the client's list has no price"""
    __slots__ = ()


def _id(record):
    return getattr(record, 'id', record)


def _decimal(value):
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value


class PriceListVersion(Workflow, ModelSQL, ModelView):
    "Price List Version"
    __name__ = 'ric.price_list.version'
    __string__ = "Price List Version"

    _states = {'readonly': Eval('state') != 'draft'}

    price_list = fields.Many2One(
        'product.price_list', "Price List", required=True,
        ondelete='CASCADE', domain=[('ric_type', '!=', None)],
        states=_states)
    name = fields.Char("Name", required=True, states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states,
        help="The first day the version applies.")
    end_date = fields.Date("End Date",
        domain=[If(Eval('end_date') & Eval('start_date'),
                ('end_date', '>=', Eval('start_date')), ())],
        states={'readonly': Eval('state') == 'closed'},
        help="The last day the version applies; leave empty to apply it "
        "until a newer version starts.")
    base_version = fields.Many2One(
        'ric.price_list.version', "Base Version",
        domain=[
            ('id', '!=', Eval('id', -1)),
            If(Eval('base_price_list'),
                ('price_list', '=', Eval('base_price_list', -1)), ()),
            ],
        states=_states,
        help="The version the formulas take base_price from.\n"
        "Leave empty to use the version of the base price list valid on "
        "the start date.")
    base_price_list = fields.Function(fields.Many2One(
            'product.price_list', "Base Price List"),
        'on_change_with_base_price_list')
    company = fields.Function(fields.Many2One(
            'company.company', "Company"), 'on_change_with_company')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    tax_included = fields.Function(fields.Boolean("Tax Included"),
        'on_change_with_tax_included')
    lines = fields.One2Many(
        'product.price_list.line', 'version', "Lines", states=_states,
        depends={'price_list'})
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_date = fields.Date("Approved on", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('price_list', 'ASC'),
            ('start_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'closed'),
            }
        cls._buttons.update({
                'derive': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'compute_prices': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('price_list', '_parent_price_list.base_price_list')
    def on_change_with_base_price_list(self, name=None):
        if self.price_list and self.price_list.base_price_list:
            return self.price_list.base_price_list

    @fields.depends('price_list', '_parent_price_list.company')
    def on_change_with_company(self, name=None):
        return self.price_list.company if self.price_list else None

    @fields.depends('price_list', '_parent_price_list.currency')
    def on_change_with_currency(self, name=None):
        return self.price_list.currency if self.price_list else None

    @fields.depends('price_list', '_parent_price_list.tax_included')
    def on_change_with_tax_included(self, name=None):
        return self.price_list.tax_included if self.price_list else None

    def get_rec_name(self, name):
        return '%s (%s)' % (self.name, self.start_date)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('name',) + tuple(clause[1:])]

    @classmethod
    def copy(cls, versions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('approved_by', None)
        default.setdefault('approved_date', None)
        default.setdefault('end_date', None)
        return super().copy(versions, default=default)

    @classmethod
    def check_modification(cls, mode, versions, values=None, external=False):
        super().check_modification(
            mode, versions, values=values, external=external)
        if mode == 'delete':
            for version in versions:
                if version.state != 'draft':
                    raise AccessError(gettext(
                            'ric_price_list.msg_version_delete_approved',
                            version=version.rec_name))
        elif mode == 'write':
            allowed = {'end_date', 'state', 'approved_by', 'approved_date'}
            if set(values) - allowed:
                for version in versions:
                    if version.state != 'draft':
                        raise AccessError(gettext(
                                'ric_price_list.msg_version_approved',
                                version=version.rec_name))

    @classmethod
    def validate_fields(cls, versions, field_names):
        super().validate_fields(versions, field_names)
        cls.check_overlap(versions, field_names)

    @classmethod
    def check_overlap(cls, versions, field_names=None):
        "Two approved versions of a list may not start on the same date"
        if field_names and not (
                field_names & {'start_date', 'state', 'price_list'}):
            return
        versions = [v for v in versions if v.state in VALID_STATES]
        if not versions:
            return
        others = cls.search([
                ('price_list', 'in', list({v.price_list.id
                            for v in versions})),
                ('state', 'in', list(VALID_STATES)),
                ])
        dates = defaultdict(list)
        for other in others:
            dates[(other.price_list.id, other.start_date)].append(other)
        for version in versions:
            same = dates[(version.price_list.id, version.start_date)]
            if len(same) > 1:
                raise ValidationError(gettext(
                        'ric_price_list.msg_version_same_start',
                        version=version.rec_name,
                        other=[v for v in same if v != version][0].rec_name,
                        price_list=version.price_list.rec_name))

    def get_base_version(self):
        "Return the version the formulas take base_price from or None"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        if self.base_version:
            return self.base_version
        base = self.price_list.base_price_list
        if not base:
            return None
        key = (base.id, self.start_date)
        version = PriceList.get_valid_versions([key])[key]
        return self.__class__(version) if version else None

    @classmethod
    @ModelView.button
    def derive(cls, versions):
        """Add a formula line for every line of the base version that the
        version does not have yet"""
        pool = Pool()
        Line = pool.get('product.price_list.line')
        to_create = []
        for version in versions:
            base = version.get_base_version()
            if not base:
                raise ValidationError(gettext(
                        'ric_price_list.msg_version_no_base',
                        version=version.rec_name))
            existing = {l.item_key for l in version.lines}
            formula = version.price_list.derive_formula or 'base_price'
            for line in base.lines:
                if line.item_key in existing:
                    continue
                to_create.append({
                        'version': version.id,
                        'price_list': version.price_list.id,
                        'sequence': line.sequence,
                        'item_type': line.item_type,
                        'system': line.system.id if line.system else None,
                        'network_type': (
                            line.network_type.id if line.network_type
                            else None),
                        'kit': line.kit.id if line.kit else None,
                        'product': (
                            line.product.id if line.product else None),
                        'price_type': 'formula',
                        'formula': formula,
                        })
        Line.create(to_create)
        cls.compute_prices(versions)

    @classmethod
    @ModelView.button
    def compute_prices(cls, versions):
        "Evaluate the formula lines and store their prices"
        pool = Pool()
        Line = pool.get('product.price_list.line')
        to_write = []
        for version in versions:
            if version.state != 'draft':
                continue
            to_write.extend(version._compute_prices())
        if to_write:
            Line.write(*to_write)

    def _compute_prices(self):
        "Return the write arguments of the formula lines of the version"
        base = self.get_base_version()
        base_prices = {}
        if base:
            for line in base.lines:
                base_prices[line.item_key] = line.prices
        own = {l.item_key: l.prices for l in self.lines}

        def order(line):
            kind = line.network_type.kind if line.network_type else 'local'
            return (kind != 'local', line.sequence or 0, line.id)
        local_ids = self._local_network_types()
        to_write = []
        for line in sorted(
                (l for l in self.lines if l.price_type == 'formula'),
                key=order):
            prices = {}
            for kind in KINDS:
                names = line.get_formula_names(
                    kind, base_prices, own, local_ids)
                context = self.price_list.get_context_formula(
                    line.product, 0, None)
                context['names'].update(names)
                prices[kind] = self.price_list.round_price(
                    line.get_unit_price(**context))
            own[line.item_key] = prices
            values = {
                'maintenance_price': prices['maintenance'],
                'sale_price': prices['sale'],
                }
            if (line.maintenance_price != values['maintenance_price']
                    or line.sale_price != values['sale_price']):
                to_write.extend(([line], values))
        return to_write

    @classmethod
    def _local_network_types(cls):
        "Return the ids of the network types whose price is local_price"
        pool = Pool()
        NetworkType = pool.get('ric.network.type')
        types = NetworkType.search(
            [('kind', '=', 'local')], order=[('coefficient', 'ASC')])
        return [t.id for t in types if t.coefficient == 1] or [
            t.id for t in types[:1]]

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, versions):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.compute_prices(versions)
        for version in versions:
            for line in version.lines:
                if (line.maintenance_price is None
                        and line.sale_price is None):
                    raise ValidationError(gettext(
                            'ric_price_list.msg_line_no_price',
                            line=line.rec_name,
                            version=version.rec_name))
        cls.write(versions, {
                'approved_by': Transaction().user,
                'approved_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, versions):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        for version in versions:
            if not version.end_date:
                version.end_date = max(today, version.start_date)
        cls.save(versions)


class PriceListLine(metaclass=PoolMeta):
    __name__ = 'product.price_list.line'

    _states = {
        'readonly': Eval('version_state', 'draft') != 'draft',
        'invisible': ~Eval('version'),
        }

    version = fields.Many2One(
        'ric.price_list.version', "Version", ondelete='CASCADE',
        domain=[('price_list', '=', Eval('price_list', -1))],
        states={'readonly': Eval('version_state', 'draft') != 'draft'},
        help="The version of the tariff price list the line belongs to.")
    version_state = fields.Function(fields.Selection([
                (None, ""),
                ('draft', "Draft"),
                ('approved', "Approved"),
                ('closed', "Closed"),
                ], "Version State"), 'on_change_with_version_state')
    item_type = fields.Selection([(None, "")] + ITEM_TYPES, "Item Type",
        states={
            'readonly': _states['readonly'],
            'invisible': _states['invisible'],
            'required': Bool(Eval('version')),
            })
    system = fields.Many2One('ric.system', "System", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('item_type') != 'system',
            'required': Eval('item_type') == 'system',
            })
    network_type = fields.Many2One(
        'ric.network.type', "Network Type", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('item_type') != 'system',
            'required': Eval('item_type') == 'system',
            })
    kit = fields.Many2One('ric.kit', "Kit", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('item_type') != 'kit',
            'required': Eval('item_type') == 'kit',
            })
    price_type = fields.Selection([
            ('fixed', "Fixed Price"),
            ('formula', "Formula"),
            ], "Price Type", states=_states,
        help="A fixed price is entered; a formula computes the prices from "
        "base_price, local_price and coefficient.")
    formula_description = fields.Function(fields.Char(
            "Formula in Words",
            states={'invisible': Eval('price_type') != 'formula'},
            help="The formula with the names of its prices and coefficient."),
        'on_change_with_formula_description')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    maintenance_price = fields.Numeric(
        "Maintenance Price", digits='currency',
        states={
            'readonly': (_states['readonly']
                | (Eval('price_type') == 'formula')),
            'invisible': _states['invisible'],
            },
        help="The monthly price of the maintenance.")
    sale_price = fields.Numeric(
        "Sale Price", digits='currency',
        states={
            'readonly': (_states['readonly']
                | (Eval('price_type') == 'formula')),
            'invisible': _states['invisible'],
            })
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.formula.help += (
            '\n- base_price: the price in the base price list'
            '\n- local_price: the price of the local version of the system'
            '\n- coefficient: the coefficient of the network type')
        cls.product.states = {
            'readonly': Eval('version_state', 'draft') != 'draft',
            'invisible': (Bool(Eval('version'))
                & (Eval('item_type') != 'product')),
            'required': Eval('item_type') == 'product',
            }
        cls.formula.states = {
            'readonly': Eval('version_state', 'draft') != 'draft',
            'invisible': (Bool(Eval('version'))
                & (Eval('price_type') != 'formula')),
            }

    @classmethod
    def default_price_type(cls):
        return 'fixed'

    @fields.depends('version', '_parent_version.state')
    def on_change_with_version_state(self, name=None):
        if self.version:
            return self.version.state

    @fields.depends('price_list', '_parent_price_list.currency')
    def on_change_with_currency(self, name=None):
        if self.price_list and getattr(self.price_list, 'currency', None):
            return self.price_list.currency

    @fields.depends('price_type', 'formula')
    def on_change_with_formula_description(self, name=None):
        if self.price_type == 'formula' and self.formula:
            return describe_formula(self.formula, {
                    n: gettext('ric_price_list.msg_formula_%s' % n)
                    for n in FORMULA_NAMES})

    @fields.depends('version', '_parent_version.price_list')
    def on_change_version(self):
        if self.version and self.version.price_list:
            self.price_list = self.version.price_list

    @fields.depends('item_type', 'system', 'network_type', 'kit', 'product')
    def on_change_item_type(self):
        if self.item_type != 'system':
            self.system = self.network_type = None
        if self.item_type != 'kit':
            self.kit = None
        if self.item_type != 'product':
            self.product = None

    @fields.depends('price_type', 'formula', 'version',
        '_parent_version.price_list')
    def on_change_price_type(self):
        if self.price_type == 'formula' and self.formula in {
                None, '', 'unit_price'}:
            price_list = self.version.price_list if self.version else None
            self.formula = (price_list.derive_formula
                if price_list and price_list.derive_formula
                else 'base_price')

    @property
    def item_key(self):
        "The item of the line as used by the spine API"
        if self.item_type == 'system':
            return ('system', self.system.id,
                self.network_type.id if self.network_type else None)
        elif self.item_type == 'kit':
            return ('kit', self.kit.id)
        return ('product', self.product.id if self.product else None)

    @property
    def prices(self):
        return {
            'maintenance': self.maintenance_price,
            'sale': self.sale_price,
            }

    def get_formula_names(self, kind, base_prices, own_prices, local_ids):
        "Return the names of the formula for the kind of price"
        base = base_prices.get(self.item_key, {}).get(kind)
        local = None
        if self.item_type == 'system':
            for key, prices in own_prices.items():
                if key == self.item_key or key[0] != 'system':
                    continue
                if key[1] == self.system.id and key[2] in local_ids:
                    local = prices.get(kind)
                    break
        coefficient = (self.network_type.coefficient
            if self.network_type else Decimal(1))
        names = {
            'base_price': base if base is not None else DecimalNull(),
            'local_price': local if local is not None else DecimalNull(),
            'coefficient': (
                Decimal(coefficient) if coefficient is not None
                else DecimalNull()),
            }
        names['unit_price'] = names['base_price']
        return names

    def get_rec_name(self, name):
        if self.version:
            if self.item_type == 'system' and self.system:
                return '%s / %s' % (
                    self.system.rec_name,
                    self.network_type.rec_name if self.network_type else '')
            elif self.item_type == 'kit' and self.kit:
                return self.kit.rec_name
            elif self.product:
                return self.product.rec_name
        return super().get_rec_name(name)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Version = pool.get('ric.price_list.version')
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('version')
                and not values.get('price_list')):
            values['price_list'] = Version(values['version']).price_list.id
        if mode == 'create' and values.get('version'):
            if not values.get('item_type'):
                if values.get('system'):
                    values['item_type'] = 'system'
                elif values.get('kit'):
                    values['item_type'] = 'kit'
                elif values.get('product'):
                    values['item_type'] = 'product'
            if (values.get('price_type') == 'formula'
                    and values.get('formula') in {None, '', 'unit_price'}):
                price_list = Version(values['version']).price_list
                values['formula'] = price_list.derive_formula or 'base_price'
        return values

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'create', 'delete'} or (
                mode == 'write' and set(values or {}) - {'sequence'}):
            for line in lines:
                if line.version and line.version.state != 'draft':
                    raise AccessError(gettext(
                            'ric_price_list.msg_version_approved',
                            version=line.version.rec_name))

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        cls.check_item(lines, field_names)
        cls.check_unique_item(lines, field_names)

    @classmethod
    def check_item(cls, lines, field_names=None):
        fields_ = {'version', 'item_type', 'system', 'network_type', 'kit',
            'product'}
        if field_names and not (field_names & fields_):
            return
        for line in lines:
            if not line.version:
                continue
            required = {
                'system': ['system', 'network_type'],
                'kit': ['kit'],
                'product': ['product'],
                }.get(line.item_type, ['system', 'network_type'])
            forbidden = {'system', 'network_type', 'kit', 'product'} - set(
                required)
            if (any(getattr(line, f) is None for f in required)
                    or any(getattr(line, f) is not None
                        for f in forbidden)):
                raise ValidationError(gettext(
                        'ric_price_list.msg_line_item',
                        line=line.rec_name,
                        version=line.version.rec_name))

    @classmethod
    def check_unique_item(cls, lines, field_names=None):
        "An item appears once per version (one query per slice)"
        fields_ = {'version', 'system', 'network_type', 'kit', 'product'}
        if field_names and not (field_names & fields_):
            return
        versions = {l.version.id for l in lines if l.version}
        if not versions:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # GROUP BY puts NULL keys together
        key = [table.version, table.system, table.network_type, table.kit,
            table.product]
        for sub_ids in id_slices(versions):
            cursor.execute(*table.select(
                    *key, Count(table.id),
                    where=in_ids(table.version, sub_ids),
                    group_by=key,
                    having=Count(table.id) > 1,
                    limit=1))
            row = cursor.fetchone()
            if row:
                line, = cls.search([
                        ('version', '=', row[0]),
                        ('system', '=', row[1]),
                        ('network_type', '=', row[2]),
                        ('kit', '=', row[3]),
                        ('product', '=', row[4]),
                        ], limit=1)
                raise ValidationError(gettext(
                        'ric_price_list.msg_line_unique',
                        line=line.rec_name,
                        version=line.version.rec_name))

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        return super().copy(lines, default=default)


class Configuration(metaclass=PoolMeta):
    __name__ = 'ric.configuration'

    default_price_list = fields.Many2One(
        'product.price_list', "Default Price List",
        domain=[('ric_type', '!=', None)],
        help="The tariff price list of the clients without an assignment.")


class Assignment(ModelSQL, ModelView):
    "Price List Assignment"
    __name__ = 'ric.price_list.assignment'
    __string__ = "Price List Assignment"

    party = fields.Many2One('party.party', "Client", required=True,
        ondelete='CASCADE')
    price_list = fields.Many2One(
        'product.price_list', "Price List", required=True,
        ondelete='RESTRICT', domain=[('ric_type', '!=', None)])
    start_date = fields.Date("Start Date",
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<=', Eval('end_date')), ())])
    end_date = fields.Date("End Date",
        domain=[If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')), ())])
    comment = fields.Char("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # get_client_price_lists reads the assignments of clients over
        # a range of dates
        cls._sql_indexes.add(
            Index(t, (t.party, Index.Range()),
                (t.start_date, Index.Range()), (t.end_date, Index.Range())))
        cls._order = [
            ('party', 'ASC'),
            ('start_date', 'DESC NULLS LAST'),
            ('id', 'DESC'),
            ]

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s: %s' % (self.party.rec_name, self.price_list.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('party.rec_name', operator, operand, *extra),
            ('price_list.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, assignments, field_names):
        super().validate_fields(assignments, field_names)
        cls.check_overlap(assignments, field_names)

    @classmethod
    def check_overlap(cls, assignments, field_names=None):
        "The assignments of a client do not overlap (one query per slice)"
        if field_names and not (
                field_names & {'party', 'start_date', 'end_date'}):
            return
        parties = {a.party.id for a in assignments}
        by_party = defaultdict(list)
        for sub_ids in id_slices(parties):
            for other in cls.search([('party', 'in', list(sub_ids))]):
                by_party[other.party.id].append(other)
        for assignment in assignments:
            for other in by_party[assignment.party.id]:
                if other.id == assignment.id:
                    continue
                if overlaps(
                        (assignment.start_date, assignment.end_date),
                        (other.start_date, other.end_date)):
                    raise ValidationError(gettext(
                            'ric_price_list.msg_assignment_overlap',
                            client=assignment.party.rec_name,
                            first=assignment.price_list.rec_name,
                            second=other.price_list.rec_name))
