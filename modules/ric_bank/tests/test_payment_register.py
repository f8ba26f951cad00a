# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The payment register: the rows by day, entity, account and employee, the
filters of its context and the printed register.

The company, its cash desk and bank journals and the statements come from
the tests of the cash desk (test_cash).  Two employees enter the payments of
two days on the bank account and the cash desk; the administrator, who is
no employee, enters one; a draft statement is not counted."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_bank.tests.test_cash import (
    PDFTOTEXT, SOFFICE, create_statement, setup_cash)
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries)
from trytond.modules.ric_billing.report import money
from trytond.modules.ric_billing.tests.test_report import (
    ACCOUNT, SELLER, SELLER_INN, SELLER_KPP, create_client, odt_text,
    pdf_text, words)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

DAY1 = dt.date(2026, 4, 1)
DAY2 = dt.date(2026, 4, 2)
IVANOVA = "Иванова Мария Сергеевна"
PETROV = "Петров Илья Андреевич"
D = Decimal

#: the fields of a row compared by the tests
FIELDS = ['date', 'journal', 'employee', 'receipts', 'expenses', 'balance',
    'receipt_count', 'expense_count']


def create_user(company, login, name):
    "Create a user of company and its employee named name"
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    party, = Party.create([{'name': name}])
    employee, = Employee.create([{'party': party.id, 'company': company.id}])
    user, = User.create([{'name': name, 'login': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                }])
    return user, employee


def as_user(user):
    "Enter what follows as user (the lines get its create_uid)"
    return Transaction().set_user(user.id if user else 0)


def add_lines(statement, lines, user=None):
    "Add lines [(date, amount)] to the draft statement as user"
    pool = Pool()
    Line = pool.get('account.statement.line')
    Statement = pool.get('account.statement')
    statement = Statement(statement.id)
    account = statement.lines[0].account
    party = statement.lines[0].party
    with as_user(user):
        Line.create([{'statement': statement.id, 'date': date,
                    'amount': amount, 'party': party.id,
                    'account': account.id} for date, amount in lines])
    total = sum((l.amount for l in Statement(statement.id).lines), D(0))
    if statement.journal.validation == 'balance':
        Statement.write([statement], {'end_balance': total})
    else:
        Statement.write([statement], {'total_amount': total})


def statement_of(journal, date, client, lines, user=None):
    "Create the draft statement of journal with lines [(amount)] by user"
    with as_user(user):
        return create_statement(
            journal, [(amount, client, {}) for amount in lines], date=date)


def setup_register():
    """Create the company, its journals, two employees and the statements
    of two days; return (company, cash, bank, ivanova, petrov)"""
    pool = Pool()
    Statement = pool.get('account.statement')
    Journal = pool.get('account.statement.journal')
    BankAccount = pool.get('bank.account')
    User = pool.get('res.user')
    company, _, cash, bank = setup_cash()
    client = create_client()
    bank_account, = BankAccount.search(
        [('owners', '=', company.party.id)])
    Journal.write([bank], {'bank_account': bank_account.id})
    user_a, ivanova = create_user(company, 'ivanova', IVANOVA)
    user_b, petrov = create_user(company, 'petrov', PETROV)
    # Ivanova works as her employee; Petrov has no current employee: his
    # employee of the company is his
    User.write([user_a], {'employee': ivanova.id})
    with set_company(company):
        # day 1, the bank: Ivanova's three payments and Petrov's one
        bank1 = statement_of(bank, DAY1, client,
            [D('12200.00'), D('1000.50'), D('-300.25')], user_a)
        add_lines(bank1, [(DAY1, D('500.00'))], user_b)
        # day 1, the cash desk: Petrov's two orders and the administrator's
        cash1 = statement_of(cash, DAY1, client,
            [D('700.10'), D('-200.05')], user_b)
        add_lines(cash1, [(DAY1, D('99.99'))])
        # day 2, the bank: Ivanova's receipt and expense, posted
        bank2 = statement_of(bank, DAY2, client,
            [D('2440.00'), D('-1000.00')], user_a)
        # day 2, a draft of the cash desk: not in the register
        statement_of(cash, DAY2, client, [D('5000.00')], user_a)
        Statement.validate_statement([bank1, cash1, bank2])
        Statement.post([bank2])
    return company, cash, bank, ivanova, petrov


