# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export of the posted documents of a period for the accounting program

The formats are documented in doc/documents.rst (with the 1C objects each
field loads into)."""
import csv
import datetime as dt
import io
from collections import defaultdict

from lxml import etree

from trytond.i18n import gettext
from trytond.model import Model, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ExportError

FORMAT = 'ric-express-1c'
VERSION = '1'
#: the document types exported as numbers of the sale, in this order
DOCUMENT_TYPES = ('payment_invoice', 'act', 'vat_invoice', 'upd',
    'delivery_note')
CSV_COLUMNS = [
    'invoice_id', 'invoice_number', 'date', 'period_start', 'period_end',
    'payment_invoice_number', 'act_number', 'vat_invoice_number',
    'upd_number', 'upd_status', 'delivery_note_number',
    'client_code', 'counterparty_name', 'counterparty_inn',
    'counterparty_kpp', 'line', 'description', 'quantity', 'unit_price',
    'amount', 'vat_rate', 'revenue_account', 'untaxed_amount', 'tax_amount',
    'total_amount', 'receivable_account', 'currency',
    ]


def _text(value):
    if value is None:
        return ''
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _rate(line):
    "Return the VAT rate of a line in percent ('' without VAT)"
    rates = [t.rate for t in line.taxes if t.type == 'percentage' and t.rate]
    if not rates:
        return ''
    rate = sum(rates) * 100
    return str(rate.normalize() if rate == rate.to_integral() else rate)


class Export(Model):
    "Billing Export"
    __name__ = 'ric.billing.export'
    __string__ = "Billing Export"

    @classmethod
    def get_invoices(cls, company, start_date, end_date):
        "Return the posted customer invoices of company dated in the period"
        Invoice = Pool().get('account.invoice')
        return Invoice.search([
                ('company', '=', int(company)),
                ('type', '=', 'out'),
                ('state', 'in', ['posted', 'paid']),
                ('invoice_date', '>=', start_date),
                ('invoice_date', '<=', end_date),
                ], order=[('invoice_date', 'ASC'), ('number', 'ASC'),
                ('id', 'ASC')])

    @classmethod
    def get_sales(cls, company, start_date, end_date):
        """Return the sales of the period as a list of dicts

        One dict per posted invoice: its number, date, service period,
        the numbers of its documents by type code, the requisites of the
        counterparty on the invoice date, the lines and Tryton's amounts
        (never recomputed)."""
        if start_date > end_date:
            raise ExportError(gettext('ric_billing.msg_export_dates'))
        invoices = cls.get_invoices(company, start_date, end_date)
        documents = cls._documents(invoices)
        requisites = cls._requisites(invoices)
        sales = []
        for invoice in invoices:
            client = getattr(invoice, 'ric_client', None) or invoice.party
            sales.append(cls._sale(invoice, client,
                    documents.get(invoice.id, {}),
                    requisites.get((client.id, invoice.invoice_date))))
        return sales

    @classmethod
    def _documents(cls, invoices):
        "Return {invoice id: {type code: document}}"
        Document = Pool().get('ric.billing.document')
        documents = defaultdict(dict)
        for document in Document.search([
                    ('origin', 'in', [str(i) for i in invoices]),
                    ]):
            documents[document.origin.id][document.type.code] = document
        return documents

    @classmethod
    def _requisites(cls, invoices):
        """Return {(client id, date): requisites} of the clients of the
        invoices on their dates"""
        Party = Pool().get('party.party')
        by_date = defaultdict(set)
        for invoice in invoices:
            client = getattr(invoice, 'ric_client', None) or invoice.party
            by_date[invoice.invoice_date].add(client.id)
        requisites = {}
        for date, clients in by_date.items():
            for client, value in Party.get_requisites(
                    sorted(clients), date).items():
                requisites[(client, date)] = value
        return requisites

    @classmethod
    def _sale(cls, invoice, client, documents, req):
        "Return the dict of the sale of the invoice"
        document_set = getattr(invoice, 'ric_document_set', None)
        return {
            'invoice': invoice,
            'invoice_id': invoice.id,
            'invoice_number': invoice.number,
            'date': invoice.invoice_date,
            'period_start': getattr(invoice, 'ric_period_start', None),
            'period_end': getattr(invoice, 'ric_period_end', None),
            'documents': {c: (d.number, d.date)
                for c, d in documents.items()},
            'upd_status': {'upd_1': '1', 'upd_2': '2'}.get(
                document_set, ''),
            'client_code': (getattr(client, 'client_number', None)
                or client.code),
            'counterparty': {
                'name': req.name if req else invoice.party.rec_name,
                'inn': (req.inn if req else None) or '',
                'kpp': (req.kpp if req else None) or '',
                'ogrn': (req.ogrn if req else None) or '',
                'address': (req.legal_address if req else None) or '',
                },
            'lines': [{
                    'sequence': n,
                    'description': l.description or (
                        l.product.rec_name if l.product else ''),
                    'quantity': l.quantity,
                    'unit': l.unit.rec_name if l.unit else '',
                    'unit_price': l.unit_price,
                    'amount': l.amount,
                    'vat_rate': _rate(l),
                    'account': l.account.code if l.account else '',
                    } for n, l in enumerate(
                    (l for l in invoice.lines if l.type == 'line'), 1)],
            'taxes': [{
                    'name': t.description or (
                        t.tax.rec_name if t.tax else ''),
                    'base': t.base,
                    'amount': t.amount,
                    'account': t.account.code if t.account else '',
                    } for t in invoice.taxes],
            'untaxed_amount': invoice.untaxed_amount,
            'tax_amount': invoice.tax_amount,
            'total_amount': invoice.total_amount,
            'receivable_account': invoice.account.code,
            'currency': invoice.currency.code,
            }

    @classmethod
    def export_xml(cls, company, start_date, end_date):
        "Return the XML file (bytes, UTF-8) of the sales of the period"
        Company = Pool().get('company.company')
        company = Company(int(company))
        sales = cls.get_sales(company, start_date, end_date)
        root = etree.Element('RICExport', {
                'format': FORMAT,
                'version': VERSION,
                'start': start_date.isoformat(),
                'end': end_date.isoformat(),
                'created': dt.datetime.now().replace(
                    microsecond=0).isoformat(),
                })
        etree.SubElement(root, 'Company', {
                'name': company.party.full_name or company.party.name,
                'inn': _text(getattr(company.party, 'inn', None)),
                'kpp': _text(getattr(company.party, 'kpp', None)),
                'currency': company.currency.code,
                })
        for sale in sales:
            element = etree.SubElement(root, 'Sale', {
                    'id': str(sale['invoice_id']),
                    'number': _text(sale['invoice_number']),
                    'date': _text(sale['date']),
                    'period_start': _text(sale['period_start']),
                    'period_end': _text(sale['period_end']),
                    'currency': sale['currency'],
                    })
            etree.SubElement(element, 'Counterparty', {
                    'code': _text(sale['client_code']),
                    **{k: _text(v) for k, v in sale['counterparty'].items()},
                    })
            for code in DOCUMENT_TYPES + tuple(sorted(
                        set(sale['documents']) - set(DOCUMENT_TYPES))):
                if code in sale['documents']:
                    number, date = sale['documents'][code]
                    attributes = {'type': code, 'number': number,
                        'date': _text(date)}
                    if code == 'upd' and sale['upd_status']:
                        attributes['status'] = sale['upd_status']
                    etree.SubElement(element, 'Document', attributes)
            for line in sale['lines']:
                etree.SubElement(element, 'Line',
                    {k: _text(v) for k, v in line.items()})
            for tax in sale['taxes']:
                etree.SubElement(element, 'Tax',
                    {k: _text(v) for k, v in tax.items()})
            etree.SubElement(element, 'Totals', {
                    'untaxed': _text(sale['untaxed_amount']),
                    'tax': _text(sale['tax_amount']),
                    'total': _text(sale['total_amount']),
                    'receivable_account': sale['receivable_account'],
                    })
        return etree.tostring(root, xml_declaration=True, encoding='UTF-8',
            pretty_print=True)

    @classmethod
    def export_csv(cls, company, start_date, end_date):
        """Return the CSV file (bytes, UTF-8 with BOM, ';') of the period

        One row per invoice line; the invoice's columns repeat on each of
        its rows (sum the amounts of the lines, not the totals)."""
        sales = cls.get_sales(company, start_date, end_date)
        output = io.StringIO()
        writer = csv.writer(output, delimiter=';', lineterminator='\r\n')
        writer.writerow(CSV_COLUMNS)
        for sale in sales:
            numbers = {c + '_number': n
                for c, (n, _) in sale['documents'].items()}
            for line in sale['lines'] or [{}]:
                row = {
                    **sale,
                    **numbers,
                    'client_code': sale['client_code'],
                    'counterparty_name': sale['counterparty']['name'],
                    'counterparty_inn': sale['counterparty']['inn'],
                    'counterparty_kpp': sale['counterparty']['kpp'],
                    'line': line.get('sequence'),
                    'description': line.get('description'),
                    'quantity': line.get('quantity'),
                    'unit_price': line.get('unit_price'),
                    'amount': line.get('amount'),
                    'vat_rate': line.get('vat_rate'),
                    'revenue_account': line.get('account'),
                    }
                writer.writerow([_text(row.get(c)) for c in CSV_COLUMNS])
        return output.getvalue().encode('utf-8-sig')

    @classmethod
    def export(cls, company, start_date, end_date, format='xml'):
        "Return (file name, data) of the export of the period"
        company_id = int(company)
        if format == 'csv':
            data = cls.export_csv(company_id, start_date, end_date)
        else:
            data = cls.export_xml(company_id, start_date, end_date)
        filename = 'ric-1c-%s-%s_%s.%s' % (company_id,
            start_date.isoformat(), end_date.isoformat(), format)
        return filename, data


class ExportStart(ModelView):
    "Export to the Accounting Program"
    __name__ = 'ric.billing.export.start'
    __string__ = "Export to the Accounting Program"

    company = fields.Many2One('company.company', "Company", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True)
    format = fields.Selection([
            ('xml', "XML"),
            ('csv', "CSV"),
            ], "Format", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_start_date(cls):
        today = Pool().get('ir.date').today()
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    @classmethod
    def default_end_date(cls):
        today = Pool().get('ir.date').today()
        return today.replace(day=1) - dt.timedelta(days=1)

    @classmethod
    def default_format(cls):
        return 'xml'


class ExportResult(ModelView):
    "Export to the Accounting Program"
    __name__ = 'ric.billing.export.result'
    __string__ = "Export to the Accounting Program Result"

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class ExportWizard(Wizard):
    "Export to the Accounting Program"
    __name__ = 'ric.billing.export.wizard'
    __string__ = "Export to the Accounting Program"

    start = StateView('ric.billing.export.start',
        'ric_billing.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('ric.billing.export.result',
        'ric_billing.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        Export = Pool().get('ric.billing.export')
        filename, data = Export.export(self.start.company,
            self.start.start_date, self.start.end_date, self.start.format)
        self.result.file = data
        self.result.filename = filename
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            }
