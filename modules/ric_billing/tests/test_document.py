# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import threading
import time
import unittest
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.account.tests import create_chart, get_fiscalyear
from trytond.modules.account_invoice.tests import set_invoice_sequences
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.currency.tests import create_currency
from trytond.modules.ric_base import tools as ric_tools
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries)
from trytond.modules.ric_billing import document as document_module
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, _DBTestCase, with_transaction)
from trytond.transaction import Transaction, TransactionError

D = dt.date
CHART = 'account_ru.account_template_root_ru'


class PlannedReturnDateTestCase(TestCase):
    "The planned return date of the document types"

    def test_examples(self):
        planned = document_module.planned_return_date
        # contracts: 10 days after the date
        self.assertEqual(planned(D(2026, 3, 25), 'days', 10), D(2026, 4, 4))
        # 10 working days: 8 March 2026 is a Sunday, 9 March a holiday
        self.assertEqual(planned(D(2026, 3, 5), 'days', 10, True),
            D(2026, 3, 20))
        # acts: the end of the month
        self.assertEqual(planned(D(2026, 2, 3), 'end_of_month'),
            D(2026, 2, 28))
        self.assertEqual(planned(D(2026, 12, 31), 'end_of_month', 5),
            D(2027, 1, 5))
        # the last working day of May 2026 is Friday 29
        self.assertEqual(planned(D(2026, 5, 4), 'end_of_month', 0, True),
            D(2026, 5, 29))
        # a correction of the calendar makes Saturday 30 a working day
        self.assertEqual(planned(D(2026, 5, 4), 'end_of_month', 0, True,
                {D(2026, 5, 30): True}), D(2026, 5, 30))
        self.assertIsNone(planned(D(2026, 5, 4), None))

    @settings(max_examples=200, deadline=None)
    @given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
        st.sampled_from(['days', 'end_of_month']),
        st.integers(min_value=0, max_value=40), st.booleans())
    def test_invariants(self, date, period, days, working):
        "The planned date is never before the date; working days land on one"
        planned = document_module.planned_return_date(
            date, period, days, working)
        self.assertGreaterEqual(planned, date)
        if working and (days or period == 'end_of_month'):
            self.assertTrue(ric_tools.is_working_day(planned))
        if period == 'end_of_month' and not days:
            self.assertEqual(
                (planned.year, planned.month), (date.year, date.month))
        if period == 'days' and not working:
            self.assertEqual((planned - date).days, days)

    def test_barcode_round_trip(self):
        for id_ in [1, 42, 9999999999]:
            code = document_module.barcode(id_)
            self.assertTrue(code.startswith('RB'))
            self.assertEqual(document_module.parse_barcode(code), id_)
            self.assertEqual(
                document_module.parse_barcode(' %s ' % code.lower()), id_)
        self.assertIsNone(document_module.parse_barcode('15'))
        self.assertIsNone(document_module.parse_barcode(None))


class _InvoiceMixin:
    "Create a company with the Russian chart, a fiscal year and invoices"

    def _company(self, name="РИЦ", currency=None, year=2026):
        if currency is None:
            currency = create_currency('RUB')
        company = create_company(name, currency=currency)
        with set_company(company):
            create_chart(company, chart=CHART)
            self._fiscalyear(company, year)
        return company

    def _fiscalyear(self, company, year):
        FiscalYear = Pool().get('account.fiscalyear')
        fiscalyear = set_invoice_sequences(
            get_fiscalyear(company, today=D(year, 1, 1)))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
        return fiscalyear

    def _clients(self, count, prefix="Клиент"):
        Party = Pool().get('party.party')
        return Party.create([{
                    'name': '%s %s' % (prefix, i),
                    'addresses': [('create', [{}])],
                    } for i in range(count)])

    def _invoices(self, company, clients, date, amount=Decimal('1000'),
            post=True):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        revenue, = Account.search([
                ('code', '=', '90.01'), ('company', '=', company.id)])
        receivable, = Account.search([
                ('code', '=', '62.01'), ('company', '=', company.id)])
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        invoices = Invoice.create([{
                    'type': 'out',
                    'company': company.id,
                    'currency': company.currency.id,
                    'party': client.id,
                    'invoice_address': client.addresses[0].id,
                    'account': receivable.id,
                    'journal': journal.id,
                    'invoice_date': date,
                    'lines': [('create', [{
                                    'company': company.id,
                                    'currency': company.currency.id,
                                    'account': revenue.id,
                                    'description': "Информационное "
                                    "обслуживание",
                                    'quantity': 1,
                                    'unit_price': amount,
                                    }])],
                    } for client in clients])
        if post:
            Invoice.post(invoices)
        return invoices


