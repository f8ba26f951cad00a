# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Receivables analytics: the ageing of the debts as of a date
(:class:`Receivable`, with :meth:`Receivable.get_overdue` for the other
modules), the debt movement over a period, the money received by month,
direction and employee, the payment culture of the clients and the
completeness of the collection.

The ledger of a party is the sum of its lines on the receivable accounts
(62.01) and on the advance account of ric_bank (62.02) of the entity: an
advance is a credit of the same ledger, its offset by an invoice nets to
zero.  The debt movement, the money received, the payment culture and the
collection net the lines of one move and party first (one debt or one
credit per move), so that the offset of an advance moves nothing; the
ageing takes the lines one by one (a debit of a receivable account is a
debt, every other line a credit: the two lines of an offset cancel in the
credits).  Only the lines of valid moves count (``state != 'draft'``),
as Tryton's balances do.

The ageing allocates the credits of a party FIFO to its oldest debts (by
due date: the maturity date, else the date of the move) and takes only the
lines dated on or before the as-of date: the reconciliations, made later or
not, play no part, so that the buckets always sum to the balance."""
import datetime as dt
import functools
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sql import Literal, Null, Union, Window
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce, Greatest, Least
from sql.functions import DateTrunc, Function, Round, RowNumber
from sql.operators import Exists

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.ric_base.batch import in_max
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONEncoder
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

ZERO = Decimal(0)
CENT = Decimal('0.01')
#: the ageing buckets: (field, days overdue from, to) — None is open
BUCKETS = [
    ('current', None, 0),
    ('days_30', 1, 30),
    ('days_60', 31, 60),
    ('days_90', 61, 90),
    ('days_over_90', 91, None),
    ]
#: the journal types of the money received (bank statements and cash)
MONEY_JOURNALS = ['statement', 'cash']
TRENDS = [
    (None, ""),
    ('better', "Better"),
    ('worse', "Worse"),
    ('same', "Same"),
    ]


def _money(value):
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


class JulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


def days_between(end, start):
    "Return the SQL expression of the days from start to end (integer)"
    if backend.name == 'sqlite':
        return JulianDay(end) - JulianDay(start)
    return end - start


class MoveLine(metaclass=PoolMeta):
    __name__ = 'account.move.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        # the debts without maturity date: the only lines that the ageing
        # joins to their move (for its date, their due date), found
        # without reading all the lines of the ledger
        cls._sql_indexes.add(
            Index(table,
                (table.account, Index.Range()),
                (table.party, Index.Range()),
                where=(table.maturity_date == Null)
                & ((table.debit - table.credit) > 0)
                & (table.party != Null)))


class AnalyticsContext(ModelView):
    "Receivables Analytics Context"
    __name__ = 'ric.settlement.analytics.context'
    __string__ = "Receivables Analytics Context"

    company = fields.Many2One('company.company', "Entity", required=True,
        help="The legal entity whose receivables are shown.")
    date = fields.Date("As of Date",
        help="The date of the receivables and their ageing "
        "(today when empty).")
    from_date = fields.Date("From Date",
        help="The first day of the period of the movements, receipts and "
        "due dates.")
    to_date = fields.Date("To Date",
        help="The last day of the period (today when empty).")
    department = fields.Many2One('ric.department', "Department",
        help="Only the clients whose responsible employee is of "
        "this department.")
    employee = fields.Many2One('company.employee', "Employee",
        help="Only the clients this employee is responsible for.")
    direction = fields.Many2One('ric.activity.direction',
        "Activity Direction",
        help="Only the responsibles of this activity direction.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_from_date(cls):
        return Pool().get('ir.date').today().replace(month=1, day=1)

    @classmethod
    def default_to_date(cls):
        return Pool().get('ir.date').today()


class AnalyticsMixin:
    "What the reports of the receivables share: the context, the ledger"
    __slots__ = ()

    @staticmethod
    def _context_date(name='date'):
        context = Transaction().context
        return (_date(context.get(name))
            or Pool().get('ir.date').today())

    @staticmethod
    def _context_company():
        context = Transaction().context
        return context.get('company') or -1

    @classmethod
    def _accounts(cls, companies):
        """Return {account id: company id} of the accounts of the ledger of
        the parties: the receivable accounts and the advance account"""
        pool = Pool()
        Account = pool.get('account.account')
        AccountType = pool.get('account.account.type')
        Company = pool.get('company.company')
        BankConfiguration = pool.get('ric.bank.configuration')
        account = Account.__table__()
        type_ = AccountType.__table__()
        cursor = Transaction().connection.cursor()
        companies = [int(c) for c in companies if c and int(c) > 0]
        result = {}
        if not companies:
            return result
        cursor.execute(*account.join(type_,
                condition=account.type == type_.id).select(
                account.id, account.company,
                where=(type_.receivable == Literal(True))
                & account.company.in_(companies)))
        result.update(dict(cursor))
        configuration = BankConfiguration(1)
        for company in Company.browse(companies):
            advance = configuration.get_advance_account_used(company)
            if advance:
                result[advance.id] = company.id
        return result

    @classmethod
    def _party_where(cls, column, date):
        """Return the SQL condition of the parties (clients or the
        counterparties paying for them) of the context's department,
        employee and direction on date, or None without such filter"""
        context = Transaction().context
        if not (context.get('department') or context.get('employee')
                or context.get('direction')):
            return None
        pool = Pool()
        Responsible = pool.get('ric.party.responsible')
        Employee = pool.get('company.employee')
        History = pool.get('ric.party.counterparty')
        responsible = Responsible.__table__()
        employee = Employee.__table__()
        history = History.__table__()
        where = (((responsible.date_from == Null)
                | (responsible.date_from <= date))
            & ((responsible.date_to == Null)
                | (responsible.date_to >= date)))
        if context.get('employee'):
            where &= responsible.employee == context['employee']
        if context.get('department'):
            where &= employee.department == context['department']
        if context.get('direction'):
            where &= responsible.direction == context['direction']
        clients = responsible.join(employee,
            condition=responsible.employee == employee.id).select(
            responsible.party, where=where)
        counterparties = history.select(history.counterparty,
            where=history.client.in_(clients))
        return column.in_(Union(clients, counterparties))

    @classmethod
    def _net_moves(cls, accounts, where=None, journal_column=False):
        """Return the query of the ledger netted by move and party:
        company, party, move, date, amount (debit - credit) and due (the
        earliest due date of the move's lines)"""
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        journal = Journal.__table__()
        condition = (line.account.in_(list(accounts) or [-1])
            & (line.state != 'draft') & (line.party != Null))
        if where is not None:
            condition &= where(line, move)
        from_ = (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id))
        columns = [account.company.as_('company'), line.party.as_('party'),
            line.move.as_('move'), move.date.as_('date')]
        group_by = [account.company, line.party, line.move, move.date]
        if journal_column:
            from_ = from_.join(journal, condition=move.journal == journal.id)
            columns.append(journal.type.as_('journal_type'))
            group_by.append(journal.type)
        columns.append(Sum(line.debit - line.credit).as_('amount'))
        columns.append(
            Min(Coalesce(line.maturity_date, move.date)).as_('due'))
        return from_.select(*columns, where=condition, group_by=group_by)

    @classmethod
    def _company_column(cls, accounts, column):
        """Return the SQL expression of the company of the account column:
        accounts maps each account to its company, so that no join to
        account.account is needed (a literal for one company)"""
        companies = {}
        for account, company in sorted(accounts.items()):
            companies.setdefault(company, []).append(account)
        if len(companies) <= 1:
            return Literal(next(iter(companies), -1))
        *others, (last, _) = sorted(companies.items())
        return Case(*((column.in_(a), Literal(c)) for c, a in others),
            else_=Literal(last))

    @classmethod
    def _fifo_query(cls, accounts, date, limits, party_where=None):
        """Return the query of the ledger as of date by company and party
        and the function of the unpaid part of its debts

        The query has company, party, balance, debts (their sum) and
        before_<i>: the sum of the debts due before limits[i].

        A debt is a line of a receivable account (not the advance account)
        with more debit than credit; every other line is a credit (a debit
        of the advance account, its offset or refund, is a negative
        credit).  The credits of a party pay FIFO its debts by due date:
        of the debts due before a date (a prefix of that order),
        unpaid(prefix) = max(0, prefix - credits) are left unpaid, and the
        unpaid part of the debts due between two dates is the difference
        of the unpaid parts of their prefixes (None: the empty prefix).
        So one GROUP BY of the lines gives the ageing: no window over the
        debts sorted by due date, which sorted a million rows on disk.

        The date of the move is read only for the debts without maturity
        date (it is their due date); of the other lines, those of a move
        dated after date are excluded by an anti-join with the moves
        dated after date (few or none for a recent date): a hash join of
        the lines with all the moves spilled to disk with the default
        work_mem."""
        lines, company = cls._fifo_lines(accounts, date, party_where)
        slots = cls._fifo_slots(lines, company, limits)
        sums = cls._fifo_sums(slots, limits)

        def unpaid(prefix):
            if prefix is None:
                prefix = Literal(0)
            return Greatest(Literal(0),
                prefix - (sums.debts - sums.balance))
        return sums, unpaid

    @classmethod
    def _fifo_lines(cls, accounts, date, party_where=None):
        """Return the query of the lines of the ledger as of date and the
        SQL expression of their company (see _fifo_query)

        The query has party, due, amount and debt (a boolean), and company
        unless of one company: then the company is a literal."""
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        line = Line.__table__()
        move = Move.__table__()
        advances = cls._advance_accounts(accounts)
        company = cls._company_column(accounts, line.account)
        where = (line.account.in_(list(accounts) or [-1])
            & (line.state != 'draft') & (line.party != Null))
        if party_where is not None:
            where &= party_where(line.party)
        amount = line.debit - line.credit
        # the difference, not the columns: SQLite stores the numerics as
        # text, compared as such to a number
        is_debt = amount > 0
        if advances:
            is_debt &= ~line.account.in_(list(advances))
        undated = (line.maturity_date == Null) & is_debt
        # of one company, the company is a literal out of the GROUP BY: a
        # column of the UNION would make PostgreSQL estimate 200 times more
        # groups than parties and sort them on disk instead of hashing
        one_company = isinstance(company, Literal)
        by_company = [] if one_company else [company.as_('company')]
        dated = line.join(move, condition=line.move == move.id).select(
            *by_company, line.party.as_('party'), move.date.as_('due'),
            amount.as_('amount'), Literal(True).as_('debt'),
            where=where & undated & (move.date <= date))
        condition = where & ~undated
        not_later = cls._not_later(line, date)
        if not_later is not None:
            condition &= not_later
        others = line.select(
            *by_company, line.party.as_('party'),
            line.maturity_date.as_('due'), amount.as_('amount'),
            is_debt.as_('debt'), where=condition)
        return Union(dated, others, all_=True), company

    @classmethod
    def _not_later(cls, line, date):
        """Return the condition excluding the lines of the moves dated
        after date (an anti-join), None when there is no such move"""
        pool = Pool()
        Move = pool.get('account.move')
        later = Move.__table__()
        # as of today, there is seldom a move dated later: no anti-join
        cursor = Transaction().connection.cursor()
        cursor.execute(*later.select(later.id,
                where=later.date > date, limit=1))
        if cursor.fetchone():
            return ~Exists(later.select(Literal(1),
                    where=(later.id == line.move) & (later.date > date)))
        return None

    @classmethod
    def _fifo_slots(cls, lines, company, limits):
        """Return the query of lines (see _fifo_lines) grouped by company
        and party: balance, debts and slot_<i>, the sum of the debts due
        from limits[i - 1] (included, none for slot_0) to limits[i]"""
        # the numeric sums are the cost of the query: each line is added
        # to the balance and a debt to the debts and to the sum of the
        # slot of its due date (the CASE without ELSE adds nothing, a zero
        # would be added)
        columns = [
            Sum(lines.amount).as_('balance'),
            Sum(Case((lines.debt, lines.amount))).as_('debts'),
            ]
        lower = None
        for i, limit in enumerate(limits):
            condition = lines.debt & (lines.due < limit)
            if lower is not None:
                condition &= lines.due >= lower
            columns.append(Sum(Case((condition, lines.amount))).as_(
                    'slot_%s' % i))
            lower = limit
        if isinstance(company, Literal):
            return lines.select(company.as_('company'), lines.party,
                *columns, group_by=[lines.party])
        return lines.select(lines.company, lines.party, *columns,
            group_by=[lines.company, lines.party])

    @classmethod
    def _fifo_sums(cls, slots, limits):
        """Return the query of slots (see _fifo_slots) with company, party,
        balance, debts and before_<i>, the cumulated slots up to i"""
        before = []
        prefix = None
        for i, _ in enumerate(limits):
            slot = Coalesce(getattr(slots, 'slot_%s' % i), Literal(0))
            prefix = slot if prefix is None else prefix + slot
            before.append(prefix.as_('before_%s' % i))
        return slots.select(slots.company, slots.party,
            slots.balance.as_('balance'),
            Coalesce(slots.debts, Literal(0)).as_('debts'),
            *before)

    @classmethod
    def _ageing_query(cls, accounts, date, party_where=None):
        """Return the query of the ageing as of date by company and party:
        balance, the buckets and advance (a negative balance)"""
        def first(days):
            "The first due date of the debts overdue at most days days"
            return date - dt.timedelta(days=days)
        limits = sorted({first(e) for _, _, e in BUCKETS if e is not None}
            | {first(s - 1) for _, s, _ in BUCKETS if s is not None})
        sums, unpaid = cls._fifo_query(accounts, date, limits, party_where)

        def before(limit):
            return getattr(sums, 'before_%s' % limits.index(limit))

        def cents(value):
            # SQLite computes with floats: the binary error of the sums
            # (1e-11 on amounts of 1e5) is rounded away at the cent (the
            # digits of the fields), also before the test of a zero balance
            if backend.name == 'sqlite':
                return Round(value, 2)
            return value
        columns = []
        for name, start, end in BUCKETS:
            # due from date - end to date - start
            upper = (before(first(start - 1)) if start is not None
                else sums.debts)
            lower = before(first(end)) if end is not None else None
            columns.append(cents(unpaid(upper) - unpaid(lower)).as_(name))
        return sums.select(sums.company, sums.party,
            cents(sums.balance).as_('balance'), *columns,
            cents(Least(Literal(0), sums.balance)).as_('advance'),
            where=cents(sums.balance) != 0)

    @classmethod
    def _advance_accounts(cls, accounts):
        "Return the ids of the advance accounts among accounts"
        pool = Pool()
        Company = pool.get('company.company')
        BankConfiguration = pool.get('ric.bank.configuration')
        configuration = BankConfiguration(1)
        result = set()
        for company in Company.browse(sorted(set(accounts.values()))):
            advance = configuration.get_advance_account_used(company)
            if advance and advance.id in accounts:
                result.add(advance.id)
        return result

    def get_rec_name(self, name):
        party = getattr(self, 'party', None)
        if party:
            return party.rec_name
        month = _date(getattr(self, 'month', None))
        return month.strftime('%m.%Y') if month else str(self.id)

    def _lines_domain(self):
        "The domain of the move lines behind the row"
        return [
            ('party', '=', self.party.id),
            ('account', 'in', list(self._accounts([self.company.id]))),
            ('state', '!=', 'draft'),
            ]

    def _invoices_domain(self):
        "The domain of the customer invoices behind the row"
        return [
            ('type', '=', 'out'),
            ('company', '=', self.company.id),
            ('party', '=', self.party.id),
            ('state', 'in', ['posted', 'paid']),
            ]


