# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The mutual offsets: their rules, their one move, the invoices paid by
them, never posted twice, and the printed act.

The company comes from ric_billing's tests of the printed forms (the
Russian chart, VAT 22 %, requisites, head and chief accountant); a client
X is invoiced 12 200.00 on 31.03.2026; the debts of the company (to X, to a
supplier Y) are moves crediting 60 against 26."""
import datetime as dt
import threading
import time
import unittest
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond import backend
from trytond.model.exceptions import DomainValidationError
from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries, restart_on_lock)
from trytond.modules.ric_bank.tests.test_cash import committed
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.tests.test_report import (
    SELLER, create_client, create_invoices, pdf_text, setup_company,
    words)
from trytond.modules.ric_settlement.exceptions import (
    OffsetError, OffsetValidationError)
from trytond.modules.ric_settlement.offset import open_amounts
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_writeoff import PDFTOTEXT, SOFFICE  # noqa: F401

DATE = dt.date(2026, 3, 31)
SUPPLIER = "ООО «Поставщик»"
D = Decimal


def account(company, code):
    Account = Pool().get('account.account')
    result, = Account.search([
            ('company', '=', company.id), ('code', '=', code)])
    return result


def create_claim(company, party, amount, date=DATE):
    "Post a claim of company on party (Dt 62.01 Kt 90.01); return its line"
    return create_debt(company, party, amount, date=date, code='62.01',
        other='90.01', claim=True)


def create_debt(company, party, amount, date=DATE, code='60', other='26',
        claim=False):
    """Post a move of a debt of company to party (Dt 26 Kt code); return
    its line on code"""
    pool = Pool()
    Move = pool.get('account.move')
    Journal = pool.get('account.journal')
    Period = pool.get('account.period')
    journal, = Journal.search([('type', '=', 'general')], limit=1)
    payable = account(company, code)
    move, = Move.create([{
                'company': company.id, 'journal': journal.id,
                'period': Period.find(company, date=date).id, 'date': date,
                'lines': [('create', [{
                                'account': account(company, other).id,
                                'debit': D(0) if claim else amount,
                                'credit': amount if claim else D(0),
                                }, {
                                'account': payable.id, 'party': party.id,
                                'debit': amount if claim else D(0),
                                'credit': D(0) if claim else amount,
                                }])],
                }])
    Move.post([move])
    return next(l for l in move.lines if l.account == payable)


def receivable_line(invoice):
    line, = invoice.lines_to_pay
    return line


def make_offset(company, kind, lines, date=DATE, description=None):
    """Create a draft offset of lines [(move line, amount)]; the side comes
    from the balance of the line"""
    Offset = Pool().get('ric.settlement.offset')
    offset, = Offset.create([{
                'company': company.id, 'date': date, 'kind': kind,
                'description': description,
                'lines': [('create', [{
                                'party': l.party.id, 'account': l.account.id,
                                'move_line': l.id, 'amount': amount,
                                'side': ('credit' if l.debit > l.credit
                                    else 'debit'),
                                } for l, amount in lines])],
                }])
    return offset


def party_balance(company, parties):
    "Return {party: balance of 62.01 + 60} of the company"
    MoveLine = Pool().get('account.move.line')
    result = {p: D(0) for p in parties}
    for line in MoveLine.search([
                ('move.company', '=', company.id),
                ('party', 'in', [p.id for p in parties]),
                ('account.code', 'in', ['62.01', '60']),
                ]):
        result[line.party] += line.debit - line.credit
    return result


def setup_offset():
    "Return the company, the client X with an invoice, the supplier Y"
    pool = Pool()
    Party = pool.get('party.party')
    company, tax = setup_company()
    client = create_client()
    supplier, = Party.create([{'name': SUPPLIER}])
    invoice, = create_invoices(company, tax, [client])
    return company, tax, client, supplier, invoice


class OffsetTestCase(ModuleDBTestCase):
    "Test the mutual offsets"
    module = 'ric_settlement'

    @with_transaction()
    def test_two_party(self):
        "A two-party offset pays part of the invoice and closes our debt"
        pool = Pool()
        Offset = pool.get('ric.settlement.offset')
        Invoice = pool.get('account.invoice')
        company, _, client, _, invoice = setup_offset()
        with set_company(company):
            debt = create_debt(company, client, D('5000.00'))
            claim = receivable_line(invoice)
            offset = make_offset(company, 'two_party',
                [(claim, D('5000.00')), (debt, D('5000.00'))])
            self.assertEqual(offset.amount, D('5000.00'))
            Offset.post([offset])
            offset = Offset(offset.id)
            self.assertEqual(offset.state, 'posted')
            self.assertTrue(offset.number)
            move = offset.move
            self.assertEqual(move.state, 'posted')
            self.assertEqual(sum(l.debit for l in move.lines),
                sum(l.credit for l in move.lines))
            self.assertEqual(len(move.lines), 2)
            invoice = Invoice(invoice.id)
            self.assertEqual(invoice.state, 'posted')
            self.assertEqual(invoice.amount_to_pay, D('7200.00'))
            self.assertEqual(len(invoice.payment_lines), 1)
            # our debt is offset whole: reconciled
            debt = type(debt)(debt.id)
            self.assertTrue(debt.reconciliation)
            self.assertEqual(open_amounts([claim, debt]),
                {claim.id: D('7200.00'), debt.id: D(0)})

    @with_transaction()
    def test_three_party(self):
        "A three-party offset pays the invoice of X and reduces our debt to Y"
        pool = Pool()
        Offset = pool.get('ric.settlement.offset')
        Invoice = pool.get('account.invoice')
        MoveLine = pool.get('account.move.line')
        company, tax, client, supplier, invoice = setup_offset()
        with set_company(company):
            debt = create_debt(company, supplier, D('20000.00'))
            offset = make_offset(company, 'three_party', [
                    (receivable_line(invoice), D('12200.00')),
                    (debt, D('12200.00'))])
            Offset.post([offset])
            invoice = Invoice(invoice.id)
            self.assertEqual(invoice.state, 'paid')
            debt = MoveLine(debt.id)
            self.assertFalse(debt.reconciliation)
            self.assertEqual(open_amounts([debt]), {debt.id: D('7800.00')})

            # the rest of the debt offset against a second invoice
            second, = create_invoices(company, tax, [client])
            offset2 = make_offset(company, 'three_party', [
                    (receivable_line(second), D('7800.00')),
                    (debt, D('7800.00'))])
            Offset.post([offset2])
            debt = MoveLine(debt.id)
            self.assertTrue(debt.reconciliation)
            self.assertEqual(Invoice(second.id).amount_to_pay, D('4400.00'))
            # one move each
            moves = pool.get('account.move').search(
                [('origin', 'like', 'ric.settlement.offset,%')])
            self.assertEqual(len(moves), 2)

    @with_transaction()
    def test_rules(self):
        "An offset breaking a rule is refused with its message"
        pool = Pool()
        Offset = pool.get('ric.settlement.offset')
        OffsetLine = pool.get('ric.settlement.offset.line')
        company, _, client, supplier, invoice = setup_offset()
        with set_company(company):
            claim = receivable_line(invoice)
            debt_x = create_debt(company, client, D('1000.00'))
            debt_y = create_debt(company, supplier, D('1000.00'))
            # unbalanced
            with self.assertRaises(OffsetValidationError) as cm:
                make_offset(company, 'two_party',
                    [(claim, D('900.00')), (debt_x, D('800.00'))])
            self.assertIn("unbalanced", cm.exception.message)
            # more than open
            with self.assertRaises(OffsetValidationError) as cm:
                make_offset(company, 'two_party',
                    [(claim, D('1200.00')), (debt_x, D('1200.00'))])
            self.assertIn("only 1000.00 is open", cm.exception.message)
            # two parties in a two-party offset
            with self.assertRaises(OffsetValidationError):
                make_offset(company, 'two_party',
                    [(claim, D('500.00')), (debt_y, D('500.00'))])
            # one party in a three-party offset
            with self.assertRaises(OffsetValidationError):
                make_offset(company, 'three_party',
                    [(claim, D('500.00')), (debt_x, D('500.00'))])
            # the wrong side
            with self.assertRaises(OffsetValidationError):
                Offset.create([{
                            'company': company.id, 'date': DATE,
                            'kind': 'two_party',
                            'lines': [('create', [{
                                            'party': client.id,
                                            'account': claim.account.id,
                                            'move_line': claim.id,
                                            'amount': D('100'),
                                            'side': 'debit'}])]}])
            # no lines: saved as a draft, refused at posting
            empty, = Offset.create([{'company': company.id, 'date': DATE}])
            with self.assertRaises(OffsetValidationError):
                Offset.post([empty])
            # good: posted once, never twice
            offset = make_offset(company, 'two_party',
                [(claim, D('1000.00')), (debt_x, D('1000.00'))])
            Offset.post([offset])
            with self.assertRaises(OffsetError):
                Offset.post([offset])
            with self.assertRaises(OffsetError):
                Offset.delete([offset])
            # the debt offset whole is reconciled: the domain of the line
            # (open lines only, as the client offers them) refuses it
            with self.assertRaises(DomainValidationError):
                make_offset(company, 'two_party',
                    [(claim, D('1.00')), (debt_x, D('1.00'))])
            # the invoice paid in part is open by its rest only
            debt_x2 = create_debt(company, client, D('20000.00'))
            with self.assertRaises(OffsetValidationError) as cm:
                make_offset(company, 'two_party',
                    [(claim, D('11200.01')), (debt_x2, D('11200.01'))])
            self.assertIn("only 11200.00 is open", cm.exception.message)
            self.assertEqual(len(OffsetLine.search(
                        [('offset', '=', offset.id)])), 2)

    @with_transaction()
    def test_balance_property(self):
        """An offset changes the balances of the parties by its amount
        only, and its move is balanced"""
        pool = Pool()
        Offset = pool.get('ric.settlement.offset')
        company, tax, client, supplier, _ = setup_offset()

        @restart_on_lock
        @settings(max_examples=8, deadline=None,
            suppress_health_check=list(HealthCheck))
        @given(st.integers(1, 2000000), st.integers(1, 2000000),
            st.integers(1, 100))
        def check(claim_cents, debt_cents, percent):
            claim_amount = D(claim_cents) / 100
            debt_amount = D(debt_cents) / 100
            amount = (min(claim_amount, debt_amount) * percent / 100
                ).quantize(D('0.01'))
            if amount <= 0:
                return
            claim = create_claim(company, client, claim_amount)
            debt = create_debt(company, supplier, debt_amount)
            before = party_balance(company, [client, supplier])
            offset = make_offset(company, 'three_party',
                [(claim, amount), (debt, amount)])
            Offset.post([offset])
            after = party_balance(company, [client, supplier])
            self.assertEqual(before[client] - after[client], amount)
            self.assertEqual(after[supplier] - before[supplier], amount)
            self.assertEqual(sum(after.values()), sum(before.values()))
            move = Offset(offset.id).move
            self.assertEqual(sum(l.debit for l in move.lines),
                sum(l.credit for l in move.lines))
            self.assertEqual(open_amounts([claim, debt]), {
                    claim.id: claim_amount - amount,
                    debt.id: debt_amount - amount})
        with set_company(company):
            check()

    @with_transaction()
    def test_open_amounts_queries(self):
        "The open amounts of 30 lines take the queries of 10"
        company, tax, client, supplier, _ = setup_offset()
        with set_company(company):
            invoices = create_invoices(company, tax, [client], count=30)
            debts = [create_debt(company, supplier, D(100 + i))
                for i in range(30)]
            lines = [receivable_line(i) for i in invoices] + debts

            def run(records):
                MoveLine = Pool().get('account.move.line')
                records = MoveLine.browse([l.id for l in records])
                with count_queries() as counter:
                    open_amounts(records)
                return counter.value
            run(lines[:1])  # the caches of the access rules
            few = run(lines[:5] + lines[30:35])
            many = run(lines)
            self.assertEqual(many, few)

    @unittest.skipUnless(SOFFICE and PDFTOTEXT, "LibreOffice is missing")
    @with_transaction()
    def test_report_pdf(self):
        "The three-party agreement converted by LibreOffice reads well"
        pool = Pool()
        Offset = pool.get('ric.settlement.offset')
        Report = pool.get('ric.settlement.offset', type='report')
        company, _, client, supplier, invoice = setup_offset()
        with set_company(company):
            debt = create_debt(company, supplier, D('20000.00'))
            offset = make_offset(company, 'three_party', [
                    (receivable_line(invoice), D('12200.00')),
                    (debt, D('12200.00'))],
                description="письмо ООО «Поставщик» от 30.03.2026")
            Offset.post([offset])
            offset = Offset(offset.id)
            extension, content, _, name = Report.execute([offset.id], {})
        self.assertEqual(extension, 'pdf')
        text = words(pdf_text(content))
        for value in [
                "Соглашение о зачёте взаимных требований № %s"
                % offset.number,
                "31 марта 2026 г.", SELLER, "ООО «Ромашка»", SUPPLIER,
                "Счёт № %s от 31.03.2026" % invoice.number,
                "12 200,00", amount_in_words(D('12200.00'), 'RUB'),
                "Сторона 3", "Генеральный директор", "Петров П. П.",
                "письмо ООО «Поставщик» от 30.03.2026"]:
            self.assertIn(words(value), text)


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite serializes the writing transactions of a database: two "
    "connections cannot post at the same time")
class OffsetConcurrencyTestCase(ModuleDBTestCase):
    "One offset posted at the same time by two connections"
    module = 'ric_settlement'

    def test_concurrent_posts(self):
        "Two connections posting the same offset make one move"
        def setup_data():
            pool = Pool()
            User = pool.get('res.user')
            Configuration = pool.get('ric.settlement.configuration')
            company, _, client, supplier, invoice = setup_offset()
            User.write([User(1)], {
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    })
            with set_company(company):
                debt = create_debt(company, supplier, D('20000.00'))
                offset = make_offset(company, 'three_party', [
                        (receivable_line(invoice), D('12200.00')),
                        (debt, D('12200.00'))])
                Configuration.get_sequence_used('offset_sequence', company)
            return company.id, offset.id
        company, offset_id = committed(setup_data)
        context = {'company': company}
        results = {}
        posted = threading.Event()

        def post(name, hold):
            def work():
                Offset = Pool().get('ric.settlement.offset')
                Offset.post([Offset(offset_id)])
                if hold:
                    # the second tries while the first holds its locks
                    posted.set()
                    time.sleep(1)
                return Offset(offset_id).number
            try:
                if not hold:
                    posted.wait(60)
                results[name] = committed(work, context)
            except Exception as exception:
                results[name] = type(exception).__name__
        threads = [
            threading.Thread(target=post, args=('first', True)),
            threading.Thread(target=post, args=('second', False)),
            ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        # the first is numbered (its tries restarted by the locks may
        # have spent a number of the non-strict sequence), the second
        # finds it posted
        self.assertTrue(results['first'], results)
        self.assertNotEqual(results['first'], 'OffsetError', results)
        self.assertEqual(results['second'], 'OffsetError', results)

        def check():
            pool = Pool()
            Move = pool.get('account.move')
            Invoice = pool.get('account.invoice')
            self.assertEqual(Move.search([
                        ('origin', '=', 'ric.settlement.offset,%s'
                            % offset_id)], count=True), 1)
            invoice, = Invoice.search([('type', '=', 'out')])
            self.assertEqual(invoice.state, 'paid')
        committed(check, context)


del ModuleDBTestCase
