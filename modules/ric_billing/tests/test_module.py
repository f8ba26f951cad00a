# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import threading
import unittest
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond import backend
from trytond.modules.ric_base.tests.tools import ListViewTestMixin
from trytond.modules.account.tests import create_chart, get_fiscalyear
from trytond.modules.account_invoice.tests.test_module import (
    set_invoice_sequences)
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_billing.billing import (
    days, month_end, month_start, subtract)
from trytond.modules.ric_billing.exceptions import BillingError
from trytond.modules.ric_billing.price import _share, round_kopeck
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, ModuleTestCase, TestCase, _DBTestCase, with_transaction)
from trytond.transaction import Transaction, TransactionError

D = dt.date
dates = st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31))


def stretch():
    "A stretch of days: (first day, last day)"
    return st.tuples(dates, dates).map(lambda p: tuple(sorted(p)))


class BillingRulesTestCase(TestCase):
    "The pure rules of the billing"

    def test_month_bounds(self):
        self.assertEqual(month_end(D(2026, 2, 10)), D(2026, 2, 28))
        self.assertEqual(month_end(D(2028, 2, 1)), D(2028, 2, 29))
        self.assertEqual(month_end(D(2026, 12, 31)), D(2026, 12, 31))
        self.assertEqual(month_start(D(2026, 3, 31)), D(2026, 3, 1))

    def test_subtract(self):
        piece = (D(2026, 3, 1), D(2026, 3, 31))
        self.assertEqual(subtract(piece, []), [piece])
        self.assertEqual(subtract(piece, [piece]), [])
        self.assertEqual(
            subtract(piece, [(D(2026, 3, 10), D(2026, 3, 20))]),
            [(D(2026, 3, 1), D(2026, 3, 9)), (D(2026, 3, 21), D(2026, 3, 31))])
        # a stretch billed from the 25th leaves the first 24 days
        self.assertEqual(
            subtract(piece, [(D(2026, 3, 25), D(2026, 4, 30))]),
            [(D(2026, 3, 1), D(2026, 3, 24))])

    @given(stretch(), st.lists(stretch(), max_size=6))
    @settings(max_examples=300, deadline=None)
    def test_subtract_property(self, piece, taken):
        "What is left is exactly the days of piece that nothing took"
        rest = subtract(piece, taken)
        left = set()
        for start, end in rest:
            self.assertLessEqual(start, end)
            for n in range(days((start, end))):
                day = start + dt.timedelta(days=n)
                self.assertNotIn(day, left)
                left.add(day)
        expected = set()
        for n in range(days(piece)):
            day = piece[0] + dt.timedelta(days=n)
            if not any(s <= day <= e for s, e in taken):
                expected.add(day)
        self.assertEqual(left, expected)

    def test_share(self):
        self.assertEqual(
            _share(Decimal('18000'), [Decimal('12400'), Decimal('7450')]),
            [Decimal('11244.33'), Decimal('6755.67')])
        self.assertEqual(_share(Decimal('100'), [0, 0, 0]),
            [Decimal('33.33'), Decimal('33.33'), Decimal('33.34')])

    @given(st.decimals(min_value=0, max_value=10 ** 7, places=2),
        st.lists(st.decimals(min_value=0, max_value=10 ** 6, places=2),
            min_size=1, max_size=8))
    @settings(max_examples=300, deadline=None)
    def test_share_property(self, total, weights):
        "The shares of a budget sum to it to the kopeck"
        shares = _share(total, weights)
        self.assertEqual(len(shares), len(weights))
        self.assertEqual(sum(shares), round_kopeck(total))
        for share in shares:
            self.assertEqual(share, round_kopeck(share))

    @given(st.decimals(min_value=0, max_value=10 ** 6, places=2),
        st.integers(min_value=1, max_value=31))
    @settings(max_examples=200, deadline=None)
    def test_proration_never_exceeds_month(self, monthly, line_days):
        "A prorated line is never more than the month and exact to kopecks"
        amount = round_kopeck(monthly * line_days / 31)
        self.assertLessEqual(amount, monthly)
        self.assertEqual(amount, amount.quantize(Decimal('0.01')))


