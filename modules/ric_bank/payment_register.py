# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The payment register (реестр платежей): the payments received and paid
out by day, legal entity, account and employee.

:class:`PaymentRegister` (``ric.bank.payment.register``) is a reporting
model over the lines of the validated and posted statements: one row per
date, company, statement journal (a bank account or a cash desk) and
employee — the employee of the user who created the line.  Its context
model :class:`PaymentRegisterContext` filters the rows by period, company,
journal and employee through ``Transaction().context``, as the reporting
models of ``sale`` and ``stock`` do.  :class:`PaymentRegisterReport`
prints the rows with the totals of each day and of the period.
"""
import datetime as dt
from collections import OrderedDict
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.office import ConvertMixin
from trytond.modules.ric_billing.report import (
    NO_SIGNER, date_short, money, printed_party, signer)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

#: the states of the statements whose lines are in the register
STATES = ['validated', 'posted']


class PaymentRegisterContext(ModelView):
    "Payment Register Context"
    __name__ = 'ric.bank.payment.register.context'
    __string__ = "Payment Register Context"

    from_date = fields.Date("From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date("To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    company = fields.Many2One('company.company', "Company", required=True)
    journal = fields.Many2One('account.statement.journal', "Journal",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="Show only the payments of this bank account or cash desk.")
    employee = fields.Many2One('company.employee', "Employee",
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="Show only the payments entered by this employee.")

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        return Date.today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return Date.today()

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_journal(cls):
        return Transaction().context.get('journal')

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')


class PaymentRegister(ModelSQL, ModelView):
    "Payment Register"
    __name__ = 'ric.bank.payment.register'
    __string__ = "Payment Register"

    date = fields.Date("Date")
    company = fields.Many2One('company.company', "Company")
    journal = fields.Many2One('account.statement.journal', "Journal",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The statement journal: a bank account or a cash desk.")
    bank_account = fields.Many2One('bank.account', "Bank Account",
        help="The bank account of the journal (empty for a cash desk).")
    account_number = fields.Function(fields.Char("Account Number",
            help="The number of the bank account of the journal."),
        'get_account_number')
    cash = fields.Boolean("Cash Desk",
        help="The journal keeps the cash of the company.")
    employee = fields.Many2One('company.employee', "Employee",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The employee of the user who entered the payments "
        "(empty when the user is no employee of the company).")
    currency = fields.Many2One('currency.currency', "Currency")
    receipts = Monetary("Receipts", currency='currency', digits='currency',
        help="The sum of the payments received.")
    expenses = Monetary("Expenses", currency='currency', digits='currency',
        help="The sum of the payments paid out.")
    balance = Monetary("Balance of the Day", currency='currency',
        digits='currency',
        help="The receipts less the expenses.")
    receipt_count = fields.Integer("Number of Receipts",
        help="The payment documents received: a payment allocated to "
        "several invoices counts once.")
    expense_count = fields.Integer("Number of Expenses",
        help="The payment documents paid out.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'ASC'),
            ('company', 'ASC'),
            ('journal', 'ASC'),
            ('employee', 'ASC NULLS LAST'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        "Return the rows: the sums of the lines by their key, in one query"
        Line = Pool().get('account.statement.line')
        tables = cls._tables()
        line = tables['line']
        statement = tables['statement']
        journal = tables['journal']
        currency = tables['currency']
        # SQLite stores the decimals as bytes: compare and sum them as numbers
        amount = Line.amount.sql_cast(line.amount)
        employee = cls._employee_column(tables)
        received = Case((amount > 0, amount), else_=Literal(0))
        # the bank document of the line, or the line itself (cash desk)
        document = Coalesce(line.origin, -line.id)
        paid = Case((amount < 0, -amount), else_=Literal(0))
        digits = currency.digits

        def total(field, expression):
            return Round(field.sql_cast(Sum(expression)), digits)
        keys = [
            line.date, statement.company, statement.journal,
            journal.bank_account, journal.currency, employee,
            ]
        return cls._from_item(tables).select(
            Min(line.id).as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            line.date.as_('date'),
            statement.company.as_('company'),
            statement.journal.as_('journal'),
            journal.bank_account.as_('bank_account'),
            Coalesce(journal.ric_cash, Literal(False)).as_('cash'),
            journal.currency.as_('currency'),
            employee.as_('employee'),
            total(cls.receipts, received).as_('receipts'),
            total(cls.expenses, paid).as_('expenses'),
            total(cls.balance, amount).as_('balance'),
            # a payment allocated to several invoices counts once
            Count(Case((amount > 0, document)), distinct=True).as_(
                'receipt_count'),
            Count(Case((amount < 0, document)), distinct=True).as_(
                'expense_count'),
            where=cls._where(tables, amount, employee),
            group_by=keys + [journal.ric_cash, currency.digits])

    @classmethod
    def _tables(cls):
        pool = Pool()
        Line = pool.get('account.statement.line')
        Statement = pool.get('account.statement')
        Journal = pool.get('account.statement.journal')
        Currency = pool.get('currency.currency')
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        UserEmployee = pool.get('res.user-company.employee')
        user_employee = UserEmployee.__table__()
        other = Employee.__table__()
        return {
            'line': Line.__table__(),
            'statement': Statement.__table__(),
            'journal': Journal.__table__(),
            'currency': Currency.__table__(),
            'user': User.__table__(),
            'employee': Employee.__table__(),
            # the first employee of each user in each company
            'user_employee': (user_employee
                .join(other, condition=user_employee.employee == other.id)
                .select(
                    user_employee.user.as_('user'),
                    other.company.as_('company'),
                    Min(other.id).as_('employee'),
                    group_by=[user_employee.user, other.company])),
            }

    @classmethod
    def _from_item(cls, tables):
        line = tables['line']
        statement = tables['statement']
        journal = tables['journal']
        currency = tables['currency']
        user = tables['user']
        employee = tables['employee']
        user_employee = tables['user_employee']
        return (line
            .join(statement, condition=line.statement == statement.id)
            .join(journal, condition=statement.journal == journal.id)
            .join(currency, condition=journal.currency == currency.id)
            .join(user, 'LEFT', condition=line.create_uid == user.id)
            .join(employee, 'LEFT',
                condition=(user.employee == employee.id)
                & (employee.company == statement.company))
            .join(user_employee, 'LEFT',
                condition=(user_employee.user == line.create_uid)
                & (user_employee.company == statement.company)))

    @classmethod
    def _employee_column(cls, tables):
        """Return the employee of the user who created the line: the
        user's current employee when it is of the line's company, else the
        first of the user's employees of that company"""
        return Coalesce(
            tables['employee'].id, tables['user_employee'].employee)

    @classmethod
    def _where(cls, tables, amount, employee):
        context = Transaction().context
        line = tables['line']
        statement = tables['statement']
        where = statement.state.in_(STATES) & (amount != Literal(0))
        if context.get('company'):
            where &= statement.company == context['company']
        if context.get('from_date'):
            where &= line.date >= context['from_date']
        if context.get('to_date'):
            where &= line.date <= context['to_date']
        if context.get('journal'):
            where &= statement.journal == context['journal']
        if context.get('employee'):
            where &= employee == context['employee']
        return where

    def get_rec_name(self, name):
        return ' '.join(filter(None, [
                    date_short(self.date),
                    self.journal.rec_name if self.journal else None,
                    self.employee.rec_name if self.employee else None]))

    @classmethod
    def get_account_number(cls, records, name):
        "Return the first number of the bank account of each row"
        pool = Pool()
        BankAccount = pool.get('bank.account')
        accounts = {r.id: r.bank_account.id for r in records
            if r.bank_account}
        numbers = {}
        with without_check_access():
            for account in BankAccount.browse(sorted(set(accounts.values()))):
                numbers[account.id] = next(
                    (n.number for n in account.numbers if n.number), None)
        return {r.id: numbers.get(accounts.get(r.id)) for r in records}


