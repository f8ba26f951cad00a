# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import csv
import datetime as dt
import io
from decimal import Decimal

from lxml import etree

from trytond.exceptions import UserError
from trytond.modules.company.tests import create_employee, set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_document import _InvoiceMixin

D = dt.date


class ExportTestCase(_InvoiceMixin, ModuleDBTestCase):
    "Export of the posted documents for the accounting program"
    module = 'ric_billing'

    def _vat_invoices(self, company, clients, date, amount):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Tax = pool.get('account.tax')
        vat, = Tax.search([('name', '=', "НДС 22 %")])
        invoices = self._invoices(company, clients, date, amount, post=False)
        for invoice in invoices:
            for line in invoice.lines:
                line.taxes = [vat]
                line.save()
        Invoice.update_taxes(invoices)
        Invoice.post(invoices)
        return Invoice.browse(invoices)

    @with_transaction()
    def test_export_read_back(self):
        "The XML and CSV of a period carry the invoices, numbers and amounts"
        pool = Pool()
        Document = pool.get('ric.billing.document')
        Export = pool.get('ric.billing.export')
        Party = pool.get('party.party')
        company = self._company()
        with set_company(company):
            clients = self._clients(2)
            Party.write([clients[0]], {'kpp': '770701001'})
            march = self._vat_invoices(company, clients, D(2026, 3, 10),
                Decimal('1000.00'))
            april = self._vat_invoices(company, clients[:1], D(2026, 4, 1),
                Decimal('500.00'))
            draft, = self._invoices(company, clients[:1], D(2026, 3, 12),
                post=False)
            Document.issue(march + april)

            filename, data = Export.export(
                company, D(2026, 3, 1), D(2026, 3, 31), 'xml')
            self.assertTrue(filename.endswith('.xml'))
            root = etree.fromstring(data)
            self.assertEqual(root.tag, 'RICExport')
            self.assertEqual(root.get('format'), 'ric-express-1c')
            self.assertEqual((root.get('start'), root.get('end')),
                ('2026-03-01', '2026-03-31'))
            sales = root.findall('Sale')
            # the posted invoices of March only
            self.assertEqual(sorted(int(s.get('id')) for s in sales),
                sorted(i.id for i in march))
            for sale in sales:
                invoice = [i for i in march if i.id == int(sale.get('id'))][0]
                self.assertEqual(sale.get('number'), invoice.number)
                self.assertEqual(sale.get('date'), '2026-03-10')
                documents = {d.get('type'): d.get('number')
                    for d in sale.findall('Document')}
                self.assertEqual(documents, {d.type.code: d.number
                        for d in invoice.ric_documents})
                self.assertEqual(set(documents),
                    {'payment_invoice', 'act', 'vat_invoice'})
                totals = sale.find('Totals')
                self.assertEqual(Decimal(totals.get('untaxed')),
                    invoice.untaxed_amount)
                self.assertEqual(Decimal(totals.get('tax')),
                    Decimal('220.00'))
                self.assertEqual(Decimal(totals.get('total')),
                    Decimal('1220.00'))
                self.assertEqual(totals.get('receivable_account'), '62.01')
                line, = sale.findall('Line')
                self.assertEqual(line.get('vat_rate'), '22')
                self.assertEqual(line.get('account'), '90.01')
                self.assertEqual(Decimal(line.get('amount')),
                    Decimal('1000.00'))
                tax, = sale.findall('Tax')
                self.assertEqual(Decimal(tax.get('amount')),
                    Decimal('220.00'))
                self.assertEqual(tax.get('account'), '68.02')
                counterparty = sale.find('Counterparty')
                self.assertEqual(counterparty.get('name'),
                    invoice.party.name)
            kpps = {s.find('Counterparty').get('kpp') for s in sales}
            self.assertEqual(kpps, {'770701001', ''})

            filename, data = Export.export(
                company, D(2026, 3, 1), D(2026, 3, 31), 'csv')
            self.assertTrue(data.startswith(b'\xef\xbb\xbf'))
            rows = list(csv.DictReader(
                    io.StringIO(data.decode('utf-8-sig')), delimiter=';'))
            self.assertEqual(len(rows), 2)
            self.assertEqual(
                sum(Decimal(r['amount']) for r in rows), Decimal('2000.00'))
            for row in rows:
                invoice = [i for i in march
                    if i.id == int(row['invoice_id'])][0]
                act, = [d for d in invoice.ric_documents
                    if d.type.code == 'act']
                self.assertEqual(row['act_number'], act.number)
                self.assertEqual(row['total_amount'], '1220.00')
                self.assertEqual(row['vat_rate'], '22')

            # a period without documents is an empty export
            _, data = Export.export(
                company, D(2026, 5, 1), D(2026, 5, 31), 'xml')
            self.assertEqual(etree.fromstring(data).findall('Sale'), [])
            with self.assertRaises(UserError):
                Export.export(company, D(2026, 5, 31), D(2026, 5, 1))


