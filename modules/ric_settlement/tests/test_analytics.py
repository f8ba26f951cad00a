# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Receivables analytics: the five reports on known data, their context
filters, get_overdue and its query count, the drill-down, and the property
of the ageing (the buckets always sum to the balance of the ledger).

The ledger of the tests (entity of ric_billing's tests, fiscal year 2026):

* client A pays late: debts of 1 000 (due 20.01), 2 000 (due 11.03),
  3 000 (due 20.06) and 500 (due 05.07); it pays 1 000 on 15.02 (the first
  debt) and 1 500 on 20.05;
* client B pays on time: 1 200 due 11.05 paid 05.05, 800 due 11.06 paid
  10.06, 700 due 15.07 not yet paid;
* client C pays an advance of 5 000 on 05.06 (62.02); its debt of 1 000
  due 30.06 is offset by the advance on 20.06, as ric_bank does."""
import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries, restart_on_lock)
from trytond.modules.ric_billing.tests.test_report import setup_company
from trytond.modules.ric_party.party import _IN_MAX
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

D = Decimal
DATE = dt.date(2026, 6, 30)
RECEIVABLE_FIELDS = ['party', 'balance', 'current', 'days_30', 'days_60',
    'days_90', 'days_over_90', 'advance', 'overdue']


def d(month, day):
    return dt.date(2026, month, day)


class Ledger:
    "Posts the moves of the tests on the entity's accounts"

    def __init__(self, company):
        pool = Pool()
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        self.company = company

        def account(code):
            return Account.search([('company', '=', company.id),
                    ('code', '=', code)])[0]
        self.receivable = account('62.01')
        self.advance = account('62.02')
        self.revenue = account('90.01')
        self.bank = account('51')
        self.journals = {t: Journal.search([('type', '=', t)], limit=1)[0]
            for t in ['revenue', 'cash', 'general']}

    def _move(self, journal, date, lines):
        pool = Pool()
        Move = pool.get('account.move')
        Period = pool.get('account.period')
        with set_company(self.company):
            move, = Move.create([{
                        'company': self.company.id,
                        'journal': self.journals[journal].id,
                        'period': Period.find(self.company, date=date),
                        'date': date,
                        'lines': [('create', lines)],
                        }])
            Move.post([move])
        return move

    def debt(self, party, date, amount, due=None):
        "Post a debt of party (as an invoice does); return its line"
        move = self._move('revenue', date, [{
                    'account': self.receivable.id, 'party': party.id,
                    'debit': amount, 'credit': D(0), 'maturity_date': due,
                    }, {
                    'account': self.revenue.id,
                    'debit': D(0), 'credit': amount,
                    }])
        return [l for l in move.lines if l.account == self.receivable][0]

    def payment(self, party, date, amount, advance=False):
        "Post a payment of party to the bank; return its credit line"
        account = self.advance if advance else self.receivable
        move = self._move('cash', date, [{
                    'account': self.bank.id,
                    'debit': amount, 'credit': D(0),
                    }, {
                    'account': account.id, 'party': party.id,
                    'debit': D(0), 'credit': amount,
                    }])
        return [l for l in move.lines if l.account == account][0]

    def offset(self, party, date, amount):
        "Offset an advance of party by its debt; return the receivable line"
        move = self._move('general', date, [{
                    'account': self.advance.id, 'party': party.id,
                    'debit': amount, 'credit': D(0),
                    }, {
                    'account': self.receivable.id, 'party': party.id,
                    'debit': D(0), 'credit': amount,
                    }])
        return [l for l in move.lines if l.account == self.receivable][0]

    def reconcile(self, *lines):
        Pool().get('account.move.line').reconcile(list(lines))


def setup_analytics():
    """Create the entity, the clients A, B, C, their responsibles and their
    ledger; return a namespace of them"""
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Department = pool.get('ric.department')
    Direction = pool.get('ric.activity.direction')
    Responsible = pool.get('ric.party.responsible')
    company, _ = setup_company()
    a, b, c = Party.create([{'name': "Альфа"}, {'name': "Бета"},
            {'name': "Вега"}])
    sales, service = Department.create([
            {'name': "Продажи", 'company': company.id},
            {'name': "Сервис", 'company': company.id}])
    ivanova_party, petrov_party = Party.create([
            {'name': "Иванова"}, {'name': "Петров"}])
    ivanova, petrov = Employee.create([
            {'party': ivanova_party.id, 'company': company.id,
                'department': sales.id},
            {'party': petrov_party.id, 'company': company.id,
                'department': service.id}])
    direction, other = Direction.create([
            {'name': "Сопровождение", 'code': 'test_service'},
            {'name': "Обучение", 'code': 'test_training'}])
    Responsible.create([
            {'party': a.id, 'direction': direction.id,
                'employee': ivanova.id, 'date_from': d(1, 1)},
            {'party': b.id, 'direction': direction.id,
                'employee': petrov.id, 'date_from': d(1, 1)}])
    ledger = Ledger(company)
    # A pays late
    a1 = ledger.debt(a, d(1, 10), D('1000.00'), d(1, 20))
    ledger.debt(a, d(3, 1), D('2000.00'), d(3, 11))
    ledger.debt(a, d(6, 10), D('3000.00'), d(6, 20))
    ledger.debt(a, d(6, 25), D('500.00'), d(7, 5))
    ledger.reconcile(a1, ledger.payment(a, d(2, 15), D('1000.00')))
    ledger.payment(a, d(5, 20), D('1500.00'))
    # B pays on time
    b1 = ledger.debt(b, d(5, 1), D('1200.00'), d(5, 11))
    ledger.reconcile(b1, ledger.payment(b, d(5, 5), D('1200.00')))
    b2 = ledger.debt(b, d(6, 1), D('800.00'), d(6, 11))
    ledger.reconcile(b2, ledger.payment(b, d(6, 10), D('800.00')))
    ledger.debt(b, d(6, 15), D('700.00'), d(7, 15))
    # C pays in advance
    ledger.payment(c, d(6, 5), D('5000.00'), advance=True)
    c1 = ledger.debt(c, d(6, 20), D('1000.00'), d(6, 30))
    ledger.reconcile(c1, ledger.offset(c, d(6, 20), D('1000.00')))

    class Data:
        pass
    data = Data()
    data.__dict__.update(company=company, a=a, b=b, c=c, ledger=ledger,
        ivanova=ivanova, petrov=petrov, sales=sales, service=service,
        direction=direction, other=other)
    return data


def rows(model, fields, context, domain=None):
    "Return the rows of the report model as tuples of fields"
    Model = Pool().get(model)
    with Transaction().set_context(context):
        records = Model.search(domain or [])
        values = {v['id']: v for v in Model.read(
                [r.id for r in records], fields)}
    return [tuple(values[r.id][f] for f in fields) for r in records]


def fifo_ageing(entries, date):
    """The reference ageing: entries [(date, amount, due)] of one party,
    the credits paying FIFO the oldest debts; return (balance, buckets)"""
    entries = [e for e in entries if e[0] <= date]
    debts = sorted(((due or day), i, amount)
        for i, (day, amount, due) in enumerate(entries) if amount > 0)
    credits = sum(-a for _, a, _ in entries if a < 0)
    buckets = [D(0)] * 5
    for due, _, amount in debts:
        paid = min(credits, amount)
        credits -= paid
        left = amount - paid
        late = (date - due).days
        index = (0 if late <= 0 else 1 if late <= 30 else 2 if late <= 60
            else 3 if late <= 90 else 4)
        buckets[index] += left
    balance = sum((a for _, a, _ in entries), D(0))
    return balance, buckets


class AnalyticsTestCase(ModuleDBTestCase):
    "Test the receivables analytics"
    module = 'ric_settlement'

    @with_transaction()
    def test_receivable_ageing(self):
        "The ageing of A, B and C as of 30.06 and as of 31.03"
        data = setup_analytics()
        context = {'company': data.company.id, 'date': DATE}
        self.assertEqual(
            rows('ric.settlement.receivable', RECEIVABLE_FIELDS, context), [
                (data.a.id, D('4000.00'), D('500.00'), D('3000.00'), D(0),
                    D(0), D('500.00'), D(0), D('3500.00')),
                (data.b.id, D('700.00'), D('700.00'), D(0), D(0), D(0),
                    D(0), D(0), D(0)),
                (data.c.id, D('-4000.00'), D(0), D(0), D(0), D(0), D(0),
                    D('-4000.00'), D(0)),
                ])
        context['date'] = d(3, 31)
        self.assertEqual(
            rows('ric.settlement.receivable', RECEIVABLE_FIELDS, context), [
                (data.a.id, D('2000.00'), D(0), D('2000.00'), D(0), D(0),
                    D(0), D(0), D('2000.00')),
                ])

    @with_transaction()
    def test_receivable_filters(self):
        "The department, employee and direction filter the parties"
        data = setup_analytics()
        base = {'company': data.company.id, 'date': DATE}
        for extra, expected in [
                ({'employee': data.ivanova.id}, [data.a.id]),
                ({'department': data.service.id}, [data.b.id]),
                ({'direction': data.direction.id}, [data.a.id, data.b.id]),
                ({'direction': data.other.id}, []),
                ({'company': -1}, []),
                ]:
            self.assertEqual([r[0] for r in rows('ric.settlement.receivable',
                            ['party'], dict(base, **extra))], expected,
                msg=extra)

    @with_transaction()
    def test_receivable_drill_down(self):
        "The move lines and invoices of a row"
        pool = Pool()
        Receivable = pool.get('ric.settlement.receivable')
        MoveLine = pool.get('account.move.line')
        data = setup_analytics()
        with Transaction().set_context(company=data.company.id,
                date=d(3, 31)):
            row, = Receivable.search([])
            lines = MoveLine.search(row._lines_domain())
            self.assertEqual(sorted(l.debit - l.credit for l in lines),
                [D('-1000.00'), D('1000.00'), D('2000.00')])
            self.assertIn(('party', '=', data.a.id), row._invoices_domain())
            self.assertEqual(row.rec_name, "Альфа")

    @with_transaction()
    def test_get_overdue(self):
        "The overdue of the clients, of a client paid for by A"
        pool = Pool()
        Receivable = pool.get('ric.settlement.receivable')
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        data = setup_analytics()
        x, = Party.create([{'name': "Икс"}])
        History.create([{'client': x.id, 'counterparty': data.a.id,
                    'start_date': d(1, 1)}])
        clients = [data.a, data.b, data.c, x]
        for days, amount in [(0, D('3500.00')), (9, D('3500.00')),
                (10, D('500.00')), (30, D('500.00')), (111, D(0))]:
            self.assertEqual(Receivable.get_overdue(clients, DATE, days), {
                    data.a.id: amount, data.b.id: D(0), data.c.id: D(0),
                    x.id: amount}, msg=days)
        self.assertEqual(Receivable.get_overdue([data.a], d(3, 31)),
            {data.a.id: D('2000.00')})
        self.assertEqual(Receivable.get_overdue([], DATE), {})

    @with_transaction()
    def test_get_overdue_queries(self):
        "get_overdue runs the same queries for 10 and 500 clients"
        pool = Pool()
        Receivable = pool.get('ric.settlement.receivable')
        Party = pool.get('party.party')
        data = setup_analytics()
        clients = Party.create([{'name': "Клиент %s" % i}
                for i in range(500)])
        clients += [data.a, data.b, data.c]
        Receivable.get_overdue(clients[:10], DATE)
        with count_queries() as few:
            Receivable.get_overdue(clients[-10:], DATE)
        with count_queries() as many:
            result = Receivable.get_overdue(clients, DATE)
        # ours is constant; Party.get_counterparties reads the history by
        # slices of its own size (a few hundred ids on SQLite)
        slices = -(-len(clients) // _IN_MAX)
        self.assertEqual(many.value, few.value + slices - 1)
        self.assertEqual(len(result), 503)
        self.assertEqual(result[data.a.id], D('3500.00'))

    @with_transaction()
    def test_debt_movement(self):
        "The opening, increase, decrease and closing of the second quarter"
        data = setup_analytics()
        context = {'company': data.company.id, 'from_date': d(4, 1),
            'to_date': DATE}
        fields = ['party', 'opening', 'increase', 'decrease', 'closing']
        self.assertEqual(
            rows('ric.settlement.debt_movement', fields, context), [
                (data.a.id, D('2000.00'), D('3500.00'), D('1500.00'),
                    D('4000.00')),
                (data.b.id, D(0), D('2700.00'), D('2000.00'), D('700.00')),
                (data.c.id, D(0), D('1000.00'), D('5000.00'),
                    D('-4000.00')),
                ])
        context['employee'] = data.petrov.id
        self.assertEqual(
            [r[0] for r in rows('ric.settlement.debt_movement', fields,
                    context)], [data.b.id])

    @with_transaction()
    def test_money_received(self):
        "The money received by month, direction and employee"
        data = setup_analytics()
        context = {'company': data.company.id, 'from_date': d(1, 1),
            'to_date': DATE}
        fields = ['month', 'direction', 'department', 'employee', 'amount',
            'payments']
        dir_ = data.direction.id
        self.assertEqual(
            rows('ric.settlement.money_received', fields, context), [
                (d(2, 1), dir_, data.sales.id, data.ivanova.id,
                    D('1000.00'), 1),
                (d(5, 1), dir_, data.sales.id, data.ivanova.id,
                    D('1500.00'), 1),
                (d(5, 1), dir_, data.service.id, data.petrov.id,
                    D('1200.00'), 1),
                (d(6, 1), None, None, None, D('5000.00'), 1),
                (d(6, 1), dir_, data.service.id, data.petrov.id,
                    D('800.00'), 1),
                ])
        context['department'] = data.sales.id
        self.assertEqual(
            [r[4] for r in rows('ric.settlement.money_received', fields,
                    context)], [D('1000.00'), D('1500.00')])
        context = {'company': data.company.id, 'from_date': d(6, 1),
            'to_date': DATE, 'direction': data.other.id}
        self.assertEqual(
            rows('ric.settlement.money_received', fields, context), [])

    @with_transaction()
    def test_payment_culture(self):
        "The invoices, days late, share on time and trend of each client"
        data = setup_analytics()
        context = {'company': data.company.id, 'from_date': d(1, 1),
            'to_date': DATE}
        fields = ['party', 'invoices', 'average_days_late', 'on_time_share',
            'trend']
        self.assertEqual(
            rows('ric.settlement.payment_culture', fields, context), [
                # 26 + 111 + 10 days late over 3 invoices
                (data.a.id, 3, D('49.0'), D('0.0'), None),
                (data.b.id, 2, D('0.0'), D('100.0'), None),
                (data.c.id, 1, D('0.0'), D('100.0'), None),
                ])
        # as of 30.09: the debts due from April (102 and 87 days late)
        # against those due before (26 and 203 days late)
        context['to_date'] = d(9, 30)
        result = rows('ric.settlement.payment_culture', fields, context)
        self.assertEqual(result[0], (data.a.id, 4, D('104.5'), D('0.0'),
                'better'))

    @with_transaction()
    def test_collection(self):
        "Billed against received by month"
        data = setup_analytics()
        context = {'company': data.company.id, 'from_date': d(1, 1),
            'to_date': DATE}
        fields = ['month', 'billed', 'received', 'collected']
        self.assertEqual(
            rows('ric.settlement.collection', fields, context), [
                (d(1, 1), D('1000.00'), D(0), D('0.0')),
                (d(2, 1), D(0), D('1000.00'), None),
                (d(3, 1), D('2000.00'), D(0), D('0.0')),
                (d(5, 1), D('1200.00'), D('2700.00'), D('225.0')),
                (d(6, 1), D('6000.00'), D('5800.00'), D('96.7')),
                ])

    @with_transaction()
    def test_receivable_property(self):
        "The buckets sum to the balance of the ledger on any date"
        pool = Pool()
        Party = pool.get('party.party')
        Receivable = pool.get('ric.settlement.receivable')
        company, _ = setup_company()
        ledger = Ledger(company)
        day = st.integers(min_value=0, max_value=364).map(
            lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
        amount = st.integers(min_value=1, max_value=10 ** 7).map(
            lambda n: D(n) / 100)
        entry = st.tuples(day, amount, st.booleans(),
            st.one_of(st.none(), st.integers(min_value=0, max_value=90)),
            st.booleans())

        @restart_on_lock
        @settings(max_examples=10, deadline=None,
            suppress_health_check=list(HealthCheck))
        @given(st.lists(entry, min_size=1, max_size=6), day)
        def check(entries, date):
            party, = Party.create([{'name': "Свойство"}])
            reference = []
            for day, amount, is_debt, term, advance in entries:
                if is_debt:
                    due = (day + dt.timedelta(days=term)
                        if term is not None else None)
                    ledger.debt(party, day, amount, due)
                    reference.append((day, amount, due))
                else:
                    ledger.payment(party, day, amount, advance=advance)
                    reference.append((day, -amount, None))
            balance, buckets = fifo_ageing(reference, date)
            with Transaction().set_context(company=company.id, date=date):
                records = Receivable.search([('party', '=', party.id)])
            if balance == 0:
                self.assertEqual(records, [])
                return
            record, = records
            found = [record.current, record.days_30, record.days_60,
                record.days_90, record.days_over_90]
            self.assertEqual(record.balance, balance)
            self.assertEqual(found, buckets)
            self.assertEqual(sum(found, D(0)) + record.advance, balance)
            self.assertEqual(record.advance, min(balance, D(0)))
            overdue = Receivable.get_overdue([party], date)[party.id]
            self.assertEqual(overdue, sum(buckets[1:], D(0)))
        check()