class DocumentTestCase(_InvoiceMixin, ModuleDBTestCase):
    "Issue, number and return the billing documents"
    module = 'ric_billing'

    @with_transaction()
    def test_issue(self):
        "Each posted invoice gets the documents of its set, numbered"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        company = self._company()
        with set_company(company):
            clients = self._clients(3)
            invoices = self._invoices(company, clients[:2], D(2026, 3, 5))
            draft, = self._invoices(
                company, clients[2:], D(2026, 3, 5), post=False)

            result = Document.issue(invoices + [draft])

            self.assertEqual(set(result), {i.id for i in invoices})
            documents = Document.search([], order=[('id', 'ASC')])
            self.assertEqual(len(documents), 6)
            self.assertEqual(
                sorted((d.type.code, d.number) for d in documents),
                [('act', '1'), ('act', '2'),
                    ('payment_invoice', '1'), ('payment_invoice', '2'),
                    ('vat_invoice', '1'), ('vat_invoice', '2')])
            for invoice in invoices:
                self.assertEqual(
                    sorted(d.type.code for d in invoice.ric_documents),
                    ['act', 'payment_invoice', 'vat_invoice'])
                self.assertEqual(
                    sorted(d.id for d in result[invoice.id]),
                    sorted(d.id for d in invoice.ric_documents))
            # the client card lists the client's documents
            self.assertEqual(
                sorted(d.id for d in clients[0].ric_billing_documents),
                sorted(d.id for d in result[invoices[0].id]))
            self.assertEqual(clients[2].ric_billing_documents, ())
            act = [d for d in documents if d.type.code == 'act'][0]
            self.assertEqual(act.planned_return_date, D(2026, 3, 31))
            self.assertEqual(act.date, D(2026, 3, 5))
            self.assertEqual(act.company, company)
            self.assertEqual(act.state, 'issued')
            payment = [d for d in documents
                if d.type.code == 'payment_invoice'][0]
            self.assertIsNone(payment.planned_return_date)
            self.assertTrue(payment.barcode.startswith('RB'))

            # never twice: a second call creates nothing
            again = Document.issue(invoices)
            self.assertEqual(Document.search([], count=True), 6)
            self.assertEqual(
                {k: sorted(d.id for d in v) for k, v in again.items()},
                {k: sorted(d.id for d in v) for k, v in result.items()})

            # a later invoice takes the next numbers
            later, = self._invoices(company, clients[:1], D(2026, 3, 6))
            new = Document.issue([later] + invoices)[later.id]
            self.assertEqual(sorted(d.number for d in new), ['3', '3', '3'])
            self.assertEqual(Document.search([], count=True), 9)

    @with_transaction()
    def test_client_card(self):
        """The client card shows the billing documents on its page
        «Documents», without the client column"""
        pool = Pool()
        Party = pool.get('party.party')
        Document = pool.get('ric.billing.document')
        ModelData = pool.get('ir.model.data')
        view = Party.fields_view_get(view_type='form')
        arch = etree.fromstring(view['arch'])
        page, = arch.xpath('//page[@id="ric_documents"]')
        field, = page.xpath('field[@name="ric_billing_documents"]')
        list_id = field.get('view_ids').split(',')[0]
        if not list_id.isdigit():
            list_id = ModelData.get_id(*list_id.split('.'))
        columns = etree.fromstring(Document.fields_view_get(
                int(list_id), view_type='tree')['arch']).xpath(
            '//field/@name')
        self.assertNotIn('client', columns)
        self.assertIn('party', columns)
        self.assertIn('number', columns)

    @with_transaction()
    def test_database_refuses_twice(self):
        "The database refuses a second document of an origin and type"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        company = self._company()
        with set_company(company):
            invoice, = self._invoices(
                company, self._clients(1), D(2026, 3, 5))
            document = Document.issue([invoice])[invoice.id][0]
            values = {f: getattr(document, f) for f in [
                    'date', 'planned_return_date', 'state']}
            values.update({f: getattr(document, f).id for f in [
                        'type', 'company', 'fiscalyear', 'client', 'party']})
            values.update(number='999', origin=str(invoice))
            with self.assertRaises(UserError) as cm:
                Document.create([values])
            self.assertIn('already been issued', cm.exception.message)

    @with_transaction()
    def test_delete_refused(self):
        "A document is never deleted (its strict number stays used)"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        company = self._company()
        with set_company(company):
            invoice, = self._invoices(
                company, self._clients(1), D(2026, 3, 5))
            documents = Document.issue([invoice])[invoice.id]
            with self.assertRaises(AccessError):
                Document.delete(documents)

    @with_transaction()
    def test_numbering_per_company_and_fiscal_year(self):
        "Numbers restart for another company and another fiscal year"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        TypeSequence = pool.get('ric.billing.document.type.sequence')
        company_a = self._company("РИЦ А")
        company_b = self._company("РИЦ Б", currency=company_a.currency)
        with set_company(company_a):
            self._fiscalyear(company_a, 2025)
            clients = self._clients(2)
            invoices = (self._invoices(company_a, clients, D(2025, 12, 30))
                + self._invoices(company_a, clients, D(2026, 1, 12)))
            Document.issue(invoices)
        with set_company(company_b):
            invoices_b = self._invoices(company_b, clients, D(2026, 1, 12))
            Document.issue(invoices_b)
        numbers = {}
        for document in Document.search([('type.code', '=', 'act')]):
            numbers.setdefault(
                (document.company.id, document.fiscalyear.name), []).append(
                document.number)
        self.assertEqual(
            {k: sorted(v) for k, v in numbers.items()}, {
                (company_a.id, '2025'): ['1', '2'],
                (company_a.id, '2026'): ['1', '2'],
                (company_b.id, '2026'): ['1', '2'],
                })
        # one strict sequence per company, type and fiscal year
        self.assertEqual(TypeSequence.search([], count=True), 9)
        self.assertEqual(
            {s.sequence.__name__ for s in TypeSequence.search([])},
            {'ir.sequence.strict'})

    @with_transaction()
    def test_issue_query_count(self):
        "Issuing 200 invoices runs as many queries as 10 (INSERTs aside)"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        company = self._company()
        with set_company(company):
            clients = self._clients(211)
            first = self._invoices(company, clients[:1], D(2026, 3, 2))
            few = self._invoices(company, clients[1:11], D(2026, 3, 3))
            many = self._invoices(company, clients[11:], D(2026, 3, 4))
            # the sequences exist from the first issue
            Document.issue(first)
            with count_queries() as queries_few:
                Document.issue(few)
            with count_queries() as queries_many:
                Document.issue(many)
            self.assertEqual(Document.search([], count=True), 211 * 3)
            self.assertEqual(queries_many.without('INSERT'),
                queries_few.without('INSERT'),
                (queries_few.kinds, queries_many.kinds))
            with count_queries() as queries_again:
                Document.issue(many)
            self.assertEqual(queries_again.kinds['INSERT'], 0)
            self.assertEqual(queries_again.kinds['UPDATE'], 0)

    @with_transaction()
    def test_return_by_code(self):
        "Scanned barcodes and typed numbers mark documents returned"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        Return = pool.get('ric.billing.document.return', type='wizard')
        company = self._company()
        with set_company(company):
            invoices = self._invoices(company, self._clients(2),
                D(2026, 3, 5))
            Document.issue(invoices)
            act_1, act_2 = Document.search(
                [('type.code', '=', 'act')], order=[('number', 'ASC')])

            session_id, _, _ = Return.create()
            wizard = Return(session_id)
            wizard.start.date = D(2026, 3, 20)
            wizard.start.documents = []
            wizard.start.unknown = None
            # the barcode of the first act, then a number of three types
            wizard.start.code = act_1.barcode
            wizard.start.on_change_code()
            wizard.start.code = '2'
            wizard.start.on_change_code()
            wizard.start.code = 'XX-404'
            wizard.start.on_change_code()
            self.assertEqual(list(wizard.start.documents), [act_1])
            self.assertIn('2:', wizard.start.unknown)
            self.assertIn('XX-404', wizard.start.unknown)
            self.assertIsNone(wizard.start.code)

            wizard.start.code = act_2.barcode
            wizard.start.on_change_code()
            wizard.transition_return_()

            for act in (act_1, act_2):
                act = Document(act.id)
                self.assertEqual(act.state, 'returned')
                self.assertEqual(act.return_date, D(2026, 3, 20))
                self.assertFalse(act.overdue)
            # a returned document scanned again is reported
            found, unknown, ambiguous = Document.resolve_codes(
                [act_1.barcode, act_1.number])
            self.assertEqual(found, {act_1.barcode: act_1})
            # the number of the act is also that of the payment and VAT
            # invoices still out
            self.assertEqual((unknown, ambiguous), ([], [act_1.number]))

    @with_transaction()
    def test_overdue(self):
        "Documents not back by their planned date are overdue"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        Overdue = pool.get('ric.billing.document.overdue')
        Attachment = pool.get('ir.attachment')
        company = self._company()
        with set_company(company):
            clients = self._clients(2)
            invoices = self._invoices(company, clients, D(2026, 3, 5))
            Document.issue(invoices)
            act_1, act_2 = Document.search(
                [('type.code', '=', 'act')], order=[('number', 'ASC')])
            Document.mark_returned([act_1], D(2026, 4, 3))
            Attachment.create([{'resource': str(act_1),
                        'name': 'scan.pdf', 'data': b'%PDF-1.4'}])
            self.assertTrue(Document(act_1.id).scanned)
            self.assertFalse(act_2.scanned)
            self.assertEqual(Document.search([('scanned', '=', True)]),
                [act_1])

            with Transaction().set_context(date=D(2026, 3, 31)):
                self.assertEqual(Document.search([('overdue', '=', True)]),
                    [])
                self.assertEqual(Overdue.search([]), [])
            with Transaction().set_context(date=D(2026, 4, 2)):
                rows = Overdue.search([])
                self.assertEqual(
                    sorted((r.client.id, r.count) for r in rows),
                    sorted((c.id, 1) for c in clients))
                self.assertEqual({r.days_overdue for r in rows}, {2})
            with Transaction().set_context(date=D(2026, 4, 10)):
                # act 1 came back late, act 2 is still out
                self.assertEqual(
                    sorted(d.id for d in Document.search(
                            [('overdue', '=', True)])),
                    sorted([act_1.id, act_2.id]))
                self.assertEqual(Document(act_1.id).days_overdue, 3)
                self.assertEqual(Document(act_2.id).days_overdue, 10)
                row, = Overdue.search([])
                self.assertEqual(row.client, act_2.client)
                self.assertEqual(row.days_overdue, 10)


