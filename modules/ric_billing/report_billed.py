# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What was billed, by legal entity, system, department, employee and month,
with the price-list coefficient (from ric.billed.amount of ric_price_list)"""
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ric_price_list.pricing import ratio
from trytond.pool import Pool
from trytond.transaction import Transaction


class BilledContext(ModelView):
    "Billed Amounts Context"
    __name__ = 'ric.billing.billed.context'
    __string__ = "Billed Amounts Context"

    company = fields.Many2One('company.company', "Company")
    from_date = fields.Date("From Month")
    to_date = fields.Date("To Month")
    system = fields.Many2One('ric.system', "System")
    department = fields.Many2One('ric.department', "Department")
    employee = fields.Many2One('company.employee', "Employee")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')


class BilledMixin(ModelSQL, ModelView):
    "The sums of the billed amounts grouped by _keys"

    company = fields.Many2One('company.company', "Company")
    billed_amount = fields.Numeric("Billed Amount", digits=(16, 2),
        help="The sum of the amounts billed.")
    priced_amount = fields.Numeric("Billed with List Price", digits=(16, 2),
        help="The part of the billed amount that has a list amount.")
    list_amount = fields.Numeric("List Amount", digits=(16, 2),
        help="The sum of the monthly maintenance prices of the price lists.")
    coefficient = fields.Function(fields.Numeric("Coefficient",
            digits=(16, 4),
            help="The billed amount divided by the list amount of the same "
            "distributives and months."), 'get_coefficient')
    clients = fields.Integer("Clients")
    distributives = fields.Integer("Distributives")

    #: the key columns after company: name -> 'billed.<column>' or
    #: 'employee.<column>'
    _keys = []

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('billed_amount', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _where(cls, billed, employee):
        context = Transaction().context
        where = Literal(True)
        if context.get('company'):
            where &= billed.company == context['company']
        if context.get('from_date'):
            where &= billed.date >= context['from_date'].replace(day=1)
        if context.get('to_date'):
            where &= billed.date <= context['to_date']
        if context.get('system'):
            where &= billed.system == context['system']
        if context.get('employee'):
            where &= billed.employee == context['employee']
        if context.get('department'):
            where &= employee.department == context['department']
        return where

    @classmethod
    def table_query(cls):
        pool = Pool()
        Billed = pool.get('ric.billed.amount')
        Employee = pool.get('company.employee')
        billed = Billed.__table__()
        employee = Employee.__table__()
        tables = {'billed': billed, 'employee': employee}
        keys = [billed.company] + [
            getattr(tables[t], c) for t, c in (
                k.split('.') for _, k in cls._keys)]
        names = ['company'] + [n for n, _ in cls._keys]
        priced = Case((billed.list_amount != Null, billed.billed_amount),
            else_=Literal(0))
        return (billed
            .join(employee, 'LEFT',
                condition=billed.employee == employee.id)
            .select(
                Min(billed.id).as_('id'),
                Literal(None).as_('create_uid'),
                Literal(None).as_('create_date'),
                Literal(None).as_('write_uid'),
                Literal(None).as_('write_date'),
                *[k.as_(n) for k, n in zip(keys, names)],
                cls.billed_amount.sql_cast(
                    Sum(billed.billed_amount)).as_('billed_amount'),
                cls.priced_amount.sql_cast(Sum(priced)).as_('priced_amount'),
                cls.list_amount.sql_cast(
                    Sum(billed.list_amount)).as_('list_amount'),
                Count(billed.client, distinct=True).as_('clients'),
                Count(billed.distributive, distinct=True).as_(
                    'distributives'),
                where=cls._where(billed, employee),
                group_by=keys))

    @classmethod
    def get_coefficient(cls, records, name):
        result = {}
        for record in records:
            list_amount = _money(record.list_amount)
            result[record.id] = (ratio(_money(record.priced_amount),
                    list_amount) if list_amount else None)
        return result


def _money(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal('0.01'))


class BilledByCompany(BilledMixin):
    "Billed by Legal Entity"
    __name__ = 'ric.billing.billed.company'
    __string__ = "Billed by Legal Entity"
    _keys = []


class BilledBySystem(BilledMixin):
    "Billed by System"
    __name__ = 'ric.billing.billed.system'
    __string__ = "Billed by System"
    system = fields.Many2One('ric.system', "System")
    _keys = [('system', 'billed.system')]


class BilledByDepartment(BilledMixin):
    "Billed by Department"
    __name__ = 'ric.billing.billed.department'
    __string__ = "Billed by Department"
    department = fields.Many2One('ric.department', "Department")
    _keys = [('department', 'employee.department')]


class BilledByEmployee(BilledMixin):
    "Billed by Employee"
    __name__ = 'ric.billing.billed.employee'
    __string__ = "Billed by Employee"
    employee = fields.Many2One('company.employee', "Employee")
    department = fields.Many2One('ric.department', "Department")
    _keys = [('employee', 'billed.employee'),
        ('department', 'employee.department')]


class BilledByMonth(BilledMixin):
    "Billed by Month"
    __name__ = 'ric.billing.billed.month'
    __string__ = "Billed by Month"
    date = fields.Date("Month")
    _keys = [('date', 'billed.date')]

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