class BilledReportTestCase(ModuleDBTestCase):
    "The billed amounts by entity, system, department, employee and month"
    module = 'ric_billing'

    @with_transaction()
    def test_reports(self):
        pool = Pool()
        Billed = pool.get('ric.billed.amount')
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Department = pool.get('ric.department')
        Party = pool.get('party.party')
        from trytond.modules.company.tests import create_company
        company = create_company("РИЦ")
        other = create_company("РИЦ 2", currency=company.currency)
        with set_company(company):
            prof, buh = System.create([
                    {'code': 'PROF', 'name': "Версия Проф"},
                    {'code': 'BUH', 'name': "Бухгалтер"}])
            local, = NetworkType.search([('code', '=', 'LOC')])
            sales, service = Department.create([
                    {'name': "Продажи", 'company': company.id},
                    {'name': "Сервис", 'company': company.id}])
            anna = create_employee(company, "Анна")
            boris = create_employee(company, "Борис")
            anna.department = sales
            anna.save()
            boris.department = service
            boris.save()
            client_a, client_b = Party.create(
                [{'name': "Клиент А"}, {'name': "Клиент Б"}])

            def billed(company, client, employee, system, date, amount,
                    list_amount):
                return {'company': company.id, 'client': client.id,
                    'employee': employee.id if employee else None,
                    'system': system.id, 'network_type': local.id,
                    'date': date, 'billed_amount': Decimal(amount),
                    'list_amount': Decimal(list_amount)}
            Billed.create([
                    billed(company, client_a, anna, prof, D(2026, 3, 1),
                        '9000', '10000'),
                    billed(company, client_a, anna, buh, D(2026, 3, 1),
                        '5000', '5000'),
                    billed(company, client_b, boris, prof, D(2026, 3, 1),
                        '12000', '10000'),
                    billed(company, client_b, boris, prof, D(2026, 4, 1),
                        '12000', '10000'),
                    billed(other, client_b, None, prof, D(2026, 3, 1),
                        '1000', '2000'),
                    ])

            def rows(name, key, **context):
                Model = pool.get('ric.billing.billed.' + name)
                with Transaction().set_context(**context):
                    return {key(r): (r.billed_amount, r.list_amount,
                            r.coefficient, r.clients)
                        for r in Model.search([])}

            by_company = rows('company', lambda r: r.company.id,
                company=None)
            self.assertEqual(by_company, {
                    company.id: (Decimal('38000'), Decimal('35000'),
                        Decimal('1.0857'), 2),
                    other.id: (Decimal('1000'), Decimal('2000'),
                        Decimal('0.5000'), 1),
                    })
            by_system = rows('system', lambda r: r.system.code,
                company=company.id)
            self.assertEqual(by_system, {
                    'PROF': (Decimal('33000'), Decimal('30000'),
                        Decimal('1.1000'), 2),
                    'BUH': (Decimal('5000'), Decimal('5000'),
                        Decimal('1.0000'), 1),
                    })
            by_department = rows('department', lambda r: r.department.name,
                company=company.id, from_date=D(2026, 3, 1),
                to_date=D(2026, 3, 31))
            self.assertEqual(by_department, {
                    "Продажи": (Decimal('14000'), Decimal('15000'),
                        Decimal('0.9333'), 1),
                    "Сервис": (Decimal('12000'), Decimal('10000'),
                        Decimal('1.2000'), 1),
                    })
            by_employee = rows('employee', lambda r: r.employee.party.name,
                company=company.id, system=prof.id)
            self.assertEqual(by_employee, {
                    "Анна": (Decimal('9000'), Decimal('10000'),
                        Decimal('0.9000'), 1),
                    "Борис": (Decimal('24000'), Decimal('20000'),
                        Decimal('1.2000'), 1),
                    })
            by_month = rows('month', lambda r: r.date,
                company=company.id, department=service.id)
            self.assertEqual(by_month, {
                    D(2026, 3, 1): (Decimal('12000'), Decimal('10000'),
                        Decimal('1.2000'), 1),
                    D(2026, 4, 1): (Decimal('12000'), Decimal('10000'),
                        Decimal('1.2000'), 1),
                    })
            with Transaction().set_context(company=company.id):
                self.assertEqual([r.date for r in pool.get(
                            'ric.billing.billed.month').search([])],
                    [D(2026, 3, 1), D(2026, 4, 1)])
