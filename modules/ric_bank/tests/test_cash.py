# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cash desk: the numbers of the cash orders, their printed forms and
the payment of the invoices in cash.

The company comes from ric_billing's tests of the printed forms (the
Russian chart, VAT 22 %, requisites, head and chief accountant); a cashier
signs too, and an invoice of 12 200.00 (VAT 2 200.00) is paid in cash."""
import datetime as dt
import shutil
import threading
import time
import unittest
from decimal import Decimal

from trytond import backend
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.tests.test_report import (
    SELLER, create_client, create_invoices, odt_text, pdf_text,
    setup_company, words)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction, TransactionError

SOFFICE = shutil.which('soffice') or shutil.which('libreoffice')
PDFTOTEXT = shutil.which('pdftotext')
DATE = dt.date(2026, 4, 2)
CASHIER = "Кассирова Вера Павловна"
OKPO = '12345678'
PERSON = "Кузнецова Ольга Петровна"
PASSPORT = "паспорт 1404 123456, выдан УМВД России по Белгородской " \
    "области 12.05.2015"


def setup_cash(prefix=''):
    """Create the company, its cashier and OKPO, a cash journal and a bank
    journal; return (company, tax, cash journal, bank journal)"""
    pool = Pool()
    Party = pool.get('party.party')
    Account = pool.get('account.account')
    AccountJournal = pool.get('account.journal')
    Journal = pool.get('account.statement.journal')
    Sequence = pool.get('ir.sequence.strict')
    Signatory = pool.get('ric.billing.signatory')
    ModelData = pool.get('ir.model.data')
    company, tax = setup_company()
    Party.write([company.party], {'identifiers': [('create', [{
                        'type': 'ru_okpo', 'code': OKPO}])]})
    with set_company(company):
        Signatory.create([{'company': company.id, 'role': 'cashier',
                    'name': CASHIER, 'position': "Кассир"}])
        sequence_type = ModelData.get_id(
            'ric_bank', 'sequence_type_cash_order')
        receipts, expenses = Sequence.create([{
                    'name': "ПКО", 'sequence_type': sequence_type,
                    'company': company.id, 'prefix': prefix,
                    }, {
                    'name': "РКО", 'sequence_type': sequence_type,
                    'company': company.id, 'prefix': prefix,
                    }])
        account_journal, = AccountJournal.search(
            [('type', '=', 'statement')], limit=1)
        cash_account = Journal.ric_cash_account(company)
        bank_account, = Account.search([
                ('company', '=', company.id), ('code', '=', '51')])
        cash, bank = Journal.create([{
                    'name': "Касса", 'journal': account_journal.id,
                    'company': company.id,
                    'currency': company.currency.id,
                    'account': cash_account.id, 'validation': 'balance',
                    'ric_cash': True,
                    'ric_receipt_sequence': receipts.id,
                    'ric_expense_sequence': expenses.id,
                    }, {
                    'name': "Банк", 'journal': account_journal.id,
                    'company': company.id,
                    'currency': company.currency.id,
                    'account': bank_account.id, 'validation': 'amount',
                    }])
    return company, tax, cash, bank


def receivable(company):
    Account = Pool().get('account.account')
    account, = Account.search([
            ('company', '=', company.id), ('code', '=', '62.01')])
    return account


def create_statement(journal, lines, date=DATE):
    """Create a draft statement of journal with lines [(amount, party,
    values)]"""
    pool = Pool()
    Statement = pool.get('account.statement')
    company = journal.company
    total = sum((a for a, _, _ in lines), Decimal(0))
    values = {
        'name': '%s %s' % (journal.name, date.strftime('%d.%m.%Y')),
        'company': company.id, 'journal': journal.id, 'date': date,
        'lines': [('create', [dict({
                            'date': date, 'amount': amount,
                            'party': party.id if party else None,
                            'account': receivable(company).id,
                            }, **extra) for amount, party, extra in lines])],
        }
    if journal.validation == 'balance':
        values['start_balance'] = Decimal(0)
        values['end_balance'] = total
    else:
        values['total_amount'] = total
    statement, = Statement.create([values])
    return statement


def render(report_name, lines):
    "Return the text of the ODT of report_name for lines"
    pool = Pool()
    Report = pool.get(report_name, type='report')
    ActionReport = pool.get('ir.action.report')
    action, = ActionReport.search([('report_name', '=', report_name)])
    records = Report._get_records(
        [l.id for l in lines], 'account.statement.line', {})
    context = Report.get_context(records, {}, {})
    return words(odt_text(Report.render(action, context)))


class CashTestCase(ModuleDBTestCase):
    "Test the cash desk of RIC Bank"
    module = 'ric_bank'

    @with_transaction()
    def test_cash_account(self):
        "A new cash journal posts to the cash account 50 of the chart"
        pool = Pool()
        Journal = pool.get('account.statement.journal')
        company, _ = setup_company()
        with set_company(company):
            journal = Journal(company=company, ric_cash=True)
            journal.on_change_ric_cash()
            self.assertTrue(journal.account)
            self.assertIn(journal.account.code, {'50', '50.01'})
            self.assertEqual(journal.account.company, company)

    @with_transaction()
    def test_numbers_given_once(self):
        "The orders are numbered once, when the statement is validated"
        pool = Pool()
        Statement = pool.get('account.statement')
        Line = pool.get('account.statement.line')
        company, _, cash, _ = setup_cash()
        client = create_client()
        with set_company(company):
            statement = create_statement(cash, [
                    (Decimal('1000.00'), client, {
                            'description': "Оплата по счёту № 7"}),
                    (Decimal('-300.00'), client, {}),
                    (Decimal('500.00'), client, {
                            'ric_order_person': PERSON}),
                    ])
            first, refund, second = statement.lines
            self.assertEqual(
                [l.ric_order_kind for l in statement.lines],
                ['receipt', 'expense', 'receipt'])
            self.assertEqual(
                [l.ric_order_number for l in statement.lines],
                [None, None, None])

            Statement.validate_statement([statement])
            first, refund, second = Line.browse(
                [first.id, refund.id, second.id])
            self.assertEqual(
                (first.ric_order_number, refund.ric_order_number,
                    second.ric_order_number), ('1', '1', '2'))
            self.assertEqual(
                first.ric_order_sequence, cash.ric_receipt_sequence)
            self.assertEqual(
                refund.ric_order_sequence, cash.ric_expense_sequence)
            # the person and the basis are those of the party and the line
            self.assertEqual(first.ric_order_person, client.rec_name)
            self.assertEqual(first.ric_order_basis, "Оплата по счёту № 7")
            self.assertEqual(second.ric_order_person, PERSON)

            # validated again after a cancellation: no new number
            Statement.cancel([statement])
            Statement.draft([statement])
            Line.create([{'statement': statement.id, 'date': DATE,
                        'amount': Decimal('200.00'), 'party': client.id,
                        'account': receivable(company).id}])
            Statement.write([statement], {'end_balance': Decimal('1400.00')})
            Statement.validate_statement([statement])
            statement = Statement(statement.id)
            self.assertEqual(
                sorted((l.amount, l.ric_order_number)
                    for l in statement.lines), [
                    (Decimal('-300.00'), '1'),
                    (Decimal('200.00'), '3'),
                    (Decimal('500.00'), '2'),
                    (Decimal('1000.00'), '1'),
                    ])
            receipts = cash.ric_receipt_sequence
            receipts = receipts.__class__(receipts.id)
            self.assertEqual(receipts.number_next, 4)

            # a copy is a new order without number
            copy, = Line.copy([first], default={'statement': statement.id})
            self.assertIsNone(copy.ric_order_number)
            self.assertIsNone(copy.ric_order_sequence)

    @with_transaction()
    def test_number_never_twice(self):
        "The database refuses a number its sequence gave already"
        pool = Pool()
        Statement = pool.get('account.statement')
        Line = pool.get('account.statement.line')
        company, _, cash, _ = setup_cash()
        client = create_client()
        with set_company(company):
            statement = create_statement(cash, [
                    (Decimal('1000.00'), client, {}),
                    (Decimal('500.00'), client, {}),
                    ])
            Statement.validate_statement([statement])
            first, second = Statement(statement.id).lines
            with self.assertRaises(Exception) as context:
                Line.write([second], {
                        'ric_order_number': first.ric_order_number})
            self.assertIn('only once', str(context.exception))

    @with_transaction()
    def test_numbered_line_kept(self):
        "An issued order is neither deleted nor turned into the other kind"
        pool = Pool()
        Statement = pool.get('account.statement')
        Line = pool.get('account.statement.line')
        company, _, cash, _ = setup_cash()
        client = create_client()
        with set_company(company):
            statement = create_statement(cash, [
                    (Decimal('1000.00'), client, {})])
            Statement.validate_statement([statement])
            Statement.cancel([statement])
            Statement.draft([statement])
            line, = Statement(statement.id).lines
            with self.assertRaises(AccessError):
                Line.write([line], {'amount': Decimal('-1000.00')})
            Line.write([line], {'amount': Decimal('900.00')})
            with self.assertRaises(AccessError):
                Line.delete([line])
            with self.assertRaises(AccessError):
                Line.check_modification('write', [line],
                    values={'ric_order_number': '77'}, external=True)

    @with_transaction()
    def test_bank_journal_not_numbered(self):
        "The lines of a bank journal are no cash orders"
        pool = Pool()
        Statement = pool.get('account.statement')
        company, _, _, bank = setup_cash()
        client = create_client()
        with set_company(company):
            statement = create_statement(bank, [
                    (Decimal('1000.00'), client, {})])
            Statement.validate_statement([statement])
            line, = Statement(statement.id).lines
            self.assertFalse(line.ric_cash)
            self.assertIsNone(line.ric_order_kind)
            self.assertIsNone(line.ric_order_number)

    @with_transaction()
    def test_invoice_paid_in_cash(self):
        "A cash receipt of an invoice pays it as a bank payment does"
        pool = Pool()
        Statement = pool.get('account.statement')
        Invoice = pool.get('account.invoice')
        company, tax, cash, _ = setup_cash()
        client = create_client()
        invoice, = create_invoices(company, tax, [client])
        with set_company(company):
            statement = create_statement(cash, [
                    (invoice.total_amount, client, {
                            'related_to': str(invoice)})])
            line, = statement.lines
            self.assertEqual(line.invoice, invoice)
            Statement.validate_statement([statement])
            invoice = Invoice(invoice.id)
            # the invoice becomes paid by a task run at the commit
            self.assertTrue(invoice.reconciled)
            self.assertEqual(invoice.amount_to_pay, Decimal(0))
            Invoice.process([invoice])
            self.assertEqual(Invoice(invoice.id).state, 'paid')
            line, = Statement(statement.id).lines
            self.assertEqual(line.ric_order_number, '1')
            self.assertEqual(line.ric_order_basis, "Payment of invoice "
                "No. %s of 31.03.2026" % invoice.number)
            move_line, = [l for l in line.move.lines
                if l.account == cash.account]
            self.assertEqual(move_line.debit, Decimal('12200.00'))

    @with_transaction()
    def test_report_refuses_wrong_kind(self):
        "A receipt order of an outgoing, bank or unnumbered line is refused"
        from trytond.modules.ric_bank.exceptions import CashOrderError
        pool = Pool()
        Statement = pool.get('account.statement')
        company, _, cash, bank = setup_cash()
        client = create_client()
        with set_company(company):
            draft = create_statement(cash, [(Decimal('100.00'), client, {})])
            statement = create_statement(cash, [
                    (Decimal('100.00'), client, {}),
                    (Decimal('-50.00'), client, {})])
            banked = create_statement(bank, [(Decimal('100.00'), client, {})])
            Statement.validate_statement([statement, banked])
            receipt, expense = Statement(statement.id).lines
            cases = [
                ('ric.bank.cash.receipt_order', expense, 'pays cash out'),
                ('ric.bank.cash.expense_order', receipt, 'brings cash in'),
                ('ric.bank.cash.receipt_order', Statement(banked.id).lines[0],
                    'no cash desk'),
                ('ric.bank.cash.receipt_order', draft.lines[0],
                    'no number yet'),
                ]
            for report, line, message in cases:
                with self.subTest(report=report, message=message):
                    with self.assertRaises(CashOrderError) as context:
                        render(report, [line])
                    self.assertIn(message, str(context.exception))

    @with_transaction()
    def test_report_texts(self):
        "The orders print the number, amounts, words, person and accounts"
        pool = Pool()
        Statement = pool.get('account.statement')
        company, tax, cash, _ = setup_cash()
        client = create_client()
        invoice, = create_invoices(company, tax, [client])
        with set_company(company):
            statement = create_statement(cash, [
                    (invoice.total_amount, client, {
                            'related_to': str(invoice),
                            'ric_order_person': PERSON,
                            'ric_order_attachment': "Счёт № 1",
                            }),
                    (Decimal('-2440.00'), client, {
                            'ric_order_basis': "Возврат переплаты",
                            'ric_order_identity': PASSPORT}),
                    ])
            Statement.validate_statement([statement])
            receipt, expense = Statement(statement.id).lines

            text = render('ric.bank.cash.receipt_order', [receipt])
            for value in [
                    "ПРИХОДНЫЙ КАССОВЫЙ ОРДЕР", "КО-1", "0310001", OKPO,
                    SELLER, "02.04.2026", "2 апреля 2026 г.",
                    "к приходному кассовому ордеру № 1",
                    "50 62.01 12 200,00", "Принято от " + PERSON,
                    "Основание: Payment of invoice No. %s" % invoice.number,
                    amount_in_words(Decimal('12200.00')),
                    "Сумма 12 200 руб. 00 коп.",
                    "В том числе НДС (22 %) 2 200,00 руб.",
                    "Приложение Счёт № 1",
                    "Сидорова А. И.", "Кассирова В. П.",
                    ]:
                self.assertIn(value, text)

            text = render('ric.bank.cash.expense_order', [expense])
            for value in [
                    "РАСХОДНЫЙ КАССОВЫЙ ОРДЕР", "КО-2", "0310002", OKPO,
                    "62.01 50 2 440,00", "Выдать " + client.name,
                    "Основание: Возврат переплаты",
                    "Две тысячи четыреста сорок рублей 00 копеек",
                    "Без налога (НДС)", "По " + PASSPORT,
                    "Петров П. П.", "Сидорова А. И.", "Кассирова В. П.",
                    ]:
                self.assertIn(value, text)

            # one document prints the orders of many lines
            other = create_statement(cash, [
                    (Decimal('10.00'), client, {}),
                    (Decimal('20.00'), client, {})], date=DATE)
            Statement.validate_statement([other])
            text = render('ric.bank.cash.receipt_order',
                list(Statement(other.id).lines) + [receipt])
            self.assertEqual(text.count("КВИТАНЦИЯ"), 3)
            self.assertIn("ордеру № 2", text)
            self.assertIn("ордеру № 3", text)

    @unittest.skipUnless(SOFFICE and PDFTOTEXT, "LibreOffice is missing")
    @with_transaction()
    def test_report_pdf(self):
        "The receipt order converted by LibreOffice reads as expected"
        pool = Pool()
        Statement = pool.get('account.statement')
        ReceiptOrder = pool.get('ric.bank.cash.receipt_order', type='report')
        company, tax, cash, _ = setup_cash(prefix='ПКО-')
        client = create_client()
        with set_company(company):
            statement = create_statement(cash, [
                    (Decimal('12200.00'), client, {
                            'ric_order_person': PERSON,
                            'ric_order_basis': "Оплата по счёту № 1"})])
            Statement.validate_statement([statement])
            line, = Statement(statement.id).lines
            self.assertEqual(line.ric_order_number, 'ПКО-1')
            extension, content, _, name = ReceiptOrder.execute([line.id], {})
        self.assertEqual(extension, 'pdf')
        self.assertIn('ПКО-1', name)
        text = words(pdf_text(content))
        for value in ["ПРИХОДНЫЙ КАССОВЫЙ ОРДЕР", "ПКО-1", "02.04.2026",
                "12 200,00", PERSON, "Оплата по счёту № 1", "62.01",
                "Двенадцать тысяч двести рублей 00 копеек", OKPO,
                "КВИТАНЦИЯ", "Главный бухгалтер", "Сидорова А. И."]:
            self.assertIn(value, text)


def committed(func, context=None, tries=50):
    """Run func in a transaction of its own and commit it

    The transaction starts again when it asks for a lock (Tryton takes the
    locks at the start of the next try) or when PostgreSQL refuses a lock
    another transaction holds (as the RPC dispatcher does)."""
    extras = {}
    for _ in range(tries):
        try:
            with Transaction().start(DB_NAME, 1, context=context or {},
                    **extras) as transaction:
                try:
                    result = func()
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                return result
        except backend.DatabaseOperationalError:
            time.sleep(0.2)
    raise RuntimeError("not committed after %s tries" % tries)


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite serializes the writing transactions of a database: two "
    "connections cannot validate at the same time")
class CashConcurrencyTestCase(ModuleDBTestCase):
    "Cash statements validated at the same time by two connections"
    module = 'ric_bank'

    def test_concurrent_validations(self):
        "Two validations at once never give a number twice"
        def setup():
            User = Pool().get('res.user')
            company, _, cash, _ = setup_cash()
            User.write([User(1)], {
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    })
            client = create_client()
            with set_company(company):
                statements = [create_statement(cash, [
                            (Decimal('100.00'), client, {}),
                            (Decimal('200.00'), client, {}),
                            ]) for _ in range(3)]
            return (company.id, cash.ric_receipt_sequence.id,
                [s.id for s in statements])
        company, sequence, statement_ids = committed(setup)
        context = {'company': company}

        def numbers(statement_id):
            Statement = Pool().get('account.statement')
            return sorted(int(l.ric_order_number)
                for l in Statement(statement_id).lines)

        def run_both(first_id, second_id):
            "Validate the statements in two threads; the first holds a while"
            results = {}
            numbered = threading.Event()

            def validate(name, statement_id, hold):
                def work():
                    Statement = Pool().get('account.statement')
                    Statement.validate_statement([Statement(statement_id)])
                    result = numbers(statement_id)
                    if hold:
                        # the second tries while the first holds the locks
                        numbered.set()
                        time.sleep(1)
                    return result
                try:
                    if not hold:
                        numbered.wait(60)
                    results[name] = committed(work, context)
                except Exception as exception:
                    results[name] = repr(exception)
            threads = [
                threading.Thread(
                    target=validate, args=('first', first_id, True)),
                threading.Thread(
                    target=validate, args=('second', second_id, False)),
                ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(180)
            return results

        # two statements: each gets its own numbers
        results = run_both(statement_ids[0], statement_ids[1])
        self.assertEqual(results['first'], [1, 2], results)
        self.assertEqual(results['second'], [3, 4], results)

        # one statement twice: numbered once
        third = statement_ids[2]
        results = run_both(third, third)
        self.assertEqual(results['first'], [5, 6], results)
        self.assertEqual(results['second'], [5, 6], results)

        def check():
            pool = Pool()
            Line = pool.get('account.statement.line')
            Sequence = pool.get('ir.sequence.strict')
            lines = Line.search([('ric_order_number', '!=', None)])
            self.assertEqual(
                sorted(int(l.ric_order_number) for l in lines),
                [1, 2, 3, 4, 5, 6])
            self.assertEqual(Sequence(sequence).number_next, 7)
        committed(check, context)


del ModuleDBTestCase