class Receivable(AnalyticsMixin, ModelSQL, ModelView):
    "Receivable"
    __name__ = 'ric.settlement.receivable'
    __string__ = "Receivable"

    company = fields.Many2One('company.company', "Entity")
    party = fields.Many2One('party.party', "Party",
        help="The counterparty that owes or has paid in advance.")
    balance = fields.Numeric("Balance", digits=(16, 2),
        help="The debit minus the credit of the party's receivable and "
        "advance accounts up to the date.")
    current = fields.Numeric("Not Yet Due", digits=(16, 2))
    days_30 = fields.Numeric("1-30 Days", digits=(16, 2))
    days_60 = fields.Numeric("31-60 Days", digits=(16, 2))
    days_90 = fields.Numeric("61-90 Days", digits=(16, 2))
    days_over_90 = fields.Numeric("Over 90 Days", digits=(16, 2))
    advance = fields.Numeric("Advance", digits=(16, 2),
        help="The credit of the party left after paying all its debts "
        "(negative).")
    overdue = fields.Function(fields.Numeric("Overdue", digits=(16, 2),
            help="The debts past due on the date."), 'get_overdue_amount')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('balance', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        date = cls._context_date()
        company = cls._context_company()
        accounts = cls._accounts([company])
        party_where = None
        if cls._party_where(Literal(0), date) is not None:
            party_where = functools.partial(cls._party_where, date=date)
        ageing = cls._ageing_query(accounts, date, party_where)
        return ageing.select(
            ageing.party.as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            ageing.company.as_('company'),
            ageing.party.as_('party'),
            *[getattr(cls, n).sql_cast(getattr(ageing, n)).as_(n)
                for n in ['balance', 'current', 'days_30', 'days_60',
                    'days_90', 'days_over_90', 'advance']])

    @classmethod
    def get_overdue_amount(cls, records, name):
        return {r.id: sum((r.days_30 or ZERO, r.days_60 or ZERO,
                    r.days_90 or ZERO, r.days_over_90 or ZERO), ZERO)
            for r in records}

    def _lines_domain(self):
        return super()._lines_domain() + [
            ('date', '<=', self._context_date())]

    def _invoices_domain(self):
        return super()._invoices_domain() + [
            ('invoice_date', '<=', self._context_date())]

    @classmethod
    def get_overdue(cls, clients, date, days=0):
        """Return {client id: Decimal overdue} of the RIC clients on date

        The overdue amount is the part of the debts of the client's
        counterparty on date (Party.get_counterparties) past due by more
        than days days, in all the entities, the credits paying FIFO the
        oldest debts.  A constant number of queries for any number of
        clients (one per slice of in_max() counterparties)."""
        pool = Pool()
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        cursor = Transaction().connection.cursor()
        counterparties = Party.get_counterparties(clients, date)
        result = {c: ZERO for c in counterparties}
        if not counterparties:
            return result
        party_ids = sorted({p.id for p in counterparties.values()})
        accounts = cls._accounts(Company.search([]))
        limit = date - dt.timedelta(days=days)
        overdue = {}
        for sub in grouped_slice(party_ids, in_max()):
            sub = list(sub)
            ageing = cls._overdue_query(accounts, date, limit,
                lambda c: c.in_(sub))
            cursor.execute(*ageing)
            for party, amount in cursor:
                overdue[party] = _money(amount)
        for client, party in counterparties.items():
            result[client] = overdue.get(party.id, ZERO)
        return result

    @classmethod
    def _overdue_query(cls, accounts, date, limit, party_where):
        "The query of the debts past due before limit by party on date"
        sums, unpaid = cls._fifo_query(accounts, date, [limit], party_where)
        return sums.select(sums.party,
            Sum(unpaid(sums.before_0) - unpaid(None)),
            group_by=[sums.party])


class DebtMovement(AnalyticsMixin, ModelSQL, ModelView):
    "Debt Movement"
    __name__ = 'ric.settlement.debt_movement'
    __string__ = "Debt Movement"

    company = fields.Many2One('company.company', "Entity")
    party = fields.Many2One('party.party', "Party")
    opening = fields.Numeric("Opening Balance", digits=(16, 2),
        help="The debt at the start of the period (negative: advance).")
    increase = fields.Numeric("Increase", digits=(16, 2),
        help="The debts arisen in the period (invoices).")
    decrease = fields.Numeric("Decrease", digits=(16, 2),
        help="The debts paid or cancelled in the period.")
    closing = fields.Numeric("Closing Balance", digits=(16, 2),
        help="The debt at the end of the period.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('closing', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _period(cls):
        context = Transaction().context
        to_date = cls._context_date('to_date')
        from_date = _date(context.get('from_date')) or dt.date.min
        return from_date, to_date

    @classmethod
    def table_query(cls):
        from_date, to_date = cls._period()
        accounts = cls._accounts([cls._context_company()])
        party_where = cls._party_where(Literal(0), to_date)

        def where(line, move):
            condition = move.date <= to_date
            if party_where is not None:
                condition &= cls._party_where(line.party, to_date)
            return condition
        net = cls._net_moves(accounts, where)
        before = net.date < from_date
        opening = Sum(Case((before, net.amount), else_=Literal(0)))
        increase = Sum(Case((~before & (net.amount > 0), net.amount),
                else_=Literal(0)))
        decrease = Sum(Case((~before & (net.amount < 0), -net.amount),
                else_=Literal(0)))
        closing = Sum(net.amount)
        return net.select(
            net.party.as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            net.company.as_('company'),
            net.party.as_('party'),
            cls.opening.sql_cast(opening).as_('opening'),
            cls.increase.sql_cast(increase).as_('increase'),
            cls.decrease.sql_cast(decrease).as_('decrease'),
            cls.closing.sql_cast(closing).as_('closing'),
            group_by=[net.company, net.party],
            having=(opening != 0) | (increase != 0) | (decrease != 0))

    def _lines_domain(self):
        from_date, to_date = self._period()
        return super()._lines_domain() + [
            ('date', '>=', from_date), ('date', '<=', to_date)]

    def _invoices_domain(self):
        from_date, to_date = self._period()
        return super()._invoices_domain() + [
            ('invoice_date', '>=', from_date),
            ('invoice_date', '<=', to_date)]


class MoneyReceived(AnalyticsMixin, ModelSQL, ModelView):
    "Money Received"
    __name__ = 'ric.settlement.money_received'
    __string__ = "Money Received"

    month = fields.Date("Month")
    company = fields.Many2One('company.company', "Entity")
    direction = fields.Many2One('ric.activity.direction',
        "Activity Direction")
    department = fields.Many2One('ric.department', "Department")
    employee = fields.Many2One('company.employee', "Employee",
        help="The employee responsible for the client on the day of "
        "the payment.")
    amount = fields.Numeric("Received", digits=(16, 2))
    payments = fields.Integer("Payments")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('amount', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        "Return the money received by month, entity and responsible"
        grouped = cls._grouped_query(cls._attributed_query(
                cls._payments_query(), cls._responsibles_query()))
        return grouped.select(
            RowNumber(window=Window([], order_by=[
                        grouped.month.asc, grouped.company.asc,
                        grouped.direction.asc.nulls_last,
                        grouped.department.asc.nulls_last,
                        grouped.employee.asc.nulls_last])).as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            grouped.month, grouped.company, grouped.direction,
            grouped.department, grouped.employee,
            cls.amount.sql_cast(grouped.amount).as_('amount'),
            grouped.payments)

    @classmethod
    def _payments_query(cls):
        """Return the query of the payments of the period of the context:
        the credits of the ledger netted by move and party on a statement
        or cash journal, with company, party, move, date, month, amount"""
        context = Transaction().context
        to_date = cls._context_date('to_date')
        from_date = _date(context.get('from_date')) or dt.date.min
        accounts = cls._accounts([cls._context_company()])

        def where(line, move):
            return (move.date <= to_date) & (move.date >= from_date)
        net = cls._net_moves(accounts, where, journal_column=True)
        return net.select(net.company, net.party, net.move, net.date,
            cls.month.sql_cast(DateTrunc('month', net.date)).as_('month'),
            (-net.amount).as_('amount'),
            where=net.journal_type.in_(MONEY_JOURNALS) & (net.amount < 0))

    @classmethod
    def _responsibles_query(cls):
        """Return the query of the responsibles of each party: of the
        client itself or of the clients it pays for (responsible, party,
        direction, employee, date_from, date_to)"""
        pool = Pool()
        Responsible = pool.get('ric.party.responsible')
        History = pool.get('ric.party.counterparty')
        responsible = Responsible.__table__()
        history = History.__table__()
        direct = responsible.select(responsible.id.as_('responsible'),
            responsible.party.as_('party'), responsible.direction,
            responsible.employee, responsible.date_from,
            responsible.date_to)
        via = responsible.join(history,
            condition=history.client == responsible.party).select(
            responsible.id.as_('responsible'),
            history.counterparty.as_('party'), responsible.direction,
            responsible.employee, responsible.date_from,
            responsible.date_to)
        return Union(direct, via, all_=True)

    @classmethod
    def _attributed_query(cls, payments, responsibles):
        """Return the query of payments with the first of the responsibles
        of their party on their date (of the direction of the context)"""
        context = Transaction().context
        condition = ((responsibles.party == payments.party)
            & ((responsibles.date_from == Null)
                | (responsibles.date_from <= payments.date))
            & ((responsibles.date_to == Null)
                | (responsibles.date_to >= payments.date)))
        if context.get('direction'):
            condition &= responsibles.direction == context['direction']
        return payments.join(responsibles, 'LEFT',
            condition=condition).select(
            payments.company, payments.move, payments.party, payments.month,
            payments.amount,
            Min(responsibles.responsible).as_('responsible'),
            group_by=[payments.company, payments.move, payments.party,
                payments.month, payments.amount])

    @classmethod
    def _grouped_query(cls, attributed):
        """Return the query of the attributed payments (see
        _attributed_query) of the employee, department and direction of
        the context summed by month, company, direction, department and
        employee"""
        pool = Pool()
        Responsible = pool.get('ric.party.responsible')
        Employee = pool.get('company.employee')
        context = Transaction().context
        responsible = Responsible.__table__()
        employee = Employee.__table__()
        month = attributed.month
        keys = [month, attributed.company, responsible.direction,
            employee.department, responsible.employee]
        where = Literal(True)
        if context.get('employee'):
            where &= responsible.employee == context['employee']
        if context.get('department'):
            where &= employee.department == context['department']
        if context.get('direction'):
            where &= responsible.direction == context['direction']
        return (attributed
            .join(responsible, 'LEFT',
                condition=attributed.responsible == responsible.id)
            .join(employee, 'LEFT',
                condition=responsible.employee == employee.id)
            .select(
                month.as_('month'),
                attributed.company.as_('company'),
                responsible.direction.as_('direction'),
                employee.department.as_('department'),
                responsible.employee.as_('employee'),
                Sum(attributed.amount).as_('amount'),
                Count(attributed.move).as_('payments'),
                where=where, group_by=keys))


class PaymentCulture(AnalyticsMixin, ModelSQL, ModelView):
    "Payment Culture"
    __name__ = 'ric.settlement.payment_culture'
    __string__ = "Payment Culture"

    company = fields.Many2One('company.company', "Entity")
    party = fields.Many2One('party.party', "Party")
    invoices = fields.Integer("Invoices",
        help="The invoices due in the period.")
    days_late_total = fields.Integer("Days Late Total")
    on_time = fields.Integer("Paid on Time",
        help="The invoices paid in full on or before their due date.")
    recent_days = fields.Integer("Recent Days Late")
    recent_count = fields.Integer("Recent Invoices")
    previous_days = fields.Integer("Previous Days Late")
    previous_count = fields.Integer("Previous Invoices")
    average_days_late = fields.Function(fields.Numeric(
            "Average Days Late", digits=(16, 1),
            help="The simple average over the invoices of the days between "
            "the due date and the payment (or the date, when unpaid)."),
        'get_culture')
    on_time_share = fields.Function(fields.Numeric(
            "Paid on Time %", digits=(16, 1)), 'get_culture')
    trend = fields.Function(fields.Selection(TRENDS, "Trend",
            help="The average days late of the invoices due in the last "
            "6 months against the 6 months before."), 'get_culture')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('days_late_total', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Line = pool.get('account.move.line')
        Move = pool.get('account.move')
        Account = pool.get('account.account')
        AccountType = pool.get('account.account.type')
        Reconciliation = pool.get('account.move.reconciliation')
        context = Transaction().context
        date = cls._context_date('to_date')
        from_date = _date(context.get('from_date')) or dt.date.min
        recent = date - relativedelta(months=6)
        previous = date - relativedelta(months=12)
        start = min(from_date, previous)
        line = Line.__table__()
        move = Move.__table__()
        account = Account.__table__()
        type_ = AccountType.__table__()
        reconciliation = Reconciliation.__table__()
        due = Coalesce(line.maturity_date, move.date)
        paid = Case((reconciliation.date <= date, reconciliation.date),
            else_=Null)
        until = Coalesce(paid, Literal(date))
        late = Greatest(Literal(0), days_between(until, due))
        where = ((account.company == cls._context_company())
            & (type_.receivable == Literal(True))
            # the difference, not the column: SQLite stores the
            # numerics as text, compared as such to a number
            & ((line.debit - line.credit) > 0) & (line.state != 'draft')
            & (line.party != Null)
            & (due <= date) & (due > start))
        party_where = cls._party_where(line.party, date)
        if party_where is not None:
            where &= party_where
        lines = (line
            .join(move, condition=line.move == move.id)
            .join(account, condition=line.account == account.id)
            .join(type_, condition=account.type == type_.id)
            .join(reconciliation, 'LEFT',
                condition=line.reconciliation == reconciliation.id)
            .select(account.company.as_('company'),
                line.party.as_('party'), due.as_('due'),
                late.as_('late'),
                Case((paid <= due, 1), else_=0).as_('on_time'),
                where=where))
        in_period = lines.due >= from_date
        in_recent = lines.due > recent
        in_previous = (lines.due > previous) & (lines.due <= recent)

        def total(condition, value):
            return Sum(Case((condition, value), else_=Literal(0)))
        invoices = total(in_period, Literal(1))
        return lines.select(
            lines.party.as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            lines.company.as_('company'),
            lines.party.as_('party'),
            *[getattr(cls, n).sql_cast(v).as_(n) for n, v in [
                    ('invoices', invoices),
                    ('days_late_total', total(in_period, lines.late)),
                    ('on_time', total(in_period, lines.on_time)),
                    ('recent_days', total(in_recent, lines.late)),
                    ('recent_count', total(in_recent, Literal(1))),
                    ('previous_days', total(in_previous, lines.late)),
                    ('previous_count', total(in_previous, Literal(1))),
                    ]],
            group_by=[lines.company, lines.party],
            having=invoices > 0)

    @classmethod
    def get_culture(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            count = record.invoices or 0
            average = share = None
            if count:
                average = (Decimal(record.days_late_total or 0)
                    / count).quantize(Decimal('0.1'))
                share = (Decimal(100 * (record.on_time or 0))
                    / count).quantize(Decimal('0.1'))
            trend = None
            if record.recent_count and record.previous_count:
                now = Decimal(record.recent_days or 0) / record.recent_count
                before = (Decimal(record.previous_days or 0)
                    / record.previous_count)
                now, before = (now.quantize(Decimal('0.1')),
                    before.quantize(Decimal('0.1')))
                trend = ('better' if now < before
                    else 'worse' if now > before else 'same')
            for name, value in [('average_days_late', average),
                    ('on_time_share', share), ('trend', trend)]:
                if name in result:
                    result[name][record.id] = value
        return result

    def _lines_domain(self):
        return super()._lines_domain() + [
            ('account.type.receivable', '=', True), ('debit', '>', 0)]


class Collection(AnalyticsMixin, ModelSQL, ModelView):
    "Collection"
    __name__ = 'ric.settlement.collection'
    __string__ = "Collection"

    month = fields.Date("Month")
    company = fields.Many2One('company.company', "Entity")
    billed = fields.Numeric("Billed", digits=(16, 2),
        help="The debts arisen in the month less the credit notes.")
    received = fields.Numeric("Received", digits=(16, 2),
        help="The money received in the month (bank and cash).")
    collected = fields.Function(fields.Numeric("Collected %",
            digits=(16, 1)), 'get_collected')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        context = Transaction().context
        to_date = cls._context_date('to_date')
        from_date = _date(context.get('from_date')) or dt.date.min
        accounts = cls._accounts([cls._context_company()])
        party_where = cls._party_where(Literal(0), to_date)

        def where(line, move):
            condition = (move.date <= to_date) & (move.date >= from_date)
            if party_where is not None:
                condition &= cls._party_where(line.party, to_date)
            return condition
        net = cls._net_moves(accounts, where, journal_column=True)
        # the month computed below the GROUP BY: PostgreSQL does not match
        # two DATE_TRUNC of distinct parameters
        net = net.select(net.company, net.amount, net.journal_type,
            cls.month.sql_cast(DateTrunc('month', net.date)).as_('month'))
        money = net.journal_type.in_(MONEY_JOURNALS)
        grouped = net.select(
            net.month.as_('month'),
            net.company.as_('company'),
            Sum(Case((~money, net.amount), else_=Literal(0))).as_('billed'),
            Sum(Case((money, -net.amount), else_=Literal(0))).as_(
                'received'),
            group_by=[net.month, net.company])
        return grouped.select(
            RowNumber(window=Window([], order_by=[
                        grouped.month.asc, grouped.company.asc])).as_('id'),
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            grouped.month, grouped.company,
            cls.billed.sql_cast(grouped.billed).as_('billed'),
            cls.received.sql_cast(grouped.received).as_('received'))

    @classmethod
    def get_collected(cls, records, name):
        return {r.id: (Decimal(100) * r.received / r.billed).quantize(
                Decimal('0.1')) if r.billed else None for r in records}

    def _lines_domain(self):
        month = _date(self.month)
        end = month + relativedelta(months=1, days=-1)
        return [
            ('account', 'in', list(self._accounts([self.company.id]))),
            ('state', '!=', 'draft'),
            ('date', '>=', month), ('date', '<=', end),
            ]

    def _invoices_domain(self):
        month = _date(self.month)
        end = month + relativedelta(months=1, days=-1)
        return [
            ('type', '=', 'out'), ('company', '=', self.company.id),
            ('state', 'in', ['posted', 'paid']),
            ('invoice_date', '>=', month), ('invoice_date', '<=', end),
            ]


class _OpenMixin:
    __slots__ = ()
    _readonly = True

    def _open(self, action, domain):
        action['name'] = '%s (%s)' % (action['name'], self.record.rec_name)
        action['pyson_domain'] = PYSONEncoder().encode(domain)
        return action, {}


class OpenLines(_OpenMixin, Wizard):
    "Open the Move Lines of a Receivables Row"
    __name__ = 'ric.settlement.analytics.open_lines'
    start_state = 'open'
    open = StateAction('account.act_move_line_form')

    def do_open(self, action):
        return self._open(action, self.record._lines_domain())


class OpenInvoices(_OpenMixin, Wizard):
    "Open the Invoices of a Receivables Row"
    __name__ = 'ric.settlement.analytics.open_invoices'
    start_state = 'open'
    open = StateAction('account_invoice.act_invoice_out_form')

    def do_open(self, action):
        return self._open(action, self.record._invoices_domain())
