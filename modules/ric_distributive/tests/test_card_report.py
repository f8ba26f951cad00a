# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The printed client card lists the distributives of the client and its
legal address"""
import datetime as dt
import unittest

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_party.tests.test_report import (
    PDFTOTEXT, SOFFICE, _odt_text, _pdf_text, _words)
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

NAME = "ООО «Ромашка»"
#: the first address of the client, not its legal address
CITY = "Белгород"
STREET = "ул. Щорса, 8"
LEGAL_CITY = "Старый Оскол"
LEGAL_STREET = "мкр. Лебединец, 12"
#: the distributives of the client: (number, system, network type)
DISTRIBUTIVES = [
    ('770011', "Консультант Проф", "Сеть ОВП"),
    ('770012', "Консультант Бухгалтер", "Флеш-версия"),
    ]
#: the distributive of another client
OTHER = ('880021', "Консультант Регион", "Сеть ОВМ")


@unittest.skipUnless(SOFFICE,
    "LibreOffice (soffice) is not installed: scripts/setup-env installs it")
class ClientCardDistributivesTestCase(_DBTestCase):
    "Test the distributives and the legal address on the printed card"
    module = 'ric_distributive'

    def _render(self, xml_id):
        """Print with the report action xml_id the card of a client with
        two addresses, the second its legal address, and two connected
        distributives; return (extension, data)"""
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        ModelData = pool.get('ir.model.data')
        ClientCard = pool.get('ric.party.card', type='report')
        company = create_company()
        with set_company(company):
            client, other = Party.create([{'name': name, 'is_client': True,
                        'client_status': 'potential'}
                    for name in [NAME, "ООО «Лютик»"]])
            first, legal = Address.create([
                    {'party': client.id, 'city': CITY, 'street': STREET},
                    {'party': client.id, 'city': LEGAL_CITY,
                        'street': LEGAL_STREET},
                    ])
            client.legal_address = legal
            client.save()
            self.assertEqual(client.addresses[0], first)
            for (number, system, network), party in (
                    [(d, client) for d in DISTRIBUTIVES] + [(OTHER, other)]):
                system, = System.create([{'code': 'S' + number,
                            'name': system}])
                network, = NetworkType.create([{'code': 'N' + number,
                            'name': network}])
                distributive, = Distributive.create([{'number': number,
                            'system': system.id,
                            'network_type': network.id}])
                Movement.create_and_do([{'kind': 'connection',
                            'distributive': distributive.id,
                            'date': dt.date(2024, 1, 10),
                            'client': party.id}])
            action_id = ModelData.get_id('ric_party', xml_id)
            extension, data, _, _ = ClientCard.execute(
                [client.id], {'action_id': action_id})
        return extension, bytes(data)

    def _check(self, text, where, by_word=False):
        """Check text; by_word: each word of a name alone (a PDF table
        cell may wrap a name over two lines)"""
        text = _words(text)
        for number, system, network in DISTRIBUTIVES:
            for value in [number, system, network]:
                for part in value.split() if by_word else [value]:
                    self.assertIn(part, text, "%s is not in the %s:\n%s" % (
                            part, where, text))
        for value in OTHER:
            self.assertNotIn(value, text, "%s is in the %s:\n%s" % (
                    value, where, text))
        # the row of the legal address shows the legal address, not the
        # first address of the client
        start = text.index("Юридический адрес")
        end = text.index("Почтовый адрес", start)
        legal = text[start:end]
        for value in [LEGAL_CITY, LEGAL_STREET]:
            self.assertIn(value, legal, "%s is not the legal address in the "
                "%s:\n%s" % (value, where, text))
        for value in [CITY, STREET]:
            self.assertNotIn(value, legal, "%s is the legal address in the "
                "%s:\n%s" % (value, where, text))

    @with_transaction()
    def test_card_odt(self):
        "The card in ODT lists the distributives and the legal address"
        extension, data = self._render('report_client_card_odt')
        self.assertEqual(extension, 'odt')
        text = _odt_text(data)
        self._check(text, 'ODT')
        # each distributive on its row
        for number, system, network in DISTRIBUTIVES:
            self.assertIn(' '.join([number, system, network]), _words(text))

    @unittest.skipUnless(PDFTOTEXT,
        "pdftotext (poppler-utils) is not installed to read the PDF")
    @with_transaction()
    def test_card_pdf(self):
        "The card in PDF lists the distributives and the legal address"
        extension, data = self._render('report_client_card')
        self.assertEqual(extension, 'pdf')
        self._check(_pdf_text(data), 'PDF', by_word=True)


del _DBTestCase
