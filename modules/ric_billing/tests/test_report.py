# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed forms of the invoices, converted by LibreOffice as the
clients get them, and their sending by e-mail.

The invoices are created once per test class (a company with the Russian
chart, VAT 22 %, a bank account, signatories; a client with its
requisites) and every form is converted once to PDF and once to DOCX in
one LibreOffice process each; the tests read the converted texts."""
import datetime as dt
import html
import io
import os
import re
import shutil
import subprocess
import tempfile
import struct
import unittest
import zipfile
import zlib
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.account.tests import create_chart
from trytond.modules.account_invoice.tests import set_invoice_sequences
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.modules.ric_base.tools import amount_in_words
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

SOFFICE = shutil.which('soffice') or shutil.which('libreoffice')
PDFTOTEXT = shutil.which('pdftotext')
DATE = dt.date(2026, 3, 31)
SELLER = "ООО «РИЦ Экспресс»"
SELLER_INN, SELLER_KPP = '3123011520', '312301001'
BIK = '044525225'
CORRESPONDENT = '30101810400000000225'
ACCOUNT = '40702810200000012345'
BANK = "ПАО Сбербанк"
CLIENT = "ООО «Ромашка»"
CLIENT_INN, CLIENT_KPP = '7736207543', '773601001'
HEAD = "Петров Пётр Петрович"
ACCOUNTANT = "Сидорова Анна Ивановна"
ATTORNEY = ('12/2026', dt.date(2026, 1, 15))
#: the prices of the lines of the test invoice: 2 × 4 500.00 + 1 000.00,
#: a free line; untaxed 10 000.00, VAT 22 % 2 200.00, total 12 200.00
LINES = [
    ("Информационное обслуживание «Версия Проф» (локальная), "
        "дистрибутив 123-456, 01.03.2026–31.03.2026", 2, Decimal('4500')),
    ("Информационное обслуживание «Бухгалтер» (флеш), "
        "дистрибутив 777-001, 01.03.2026–31.03.2026", 1, Decimal('1000')),
    ("Информационное обслуживание «Кодекс Демо» (бесплатный), "
        "дистрибутив 900-009, 01.03.2026–31.03.2026", 1, Decimal('0')),
    ]


def words(text):
    "Return text with its runs of spaces (no-break ones too) as one space"
    return ' '.join(text.replace('\u00a0', ' ').split())


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(data)
        file.flush()
        return subprocess.run([PDFTOTEXT, '-layout', file.name, '-'],
            check=True, capture_output=True, timeout=60).stdout.decode()


def docx_text(data):
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        xml = docx.read('word/document.xml').decode('utf-8')
    xml = re.sub(r'</w:p>', '\n', xml)
    xml = re.sub(r'<w:tab/>', ' ', xml)
    return html.unescape(re.sub(r'<[^>]+>', '', xml))


def odt_text(data):
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        xml = odt.read('content.xml').decode('utf-8')
    xml = re.sub(r'</text:p>|</text:h>|</table:table-cell>', '\n', xml)
    return html.unescape(re.sub(r'<[^>]+>', ' ', xml))


def setup_company(regime='osno'):
    """Create the selling company with the Russian chart, its bank account,
    signatories and fiscal year 2026; return (company, tax or None)"""
    pool = Pool()
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    BankAccount = pool.get('bank.account')
    Tax = pool.get('account.tax')
    FiscalYear = pool.get('account.fiscalyear')
    Signatory = pool.get('ric.billing.signatory')
    Requisites = pool.get('ric.party.requisites')
    from trytond.modules.account.tests import get_fiscalyear

    rub, = Currency.search([('code', '=', 'RUB')], limit=1) or [None]
    if rub is None:
        rub, = Currency.create([{'name': "Российский рубль", 'code': 'RUB',
                    'numeric_code': '643', 'symbol': '₽'}])
    company = create_company(name=SELLER, currency=rub)
    if hasattr(company, 'ric_tax_regime'):
        company.ric_tax_regime = regime
        company.save()
    seller = company.party
    Party.write([seller], {'identifiers': [('create', [{
                        'type': 'ru_vat', 'code': SELLER_INN}])]})
    # the bank and the account are shared by the companies of a database
    # (the BIK and the active account number are unique): a test that
    # sets up two companies finds them made by the first
    banks = Bank.search([('bik', '=', BIK)], limit=1)
    if banks:
        bank, = banks
    else:
        bank_party, = Party.create([{'name': BANK}])
        bank, = Bank.create([{'party': bank_party.id, 'bik': BIK,
                    'correspondent_account': CORRESPONDENT}])
    accounts = BankAccount.search([('numbers.number', '=', ACCOUNT)],
        limit=1)
    if accounts:
        account, = accounts
        BankAccount.write([account], {'owners': [('add', [seller.id])]})
    else:
        account, = BankAccount.create([{
                    'bank': bank.id, 'owners': [('add', [seller.id])],
                    'numbers': [('create', [{
                                    'type': 'ru_account',
                                    'number': ACCOUNT}])]}])
    # the printed requisites of the seller, valid since always
    Requisites.create([{'party': seller.id, 'name': SELLER,
                'inn': SELLER_INN, 'kpp': SELLER_KPP,
                'ogrn': '1023101648228',
                'legal_address': "308000, Белгород, ул. Победы, 1",
                'bank_account': account.id, 'bank_name': BANK, 'bik': BIK,
                'correspondent_account': CORRESPONDENT,
                'settlement_account': ACCOUNT}])
    with set_company(company):
        create_chart(company, chart='account_ru.account_template_root_ru')
        fiscalyear = set_invoice_sequences(get_fiscalyear(
                company, today=DATE))
        fiscalyear.save()
        FiscalYear.create_period([fiscalyear])
        Signatory.create([{
                    'company': company.id, 'role': 'head', 'name': HEAD,
                    'position': "Генеральный директор",
                    'signature': PNG, 'stamp': PNG,
                    }, {
                    'company': company.id, 'role': 'chief_accountant',
                    'name': ACCOUNTANT, 'position': "Главный бухгалтер",
                    'by_attorney': True, 'attorney_number': ATTORNEY[0],
                    'attorney_date': ATTORNEY[1], 'signature': PNG,
                    }])
    name = "НДС 22 %" if regime == 'osno' else "Без НДС"
    taxes = Tax.search([('company', '=', company.id), ('name', '=', name)])
    return company, taxes[0] if taxes else None


def create_client(name=CLIENT, inn=CLIENT_INN, kpp=CLIENT_KPP, email=None):
    "Create a client with its requisites and accountant of e-mail"
    pool = Pool()
    Party = pool.get('party.party')
    Contact = pool.get('ric.party.contact')
    Requisites = pool.get('ric.party.requisites')
    client, = Party.create([{'name': name, 'is_client': True,
                'client_status': 'served',
                'identifiers': [('create', [{'type': 'ru_vat', 'code': inn}])]
                if inn else [],
                'addresses': [('create', [{
                                'street': "ул. Тверская, 7",
                                'city': "Москва", 'postal_code': '125009',
                                }])],
                }])
    Requisites.create([{'party': client.id, 'name': name, 'inn': inn,
                'kpp': kpp,
                'legal_address': "125009, Москва, ул. Тверская, 7"}])
    if email:
        Contact.create([{'party': client.id, 'name': "Кузнецова Ольга",
                    'position_type': 'chief_accountant', 'email': email}])
    return client


def create_invoices(company, tax, clients, count=1, post=True,
        lines=LINES, date=DATE):
    "Create count posted invoices of lines for each client; return them"
    pool = Pool()
    Invoice = pool.get('account.invoice')
    Account = pool.get('account.account')
    Uom = pool.get('product.uom')
    PaymentTerm = pool.get('account.invoice.payment_term')
    ModelData = pool.get('ir.model.data')
    Journal = pool.get('account.journal')
    with set_company(company):
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        revenue, = Account.search([('code', '=', '90.01'),
                ('company', '=', company.id)])
        receivable, = Account.search([('code', '=', '62.01'),
                ('company', '=', company.id)])
        unit = Uom(ModelData.get_id('product', 'uom_unit'))
        terms = PaymentTerm.search([], limit=1) or PaymentTerm.create([{
                    'name': 'Direct', 'lines': [('create', [{
                                    'type': 'remainder'}])]}])
        values = []
        for client in clients:
            for _ in range(count):
                value = {
                    'type': 'out', 'company': company.id,
                    'journal': journal.id,
                    'party': client.id, 'invoice_date': date,
                    'currency': company.currency.id,
                    'account': receivable.id,
                    'payment_term': terms[0].id,
                    'invoice_address': client.addresses[0].id,
                    'lines': [('create', [{
                                    'type': 'line', 'description': d,
                                    'quantity': q, 'unit_price': p,
                                    'unit': unit.id, 'account': revenue.id,
                                    'taxes': [('add', [tax.id])]
                                    if tax else [],
                                    } for d, q, p in lines])],
                    }
                if 'ric_client' in Invoice._fields:
                    value['ric_client'] = client.id
                    value['ric_period_start'] = date.replace(day=1)
                    value['ric_period_end'] = date
                values.append(value)
        invoices = Invoice.create(values)
        Invoice.update_taxes(invoices)
        if post:
            with Transaction().set_context(_skip_warnings=True):
                Invoice.post(invoices)
    return Invoice.browse([i.id for i in invoices])


def png(width=40, height=20, rgb=(0, 0, 160)):
    "Return a plain PNG image for the facsimile images"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    row = b'\x00' + bytes(rgb) * width
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(row * height))
        + chunk(b'IEND', b''))


PNG = png()


class FormsTestCase(ModuleDBTestCase):
    "Test the printed forms of RIC Billing without LibreOffice"
    module = 'ric_billing'

    @with_transaction()
    def test_forms_context(self):
        "Every form renders the requisites, totals and words in its ODT"
        from trytond.modules.ric_billing.report import render_forms
        from trytond.modules.ric_billing.template import FORMS
        company, tax = setup_company()
        client = create_client()
        invoice, = create_invoices(company, tax, [client])
        self.assertEqual(invoice.total_amount, Decimal('12200.00'))
        with set_company(company):
            rendered = render_forms(
                [invoice], forms=[f for f, _ in FORMS], extension='odt')
        self.assertEqual([r.form for r in rendered], [f for f, _ in FORMS])
        for document in rendered:
            text = words(odt_text(document.data))
            with self.subTest(form=document.form):
                self.assertIn(SELLER_INN, text)
                self.assertIn(CLIENT_INN, text)
                self.assertIn(invoice.number, text)
                if document.form != 'free_act':
                    self.assertIn('12 200,00', text)

    @with_transaction()
    def test_signatories_on_date(self):
        "The signatory valid on the date with the lowest sequence signs"
        pool = Pool()
        Signatory = pool.get('ric.billing.signatory')
        company, _ = setup_company()
        old, = Signatory.create([{'company': company.id, 'role': 'head',
                    'name': "Старов Олег Ильич", 'position': "Директор",
                    'end_date': dt.date(2025, 12, 31), 'sequence': 0}])
        result = Signatory.get_signatories([company], DATE)
        self.assertEqual(result[company.id]['head'].name, HEAD)
        self.assertEqual(
            result[company.id]['chief_accountant'].basis,
            'по доверенности № 12/2026 от 15.01.2026')
        result = Signatory.get_signatories([company], dt.date(2025, 6, 1))
        self.assertEqual(result[company.id]['head'], old)
        # the chief accountant has no period: signs on every date
        self.assertEqual(
            result[company.id]['chief_accountant'].name, ACCOUNTANT)
        # an inactive signatory signs nothing
        Signatory.write([old], {'active': False})
        result = Signatory.get_signatories([company], dt.date(2025, 6, 1))
        self.assertEqual(result[company.id]['head'].name, HEAD)
        self.assertEqual(Signatory.get_signatories([], DATE), {})

    @with_transaction()
    def test_attorney_required(self):
        "A signatory by power of attorney needs its number and date"
        pool = Pool()
        Signatory = pool.get('ric.billing.signatory')
        from trytond.model.exceptions import RequiredValidationError
        from trytond.modules.ric_billing.exceptions import (
            SignatoryValidationError)
        company, _ = setup_company()
        with self.assertRaises(
                (SignatoryValidationError, RequiredValidationError)):
            Signatory.create([{'company': company.id, 'role': 'head',
                        'name': "Иванов Иван Иванович",
                        'position': "Директор", 'by_attorney': True}])

    @with_transaction()
    def test_template_choice(self):
        "The client's template before the company's before the general one"
        pool = Pool()
        Template = pool.get('ric.billing.form.template')
        company, tax = setup_company()
        client = create_client()
        other = create_client(name="ООО «Василёк»", inn='7710140679',
            kpp='771001001')
        invoice, other_invoice = create_invoices(
            company, tax, [client, other])
        with open(os.path.join(os.path.dirname(__file__), '..', 'report',
                    'act.fodt'), 'rb') as file:
            data = file.read()
        general, company_template, old, own = Template.create([{
                    'name': 'general', 'form': 'act', 'template': data,
                    }, {
                    'name': 'company', 'form': 'act', 'template': data,
                    'company': company.id,
                    }, {
                    'name': 'old', 'form': 'act', 'template': data,
                    'client': client.id, 'end_date': dt.date(2026, 1, 31),
                    }, {
                    'name': 'own', 'form': 'act', 'template': data,
                    'client': client.id, 'start_date': dt.date(2026, 2, 1),
                    }])
        result = Template.get_templates('act', [invoice, other_invoice])
        self.assertEqual(result, {
                invoice.id: own, other_invoice.id: company_template})
        self.assertEqual(
            Template.get_templates('vat_invoice', [invoice]),
            {invoice.id: None})

    @with_transaction()
    def test_template_custom_rendered(self):
        "A client's own template is the one rendered"
        pool = Pool()
        Template = pool.get('ric.billing.form.template')
        from trytond.modules.ric_billing.report import render_forms
        company, tax = setup_company()
        client = create_client()
        invoice, = create_invoices(company, tax, [client])
        path = os.path.join(
            os.path.dirname(__file__), '..', 'report', 'act.fodt')
        with open(path, encoding='utf-8') as file:
            data = file.read().replace(
                'Вышеперечисленные услуги', 'Особая форма клиента: услуги')
        Template.create([{'name': 'own', 'form': 'act', 'client': client.id,
                    'template': data.encode('utf-8')}])
        with set_company(company):
            document, = render_forms([invoice], forms=['act'],
                extension='odt')
        self.assertIn('Особая форма клиента', odt_text(document.data))

    @with_transaction()
    def test_template_invalid(self):
        "A template that is not an OpenDocument text is refused"
        pool = Pool()
        Template = pool.get('ric.billing.form.template')
        from trytond.modules.ric_billing.exceptions import (
            FormTemplateValidationError)
        with self.assertRaises(FormTemplateValidationError):
            Template.create([{'name': 'bad', 'form': 'act',
                        'template': b'not a document'}])

    def test_payment_qr_text(self):
        "The payment QR text follows ГОСТ Р 56042 with the sum in kopecks"
        from trytond.modules.ric_billing.report import (
            PrintedParty, payment_qr_text)
        payee = PrintedParty(SELLER, SELLER_INN, SELLER_KPP, '', '', '', '',
            BANK, BIK, CORRESPONDENT, ACCOUNT, None)
        text = payment_qr_text(payee, "Оплата по счёту № 1|2", '12200.5')
        self.assertEqual(text,
            'ST00012|Name=ООО «РИЦ Экспресс»|PersonalAcc=%s|BankName=%s'
            '|BIC=%s|CorrespAcc=%s|PayeeINN=%s|KPP=%s'
            '|Purpose=Оплата по счёту № 1 2|Sum=1220050' % (
                ACCOUNT, BANK, BIK, CORRESPONDENT, SELLER_INN, SELLER_KPP))

    def test_money(self):
        "Amounts are grouped by thousands with a decimal comma"
        from trytond.modules.ric_billing.report import money
        self.assertEqual(words(money(Decimal('1234567.5'))), '1 234 567,50')
        self.assertEqual(money(Decimal('-0.01')), '-0,01')
        self.assertEqual(money(None), '—')

    def test_short_name(self):
        from trytond.modules.ric_billing.signatory import short_name
        self.assertEqual(short_name(HEAD), 'Петров П. П.')
        self.assertEqual(short_name('Петров'), 'Петров')


@unittest.skipUnless(SOFFICE and PDFTOTEXT,
    "LibreOffice (soffice) and pdftotext (poppler-utils) are needed: "
    "scripts/setup-env installs them")
class FormsConversionTestCase(ModuleDBTestCase):
    """Test every printed form converted to PDF and DOCX

    The forms of one invoice are converted once per class, each format in
    one LibreOffice process."""
    module = 'ric_billing'
    texts = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._convert()

    @classmethod
    @with_transaction()
    def _convert(cls):
        from trytond.modules.ric_billing.report import render_forms
        from trytond.modules.ric_billing.template import FORMS
        company, tax = setup_company()
        client = create_client()
        invoice, = create_invoices(company, tax, [client])
        cls.number = invoice.number
        cls.texts = {}
        forms = [f for f, _ in FORMS]
        with set_company(company):
            for extension, read in [('pdf', pdf_text), ('docx', docx_text)]:
                for document in render_forms(
                        [invoice], forms=forms, extension=extension):
                    cls.texts[document.form, extension] = words(
                        read(document.data))

    def _check(self, form, *values):
        for extension in ['pdf', 'docx']:
            text = self.texts[form, extension]
            for value in values:
                with self.subTest(form=form, extension=extension,
                        value=value):
                    self.assertIn(words(value), text)

    def _requisites(self, form):
        self._check(form, SELLER, SELLER_INN, SELLER_KPP, CLIENT, CLIENT_INN,
            CLIENT_KPP, self.number)

    def test_payment_invoice(self):
        "Payment invoice: bank requisites, totals, VAT, words, signatures"
        self._requisites('payment_invoice')
        self._check('payment_invoice',
            'Счёт на оплату № %s от 31 марта 2026 г.' % self.number,
            BANK, BIK, CORRESPONDENT, ACCOUNT,
            'Итого: 10 000,00', 'Сумма НДС (22 %): 2 200,00',
            'Всего к оплате: 12 200,00',
            amount_in_words(Decimal('12200')),
            'Петров П. П.', 'Сидорова А. И.',
            'по доверенности № 12/2026 от 15.01.2026')

    def test_act(self):
        "Act: the services, totals, VAT, words and the signature lines"
        self._requisites('act')
        self._check('act', 'Акт № %s от 31 марта 2026 г.' % self.number,
            'дистрибутив 123-456', '4 500,00', '9 000,00',
            'Итого: 10 000,00', 'Сумма НДС (22 %): 2 200,00',
            'Всего оказано услуг 3, на сумму 12 200,00 руб.',
            amount_in_words(Decimal('12200')),
            'Генеральный директор', 'Петров П. П.', 'претензий')

    def test_vat_invoice(self):
        "VAT invoice: the lines of Постановление 1137 and 22 % per line"
        self._requisites('vat_invoice')
        self._check('vat_invoice',
            'Счёт-фактура № %s от 31.03.2026 (1)' % self.number,
            'ИНН/КПП продавца: %s/%s (2б)' % (SELLER_INN, SELLER_KPP),
            'ИНН/КПП покупателя: %s/%s (6б)' % (CLIENT_INN, CLIENT_KPP),
            'К платёжно-расчётному документу — (5)',
            'Документ об отгрузке',
            'Валюта: наименование, код Российский рубль, 643 (7)',
            'Идентификатор государственного контракта',
            '22 %', '1 980,00', '10 980,00',
            '10 000,00', '2 200,00', '12 200,00',
            'Главный бухгалтер или иное уполномоченное лицо')
        # the narrow columns of the PDF break the headers: read the DOCX
        for header in ['Код вида товара', 'Налоговая ставка',
                'Сумма налога, предъявляемая покупателю']:
            self.assertIn(header, self.texts['vat_invoice', 'docx'])

    def test_upd(self):
        "УПД: status 1 for a VAT payer, the transfer lines [8]–[19]"
        self._requisites('upd')
        self._check('upd', 'Универсальный передаточный документ',
            'Статус: 1', 'Счёт-фактура № %s' % self.number,
            'Основание передачи (сдачи) / получения (приёмки)',
            'Товар (груз) передал', 'Дата отгрузки, передачи (сдачи): '
            '31 марта 2026 г. [11]', 'Товар (груз) получил',
            'Ответственный за правильность оформления факта хозяйственной '
            'жизни', '10 000,00', '2 200,00', '12 200,00')

    def test_delivery_note(self):
        "Delivery note: the lines with and without VAT, totals and words"
        self._requisites('delivery_note')
        self._check('delivery_note',
            'Расходная накладная № %s от 31 марта 2026 г.' % self.number,
            '1 980,00', '10 980,00', 'Всего к оплате: 12 200,00',
            amount_in_words(Decimal('12200')), 'Отпустил', 'Получил')

    def test_contract(self):
        "Contract: parties, their bank requisites, price in words"
        self._requisites('contract')
        self._check('contract', 'Договор № %s' % self.number,
            'на информационное обслуживание', 'Генеральный директор',
            HEAD, BIK, ACCOUNT, '12 200,00',
            amount_in_words(Decimal('12200')))

    def test_specification(self):
        "Specification: the maintained systems with their prices"
        self._requisites('specification')
        self._check('specification',
            'Спецификация № %s от 31 марта 2026 г.' % self.number,
            'дистрибутив 777-001', '1 000,00', 'Всего к оплате: 12 200,00')

    def test_free_act(self):
        "Act of free distributives: only the free line, at no cost"
        self._requisites('free_act')
        self._check('free_act', 'дистрибутив 900-009',
            'услуги оказаны безвозмездно')
        for extension in ['pdf', 'docx']:
            self.assertNotIn('дистрибутив 123-456',
                self.texts['free_act', extension])


class EmailTestCase(ModuleDBTestCase):
    "Test the sending of the documents by e-mail"
    module = 'ric_billing'

    @unittest.skipUnless(SOFFICE, "LibreOffice (soffice) is needed")
    @with_transaction()
    def test_send_invoices(self):
        "The documents go to the accountant as PDF; no e-mail is logged"
        pool = Pool()
        EmailLog = pool.get('ric.billing.email.log')
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        company, tax = setup_company()
        client = create_client(email='buh@romashka.example')
        silent = create_client(name="ООО «Василёк»", inn='7710140679',
            kpp='771001001')
        invoices = create_invoices(company, tax, [client, silent])
        sent = []
        with set_company(company), patch(
                'trytond.modules.ric_billing.email.'
                'send_message_transactional',
                side_effect=lambda msg, **kw: sent.append(msg)):
            logs = EmailLog.send_invoices(invoices)
        self.assertEqual(
            sorted((l.client.name, l.state) for l in logs),
            [("ООО «Василёк»", 'no_email'), (CLIENT, 'sent')])
        message, = sent
        self.assertIn('buh@romashka.example', message['To'])
        names = [p.get_filename() for p in message.iter_attachments()]
        self.assertEqual(names, [
                'payment_invoice-%s.pdf' % invoices[0].number.lower(),
                'act-%s.pdf' % invoices[0].number.lower()])
        for part in message.iter_attachments():
            self.assertTrue(part.get_content().startswith(b'%PDF'))
        email, = Email.search([])
        self.assertEqual(email.resource, invoices[0])
        self.assertEqual(len(Attachment.search(
                    [('resource', '=', str(email))])), 2)
        log, = [l for l in logs if l.state == 'no_email']
        self.assertTrue(log.message)


del ModuleDBTestCase