def rows(context=None, domain=None):
    "Return the rows of the register as tuples of FIELDS"
    Register = Pool().get('ric.bank.payment.register')
    with Transaction().set_context(context or {}):
        records = Register.search(domain or [])
        values = {v['id']: v for v in Register.read(
                [r.id for r in records], FIELDS)}
    return [tuple(values[r.id][f] for f in FIELDS) for r in records]


def render(ids, context=None):
    "Return the words of the ODT of the printed register of the rows ids"
    pool = Pool()
    Report = pool.get('ric.bank.payment.register', type='report')
    ActionReport = pool.get('ir.action.report')
    action, = ActionReport.search(
        [('report_name', '=', 'ric.bank.payment.register')])
    with Transaction().set_context(context or {}):
        records = Report._get_records(ids, 'ric.bank.payment.register', {})
        report_context = Report.get_context(records, {}, {})
        return words(odt_text(Report.render(action, report_context)))


class RegisterTestCase(ModuleDBTestCase):
    "Test the payment register of RIC Bank"
    module = 'ric_bank'

    @with_transaction()
    def test_rows(self):
        "One row per day, account and employee of the counted statements"
        company, cash, bank, ivanova, petrov = setup_register()
        with set_company(company):
            result = rows()
        self.assertEqual(result, [
                (DAY1, bank.id, ivanova.id, D('13200.50'), D('300.25'),
                    D('12900.25'), 2, 1),
                (DAY1, bank.id, petrov.id, D('500.00'), D(0), D('500.00'),
                    1, 0),
                (DAY1, cash.id, petrov.id, D('700.10'), D('200.05'),
                    D('500.05'), 1, 1),
                (DAY1, cash.id, None, D('99.99'), D(0), D('99.99'), 1, 0),
                (DAY2, bank.id, ivanova.id, D('2440.00'), D('1000.00'),
                    D('1440.00'), 1, 1),
                ])
        # the sums are exact decimals, to the kopeck
        for row in result:
            for amount in row[3:6]:
                self.assertIsInstance(amount, Decimal)
                self.assertEqual(amount, amount.quantize(D('0.01')))

    @with_transaction()
    def test_split_payment_counts_once(self):
        "A bank payment allocated to two invoices is one receipt"
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        Line = pool.get('account.statement.line')
        Statement = pool.get('account.statement')
        company, _, cash, bank = setup_cash()
        client = create_client()
        with set_company(company):
            statement = statement_of(bank, DAY2, client,
                [D('1000.00'), D('500.00'), D('-49.00')])
            first, second, fee = sorted(statement.lines,
                key=lambda l: -l.amount)
            origin, = Origin.create([{
                        'statement': statement.id, 'date': DAY2,
                        'amount': D('1500.00'), 'party': client.id}])
            Line.write([first, second], {'origin': origin.id})
            Statement.validate_statement([statement])
            (row,) = rows()
        self.assertEqual(row[3:], (
                D('1500.00'), D('49.00'), D('1451.00'), 1, 1))

    @with_transaction()
    def test_row_fields(self):
        "A row shows its company, bank account, currency and a fixed id"
        pool = Pool()
        Register = pool.get('ric.bank.payment.register')
        Line = pool.get('account.statement.line')
        company, cash, bank, ivanova, _ = setup_register()
        with set_company(company):
            records = Register.search([])
            self.assertEqual(len({r.id for r in records}), len(records))
            first = records[0]
            self.assertEqual(first.company, company)
            self.assertEqual(first.currency, company.currency)
            self.assertEqual(first.bank_account, bank.bank_account)
            self.assertEqual(first.account_number, ACCOUNT)
            self.assertFalse(first.cash)
            # the id is the first line of the row, whatever the filters
            line = Line.search([('amount', '=', D('12200.00'))])[0]
            self.assertEqual(first.id, line.id)
            with Transaction().set_context(employee=ivanova.id,
                    from_date=DAY1, to_date=DAY1):
                again, = Register.search([])
            self.assertEqual(again.id, first.id)
            cash_rows = Register.search([('journal', '=', cash.id)])
            self.assertTrue(all(r.cash for r in cash_rows))
            self.assertTrue(all(r.account_number is None for r in cash_rows))
            self.assertIn(bank.name, first.rec_name)
            self.assertIn('01.04.2026', first.rec_name)

    @with_transaction()
    def test_context_filters(self):
        "The period, company, journal and employee of the context filter"
        company, cash, bank, ivanova, petrov = setup_register()
        with set_company(company):
            self.assertEqual({r[0] for r in rows({'from_date': DAY2})},
                {DAY2})
            self.assertEqual({r[0] for r in rows({'to_date': DAY1})},
                {DAY1})
            self.assertEqual(
                rows({'from_date': DAY1, 'to_date': DAY2}), rows())
            self.assertEqual(rows({'from_date': DAY2 + dt.timedelta(1)}), [])
            self.assertEqual({r[1] for r in rows({'journal': cash.id})},
                {cash.id})
            self.assertEqual(
                [(r[0], r[1], r[3]) for r in rows({'employee': petrov.id})],
                [(DAY1, bank.id, D('500.00')), (DAY1, cash.id, D('700.10'))])
            self.assertEqual(
                [r[0] for r in rows({'employee': ivanova.id,
                            'journal': bank.id, 'from_date': DAY2})],
                [DAY2])
            # the domain of the client works too
            self.assertEqual(len(rows(domain=[('employee', '=', None)])), 1)
            self.assertEqual(
                len(rows(domain=[('receipts', '>', D('1000'))])), 2)
            other = create_company(name="ООО «Другая»",
                currency=company.currency)
            self.assertEqual(rows({'company': other.id}), [])

    @with_transaction()
    def test_statement_states(self):
        "Draft and cancelled statements are not counted"
        pool = Pool()
        Statement = pool.get('account.statement')
        company, cash, bank, _, _ = setup_register()
        with set_company(company):
            draft, = Statement.search([('state', '=', 'draft')])
            self.assertNotIn(D('5000.00'), [r[3] for r in rows()])
            Statement.validate_statement([draft])
            self.assertIn((DAY2, cash.id, None, D('5000.00'), D(0),
                    D('5000.00'), 1, 0), [
                    (r[0], r[1], None) + r[3:] for r in rows()
                    if r[1] == cash.id and r[0] == DAY2])
            Statement.cancel([draft])
            self.assertFalse([r for r in rows()
                    if r[1] == cash.id and r[0] == DAY2])

    @with_transaction()
    def test_access(self):
        "The accountants read the register of their companies, no one writes"
        pool = Pool()
        Register = pool.get('ric.bank.payment.register')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company, _, _, _, _ = setup_register()
        accountant, _ = create_user(company, 'accountant', "Бухгалтер")
        User.write([accountant], {'groups': [('add', [
                            ModelData.get_id('account', 'group_account')])]})
        stranger, _ = create_user(company, 'stranger', "Посторонний")
        with set_company(company):
            count = len(Register.search([]))
        for user, allowed in [(accountant, True), (stranger, False)]:
            with self.subTest(user=user.login), as_user(user), \
                    Transaction().set_context(
                        User.get_preferences(context_only=True),
                        _check_access=True):
                if allowed:
                    records = Register.search([])
                    self.assertEqual(len(records), count)
                    Register.read([r.id for r in records],
                        FIELDS + ['rec_name', 'account_number'])
                else:
                    with self.assertRaises(AccessError):
                        Register.search([])
        with self.assertRaises(Exception):
            Register.create([{}])

    @with_transaction()
    def test_queries(self):
        "The register of 200 lines reads with the queries of 10 lines"
        pool = Pool()
        Register = pool.get('ric.bank.payment.register')
        Statement = pool.get('account.statement')
        Report = pool.get('ric.bank.payment.register', type='report')
        company, _, cash, bank = setup_cash()
        client = create_client()
        user, _ = create_user(company, 'ivanova', IVANOVA)
        start = dt.date(2026, 1, 1)
        names = [f for f in Register._fields if f != 'rec_name'] + [
            'rec_name']

        def register(count):
            "Create count lines on as many days and read their register"
            with set_company(company):
                statement = create_statement(bank, [
                        (D('0.10'), client, {})], date=start)
                add_lines(statement, [
                        (start + dt.timedelta(days=i),
                            D('-0.20') if i % 3 else D('0.10'))
                        for i in range(1, count)], user)
                Statement.write([statement], {'state': 'validated'})
                ids = [r.id for r in Register.search([])]
                self.assertEqual(len(ids), count)
                with count_queries() as queries:
                    records = Register.browse(
                        [r.id for r in Register.search([])])
                    Register.read([r.id for r in records], names)
                    sections = Report.sections(records)
                Statement.write([statement], {'state': 'cancelled'})
            return queries, records, sections

        register(5)  # the journal, the company… are read once
        few, _, _ = register(10)
        many, records, sections = register(200)
        self.assertEqual(many.value, few.value, (few.kinds, many.kinds))
        # the sums to the kopeck: 67 receipts of 0.10, 133 expenses of 0.20
        section, = sections
        total, = section.totals
        self.assertEqual(total.receipts_value, D('6.70'))
        self.assertEqual(total.expenses_value, D('26.60'))
        self.assertEqual(total.balance_value, D('-19.90'))
        self.assertEqual((total.receipt_count, total.expense_count),
            (67, 133))
        self.assertEqual(
            sum((r.balance for r in records), D(0)), D('-19.90'))

    @with_transaction()
    def test_report_texts(self):
        "The printed register: title, entity, rows and the totals"
        Register = Pool().get('ric.bank.payment.register')
        company, cash, bank, _, _ = setup_register()
        with set_company(company):
            records = Register.search([])
            context = {'from_date': DAY1, 'to_date': dt.date(2026, 4, 30)}
            text = render([r.id for r in records], context)
            for value in [
                    "Реестр платежей за период с 01.04.2026 по 30.04.2026",
                    SELLER, "%s/%s" % (SELLER_INN, SELLER_KPP),
                    "01.04.2026 Банк, р/с %s %s 13 200,50 2 300,25 1 "
                    "12 900,25" % (ACCOUNT, IVANOVA),
                    "01.04.2026 Касса %s 700,10 1 200,05 1 500,05 "
                    "01.04.2026 Касса 99,99 1 0,00 0 99,99" % PETROV,
                    "Итого за 01.04.2026 14 500,59 5 500,30 2 14 000,29",
                    "02.04.2026 Банк, р/с %s %s 2 440,00 1 1 000,00 1 "
                    "1 440,00" % (ACCOUNT, IVANOVA),
                    "Итого за 02.04.2026 2 440,00 1 1 000,00 1 1 440,00",
                    "Всего за период 16 940,59 6 1 500,30 3 15 440,29",
                    "Главный бухгалтер", "Сидорова А. И.",
                    ]:
                self.assertIn(value, text)
            self.assertNotIn("5 000,00", text)
            # the totals printed are those of the rows
            self.assertIn(money(sum(r.receipts for r in records)).replace(
                    '\u00a0', ' '), text)

            # without the dates of the context: the dates of the rows
            text = render([r.id for r in records if r.date == DAY2])
            self.assertIn(
                "Реестр платежей за период с 02.04.2026 по 02.04.2026", text)
            self.assertNotIn("01.04.2026", text)

    @unittest.skipUnless(SOFFICE and PDFTOTEXT, "LibreOffice is missing")
    @with_transaction()
    def test_report_pdf(self):
        "The register converted by LibreOffice reads as expected"
        pool = Pool()
        Register = pool.get('ric.bank.payment.register')
        Report = pool.get('ric.bank.payment.register', type='report')
        company, _, _, _, _ = setup_register()
        with set_company(company):
            ids = [r.id for r in Register.search([])]
            with Transaction().set_context(
                    from_date=DAY1, to_date=DAY2):
                extension, content, _, name = Report.execute(ids, {})
        self.assertEqual(extension, 'pdf')
        self.assertEqual(name, "Payment Register")
        text = words(pdf_text(content))
        for value in [
                "Реестр платежей за период с 01.04.2026 по 02.04.2026",
                SELLER, IVANOVA, PETROV, "13 200,50", "12 900,25",
                "Итого за 01.04.2026", "14 500,59", "500,30", "14 000,29",
                "Всего за период", "16 940,59", "1 500,30", "15 440,29"]:
            self.assertIn(value, text)


del ModuleDBTestCase
