# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed client card converted by LibreOffice as a user gets it"""
import html
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import zipfile

from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

SOFFICE = shutil.which('soffice') or shutil.which('libreoffice')
PDFTOTEXT = shutil.which('pdftotext')
try:
    import pypdf
except ImportError:
    pypdf = None

NAME = "ООО «Ромашка»"
INN = '7707083893'
KPP = '773601001'
OGRN = '1027700132195'
CONTACT = "Иванова Мария Петровна"
CITY = "Белгород"
STREET = "ул. Щорса, 8"
COMPANY = "ООО «РИЦ Тест»"
EMPLOYEE = "Петров Пётр Петрович"
#: the labels of the tables of the card and the values of the client
EXPECTED = ["Карточка клиента", "Реквизиты контрагента", "Контактные лица",
    "Ответственные", "Дистрибутивы", NAME, INN, KPP, OGRN, CONTACT, CITY,
    STREET, COMPANY, EMPLOYEE]


def _words(text):
    return ' '.join(text.split())


def _pdf_text(path):
    "Return the text of the PDF at path, or of the PDF data (bytes)"
    if isinstance(path, bytes):
        with tempfile.TemporaryDirectory() as directory:
            name = os.path.join(directory, 'printed.pdf')
            with open(name, 'wb') as file:
                file.write(path)
            return _pdf_text(name)
    if PDFTOTEXT:
        return subprocess.run([PDFTOTEXT, '-layout', path, '-'],
            check=True, capture_output=True, timeout=60).stdout.decode()
    reader = pypdf.PdfReader(path)
    return '\n'.join(page.extract_text() or '' for page in reader.pages)


def _docx_text(path):
    with zipfile.ZipFile(path) as docx:
        xml = docx.read('word/document.xml').decode('utf-8')
    xml = re.sub(r'</w:p>', '\n', xml)
    xml = re.sub(r'<w:tab/>', ' ', xml)
    return html.unescape(re.sub(r'<[^>]+>', '', xml))


def _odt_text(data):
    import io
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        xml = odt.read('content.xml').decode('utf-8')
    xml = re.sub(r'</text:p>|</text:h>', '\n', xml)
    return html.unescape(re.sub(r'<[^>]+>', '', xml))


@unittest.skipUnless(SOFFICE,
    "LibreOffice (soffice) is not installed: scripts/setup-env installs it")
class ClientCardTestCase(_DBTestCase):
    "Test the printed client card"
    module = 'ric_party'

    def _render(self, xml_id='report_client_card'):
        """Print the card of a client with requisites, an address, a contact
        and a responsible with the report action xml_id; return
        (extension, data)"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('ric.party.contact')
        Responsible = pool.get('ric.party.responsible')
        Direction = pool.get('ric.activity.direction')
        Employee = pool.get('company.employee')
        ModelData = pool.get('ir.model.data')
        ClientCard = pool.get('ric.party.card', type='report')
        company = create_company(COMPANY)
        employee, = Employee.create([{'company': company.id,
                    'party': Party.create([{'name': EMPLOYEE}])[0].id}])
        client, = Party.create([{'name': NAME, 'is_client': True,
                    'client_status': 'potential',
                    'inn': INN, 'kpp': KPP, 'ogrn': OGRN,
                    'addresses': [('create', [{
                                    'city': CITY, 'street': STREET}])],
                    }])
        Contact.create([{'party': client.id, 'name': CONTACT,
                    'position_type': 'chief_accountant'}])
        Responsible.create([{'party': client.id,
                    'direction': Direction.get_by_code('sales').id,
                    'employee': employee.id}])
        action_id = ModelData.get_id('ric_party', xml_id)
        with Transaction().set_context(company=company.id):
            extension, data, _, _ = ClientCard.execute(
                [client.id], {'action_id': action_id})
        return extension, bytes(data)

    def _check(self, text, where):
        text = _words(text)
        for value in EXPECTED:
            self.assertIn(value, text, "%s is not in the %s:\n%s" % (
                    value, where, text))

    @with_transaction()
    def test_card_odt(self):
        "The card on demand in ODT has the tables and the client's data"
        extension, data = self._render('report_client_card_odt')
        self.assertEqual(extension, 'odt')
        self._check(_odt_text(data), 'ODT')

    @with_transaction()
    def test_card_pdf(self):
        "The card prints as PDF by default with the tables and the data"
        if not PDFTOTEXT and not pypdf:
            self.skipTest("neither pdftotext (poppler-utils) nor pypdf is "
                "installed to read the PDF")
        extension, data = self._render()
        self.assertEqual(extension, 'pdf')
        self._check(_pdf_text(data), 'PDF')

    @with_transaction()
    def test_card_docx(self):
        "The card on demand in DOCX has the tables and the client's data"
        extension, data = self._render('report_client_card_docx')
        self.assertEqual(extension, 'docx')
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'card.docx')
            with open(path, 'wb') as file:
                file.write(data)
            self._check(_docx_text(path), 'DOCX')


del _DBTestCase
