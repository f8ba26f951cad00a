# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The acts of reconciliation: the balances to the kopeck from the ledger,
the advance offsets left out, the descriptions of the documents, the
query counts of the bulk computation, the invariants on random ledgers,
the printed act and the cron of the period."""
import datetime as dt
import itertools
import unittest
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from trytond.modules.account.tests import create_chart, get_fiscalyear
from trytond.modules.account_invoice.tests.test_module import (
    set_invoice_sequences)
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_bank.tests.test_cash import (
    create_statement, setup_cash)
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries, restart_on_lock)
from trytond.modules.ric_billing.tests.test_report import (
    CLIENT, PDFTOTEXT, SELLER, SOFFICE, create_client, create_invoices,
    pdf_text, words)
from trytond.modules.ric_settlement.reconciliation import (
    ActPrint, ended_period)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

D = Decimal
START = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 31)
#: the INN index of the generated clients (the examples of a property
#: share one transaction)
INNS = itertools.count(100)
LINES = [("Информационное обслуживание", 1, D('10000'))]


def account(company, code):
    Account = Pool().get('account.account')
    result, = Account.search([
            ('company', '=', company.id), ('code', '=', code)])
    return result


def post_moves(company, moves):
    """Create and post the moves [(date, [(code, party, debit, credit)],
    description)] of company; return them"""
    pool = Pool()
    Move = pool.get('account.move')
    Journal = pool.get('account.journal')
    Period = pool.get('account.period')
    journal, = Journal.search([('type', '=', 'general')], limit=1)
    accounts = {}
    values = []
    for date, lines, description in moves:
        move_lines = []
        for code, party, debit, credit in lines:
            if code not in accounts:
                accounts[code] = account(company, code)
            move_lines.append({
                    'account': accounts[code].id,
                    'party': party.id if party else None,
                    'debit': debit, 'credit': credit})
        values.append({
                'company': company.id, 'journal': journal.id,
                'period': Period.find(company, date=date).id,
                'date': date, 'description': description,
                'lines': [('create', move_lines)]})
    moves = Move.create(values)
    Move.post(moves)
    return moves


def ledger(company, party, end, start=None):
    "Return Σ(debit − credit) of party on 62.01 and 62.02 up to end"
    MoveLine = Pool().get('account.move.line')
    domain = [
        ('move.company', '=', company.id),
        ('move.state', '=', 'posted'),
        ('party', '=', party.id),
        ('account.code', 'in', ['62.01', '62.02']),
        ('move.date', '<=', end),
        ]
    if start:
        domain.append(('move.date', '>=', start))
    return sum((l.debit - l.credit for l in MoveLine.search(domain)), D(0))


def new_client(name=None, email=None):
    from trytond.modules.ric_base.requisites import complete_inn
    index = next(INNS)
    return create_client(name=name or "ООО «Клиент %s»" % index,
        inn=complete_inn('77%08d' % index), email=email)


def setup_books():
    """The company with the Russian chart and the fiscal year 2026, with no
    bank (the examples of a property may outlive their transaction on
    SQLite: the BIK of setup_cash would then be taken)"""
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    company = create_company()
    with set_company(company):
        create_chart(company, chart='account_ru.account_template_root_ru')
        fiscalyear = set_invoice_sequences(get_fiscalyear(company, today=END))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
    return company


def setup_ledger():
    """The company, a client and its ledger: before March an invoice of
    12 200.00, a payment of 5 000.00 and an advance of 2 000.00 (opening
    5 200.00); in March a bank payment of 3 000.50 (п/п № 15), an invoice
    of 12 200.00 that takes the advance (a net zero offset) and a
    write-off of 100.00: closing 14 299.50"""
    pool = Pool()
    Statement = pool.get('account.statement')
    company, tax, _, bank = setup_cash()
    client = create_client()
    with set_company(company):
        create_invoices(company, tax, [client], date=dt.date(2026, 2, 15))
        post_moves(company, [
                (dt.date(2026, 2, 20), [('51', None, D('5000'), 0),
                        ('62.01', client, 0, D('5000'))], "Оплата"),
                (dt.date(2026, 2, 25), [('51', None, D('2000'), 0),
                        ('62.02', client, 0, D('2000'))], "Аванс"),
                ])
        statement = create_statement(bank, [
                (D('3000.50'), client, {'number': '15'})],
            date=dt.date(2026, 3, 10))
        Statement.validate_statement([statement])
        Statement.post([statement])
        invoice, = create_invoices(company, tax, [client], date=END)
        post_moves(company, [
                (END, [('91.02', None, D('100'), 0),
                    ('62.01', client, 0, D('100'))],
                    "Списание задолженности № СП-1 от 31.03.2026"),
                ])
    return company, client, invoice


class ReconciliationTestCase(ModuleDBTestCase):
    "Test the acts of reconciliation"
    module = 'ric_settlement'

    def test_ended_period(self):
        "The period of the cron is the one ended before the date"
        for kind, date, expected in [
                ('quarter', dt.date(2026, 4, 2),
                    (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
                ('quarter', dt.date(2026, 1, 1),
                    (dt.date(2025, 10, 1), dt.date(2025, 12, 31))),
                ('month', dt.date(2026, 3, 15),
                    (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
                ('half_year', dt.date(2026, 9, 1),
                    (dt.date(2026, 1, 1), dt.date(2026, 6, 30))),
                ('year', dt.date(2026, 5, 1),
                    (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
                ]:
            with self.subTest(kind=kind, date=date):
                self.assertEqual(ended_period(kind, date), expected)

    def test_debt_sentence(self):
        "The closing sentence names the creditor and the amount in words"
        self.assertEqual(ActPrint.debt_sentence(END, D('1234.56'),
                "ООО «А»", "ООО «Б»"),
            "на 31.03.2026 задолженность в пользу ООО «А» составляет "
            "1\u00a0234,56 руб. (Одна тысяча двести тридцать четыре "
            "рубля 56 копеек).")
        self.assertIn("в пользу ООО «Б»", ActPrint.debt_sentence(
                END, D('-10'), "ООО «А»", "ООО «Б»"))
        self.assertEqual(ActPrint.debt_sentence(END, D(0), "А", "Б"),
            "на 31.03.2026 задолженность отсутствует.")

    @with_transaction()
    def test_client_card(self):
        "The client card shows its acts on the page of its documents"
        pool = Pool()
        Party = pool.get('party.party')
        arch = etree.fromstring(
            Party.fields_view_get(view_type='form')['arch'])
        page, = arch.xpath('//page[@id="ric_documents"]')
        self.assertIn('ric_acts', page.xpath('field/@name'))

    @with_transaction()
    def test_balances(self):
        "The act's balances and documents match the ledger to the kopeck"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        company, client, invoice = setup_ledger()
        with set_company(company):
            act, = Act.create_acts([client], [company], START, END)
            self.assertEqual(act.counterparty, client)
            self.assertEqual(act.opening_balance, D('5200.00'))
            self.assertEqual(act.debit, D('12200.00'))
            self.assertEqual(act.credit, D('3100.50'))
            self.assertEqual(act.closing_balance, D('14299.50'))
            self.assertEqual(act.closing_balance, ledger(company, client, END))
            self.assertEqual(act.opening_balance,
                ledger(company, client, START - dt.timedelta(days=1)))
            # the advance offset of the invoice is no document
            self.assertEqual([(l.date, l.document, l.debit, l.credit)
                    for l in act.lines], [
                    (dt.date(2026, 3, 10), "Оплата (п/п № 15 от 10.03.2026)",
                        D(0), D('3000.50')),
                    (END, "Реализация (акт) № %s от 31.03.2026"
                        % invoice.number, D('12200.00'), D(0)),
                    (END, "Списание задолженности № СП-1 от 31.03.2026",
                        D(0), D('100.00')),
                    ])
            self.assertEqual([l.sequence for l in act.lines], [1, 2, 3])

            # computed again: the same lines, not twice
            Act.compute([act])
            act = Act(act.id)
            self.assertEqual(len(act.lines), 3)
            self.assertEqual(act.closing_balance, D('14299.50'))

            # the period before: the opening of March is its closing
            february, = Act.create_acts(
                [client], [company], dt.date(2026, 1, 1),
                dt.date(2026, 2, 28))
            self.assertEqual(february.opening_balance, D(0))
            self.assertEqual(february.closing_balance, D('5200.00'))
            self.assertEqual(len(february.lines), 3)

    @with_transaction()
    def test_return(self):
        "The client's figures show the differences; the return is recorded"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        Line = pool.get('ric.settlement.act.line')
        Return = pool.get('ric.settlement.act.return', type='wizard')
        company, client, _ = setup_ledger()
        with set_company(company):
            act, = Act.create_acts([client], [company], START, END)
            payment, sale, writeoff = act.lines
            # the client booked the payment as 3 000.00 and the sale whole
            Line.write([payment], {'client_debit': D('3000.00')})
            Line.write([sale], {'client_credit': D('12200.00')})
            payment, sale, writeoff = Line.browse([payment, sale, writeoff])
            self.assertEqual(payment.difference, D('-0.50'))
            self.assertEqual(sale.difference, D(0))
            self.assertIsNone(writeoff.difference)

            session_id, _, _ = Return.create()
            with Transaction().set_context(
                    active_model='ric.settlement.act', active_id=act.id,
                    active_ids=[act.id]):
                wizard = Return(session_id)
                defaults = wizard.default_start(None)
                self.assertTrue(defaults['discrepancies'])
                self.assertEqual(
                    defaults['client_closing_balance'], D('14300.00'))
                wizard.start.returned_date = dt.date(2026, 4, 20)
                wizard.start.client_closing_balance = D('14300.00')
                wizard.start.discrepancies = True
                wizard.start.discrepancy_note = "Оплата 3 000,00"
                wizard.transition_register()
            act = Act(act.id)
            self.assertEqual(act.state, 'discrepancy')
            self.assertEqual(act.returned_date, dt.date(2026, 4, 20))
            self.assertEqual(act.closing_difference, D('-0.50'))

    @with_transaction()
    def test_compute_queries(self):
        "Computing 80 acts reads as many statements as 10 acts"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        company = setup_books()
        with set_company(company):
            clients = [new_client() for _ in range(100)]
            post_moves(company, [(day, [
                            ('62.01', c, D('100.10') * (i + 1), 0),
                            ('90.01', None, 0, D('100.10') * (i + 1))],
                        "Реализация")
                    for i, c in enumerate(clients)
                    for day in [dt.date(2026, 2, 1), dt.date(2026, 3, 5)]])
            acts = Act.create([{'company': company.id, 'client': c.id,
                        'start_date': START, 'end_date': END}
                    for c in clients])
            # the caches of the configuration and the accounts filled
            Act.compute(acts[:10])
            with count_queries() as few:
                Act.compute(acts[10:20])
            with count_queries() as many:
                Act.compute(acts[20:])
            # SQLite inserts a row a statement; the ORM writes the acts of
            # different balances by an UPDATE each: the reads are constant
            self.assertEqual(
                many.without('INSERT', 'UPDATE'),
                few.without('INSERT', 'UPDATE'),
                msg='%s %s' % (many.kinds, few.kinds))
            act = Act(acts[-1].id)
            self.assertEqual(act.opening_balance, D('10010.00'))
            self.assertEqual(act.closing_balance, D('20020.00'))

    @with_transaction()
    def test_ledger_property(self):
        "For random ledgers closing = opening + debit − credit = ledger"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        company = setup_books()
        operation = st.tuples(
            st.sampled_from(['sale', 'payment', 'advance', 'offset',
                    'refund']),
            st.integers(min_value=1, max_value=10_000_00),
            st.integers(min_value=0, max_value=89))

        @restart_on_lock
        @settings(max_examples=15, deadline=None,
            suppress_health_check=list(HealthCheck))
        @given(st.lists(operation, max_size=12),
            st.integers(min_value=0, max_value=60),
            st.integers(min_value=0, max_value=29))
        def check(operations, start_day, length):
            client = new_client()
            moves = []
            for kind, cents, day in operations:
                amount = D(cents) / 100
                date = dt.date(2026, 1, 1) + dt.timedelta(days=day)
                lines = {
                    'sale': [('62.01', client, amount, 0),
                        ('90.01', None, 0, amount)],
                    'payment': [('51', None, amount, 0),
                        ('62.01', client, 0, amount)],
                    'advance': [('51', None, amount, 0),
                        ('62.02', client, 0, amount)],
                    'offset': [('62.02', client, amount, 0),
                        ('62.01', client, 0, amount)],
                    'refund': [('62.01', client, amount, 0),
                        ('51', None, 0, amount)],
                    }[kind]
                moves.append((date, lines, kind))
            if moves:
                post_moves(company, moves)
            start = dt.date(2026, 1, 1) + dt.timedelta(days=start_day)
            end = start + dt.timedelta(days=length)
            act, = Act.create_acts([client], [company], start, end)
            self.assertEqual(act.closing_balance,
                act.opening_balance + act.debit - act.credit)
            self.assertEqual(act.closing_balance,
                ledger(company, client, end))
            self.assertEqual(act.opening_balance,
                ledger(company, client, start - dt.timedelta(days=1)))
            self.assertEqual(act.debit, sum(
                    (l.debit for l in act.lines), D(0)))
            self.assertEqual(act.credit, sum(
                    (l.credit for l in act.lines), D(0)))
            self.assertFalse([l for l in act.lines
                    if l.debit == l.credit])
            expected = sum(1 for date, _, kind in moves
                if start <= date <= end and kind != 'offset')
            self.assertEqual(len(act.lines), expected)

        with set_company(company):
            check()

    @unittest.skipUnless(SOFFICE and PDFTOTEXT, "LibreOffice is missing")
    @with_transaction()
    def test_report_pdf(self):
        "The printed act reads as an act of reconciliation"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        Report = pool.get('ric.settlement.act', type='report')
        company, client, invoice = setup_ledger()
        with set_company(company):
            act, = Act.create_acts([client], [company], START, END)
            extension, content, _, _ = Report.execute([act.id], {})
        self.assertEqual(extension, 'pdf')
        text = words(pdf_text(content))
        for value in [
                "Акт сверки", "за период с 01.03.2026 по 31.03.2026",
                "Мы, нижеподписавшиеся", SELLER, CLIENT,
                "Сальдо начальное", "5 200,00", "Обороты за период",
                "12 200,00", "3 100,50", "Сальдо конечное",
                "Оплата (п/п № 15 от 10.03.2026)",
                "на 31.03.2026 задолженность в пользу %s составляет "
                "14 299,50 руб. (Четырнадцать тысяч двести девяносто "
                "девять рублей 50 копеек)" % SELLER,
                ]:
            self.assertIn(value, text)

    @unittest.skipUnless(SOFFICE, "LibreOffice is missing")
    @with_transaction()
    def test_cron(self):
        "The cron makes, stores and e-mails the acts of the quarter"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        Email = pool.get('ir.email')
        company, tax, _, _ = setup_cash()
        with_email = new_client("ООО «С почтой»", email='buh@example.com')
        without = new_client("ООО «Без почты»")
        idle = new_client("ООО «Без оборотов»")
        with set_company(company):
            create_invoices(company, tax, [with_email, without], date=END)
            with Transaction().set_context(company=company.id):
                run, = Act.generate_period_acts(dt.date(2026, 4, 2))
            self.assertEqual((run.start_date, run.end_date),
                (dt.date(2026, 1, 1), END))
            acts = Act.search([('run', '=', run.id)],
                order=[('client.name', 'ASC')])
            self.assertEqual([a.client for a in acts], [without, with_email])
            self.assertNotIn(idle, [a.client for a in acts])
            self.assertEqual(run.act_count, 2)
            self.assertEqual(run.sent_count, 1)
            self.assertEqual([a.state for a in acts], ['draft', 'sent'])
            for act in acts:
                self.assertTrue(act.file_name.endswith('.pdf'))
                self.assertEqual(bytes(act.file)[:4], b'%PDF')
            sent, = Email.search([('resource', '=', str(acts[1]))])
            self.assertIn('buh@example.com', sent.recipients)
            summary = run.summary.splitlines()
            missing = next(i for i, l in enumerate(summary)
                if 'e-mail' in l and 'Not sent' in l)
            self.assertIn('  ООО «Без почты»', summary[missing:])
            self.assertNotIn('  ООО «С почтой»', summary[missing:])
            self.assertIn('  ООО «С почтой»', summary[:missing])

            # run again: no act twice
            with Transaction().set_context(company=company.id):
                run, = Act.generate_period_acts(dt.date(2026, 4, 3))
            self.assertEqual(run.act_count, 0)


del ModuleDBTestCase
