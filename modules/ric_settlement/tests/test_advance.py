# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Advance VAT invoices: the VAT at the rate of the receipt date, the cron
that issues them once, the deduction when the acts offset the advances,
the sales book and the printed form.

The company comes from the tests of the printed forms of ric_billing
(Russian chart, signatories, requisites), with the fiscal years 2025 and
2026 so that the change of rate is crossed.  The advances are the credits
of the clients on 62.02 that ric_bank posts for a payment that pays no
invoice; here they are posted directly (debit 51, credit 62.02)."""
import datetime as dt
import threading
import time
import unittest
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.account.tests import get_fiscalyear
from trytond.modules.account_invoice.tests import set_invoice_sequences
from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries)
from trytond.modules.ric_bank.tests.test_cash import committed
from trytond.modules.ric_billing.tests.test_report import (
    CLIENT, CLIENT_INN, PDFTOTEXT, SELLER, SELLER_INN, SOFFICE,
    create_client, create_invoices, pdf_text, setup_company, words)
from trytond.modules.ric_settlement.advance import (
    advance_vat, deducted_vat)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

D = Decimal
DEC_30 = dt.date(2025, 12, 30)
JAN_15 = dt.date(2026, 1, 15)
FEB_10 = dt.date(2026, 2, 10)
MAR_31 = dt.date(2026, 3, 31)
R22 = D('0.22')
R20 = D('0.20')
#: the maintenance of one month: untaxed 1 000.00, VAT 22 % 220.00
LINES = [("Информационное обслуживание «Версия Проф»", 1, D('1000'))]


def exact_vat(amount, rate):
    "Return amount × rate / (1 + rate) rounded half-up, in fractions"
    value = Fraction(amount) * Fraction(rate) / (1 + Fraction(rate))
    cents = value * 100
    whole = int(cents)
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return D(whole) / 100


def setup():
    "Create the company with the fiscal years 2025 and 2026; return it"
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    company, tax = setup_company()
    with set_company(company):
        fiscalyear = set_invoice_sequences(get_fiscalyear(
                company, today=dt.date(2025, 6, 1)))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
    return company, tax


def receive(company, parties, date, amount):
    """Post the advances of amount received on date from parties: debit
    51, credit 62.02; return the credit lines"""
    pool = Pool()
    Move = pool.get('account.move')
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    Period = pool.get('account.period')
    with set_company(company):
        bank, = Account.search([('code', '=', '51'),
                ('company', '=', company.id)])
        advance, = Account.search([('code', '=', '62.02'),
                ('company', '=', company.id)])
        journal, = Journal.search([('type', '=', 'general')], limit=1)
        period = Period.find(company, date=date)
        moves = Move.create([{
                    'company': company.id, 'journal': journal.id,
                    'period': period.id, 'date': date,
                    'lines': [('create', [{
                                    'account': bank.id, 'debit': amount,
                                    'credit': D(0)}, {
                                    'account': advance.id, 'party': p.id,
                                    'debit': D(0), 'credit': amount}])],
                    } for p in parties])
        Move.post(moves)
    return [l for m in Move.browse(moves) for l in m.lines
        if l.account.code == '62.02']


def balance(company, code, party=None):
    "Return the balance (debit − credit) of the account code"
    pool = Pool()
    Line = pool.get('account.move.line')
    domain = [('account.code', '=', code),
        ('account.company', '=', company.id)]
    if party:
        domain.append(('party', '=', party.id))
    return sum((l.debit - l.credit for l in Line.search(domain)), D(0))


def clients(count, start=0):
    pool = Pool()
    Party = pool.get('party.party')
    return Party.create([{'name': "Клиент %s" % i}
            for i in range(start, start + count)])


class AdvanceVatTestCase(unittest.TestCase):
    "The VAT of the advances, without database"

    def test_advance_vat(self):
        "The VAT included at 22/122 and 20/120, exact to the kopeck"
        for amount, rate, vat in [
                (D('12200.00'), R22, D('2200.00')),
                (D('12000.00'), R20, D('2000.00')),
                (D('1000.00'), R22, D('180.33')),
                (D('1000.00'), R20, D('166.67')),
                (D('0.06'), R22, D('0.01')),
                (D('1724138.52'), R22, exact_vat(D('1724138.52'), R22)),
                ]:
            with self.subTest(amount=amount, rate=rate):
                self.assertEqual(advance_vat(amount, rate), vat)

    @settings(max_examples=300, deadline=None)
    @given(st.decimals(min_value=D('0.01'), max_value=D('99999999.99'),
            places=2),
        st.sampled_from([R22, R20]))
    def test_advance_vat_exact(self, amount, rate):
        "The VAT is the exact quotient rounded half-up"
        self.assertEqual(advance_vat(amount, rate), exact_vat(amount, rate))

    @settings(max_examples=300, deadline=None)
    @given(st.decimals(min_value=D('0.01'), max_value=D('9999999.99'),
            places=2),
        st.sampled_from([R22, R20]),
        st.lists(st.integers(min_value=1, max_value=10000), max_size=12),
        st.booleans())
    def test_deductions_sum(self, amount, rate, weights, whole):
        """For any sequence of partial offsets the deducted VAT never
        exceeds the VAT charged and equals it when offset whole"""
        tax = advance_vat(amount, rate)
        total = sum(weights) or 1
        parts, offset = [], D(0)
        for weight in weights:
            part = (amount * weight / total / (2 if not whole else 1)
                ).quantize(D('0.01'))
            part = min(part, amount - offset)
            if part > 0:
                parts.append(part)
                offset += part
        if whole and offset < amount:
            parts.append(amount - offset)
            offset = amount
        deducted, before = D(0), D(0)
        for part in parts:
            value = deducted_vat(amount, tax, rate, before, part)
            self.assertGreaterEqual(value, 0)
            deducted += value
            before += part
            self.assertLessEqual(deducted, tax)
        if offset >= amount:
            self.assertEqual(deducted, tax)
        else:
            self.assertLessEqual(deducted, tax)


class AdvanceTestCase(ModuleDBTestCase):
    "Test the advance VAT invoices"
    module = 'ric_settlement'

    @with_transaction()
    def test_issue_rates(self):
        "The cron issues the invoices at the rate of the receipt date, once"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, _ = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], DEC_30, D('12000.00'))
            receive(company, [client], FEB_10, D('12200.00'))
            invoices = Advance.issue_advance_invoices()
            self.assertEqual(len(invoices), 2)
            old, new = sorted(invoices, key=lambda i: i.date)
            self.assertEqual((old.date, old.payment_date), (DEC_30, DEC_30))
            self.assertEqual(old.tax.rate, R20)
            self.assertEqual(old.tax_amount, D('2000.00'))
            self.assertEqual(new.tax.rate, R22)
            self.assertEqual(new.tax_amount, D('2200.00'))
            self.assertEqual({old.number, new.number}, {'1', '2'})
            self.assertEqual({i.state for i in invoices}, {'posted'})
            self.assertEqual(old.move.state, 'posted')
            self.assertEqual(balance(company, '76.АВ'), D('4200.00'))
            self.assertEqual(balance(company, '68.02'), D('-4200.00'))
            # never twice: the cron again issues nothing
            self.assertEqual(Advance.issue_advance_invoices(), [])
            self.assertEqual(Advance.search([], count=True), 2)

    @with_transaction()
    def test_unique_payment_line(self):
        "The database refuses a second invoice of one advance"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, _ = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], FEB_10, D('1220.00'))
            invoice, = Advance.issue_advance_invoices()
            values = {f: getattr(invoice, f) for f in [
                    'date', 'payment_date', 'amount', 'tax_amount']}
            values.update(company=company.id, party=client.id,
                payment_line=invoice.payment_line.id, tax=invoice.tax.id,
                number='X')
            with self.assertRaises(UserError):
                Advance.create([values])
            Transaction().rollback()

    @with_transaction()
    def test_date_validation(self):
        "The date is not later than the legal term after the payment"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, _ = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], FEB_10, D('1220.00'))
            invoice, = Advance.issue_advance_invoices()
            Advance.write([invoice], {'date': FEB_10 + dt.timedelta(5)})
            with self.assertRaises(UserError):
                Advance.write([invoice], {'date': FEB_10 + dt.timedelta(6)})

    @with_transaction()
    def test_offset_across_rates(self):
        """An advance of 30.12.2025 offset in January 2026 deducts at
        20/120; the 76.АВ balance is 0 when the advances are offset"""
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, tax = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], DEC_30, D('1830.00'))
            advance, = Advance.issue_advance_invoices()
            self.assertEqual(advance.tax_amount, D('305.00'))
            # an act of 1 220.00 offsets a part
            act, = create_invoices(company, tax, [client], lines=LINES,
                date=JAN_15)
            advance = Advance(advance.id)
            self.assertEqual(advance.state, 'partial')
            self.assertEqual(advance.offset_amount, D('1220.00'))
            deduction, = advance.deductions
            self.assertEqual(deduction.invoice, act)
            self.assertEqual(deduction.date, JAN_15)
            self.assertEqual(deduction.tax_amount, D('203.33'))
            self.assertEqual(deduction.move.state, 'posted')
            # the next act offsets the rest: all the VAT is deducted
            create_invoices(company, tax, [client], lines=LINES,
                date=JAN_15)
            advance = Advance(advance.id)
            self.assertEqual(advance.state, 'offset')
            self.assertEqual(advance.offset_amount, D('1830.00'))
            self.assertEqual(advance.deducted_amount, D('305.00'))
            self.assertEqual(
                sum(d.tax_amount for d in advance.deductions), D('305.00'))
            self.assertEqual(balance(company, '76.АВ', client), D(0))
            # 68.02 keeps the VAT of the acts only
            self.assertEqual(balance(company, '68.02'), D('-440.00'))

    @with_transaction()
    def test_offset_oldest_first(self):
        "An act offsets the oldest advances first, the same day invoiced"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, tax = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], FEB_10, D('610.00'))
            Advance.issue_advance_invoices(parties=[client])
            # the second advance is not invoiced yet: the act invoices it
            receive(company, [client], MAR_31, D('610.00'))
            create_invoices(company, tax, [client], lines=LINES,
                date=MAR_31)
            invoices = Advance.search([], order=[('date', 'ASC')])
            self.assertEqual(len(invoices), 2)
            self.assertEqual([i.state for i in invoices],
                ['offset', 'offset'])
            self.assertEqual(balance(company, '76.АВ', client), D(0))

    @with_transaction()
    def test_cancel(self):
        "An advance not offset is cancelled with its VAT reversed"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, _ = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], FEB_10, D('1220.00'))
            invoice, = Advance.issue_advance_invoices()
            Advance.cancel([invoice])
            self.assertEqual(invoice.state, 'cancelled')
            self.assertEqual(balance(company, '76.АВ'), D(0))
            with self.assertRaises(UserError):
                Advance.delete([invoice])

    @with_transaction()
    def test_usn_no_invoice(self):
        "An entity on the simplified regime issues no advance invoice"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, _ = setup()
        company.ric_tax_regime = 'usn'
        company.save()
        client = create_client()
        with set_company(company):
            receive(company, [client], FEB_10, D('1220.00'))
            self.assertEqual(Advance.issue_advance_invoices(), [])

    @with_transaction()
    def test_issue_query_count(self):
        """The cron runs as many queries for 10 advances as for 40

        Not counted: the INSERTs on SQLite (no multi-row INSERT there) and
        the UPDATE by which Tryton's Move.post numbers each move."""
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        company, _ = setup()

        def counted(queries):
            return len([q for q in queries
                    if not (backend.name == 'sqlite'
                        and q.startswith('INSERT'))
                    and not q.startswith('UPDATE "account_move" AS "a" SET')])
        with set_company(company):
            # the sequence is created and the caches filled once
            receive(company, clients(1, 100), FEB_10, D('1220.00'))
            Advance.issue_advance_invoices()
            receive(company, clients(10), FEB_10, D('1220.00'))
            with count_queries() as few:
                few.log = []
                self.assertEqual(len(Advance.issue_advance_invoices()), 10)
            receive(company, clients(40, 10), FEB_10, D('1220.00'))
            with count_queries() as many:
                many.log = []
                self.assertEqual(len(Advance.issue_advance_invoices()), 40)
        self.assertEqual(counted(many.log), counted(few.log))

    @with_transaction()
    def test_sales_book(self):
        "The sales book lists the invoices (01) and advance invoices (02)"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        SalesBook = pool.get('ric.settlement.sales_book')
        company, tax = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], DEC_30, D('1200.00'))
            receive(company, [client], FEB_10, D('2440.00'))
            Advance.issue_advance_invoices()
            create_invoices(company, tax, [client], lines=LINES,
                date=FEB_10)
            with Transaction().set_context(company=company.id,
                    from_date=dt.date(2026, 1, 1), to_date=MAR_31):
                lines = SalesBook.search([])
                rows = [(l.code, l.date, l.party, l.inn, l.total,
                        l.base_22, l.tax_22, l.tax_20) for l in lines]
            self.assertEqual(rows, [
                    ('01', FEB_10, client, CLIENT_INN, D('1220.00'),
                        D('1000.00'), D('220.00'), D('0.00')),
                    ('02', FEB_10, client, CLIENT_INN, D('2440.00'),
                        None, D('440.00'), None),
                    ])
            with Transaction().set_context(company=company.id,
                    from_date=dt.date(2025, 12, 1),
                    to_date=dt.date(2025, 12, 31)):
                line, = SalesBook.search([])
                self.assertEqual((line.code, line.total, line.tax_20),
                    ('02', D('1200.00'), D('200.00')))

    @unittest.skipUnless(SOFFICE and PDFTOTEXT, "LibreOffice needed")
    @with_transaction()
    def test_report_pdf(self):
        "The printed advance invoice: number, rate 22/122 and amounts"
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        Report = pool.get('ric.settlement.advance_invoice', type='report')
        company, _ = setup()
        client = create_client()
        with set_company(company):
            receive(company, [client], FEB_10, D('12200.00'))
            invoice, = Advance.issue_advance_invoices()
            extension, data, _, _ = Report.execute([invoice.id], {})
        self.assertEqual(extension, 'pdf')
        text = words(pdf_text(data))
        self.assertIn("Счёт-фактура № %s от 10.02.2026" % invoice.number,
            text)
        self.assertIn(SELLER, text)
        self.assertIn(SELLER_INN, text)
        self.assertIn(CLIENT, text)
        self.assertIn(CLIENT_INN, text)
        self.assertIn("К платёжно-расчётному документу №", text)
        self.assertIn("Предварительная оплата (аванс) за", text)
        self.assertIn("информационные услуги", text)
        self.assertIn("22/122", text)
        self.assertIn("2 200,00", text)
        self.assertIn("12 200,00", text)
        self.assertIn("двенадцать тысяч двести", text.lower())


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite serializes the writing transactions of a database: two "
    "connections cannot issue at the same time")
