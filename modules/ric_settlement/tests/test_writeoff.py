# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The write-off of bad debts: the hopeless receivables selected, the
approval of a RIC administrator, the move posted once, the printed order.

The company comes from ric_billing's tests of the printed forms; it has the
fiscal years 2023 and 2026; a client owes an invoice of 01.03.2023 due at
the end of the month, 31.03.2023 (hopeless on 31.03.2026 after three
years), and one of 01.06.2023 due 30.06.2023 (not yet)."""
import datetime as dt
import shutil
import unittest
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.account.tests import get_fiscalyear
from trytond.modules.account_invoice.tests import set_invoice_sequences
from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries, restart_on_lock)
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.report import money
from trytond.modules.ric_billing.tests.test_report import (
    SELLER, create_client, create_invoices, pdf_text, setup_company, words)
from trytond.modules.ric_settlement.exceptions import (
    WriteOffAccessError, WriteOffError)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

SOFFICE = shutil.which('soffice') or shutil.which('libreoffice')
PDFTOTEXT = shutil.which('pdftotext')
DATE = dt.date(2026, 3, 31)
OLD = dt.date(2023, 3, 1)
RECENT = dt.date(2023, 6, 1)
OLD_DUE = dt.date(2023, 3, 31)
RECENT_DUE = dt.date(2023, 6, 30)
LATE = dt.date(2026, 6, 30)
REASON = "Истечение срока исковой давности (ст. 196 ГК РФ)"
D = Decimal


def setup_writeoff():
    """Create the company with the fiscal years 2023 and 2026, a client,
    its old and recent invoices; return (company, tax, client, old,
    recent)"""
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    company, tax = setup_company()
    with set_company(company):
        fiscalyear = set_invoice_sequences(get_fiscalyear(
                company, today=OLD))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
    client = create_client()
    old, = create_invoices(company, tax, [client], date=OLD)
    recent, = create_invoices(company, tax, [client], date=RECENT)
    # the payment term of the tests is «End of Month»
    assert [l.maturity_date for l in old.lines_to_pay] == [OLD_DUE]
    assert [l.maturity_date for l in recent.lines_to_pay] == [RECENT_DUE]
    return company, tax, client, old, recent


def create_user(company, login, groups):
    "Create a user of company in the groups [(module, xml id)]"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{'name': login, 'login': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'groups': [('add', [ModelData.get_id(m, x)
                            for m, x in groups])],
                }])
    return user


class WriteOffTestCase(ModuleDBTestCase):
    "Test the write-off of bad debts"
    module = 'ric_settlement'

    @with_transaction()
    def test_hopeless(self):
        "Only the debts due three years ago are selected, once"
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        company, _, client, old, recent = setup_writeoff()
        with set_company(company):
            hopeless = WriteOff.hopeless_lines(company, DATE)
            self.assertEqual([l.id for l in hopeless],
                [l.id for l in old.lines_to_pay])
            self.assertEqual(list(hopeless.values()), [old.total_amount])
            # the day before three years have passed since its due date,
            # the recent one is not yet hopeless; on that day it is
            self.assertEqual(len(WriteOff.hopeless_lines(
                        company, dt.date(2026, 6, 29))), 1)
            self.assertEqual(len(WriteOff.hopeless_lines(
                        company, dt.date(2026, 6, 30))), 2)
            # of other clients: none
            other = create_client(name="ООО «Другой»", inn='7707083893')
            self.assertEqual(WriteOff.hopeless_lines(
                    company, DATE, clients=[other]), {})
            writeoff = WriteOff.create_hopeless(company, DATE, REASON,
                clients=[client])
            self.assertEqual(writeoff.state, 'draft')
            line, = writeoff.lines
            self.assertEqual(line.invoice, old)
            self.assertEqual(line.maturity_date, OLD_DUE)
            self.assertEqual(writeoff.amount, old.total_amount)
            # in a draft write-off: not selected again
            self.assertEqual(WriteOff.hopeless_lines(company, DATE), {})

    @with_transaction()
    def test_approval(self):
        """A write-off is posted only once approved by a RIC administrator;
        a change after the approval sends it back to draft"""
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        WriteOffLine = pool.get('ric.settlement.writeoff.line')
        Invoice = pool.get('account.invoice')
        company, _, client, old, recent = setup_writeoff()
        accountant = create_user(company, 'accountant', [
                ('ric_base', 'group_ric_accountant'),
                ('account', 'group_account')])
        admin = create_user(company, 'admin_ric', [
                ('ric_base', 'group_ric_admin'),
                ('account', 'group_account')])
        with set_company(company):
            writeoff = WriteOff.create_hopeless(company, DATE, REASON)
            with self.assertRaises(WriteOffError):
                WriteOff.post([writeoff])
            with Transaction().set_user(accountant.id):
                with self.assertRaises(WriteOffAccessError):
                    WriteOff.approve([writeoff])
            with Transaction().set_user(admin.id):
                WriteOff.approve([writeoff])
            writeoff = WriteOff(writeoff.id)
            self.assertEqual(writeoff.state, 'approved')
            self.assertEqual(writeoff.approved_by, admin)

            # a line changed: back to draft, approved again
            line, = writeoff.lines
            WriteOffLine.write([line], {'amount': old.total_amount - 200})
            writeoff = WriteOff(writeoff.id)
            self.assertEqual(writeoff.state, 'draft')
            self.assertIsNone(writeoff.approved_by)
            WriteOffLine.write([line], {'amount': old.total_amount})
            with Transaction().set_user(admin.id):
                WriteOff.approve([writeoff])
            WriteOff.write([writeoff], {'reason': REASON + "."})
            self.assertEqual(WriteOff(writeoff.id).state, 'draft')
            with Transaction().set_user(admin.id):
                WriteOff.approve([writeoff])

            with Transaction().set_user(accountant.id):
                WriteOff.post([writeoff])
            writeoff = WriteOff(writeoff.id)
            self.assertEqual(writeoff.state, 'posted')
            self.assertTrue(writeoff.number)
            move = writeoff.move
            self.assertEqual(move.state, 'posted')
            debit, = [l for l in move.lines if l.debit]
            self.assertEqual(debit.account.code, '91.02')
            self.assertEqual(debit.debit, old.total_amount)
            credit, = [l for l in move.lines if l.credit]
            self.assertEqual(credit.account.code, '62.01')
            self.assertEqual(credit.party, client)
            self.assertEqual(Invoice(old.id).state, 'paid')
            self.assertEqual(Invoice(recent.id).state, 'posted')
            # never twice
            with self.assertRaises(WriteOffError):
                WriteOff.post([writeoff])
            with self.assertRaises(WriteOffError):
                WriteOff.write([writeoff], {'reason': "Другое"})
            self.assertEqual(WriteOff.hopeless_lines(company, DATE), {})

    @with_transaction()
    def test_total_property(self):
        "The write-off total equals the open amounts of the debts selected"
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        Invoice = pool.get('account.invoice')
        Move = pool.get('account.move')
        Journal = pool.get('account.journal')
        Period = pool.get('account.period')
        Account = pool.get('account.account')
        company, tax, client, old, recent = setup_writeoff()

        @restart_on_lock
        @settings(max_examples=6, deadline=None,
            suppress_health_check=list(HealthCheck))
        @given(st.lists(st.tuples(st.integers(100, 1000000),
                    st.integers(0, 99)), min_size=1, max_size=3))
        def check(values):
            journal, = Journal.search([('type', '=', 'general')], limit=1)
            # the company's own account: the SQLite worker may still hold
            # the chart of an earlier test class's company
            bank, = Account.search([('code', '=', '51'),
                    ('company', '=', company.id)])
            expected = D(0)
            for cents, percent in values:
                price = D(cents) / 100
                invoice, = create_invoices(company, tax, [client], date=RECENT,
                    lines=[("Информационное обслуживание", 1, price)])
                paid = (invoice.total_amount * percent / 100).quantize(
                    D('0.01'))
                if paid:
                    move, = Move.create([{
                                'company': company.id,
                                'journal': journal.id,
                                'period': Period.find(company, date=RECENT).id,
                                'date': RECENT,
                                'lines': [('create', [{
                                                'account': bank.id,
                                                'debit': paid,
                                                'credit': D(0)}, {
                                                'account': invoice.account.id,
                                                'party': client.id,
                                                'debit': D(0),
                                                'credit': paid}])]}])
                    Move.post([move])
                    Invoice.add_payment_lines({invoice: [
                                l for l in move.lines if l.credit]})
                expected += invoice.total_amount - paid
            writeoff = WriteOff.create_hopeless(company, LATE, REASON)
            self.assertEqual(writeoff.amount, expected)
            WriteOff.approve([writeoff])
            WriteOff.post([writeoff])
            move = WriteOff(writeoff.id).move
            self.assertEqual(sum(l.debit for l in move.lines), expected)
            self.assertEqual(sum(l.credit for l in move.lines), expected)
            self.assertEqual(WriteOff.hopeless_lines(company, LATE), {})
        with set_company(company):
            # the first old invoice written off first
            writeoff = WriteOff.create_hopeless(company, LATE, REASON)
            WriteOff.approve([writeoff])
            WriteOff.post([writeoff])
            check()

    @with_transaction()
    def test_hopeless_queries(self):
        "The hopeless debts of 30 clients take the queries of 10"
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        company, tax, client, old, recent = setup_writeoff()
        clients = [create_client(name="ООО «Клиент %s»" % i, inn=None)
            for i in range(30)]
        create_invoices(company, tax, clients, date=RECENT)
        with set_company(company):
            def run(some):
                with count_queries() as counter:
                    result = WriteOff.hopeless_lines(
                        company, LATE, clients=some)
                return counter.value, len(result)
            run(clients[:1])  # the caches of the access and configuration
            few, count_few = run(clients[:10])
            many, count_many = run(clients)
            self.assertEqual((count_few, count_many), (10, 30))
            self.assertEqual(many, few)

    @unittest.skipUnless(SOFFICE and PDFTOTEXT, "LibreOffice is missing")
    @with_transaction()
    def test_report_pdf(self):
        "The order converted by LibreOffice reads as expected"
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        Report = pool.get('ric.settlement.writeoff', type='report')
        company, _, client, old, recent = setup_writeoff()
        with set_company(company):
            writeoff = WriteOff.create_hopeless(company, DATE, REASON)
            WriteOff.approve([writeoff])
            WriteOff.post([writeoff])
            writeoff = WriteOff(writeoff.id)
            extension, content, _, name = Report.execute([writeoff.id], {})
        self.assertEqual(extension, 'pdf')
        text = words(pdf_text(content))
        for value in [
                "Приказ № %s о списании безнадёжной дебиторской "
                "задолженности" % writeoff.number,
                "31 марта 2026 г.", SELLER, "ПРИКАЗЫВАЮ",
                "ст. 196 Гражданского кодекса РФ", "ООО «Ромашка»",
                # the invoice's own date, then its due date
                "Счёт № %s от 01.03.2023" % old.number, "31.03.2023",
                money(old.total_amount),
                amount_in_words(old.total_amount, 'RUB'),
                "Дт 91.02 Кт 62.01", "Генеральный директор",
                "Петров П. П."]:
            self.assertIn(words(value), text)


del ModuleDBTestCase
