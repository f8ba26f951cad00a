# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The prices billing applies before the price list.

The monthly price of a distributive comes from the first source that
applies on the first day of the month: a client budget that covers it, a
fixed price of the distributive, the best promotion or discount applied to
the list price, else the price list (``product.price_list.get_prices``).
"""
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal

from sql import Null

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.batch import id_slices, in_ids
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

KOPECK = Decimal('0.01')
#: the price of one month of a distributive and where it comes from;
#: list_amount is the price list's, approved tells whether a price under
#: the list may be billed
MonthPrice = namedtuple('MonthPrice',
    ['amount', 'source', 'list_amount', 'origin'])


def round_kopeck(amount):
    return Decimal(amount).quantize(KOPECK, rounding=ROUND_HALF_UP)


def _date_domain():
    return [If(Eval('date_from') & Eval('date_to'),
            ('date_to', '>=', Eval('date_from', None)), ())]


class _PeriodMixin:
    __slots__ = ()
    date_from = fields.Date("Date From", required=True)
    date_to = fields.Date("Date To", domain=_date_domain())

    @classmethod
    def _period_where(cls, table, date):
        return ((table.date_from <= date)
            & ((table.date_to == Null) | (table.date_to >= date)))


class Budget(_PeriodMixin, ModelSQL, ModelView):
    "Client Budget"
    __name__ = 'ric.billing.budget'
    __string__ = "Client Budget"

    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='CASCADE')
    company = fields.Many2One('company.company', "Legal Entity",
        required=True, ondelete='CASCADE')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = Monetary("Monthly Amount", currency='currency',
        digits='currency', required=True,
        help="The maintenance of the whole set of distributives per month.")
    distributives = fields.Many2Many(
        'ric.billing.budget-ric.distributive', 'budget', 'distributive',
        "Distributives", required=True,
        domain=[('client', '=', Eval('client', -1))])
    comment = fields.Text("Comment")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_rec_name(self, name):
        return '%s (%s)' % (self.client.rec_name, self.date_from)


class BudgetDistributive(ModelSQL):
    "Client Budget - Distributive"
    __name__ = 'ric.billing.budget-ric.distributive'
    __string__ = "Client Budget - Distributive"
    budget = fields.Many2One('ric.billing.budget', "Budget", required=True,
        ondelete='CASCADE')
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE')


class FixedPrice(_PeriodMixin, ModelSQL, ModelView):
    "Fixed Price"
    __name__ = 'ric.billing.fixed_price'
    __string__ = "Fixed Price"

    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE')
    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='CASCADE',
        help="The price applies while the distributive serves this client.")
    currency = fields.Many2One('currency.currency', "Currency",
        required=True)
    amount = Monetary("Monthly Price", currency='currency',
        digits='currency', required=True)
    comment = fields.Text("Comment")

    @classmethod
    def default_currency(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company = Transaction().context.get('company')
        if company:
            return Company(company).currency.id

    @fields.depends('distributive', 'client')
    def on_change_distributive(self):
        if self.distributive and not self.client:
            self.client = self.distributive.client

    def get_rec_name(self, name):
        return '%s (%s)' % (self.distributive.rec_name, self.date_from)


DISCOUNT_KINDS = [
    ('percentage', "Percentage"),
    ('amount', "Amount"),
    ]


class _ReductionMixin(_PeriodMixin):
    __slots__ = ()
    kind = fields.Selection(DISCOUNT_KINDS, "Kind", required=True)
    value = fields.Numeric("Value", digits=(16, 2), required=True,
        domain=[('value', '>=', 0),
            If(Eval('kind') == 'percentage', ('value', '<=', 100), ())],
        help="The percentage or the amount taken off the monthly list price.")

    @classmethod
    def default_kind(cls):
        return 'percentage'

    def apply(self, amount):
        "Return the monthly amount once reduced, never below zero"
        if self.kind == 'percentage':
            amount = amount * (100 - self.value) / 100
        else:
            amount = amount - self.value
        return max(round_kopeck(amount), Decimal(0))


class Discount(_ReductionMixin, ModelSQL, ModelView):
    "Discount"
    __name__ = 'ric.billing.discount'
    __string__ = "Discount"

    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='CASCADE')
    distributive = fields.Many2One('ric.distributive', "Distributive",
        ondelete='CASCADE',
        domain=[('client', '=', Eval('client', -1))],
        help="Leave empty for every distributive of the client.")
    comment = fields.Text("Comment")


class Promotion(_ReductionMixin, ModelSQL, ModelView):
    "Promotion"
    __name__ = 'ric.billing.promotion'
    __string__ = "Promotion"

    name = fields.Char("Name", required=True)
    systems = fields.Many2Many('ric.billing.promotion-ric.system',
        'promotion', 'system', "Systems",
        help="Leave empty for every system.")
    network_types = fields.Many2Many(
        'ric.billing.promotion-ric.network.type',
        'promotion', 'network_type', "Network Types",
        help="Leave empty for every network type.")
    new_clients_only = fields.Boolean("New Connections Only",
        help="Apply only to the distributives connected on or after the "
        "start of the promotion.")

    def applies(self, system, network_type):
        return ((not self.systems or system in {s.id for s in self.systems})
            and (not self.network_types
                or network_type in {n.id for n in self.network_types}))


class PromotionSystem(ModelSQL):
    "Promotion - System"
    __name__ = 'ric.billing.promotion-ric.system'
    __string__ = "Promotion - System"
    promotion = fields.Many2One('ric.billing.promotion', "Promotion",
        required=True, ondelete='CASCADE')
    system = fields.Many2One('ric.system', "System", required=True,
        ondelete='CASCADE')


class PromotionNetworkType(ModelSQL):
    "Promotion - Network Type"
    __name__ = 'ric.billing.promotion-ric.network.type'
    __string__ = "Promotion - Network Type"
    promotion = fields.Many2One('ric.billing.promotion', "Promotion",
        required=True, ondelete='CASCADE')
    network_type = fields.Many2One('ric.network.type', "Network Type",
        required=True, ondelete='CASCADE')


def month_prices(company, items, month, connected=None):
    """Return {item: MonthPrice or None} for the month starting on month

    items are (client id, distributive id, system id, network type id)
    tuples; connected is {distributive id: first day in service} for the
    promotions of new connections.  A constant number of queries: one per
    source and slice of clients, and one call of get_prices.
    """
    pool = Pool()
    PriceList = pool.get('product.price_list')
    items = list(dict.fromkeys(items))
    clients = {i[0] for i in items}
    distributives = {i[1] for i in items}
    requests = {i: (i[0], i[2], i[3], month, 'maintenance') for i in items}
    list_prices = PriceList.get_prices(
        set(requests.values()), date=month, with_source=True)

    def list_amount(item):
        price = list_prices.get(requests[item])
        if price and price.amount is not None:
            return round_kopeck(price.amount)
        return None

    budgets = _budgets(company, clients, month)
    fixed = _fixed_prices(distributives, month)
    discounts = _discounts(clients, month)
    promotions = _promotions(month)
    connected = connected or {}
    result = _budget_prices(items, budgets, list_amount)
    for item in items:
        if item in result:
            continue
        client, distributive, _, _ = item
        amount = list_amount(item)
        if (distributive, client) in fixed:
            price = fixed[(distributive, client)]
            result[item] = MonthPrice(
                round_kopeck(price.amount), 'fixed', amount, price)
        elif amount is None:
            result[item] = None
        else:
            result[item] = _best_price(item, amount,
                discounts.get(client, []), promotions, connected)
    return result


def _budget_prices(items, budgets, list_amount):
    """Return {item: MonthPrice} of the items in a client budget

    The budget of a set is shared in proportion to the list prices of its
    distributives (equally when none has one)."""
    result = {}
    budget_items = defaultdict(list)
    for item in items:
        if item[1] in budgets:
            budget_items[budgets[item[1]]].append(item)
    for budget, budget_lines in budget_items.items():
        shares = _share(budget.amount,
            [list_amount(i) or Decimal(0) for i in budget_lines])
        for item, share in zip(budget_lines, shares):
            result[item] = MonthPrice(
                share, 'budget', list_amount(item), budget)
    return result


def _best_price(item, amount, discounts, promotions, connected):
    """Return the MonthPrice of the lowest of the list price amount, the
    client's discounts and the promotions that apply to the item"""
    _, distributive, system, network_type = item
    best = MonthPrice(amount, 'price_list', amount, None)
    for discount in discounts:
        if discount.distributive and discount.distributive.id != distributive:
            continue
        reduced = discount.apply(amount)
        if reduced < best.amount:
            best = MonthPrice(reduced, 'discount', amount, discount)
    for promotion in promotions:
        if not promotion.applies(system, network_type):
            continue
        if (promotion.new_clients_only
                and connected.get(distributive, dt.date.min)
                < promotion.date_from):
            continue
        reduced = promotion.apply(amount)
        if reduced < best.amount:
            best = MonthPrice(reduced, 'promotion', amount, promotion)
    return best


