# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed primary documents of the customer invoices.

Every form is a relatorio template (``report/<form>.fodt``) of a report
``ric.billing.form.<form>`` on ``account.invoice``.  Its context holds,
besides Tryton's (``records``, ``format_date``…), ``documents``: one
:class:`FormDocument` per invoice, with the texts the form prints (the
seller's and buyer's requisites valid on the invoice date, the lines, the
totals of Tryton, the amount in words, the signatories, the barcode and QR
images); the templates compute no money.

:func:`render_forms` renders the forms of many invoices and converts them
all with one LibreOffice (ric_base's :func:`convert_many`).
"""
import hashlib
import logging
import re
import warnings
from collections import OrderedDict, defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

from trytond.modules.ric_base.office import ConvertMixin, convert_many
from trytond.modules.ric_base.tools import amount_in_words
from trytond.pool import Pool
from trytond.report import Report
from trytond.tools import slugify
from trytond.transaction import Transaction

from .template import FORMS

with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    import relatorio.reporting

try:
    from trytond.tools import barcode as barcode_tool
except ImportError:
    barcode_tool = None
try:
    from trytond.tools import qrcode as qrcode_tool
except ImportError:
    qrcode_tool = None

logger = logging.getLogger(__name__)

#: the forms of each document set of an invoice (ric_document_set)
DOCUMENT_SET_FORMS = {
    'invoice_act': ('payment_invoice', 'act'),
    'invoice_act_vat': ('payment_invoice', 'act', 'vat_invoice'),
    'upd_1': ('payment_invoice', 'upd'),
    'upd_2': ('payment_invoice', 'upd'),
    }
DEFAULT_FORMS = ('payment_invoice', 'act')

#: titles printed on the forms
TITLES = {
    'payment_invoice': 'Счёт на оплату',
    'act': 'Акт',
    'vat_invoice': 'Счёт-фактура',
    'upd': 'Универсальный передаточный документ',
    'delivery_note': 'Расходная накладная',
    'contract': 'Договор',
    'specification': 'Спецификация',
    'free_act': 'Акт приёма-передачи',
    }

#: OKEI codes (ОК 015-94) of the usual unit symbols
OKEI = {
    'u': ('796', 'шт'), 'шт': ('796', 'шт'), 'шт.': ('796', 'шт'),
    'мес': ('362', 'мес'), 'мес.': ('362', 'мес'), 'month': ('362', 'мес'),
    'mo': ('362', 'мес'),
    'усл. ед': ('876', 'усл. ед'), 'усл. ед.': ('876', 'усл. ед'),
    'ч': ('356', 'ч'), 'h': ('356', 'ч'),
    'дн': ('359', 'сут'), 'd': ('359', 'сут'), 'сут': ('359', 'сут'),
    'компл': ('839', 'компл'), 'компл.': ('839', 'компл'),
    'kg': ('166', 'кг'), 'кг': ('166', 'кг'),
    }
DASH = '—'
NBSP = '\u00a0'
# A transparent 1×1 PNG printed where an image is missing
BLANK_PNG = bytes.fromhex(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000'
    '1f15c4890000000d49444154789c6360000002000001e221bc33000000'
    '0049454e44ae426082')

MONTHS = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля',
    'августа', 'сентября', 'октября', 'ноября', 'декабря']


def date_text(date):
    "Return date as in the title of a document: «5 марта 2026 г.»"
    if not date:
        return ''
    return '%d %s %d г.' % (date.day, MONTHS[date.month - 1], date.year)


def date_short(date):
    return date.strftime('%d.%m.%Y') if date else ''


def money(value, blank=DASH):
    "Return value as printed: «12 200,00» (grouped with no-break spaces)"
    if value is None:
        return blank
    value = Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    sign = '-' if value < 0 else ''
    units, cents = ('%.2f' % abs(value)).split('.')
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return '%s%s,%s' % (sign, NBSP.join(groups), cents)


def quantity_text(value):
    "Return a quantity without useless zeros: «1», «0,5»"
    if value is None:
        return ''
    text = ('%.6f' % value).rstrip('0').rstrip('.')
    return text.replace('.', ',')


def rate_text(tax):
    "Return the printed rate of an account.tax: «22 %», «22/122», «без НДС»"
    if tax is None or tax.type == 'none':
        return 'без НДС'
    if tax.type == 'percentage':
        percent = (tax.rate * 100).normalize()
        percent = quantity_text(percent)
        if getattr(tax, 'calculated_rate', False):
            return '%s/%s' % (percent, 100 + int(tax.rate * 100))
        return '%s %%' % percent
    return tax.name


def qr_value(text, limit):
    "Return text fit for a field of ГОСТ Р 56042: no «|», at most limit"
    text = ' '.join((text or '').replace('|', ' ').split())
    return text[:limit]


def payment_qr_text(payee, purpose, amount):
    """Return the payment QR text (ГОСТ Р 56042-2014, UTF-8 «ST00012»)

    payee is a Requisites snapshot of the seller; amount the total in
    roubles (Sum is in kopecks).
    """
    kopecks = int((Decimal(amount) * 100).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))
    fields_ = [
        ('Name', qr_value(payee.name, 160)),
        ('PersonalAcc', qr_value(payee.settlement_account, 20)),
        ('BankName', qr_value(payee.bank_name, 45)),
        ('BIC', qr_value(payee.bik, 9)),
        ('CorrespAcc', qr_value(payee.correspondent_account, 20)),
        ('PayeeINN', qr_value(payee.inn, 12)),
        ('KPP', qr_value(payee.kpp, 9)),
        ('Purpose', qr_value(purpose, 210)),
        ('Sum', str(kopecks)),
        ]
    return '|'.join(['ST00012'] + ['%s=%s' % (k, v or '')
            for k, v in fields_])


def image(data):
    "Return the (bytes, mimetype) relatorio prints of image data"
    if not data:
        return (BLANK_PNG, 'image/png')
    data = bytes(data)
    if data.startswith(b'\x89PNG'):
        mimetype = 'image/png'
    elif data.startswith(b'\xff\xd8'):
        mimetype = 'image/jpeg'
    elif data.lstrip().startswith((b'<?xml', b'<svg')):
        mimetype = 'image/svg+xml'
    else:
        mimetype = 'image/png'
    return (data, mimetype)


_TEMPLATE_CACHE = OrderedDict()


def load_template(data):
    "Return the relatorio template of OpenDocument data (cached by digest)"
    data = bytes(data or b'')
    key = hashlib.sha256(data).hexdigest()
    if key in _TEMPLATE_CACHE:
        _TEMPLATE_CACHE.move_to_end(key)
        return _TEMPLATE_CACHE[key]
    loader = relatorio.reporting.MIMETemplateLoader()
    klass = loader.factories[loader.get_type(
                'application/vnd.oasis.opendocument.text')]
    template = klass(BytesIO(data))
    _TEMPLATE_CACHE[key] = template
    while len(_TEMPLATE_CACHE) > 32:
        _TEMPLATE_CACHE.popitem(last=False)
    return template


class Line:
    "A line of a form: the texts of one account.invoice.line"

    def __init__(self, index, line, tax_amount, rate):
        self.index = index
        self.line = line
        self.name = (line.description or (
                line.product.rec_name if line.product else '')).strip()
        symbol = line.unit.symbol if line.unit else ''
        self.unit_code, self.unit = OKEI.get(
            (symbol or '').strip().lower(), (DASH, symbol or DASH))
        self.quantity = quantity_text(line.quantity)
        self.unit_price = money(line.unit_price)
        self.untaxed = money(line.amount)
        self.rate = rate
        self.tax = money(tax_amount) if rate != 'без НДС' else 'без НДС'
        self.total = money((line.amount or 0) + (tax_amount or 0))
        self.amount = line.amount
        #: code of the kind of goods (column 1б): for goods exported to the
        #: EAEU only, never for services
        self.kind_code = DASH
        self.excise = 'без акциза'
        self.country_code = DASH
        self.country = DASH
        self.customs_declaration = DASH
        distributive = getattr(line, 'ric_distributive', None)
        self.distributive = distributive.rec_name if distributive else ''
        system = getattr(line, 'ric_system', None)
        self.system = system.rec_name if system else ''
        network = getattr(line, 'ric_network_type', None)
        self.network_type = network.rec_name if network else ''
        self.date_from = date_short(getattr(line, 'ric_date_from', None))
        self.date_to = date_short(getattr(line, 'ric_date_to', None))
        monthly = getattr(line, 'ric_monthly_price', None)
        self.monthly_price = money(
            monthly if monthly is not None else line.unit_price)


PrintedParty = namedtuple('PrintedParty', ['name', 'inn', 'kpp', 'inn_kpp',
        'ogrn', 'address', 'postal_address', 'bank_name', 'bik',
        'correspondent_account', 'settlement_account', 'requisites'])
Signer = namedtuple('Signer', ['name', 'short_name', 'position', 'basis',
        'signature', 'stamp'])
NO_SIGNER = Signer('', '', '', '', image(None), image(None))


def printed_party(requisites):
    "Return the PrintedParty texts of a Requisites snapshot"
    if requisites is None:
        return PrintedParty(*([''] * 11), None)
    inn_kpp = '/'.join(filter(None, [requisites.inn, requisites.kpp]))
    return PrintedParty(requisites.name or '', requisites.inn or '',
        requisites.kpp or '', inn_kpp, requisites.ogrn or '',
        requisites.legal_address or requisites.postal_address or '',
        requisites.postal_address or requisites.legal_address or '',
        requisites.bank_name or '', requisites.bik or '',
        requisites.correspondent_account or '',
        requisites.settlement_account or '', requisites)


class FormDocument:
    "The texts one form prints of one invoice (the template's ``doc``)"

    def __init__(self, form, invoice, shared, facsimile=False, data=None):
        data = data or {}
        self.form = form
        self.invoice = invoice
        self.title = TITLES[form]
        self.facsimile = facsimile
        number, date, code = document_number(invoice, form)
        self.number = number
        self.date = date
        self.date_text = date_text(date)
        self.date_short = date_short(date)
        self.barcode_text = code
        self.barcode = barcode_image(code)
        self.seller = shared.seller[invoice.id]
        self.buyer = shared.buyer[invoice.id]
        self.lines = shared.lines[invoice.id]
        if form == 'free_act':
            free = [l for l in self.lines if not l.amount]
            self.lines = free
        self.currency = shared.currency[invoice.id]
        self._set_amounts(invoice, shared)
        self._set_basis(invoice, shared, data)
        self._set_signers(shared.signers[invoice.id], facsimile)
        self._set_payment(form, invoice)

    def _set_amounts(self, invoice, shared):
        "The totals, the VAT texts and the amounts in words"
        self.untaxed = money(invoice.untaxed_amount)
        self.tax = money(invoice.tax_amount)
        self.total = money(invoice.total_amount)
        self.total_words = amount_in_words(
            invoice.total_amount, invoice.currency.code)
        self.tax_words = amount_in_words(
            invoice.tax_amount, invoice.currency.code)
        self.line_count = len(self.lines)
        rates = sorted({l.rate for l in shared.lines[invoice.id]})
        self.vat_payer = any(r != 'без НДС' for r in rates)
        self.rates = ', '.join(rates)
        if self.vat_payer:
            self.vat_text = 'В том числе НДС (%s): %s' % (
                self.rates, self.tax)
            self.vat_label = 'Сумма НДС (%s):' % self.rates
        else:
            self.vat_text = 'Без налога (НДС)'
            self.vat_label = 'Без налога (НДС)'
        self.total_text = (
            'Всего оказано услуг %s, на сумму %s руб.' % (
                self.line_count, self.total))

    def _set_basis(self, invoice, shared, data):
        """The service period, the contract, the payment documents and the
        status of the UPD"""
        start = getattr(invoice, 'ric_period_start', None)
        end = getattr(invoice, 'ric_period_end', None)
        self.period = (
            'с %s по %s' % (date_short(start), date_short(end))
            if start and end else '')
        self.contract = shared.contract[invoice.id]
        self.basis = ('Договор № %s от %s' % self.contract
            if self.contract else (invoice.reference or 'Основной договор'))
        self.payments = shared.payments[invoice.id]
        self.payment_documents = ', '.join(
            '№ %s от %s' % p for p in self.payments) or DASH
        identifier = getattr(invoice, 'ric_contract_identifier', None)
        self.contract_identifier = identifier or DASH
        status = data.get('upd_status')
        if not status:
            status = 2 if (
                getattr(invoice, 'ric_document_set', None) == 'upd_2'
                or not self.vat_payer) else 1
        self.upd_status = int(status)

    def _set_signers(self, signers, facsimile):
        "The signatories and, with the facsimile, their images"
        self.head = signers.get('head') or NO_SIGNER
        self.accountant = signers.get('chief_accountant') or self.head
        blank = image(None)
        self.head_signature = self.head.signature if facsimile else blank
        self.accountant_signature = (
            self.accountant.signature if facsimile else blank)
        self.stamp = self.head.stamp if facsimile else blank

    def _set_payment(self, form, invoice):
        "The purpose of the payment and the QR code of the payment invoice"
        self.purpose = 'Оплата по счёту № %s от %s%s. %s' % (
            self.number, self.date_short,
            ' за период %s' % self.period if self.period else '',
            ('В т.ч. НДС (%s) %s' % (self.rates, self.tax))
            if self.vat_payer else 'Без налога (НДС)')
        if form == 'payment_invoice':
            self.qr_text = payment_qr_text(
                self.seller, self.purpose, invoice.total_amount)
            self.qrcode = qr_image(self.qr_text)
        else:
            self.qr_text = ''
            self.qrcode = image(None)


def barcode_image(code):
    if not code or barcode_tool is None:
        return image(None)
    try:
        svg = barcode_tool.generate_svg(
            'code128', code, height=8.0, font_size=8, text_distance=3.5,
            border=2)
    except Exception:
        logger.warning("cannot make the barcode of %r", code, exc_info=True)
        return image(None)
    return (svg.getvalue(), 'image/svg+xml')


def qr_image(text):
    if not text or qrcode_tool is None:
        return image(None)
    return (qrcode_tool.generate_svg(
            text, box_size=4, border=1).getvalue(), 'image/svg+xml')


def document_number(invoice, form):
    """Return (number, date, barcode text) of the document form of invoice

    The ``ric.billing.document`` of the invoice of the form's type when it
    has one (its barcode prints its id), the invoice's number and date
    otherwise."""
    code = form
    for document in getattr(invoice, 'ric_documents', None) or []:
        if document.type and document.type.code == code:
            barcode = getattr(document, 'barcode', None) or document.number
            return document.number, document.date, barcode
    number = invoice.number or ''
    date = invoice.invoice_date or Pool().get('ir.date').today()
    return number, date, re.sub(r'[^\x20-\x7e]', '', number)


class SharedData:
    """What the forms of invoices print in common, computed for all of them
    at once: requisites, lines, signatories, contracts and payments."""

    def __init__(self, invoices):
        pool = Pool()
        Party = pool.get('party.party')
        Signatory = pool.get('ric.billing.signatory')
        Date = pool.get('ir.date')
        today = Date.today()
        self.seller, self.buyer = {}, {}
        by_date = defaultdict(list)
        for invoice in invoices:
            by_date[invoice.invoice_date or today].append(invoice)
        self.signers = {}
        for date, group in by_date.items():
            sellers = Party.get_requisites(
                {i.company.party.id for i in group}, date)
            clients = {(getattr(i, 'ric_client', None) or i.party).id
                for i in group}
            buyers = Party.get_requisites(clients, date)
            signatories = Signatory.get_signatories(
                {i.company.id for i in group}, date)
            for invoice in group:
                self.seller[invoice.id] = printed_party(
                    sellers.get(invoice.company.party.id))
                client = getattr(invoice, 'ric_client', None) or invoice.party
                self.buyer[invoice.id] = printed_party(buyers.get(client.id))
                self.signers[invoice.id] = {
                    role: signer(s) for role, s in signatories.get(
                        invoice.company.id, {}).items()}
        self.lines, self.currency = {}, {}
        self.contract, self.payments = {}, {}
        for invoice in invoices:
            lines = []
            for line in invoice.lines:
                if line.type != 'line':
                    continue
                tax_amount, rate = line_tax(line)
                lines.append(Line(len(lines) + 1, line, tax_amount, rate))
            self.lines[invoice.id] = lines
            currency = invoice.currency
            self.currency[invoice.id] = '%s, %s' % (
                currency.name, currency.numeric_code or currency.code)
            self.contract[invoice.id] = contract_of(invoice)
            self.payments[invoice.id] = payments_of(invoice)


def signer(signatory):
    return Signer(signatory.name, signatory.short_name, signatory.position,
        signatory.basis or '', image(signatory.signature),
        image(signatory.stamp))


def line_tax(line):
    "Return (tax amount, rate text) of an invoice line as Tryton computes"
    taxes = list(line.taxes or [])
    if not taxes or all(t.type == 'none' for t in taxes):
        return Decimal(0), 'без НДС'
    amount = sum((t.amount for t in line._get_taxes().values()),
        Decimal(0))
    amount = line.invoice.currency.round(amount)
    return amount, ', '.join(rate_text(t) for t in taxes)


def contract_of(invoice):
    "Return (number, date text) of the contract document of invoice or None"
    for document in getattr(invoice, 'ric_documents', None) or []:
        if document.type and document.type.code == 'contract':
            return document.number, date_short(document.date)
    return None


def payments_of(invoice):
    """Return [(number, date text)] of the payments received up to the
    invoice date (line 5 «К платёжно-расчётному документу» of the VAT
    invoice)"""
    result = []
    date = invoice.invoice_date
    for line in invoice.payment_lines or []:
        if date and line.date and line.date > date:
            continue
        move = line.move
        number = (getattr(move, 'number', None) or move.rec_name
            if move else str(line.id))
        result.append((number, date_short(line.date)))
    return result


class InvoiceForm(ConvertMixin, Report):
    "The report of a printed form of invoices (see the module's forms)"
    __slots__ = ()
    #: the code of the form (see template.FORMS)
    form = None

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Template = pool.get('ric.billing.form.template')
        context = super().get_context(records, header, data)
        invoices = Invoice.browse([r.id for r in records])
        shared = data.get('_shared') or SharedData(invoices)
        facsimile = bool(data.get('facsimile')
            or Transaction().context.get('ric_facsimile'))
        context['documents'] = [
            FormDocument(cls.form, i, shared, facsimile, data)
            for i in invoices]
        context['doc'] = (
            context['documents'][0] if context['documents'] else None)
        cls._helpers(context)
        if '_template' in data:
            context['ric_template'] = data['_template']
        elif invoices:
            context['ric_template'] = Template.get_templates(
                cls.form, invoices[:1])[invoices[0].id]
        return context

    @classmethod
    def _helpers(cls, context):
        context['money'] = money
        context['amount_in_words'] = amount_in_words
        context['date_text'] = date_text
        context['date_short'] = date_short
        context['image'] = image
        context['DASH'] = DASH

    @classmethod
    def render(cls, report, report_context):
        template = report_context.get('ric_template')
        if not template:
            return super().render(report, report_context)
        relatorio_template = load_template(template.template)
        data = relatorio_template.generate(**report_context).render()
        if hasattr(data, 'getvalue'):
            data = data.getvalue()
        return data

    @classmethod
    def get_action(cls):
        "Return the ir.action.report of the form"
        ActionReport = Pool().get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', cls.__name__),
                ], limit=1)
        return action


class PaymentInvoiceForm(InvoiceForm):
    "Payment Invoice"
    __name__ = 'ric.billing.form.payment_invoice'
    __string__ = "Payment Invoice"
    form = 'payment_invoice'


class ActForm(InvoiceForm):
    "Act of Services"
    __name__ = 'ric.billing.form.act'
    __string__ = "Act of Services"
    form = 'act'


class VatInvoiceForm(InvoiceForm):
    "VAT Invoice"
    __name__ = 'ric.billing.form.vat_invoice'
    __string__ = "VAT Invoice"
    form = 'vat_invoice'


class UpdForm(InvoiceForm):
    "Universal Transfer Document"
    __name__ = 'ric.billing.form.upd'
    __string__ = "Universal Transfer Document"
    form = 'upd'


class DeliveryNoteForm(InvoiceForm):
    "Delivery Note"
    __name__ = 'ric.billing.form.delivery_note'
    __string__ = "Delivery Note"
    form = 'delivery_note'


class ContractForm(InvoiceForm):
    "Contract"
    __name__ = 'ric.billing.form.contract'
    __string__ = "Contract"
    form = 'contract'


class SpecificationForm(InvoiceForm):
    "Specification"
    __name__ = 'ric.billing.form.specification'
    __string__ = "Specification"
    form = 'specification'


class FreeActForm(InvoiceForm):
    "Act of Free Distributives"
    __name__ = 'ric.billing.form.free_act'
    __string__ = "Act of Free Distributives"
    form = 'free_act'


Rendered = namedtuple('Rendered', [
        'invoices', 'form', 'name', 'extension', 'data'])


def invoice_forms(invoice):
    "Return the forms printed for invoice (its documents, else its set)"
    codes = [d.type.code for d in getattr(invoice, 'ric_documents', None)
        or [] if d.type and d.type.code in dict(FORMS)]
    if codes:
        return tuple(OrderedDict.fromkeys(codes))
    return DOCUMENT_SET_FORMS.get(
        getattr(invoice, 'ric_document_set', None), DEFAULT_FORMS)


def render_forms(invoices, forms=None, extension='pdf', facsimile=False,
        data=None, combine=False, chunk=50, processes=None):
    """Render the forms of invoices and return a list of Rendered

    forms is a list of form codes printed for every invoice, or None for
    the forms of each invoice (:func:`invoice_forms`).  extension is
    ``odt`` (no conversion) or any LibreOffice output (``pdf``, ``docx``):
    all the files are converted by one LibreOffice (see ric_base's
    :func:`convert_many` for processes).

    Without combine, each document is a file of its own (its Rendered has
    one invoice: what is e-mailed).  With combine, the documents of a form
    and template go by chunk invoices into one file with a page break
    between them (the way to print a run: LibreOffice converts a page of a
    long file in half the time of a file of one page).
    """
    pool = Pool()
    Template = pool.get('ric.billing.form.template')
    invoices = list(invoices)
    data = dict(data or {})
    data['facsimile'] = facsimile
    data['_shared'] = SharedData(invoices)
    by_form = OrderedDict()
    for invoice in invoices:
        for form in (forms or invoice_forms(invoice)):
            by_form.setdefault(form, []).append(invoice)
    rendered = []
    for form, form_invoices in by_form.items():
        Form = pool.get('ric.billing.form.%s' % form, type='report')
        action = Form.get_action()
        templates = Template.get_templates(form, form_invoices)
        parts = []
        if combine:
            by_template = OrderedDict()
            for invoice in form_invoices:
                by_template.setdefault(
                    templates[invoice.id], []).append(invoice)
            for template, group in by_template.items():
                for index in range(0, len(group), chunk):
                    parts.append((template, group[index:index + chunk]))
        else:
            parts = [(templates[i.id], [i]) for i in form_invoices]
        for template, part in parts:
            records = Form._get_records(
                [i.id for i in part], 'account.invoice', {})
            context = Form.get_context(
                records, {}, dict(data, _template=template))
            content = Form.render(action, context)
            documents = context['documents']
            name = '%s-%s' % (form, slugify(
                    documents[0].number or str(part[0].id)))
            if len(documents) > 1:
                name += '-%s' % slugify(
                    documents[-1].number or str(part[-1].id))
            rendered.append(
                Rendered(tuple(part), form, name, 'odt', content))
    if extension == 'odt':
        return rendered
    converted = convert_many(
        [(r.name, r.data) for r in rendered], extension,
        processes=processes)
    return [r._replace(extension=extension, data=d)
        for r, d in zip(rendered, converted)]