class AdvanceConcurrencyTestCase(ModuleDBTestCase):
    "The cron and a posting issuing the advance invoices at once"
    module = 'ric_settlement'

    def test_concurrent_issues(self):
        "Two connections issuing at once invoice an advance once"
        def setup_data():
            pool = Pool()
            User = pool.get('res.user')
            Configuration = pool.get('ric.settlement.configuration')
            company, _ = setup()
            User.write([User(1)], {
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    })
            client = create_client()
            with set_company(company):
                receive(company, [client], FEB_10, D('1220.00'))
                Configuration.get_sequence_used(
                    'advance_invoice_sequence', company)
            return company.id
        company = committed(setup_data)
        context = {'company': company}
        results = {}
        issued = threading.Event()

        def issue(name, hold):
            def work():
                Advance = Pool().get('ric.settlement.advance_invoice')
                result = [i.number for i in Advance.issue_advance_invoices()]
                if hold:
                    # the second tries while the first holds its locks
                    issued.set()
                    time.sleep(1)
                return result
            try:
                if not hold:
                    issued.wait(60)
                results[name] = committed(work, context)
            except Exception as exception:
                results[name] = repr(exception)
        threads = [
            threading.Thread(target=issue, args=('first', True)),
            threading.Thread(target=issue, args=('second', False)),
            ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        self.assertEqual(results['first'], ['1'], results)
        self.assertEqual(results['second'], [], results)

        def check():
            Advance = Pool().get('ric.settlement.advance_invoice')
            self.assertEqual(Advance.search([], count=True), 1)
        committed(check, context)