def _share(total, weights):
    "Split total into kopecks in proportion to weights, summing exactly"
    total = round_kopeck(total)
    if not weights:
        return []
    weight_sum = sum(weights)
    if not weight_sum:
        weights = [Decimal(1)] * len(weights)
        weight_sum = Decimal(len(weights))
    shares = [round_kopeck(total * w / weight_sum) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _budgets(company, clients, month):
    "Return {distributive id: budget} of the budgets valid in the month"
    pool = Pool()
    Budget = pool.get('ric.billing.budget')
    BudgetDistributive = pool.get('ric.billing.budget-ric.distributive')
    budget = Budget.__table__()
    relation = BudgetDistributive.__table__()
    cursor = Transaction().connection.cursor()
    found = {}
    for sub_ids in id_slices(clients):
        cursor.execute(*budget.join(relation,
                condition=relation.budget == budget.id).select(
                relation.distributive, budget.id,
                where=in_ids(budget.client, sub_ids)
                & (budget.company == int(company))
                & Budget._period_where(budget, month),
                order_by=[budget.date_from.asc, budget.id.asc]))
        found.update(dict(cursor))
    budgets = {b.id: b for b in Budget.browse(set(found.values()))}
    return {d: budgets[b] for d, b in found.items()}


def _fixed_prices(distributives, month):
    pool = Pool()
    FixedPrice = pool.get('ric.billing.fixed_price')
    table = FixedPrice.__table__()
    cursor = Transaction().connection.cursor()
    found = {}
    for sub_ids in id_slices(distributives):
        cursor.execute(*table.select(
                table.distributive, table.client, table.id,
                where=in_ids(table.distributive, sub_ids)
                & FixedPrice._period_where(table, month),
                order_by=[table.date_from.asc, table.id.asc]))
        for distributive, client, id_ in cursor:
            found[(distributive, client)] = id_
    prices = {p.id: p for p in FixedPrice.browse(set(found.values()))}
    return {k: prices[p] for k, p in found.items()}


def _discounts(clients, month):
    pool = Pool()
    Discount = pool.get('ric.billing.discount')
    table = Discount.__table__()
    cursor = Transaction().connection.cursor()
    ids = []
    for sub_ids in id_slices(clients):
        cursor.execute(*table.select(table.id,
                where=in_ids(table.client, sub_ids)
                & Discount._period_where(table, month)))
        ids.extend(i for i, in cursor)
    result = defaultdict(list)
    for discount in Discount.browse(ids):
        result[discount.client.id].append(discount)
    return result


def _promotions(month):
    pool = Pool()
    Promotion = pool.get('ric.billing.promotion')
    return Promotion.search([
            ('date_from', '<=', month),
            ['OR', ('date_to', '=', None), ('date_to', '>=', month)],
            ])