class RegisterTotal:
    "The printed totals of rows (a day, the period)"

    def __init__(self, label, rows, currency=None):
        self.label = label
        self.currency = currency
        self.receipts_value = sum(
            (r.receipts or 0 for r in rows), Decimal(0))
        self.expenses_value = sum(
            (r.expenses or 0 for r in rows), Decimal(0))
        self.balance_value = sum((r.balance or 0 for r in rows), Decimal(0))
        self.receipts = money(self.receipts_value)
        self.expenses = money(self.expenses_value)
        self.balance = money(self.balance_value)
        self.receipt_count = sum(r.receipt_count or 0 for r in rows)
        self.expense_count = sum(r.expense_count or 0 for r in rows)


class RegisterRow:
    "The printed texts of one row of the register"

    def __init__(self, row):
        self.row = row
        self.date = date_short(row.date)
        self.account = account_text(row)
        self.employee = row.employee.rec_name if row.employee else ''
        self.receipts = money(row.receipts)
        self.expenses = money(row.expenses)
        self.balance = money(row.balance)
        self.receipt_count = row.receipt_count or 0
        self.expense_count = row.expense_count or 0


class RegisterDay:
    "The rows of one day and their totals"

    def __init__(self, date, rows, currencies):
        self.date = date_short(date)
        self.rows = [RegisterRow(r) for r in rows]
        self.totals = totals('Итого за %s' % self.date, rows, currencies)