class RicBillingTestCase(ListViewTestMixin, ModuleTestCase):
    "Test RIC Billing module"
    module = 'ric_billing'

    @with_transaction()
    def test_rule_months(self):
        "Quarterly rules bill the quarter in its first month"
        pool = Pool()
        Rule = pool.get('ric.billing.rule')
        rule = Rule(period='quarterly')
        self.assertEqual(rule.months(D(2026, 4, 1)),
            [D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1)])
        self.assertEqual(rule.months(D(2026, 5, 1)), [])
        rule = Rule(period='prepayment', prepayment_months=2)
        self.assertEqual(rule.months(D(2026, 12, 1)),
            [D(2026, 12, 1), D(2027, 1, 1)])

    @with_transaction()
    def test_tax_regime(self):
        "The regime says whether the entity charges VAT"
        pool = Pool()
        Company = pool.get('company.company')
        company = Company(ric_tax_regime='usn')
        self.assertFalse(company.on_change_with_ric_vat_payer())
        company.ric_tax_regime = 'usn_vat5'
        self.assertTrue(company.on_change_with_ric_vat_payer())


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite serializes the writing transactions: two runs cannot overlap")
class BillingConcurrencyTestCase(_DBTestCase):
    "Two billing runs of one legal entity at once"
    module = 'ric_billing'

    def test_second_run_refused(self):
        "While a run of an entity works, a second one is refused"
        with Transaction().start(DB_NAME, 1) as transaction:
            company = create_company()
            transaction.commit()
            company_id = company.id
        holding = threading.Event()
        release = threading.Event()
        results = {}

        def first():
            with Transaction().start(DB_NAME, 1,
                    context={'company': company_id}):
                pool = Pool()
                Run = pool.get('ric.billing.run')
                Company = pool.get('company.company')
                Run()._lock([Company(company_id)])
                results['first'] = 'locked'
                holding.set()
                release.wait(30)

        thread = threading.Thread(target=first)
        thread.start()
        try:
            self.assertTrue(holding.wait(30))
            with Transaction().start(DB_NAME, 1,
                    context={'company': company_id}):
                pool = Pool()
                Run = pool.get('ric.billing.run')
                Company = pool.get('company.company')
                with self.assertRaises(BillingError) as cm:
                    Run()._lock([Company(company_id)])
                self.assertIn('in progress', cm.exception.message)
        finally:
            release.set()
            thread.join(60)
        self.assertEqual(results, {'first': 'locked'})
        # once the first run ended, the entity can be billed again
        with Transaction().start(DB_NAME, 1):
            pool = Pool()
            Run = pool.get('ric.billing.run')
            Company = pool.get('company.company')
            Run()._lock([Company(company_id)])


class BillingLocksTestCase(_DBTestCase):
    "The locks of posting are taken before the run does any work"
    module = 'ric_billing'

    def test_posting_asks_no_later_lock(self):
        "With the locks the run takes first, posting asks for no other"
        def books():
            company = create_company(name="ООО «Замок»")
            with set_company(company):
                create_chart(company)
                FiscalYear = Pool().get('account.fiscalyear')
                fiscalyear = set_invoice_sequences(
                    get_fiscalyear(company, today=D(2026, 1, 15)))
                fiscalyear.save()
                FiscalYear.create_period([fiscalyear])
            return company.id
        company_id = self._retrying(books)
        extras, restarts = {}, []
        while True:
            with Transaction().start(DB_NAME, 1,
                    context={'company': company_id},
                    **extras) as transaction:
                pool = Pool()
                Run = pool.get('ric.billing.run')
                Company = pool.get('company.company')
                Invoice = pool.get('account.invoice')
                try:
                    Run(invoice_date=D(2026, 1, 31))._take_locks(
                        [Company(company_id)])
                except TransactionError as exception:
                    restarts.append(exception)
                    exception.fix(extras)
                    transaction.rollback()
                    continue
                invoices = [self._invoice(company_id, i) for i in range(3)]
                # a TransactionError here throws away a whole run
                Invoice.post(invoices)
                self.assertEqual({i.state for i in invoices}, {'posted'})
                transaction.rollback()
                break
        # the journal period and the sequences were asked for
        self.assertEqual(
            set(extras), {'_lock_tables', '_lock_records'})
        self.assertEqual(len(restarts), 2)

    @staticmethod
    def _retrying(func):
        "Call func in a transaction started again with the locks it asks"
        extras = {}
        while True:
            with Transaction().start(DB_NAME, 1, **extras) as transaction:
                try:
                    result = func()
                except TransactionError as exception:
                    exception.fix(extras)
                    transaction.rollback()
                    continue
                transaction.commit()
                return result

    @staticmethod
    def _invoice(company_id, index):
        "A draft customer invoice of one line dated in January 2026"
        pool = Pool()
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        Party = pool.get('party.party')
        Invoice = pool.get('account.invoice')
        Company = pool.get('company.company')
        company = Company(company_id)
        receivable, = Account.search([
                ('type.receivable', '=', True),
                ('closed', '!=', True),
                ('company', '=', company_id)], limit=1)
        revenue, = Account.search([
                ('type.revenue', '=', True),
                ('closed', '!=', True),
                ('company', '=', company_id)], limit=1)
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        party, = Party.create([{'name': "Клиент %s" % index,
                    'addresses': [('create', [{}])]}])
        invoice, = Invoice.create([{
                    'type': 'out', 'company': company_id,
                    'currency': company.currency.id,
                    'party': party.id,
                    'invoice_address': party.addresses[0].id,
                    'account': receivable.id, 'journal': journal.id,
                    'invoice_date': D(2026, 1, 31),
                    'lines': [('create', [{
                                    'company': company_id,
                                    'account': revenue.id,
                                    'quantity': 1,
                                    'unit_price': Decimal('1234.56'),
                                    'description': "Сопровождение",
                                    }])],
                    }])
        return invoice


del ModuleTestCase
