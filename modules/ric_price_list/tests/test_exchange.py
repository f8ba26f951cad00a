# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the import of price list files"""
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.exceptions import EncodingError
from trytond.modules.ric_price_list.exceptions import PriceListImportError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

JUL = dt.date(2026, 7, 1)


class PriceListImportTestCase(TestCase):
    "Import of price list files"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('ric_price_list')

    def _setup(self):
        pool = Pool()
        System = pool.get('ric.system')
        PriceList = pool.get('product.price_list')
        Version = pool.get('ric.price_list.version')
        Mapping = pool.get('ric.price_list.import.mapping')
        company = create_company()
        System.create([
                {'code': 'PROF', 'name': "Версия Проф"},
                {'code': 'BUH', 'name': "Бухгалтер", 'kind': 'additional'},
                ])
        price_list, = PriceList.create([{
                    'name': "Основной", 'code': 'MAIN', 'ric_type': 'main',
                    'company': company.id,
                    'currency': company.currency.id}])
        version, = Version.create([{
                    'price_list': price_list.id, 'name': "July",
                    'start_date': JUL}])
        return company, version, Mapping.get_default_mapping()

    @with_transaction()
    def test_validation_error_names_row(self):
        "An error of a saved line keeps its message with the row and column"
        company, version, mapping = self._setup()
        with set_company(company):
            data = ('system;network_type;maintenance_price;formula\n'
                'PROF;LOC;11000;\n'
                '\n'
                'BUH;LOC;;"\'text\'"\n').encode('utf-8')
            with self.assertRaises(PriceListImportError) as cm:
                mapping.import_lines(version, data, 'kc.csv')
            message = cm.exception.message
            self.assertTrue(message.startswith(
                    'File "kc.csv", row 4, column "formula": '), message)
            self.assertIn("'text'", message)
            self.assertNotIn('row -', message)

    @with_transaction()
    def test_shared_reader(self):
        """The file is read by the shared reader: rows keep their line
        numbers and the reader's errors name the file"""
        company, version, mapping = self._setup()
        with set_company(company):
            data = ('\n'
                'system;network_type;maintenance_price\n'
                'PROF;LOC;11000\n'
                '\n'
                '"BUH";"LOC";-5\n').encode('utf-8')
            with self.assertRaises(PriceListImportError) as cm:
                mapping.import_lines(version, data, 'kc.csv')
            self.assertIn('row 5', cm.exception.message)
            mapping.delimiter = None
            data = 'system,network_type,maintenance_price\nPROF,LOC,11000\n'
            self.assertEqual(mapping.import_lines(
                    version, data.encode('utf-8'), 'kc.csv'), (1, 0, 0))
            self.assertEqual(mapping.import_lines(
                    version, data.encode('utf-8'), 'kc.csv'), (0, 0, 0))
            with self.assertRaises(EncodingError) as cm:
                mapping.import_lines(version,
                    'system;Цена\nPROF;1\n'.encode('cp1251'), 'kc.csv')
            self.assertIn('kc.csv', cm.exception.message)
            self.assertEqual(cm.exception.line, 1)