def _run(func, context=None, retry=5):
    "Run func in a committed transaction, retrying on lock requests"
    extras = {}
    for _ in range(retry):
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
    raise RuntimeError("no lock after %s tries" % retry)


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite serializes the writing transactions of a database: two "
    "connections cannot issue at the same time")
class DocumentConcurrencyTestCase(_InvoiceMixin, _DBTestCase):
    "Two concurrent issues of the same invoices"
    module = 'ric_billing'

    def test_concurrent_issue(self):
        "Of two concurrent issues of the same invoices one creates"
        def setup():
            User = Pool().get('res.user')
            company = self._company()
            User.write([User(1)], {
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    })
            with set_company(company):
                invoices = self._invoices(company, self._clients(5),
                    D(2026, 3, 5))
            return company.id, [i.id for i in invoices]
        company, invoice_ids = _run(setup)
        context = {'company': company}

        first_issued = threading.Event()
        second_started = threading.Event()
        results = {}

        def issue(name, before_commit=None, wait=None):
            extras = {}
            try:
                if wait is not None:
                    wait.wait(30)
                for _ in range(20):
                    with Transaction().start(DB_NAME, 1, context=context,
                            **extras) as transaction:
                        pool = Pool()
                        Invoice = pool.get('account.invoice')
                        Document = pool.get('ric.billing.document')
                        try:
                            result = Document.issue(
                                Invoice.browse(invoice_ids))
                        except TransactionError as error:
                            transaction.rollback()
                            error.fix(extras)
                            continue
                        results[name] = ('issued', sorted(
                                d.id for v in result.values() for d in v))
                        if before_commit:
                            before_commit()
                        transaction.commit()
                        return
                results[name] = ('no lock', None)
            except UserError as exception:
                results[name] = ('error', exception.message)
            except backend.DatabaseOperationalError as exception:
                results[name] = ('refused', repr(exception))
            except Exception as exception:
                results[name] = ('crash', repr(exception))
            finally:
                if name == 'second':
                    second_started.set()

        def let_second_try():
            first_issued.set()
            # the second transaction fails on the locked sequences
            # (NOWAIT) or waits; commit once it tried for a while
            second_started.wait(10)
            time.sleep(0.5)

        first = threading.Thread(target=issue,
            args=('first', let_second_try))
        second = threading.Thread(target=issue,
            args=('second', None, first_issued))
        first.start()
        second.start()
        first.join(120)
        second.join(120)

        self.assertEqual(results['first'][0], 'issued', results)
        self.assertEqual(len(results['first'][1]), 15, results)
        # the second could not create its own documents: it was refused
        # while the first held the sequences, or it found the committed
        # documents of the first
        if results['second'][0] == 'issued':
            self.assertEqual(results['second'], results['first'])
        else:
            self.assertIn(results['second'][0], {'refused', 'error',
                    'no lock'}, results)

        def check():
            pool = Pool()
            Document = pool.get('ric.billing.document')
            Invoice = pool.get('account.invoice')
            documents = Document.search([])
            self.assertEqual(len(documents), 15)
            self.assertEqual(
                sorted(int(d.number) for d in documents
                    if d.type.code == 'act'), [1, 2, 3, 4, 5])
            # a third issue afterwards changes nothing
            Document.issue(Invoice.browse(invoice_ids))
            self.assertEqual(Document.search([], count=True), 15)
        _run(check, context)


del _DBTestCase
