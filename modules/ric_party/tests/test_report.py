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

from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

SOFFICE = shutil.which('soffice') or shutil.which('libreoffice')
PDFTOTEXT = shutil.which('pdftotext')
try:
    import pypdf
except ImportError:
    pypdf = None

NAME = "ООО «Ромашка»"
INN = '7707083893'
CONTACT = "Иванова Мария Петровна"


def _words(text):
    return ' '.join(text.split())


def _convert(source, extension, directory):
    "Convert source with LibreOffice and return the path of the result"
    profile = os.path.join(directory, 'profile')
    subprocess.run([SOFFICE, '--headless', '--norestore',
            '-env:UserInstallation=file://' + profile,
            '--convert-to', extension, '--outdir', directory, source],
        check=True, timeout=180, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    path = os.path.splitext(source)[0] + '.' + extension
    if not os.path.exists(path):
        raise AssertionError("LibreOffice made no %s file" % extension)
    return path


def _pdf_text(path):
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

    def _render(self):
        "Return (extension, data) of the card of a client with INN and contact"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('ric.party.contact')
        ClientCard = pool.get('ric.party.card', type='report')
        client, = Party.create([{'name': NAME, 'is_client': True,
                    'client_status': 'potential',
                    'identifiers': [('create', [{
                                    'type': 'ru_vat', 'code': INN}])],
                    }])
        Contact.create([{'party': client.id, 'name': CONTACT,
                    'position_type': 'chief_accountant'}])
        extension, data, _, _ = ClientCard.execute([client.id], {})
        return extension, bytes(data)

    def _check(self, text, where):
        text = _words(text)
        for value in [NAME, INN, CONTACT]:
            self.assertIn(value, text, "%s is not in the %s:\n%s" % (
                    value, where, text))

    def _converted(self, extension):
        "Return the text of the card and of its conversion to extension"
        source_extension, data = self._render()
        with tempfile.TemporaryDirectory() as directory:
            source = os.path.join(directory, 'card.' + source_extension)
            with open(source, 'wb') as file:
                file.write(data)
            path = _convert(source, extension, directory)
            text = {'pdf': _pdf_text, 'docx': _docx_text}[extension](path)
        return source_extension, data, text

    @with_transaction()
    def test_card_pdf(self):
        "The card converted to PDF shows the name, INN and contact"
        if not PDFTOTEXT and not pypdf:
            self.skipTest("neither pdftotext (poppler-utils) nor pypdf is "
                "installed to read the PDF")
        source_extension, data, text = self._converted('pdf')
        self.assertEqual(source_extension, 'odt')
        self._check(_odt_text(data), 'rendered ODT')
        self._check(text, 'PDF')

    @with_transaction()
    def test_card_docx(self):
        "The card converted to DOCX shows the name, INN and contact"
        source_extension, data, text = self._converted('docx')
        self._check(_odt_text(data), 'rendered ODT')
        self._check(text, 'DOCX')


del _DBTestCase