class RegisterSection:
    "The register of one company (the template's ``section``)"

    def __init__(self, company, requisites, accountant, from_date, to_date,
            rows):
        self.company = company
        #: the chief accountant who signs the register
        self.accountant = accountant or NO_SIGNER
        printed = printed_party(requisites)
        self.name = printed.name or company.party.rec_name
        self.inn_kpp = printed.inn_kpp
        self.from_date = date_short(from_date)
        self.to_date = date_short(to_date)
        self.title = 'Реестр платежей за период с %s по %s' % (
            self.from_date, self.to_date)
        currencies = {r.currency for r in rows}
        by_date = OrderedDict()
        for row in rows:
            by_date.setdefault(row.date, []).append(row)
        self.days = [RegisterDay(date, day_rows, currencies)
            for date, day_rows in by_date.items()]
        self.totals = totals('Всего за период', rows, currencies)


def account_text(row):
    "Return the printed account of a row: the journal and its number"
    journal = row.journal.rec_name if row.journal else ''
    if row.account_number:
        return '%s, р/с %s' % (journal, row.account_number)
    return journal


def totals(label, rows, currencies):
    "Return the RegisterTotal of rows, one per currency when there are many"
    if len(currencies) <= 1:
        return [RegisterTotal(label, rows)]
    result = []
    for currency in sorted(currencies, key=lambda c: c.code or ''):
        result.append(RegisterTotal('%s, %s' % (label, currency.code),
                [r for r in rows if r.currency == currency], currency))
    return result


class PaymentRegisterReport(ConvertMixin, Report):
    "The printed payment register of the rows"
    __name__ = 'ric.bank.payment.register'
    __string__ = "Payment Register"

    @classmethod
    def execute(cls, ids, data):
        # the file is named by the report, not by the rows
        with Transaction().set_context(with_rec_name=False):
            return super().execute(ids, data)

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Register = pool.get('ric.bank.payment.register')
        context = super().get_context(records, header, data)
        rows = Register.browse([r.id for r in records])
        context['sections'] = cls.sections(rows)
        return context

    @classmethod
    def sections(cls, rows):
        "Return the RegisterSection of each company of rows"
        pool = Pool()
        Party = pool.get('party.party')
        Signatory = pool.get('ric.billing.signatory')
        context = Transaction().context
        by_company = OrderedDict()
        # in the order of the list: the employees by name, then no one
        for row in sorted(rows, key=lambda r: (
                    r.company.id, r.date, r.journal.rec_name,
                    r.employee is None,
                    r.employee.rec_name if r.employee else '', r.id)):
            by_company.setdefault(row.company, []).append(row)
        sections = []
        with without_check_access():
            for company, company_rows in by_company.items():
                dates = [r.date for r in company_rows]
                from_date = context.get('from_date') or min(dates)
                to_date = context.get('to_date') or max(dates)
                if isinstance(from_date, dt.datetime):
                    from_date = from_date.date()
                if isinstance(to_date, dt.datetime):
                    to_date = to_date.date()
                party = company.party
                requisites = Party.get_requisites([party.id], to_date)
                signatories = Signatory.get_signatories(
                    [company.id], to_date).get(company.id, {})
                accountant = signatories.get('chief_accountant')
                sections.append(RegisterSection(company,
                        requisites.get(party.id),
                        signer(accountant) if accountant else None,
                        from_date, to_date, company_rows))
        return sections
