# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the client import"""
from collections import Counter
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.exceptions import EncodingError, ReadError
from trytond.modules.ric_base.requisites import is_valid_inn
from trytond.modules.ric_party.exceptions import ClientImportError
from trytond.modules.ric_party import import_ as import_module
from trytond.modules.ric_party import party as party_module
from trytond.modules.ric_party.import_ import check_row, name_city_key
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction


def make_inn(body):
    "Return the INN of a legal person made of 9 digits and its control"
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return body + str(sum(int(d) * w for d, w in zip(body, weights)) % 11
        % 10)


class CountQueries:
    """Count the SQL statements executed through the transaction's cursors,
    except inside the ORM calls given by (Model, method name), whose calls
    are counted in ``calls``"""

    def __init__(self, saves=()):
        self.saves = saves

    def __enter__(self):
        self.count = 0
        self.paused = 0
        self.calls = Counter()
        self.connection = Transaction().connection
        self.original = self.connection.cursor
        counter = self

        def cursor(*args, **kwargs):
            real = self.original(*args, **kwargs)

            class Counting:
                def execute(self, *a, **k):
                    if not counter.paused:
                        counter.count += 1
                    return real.execute(*a, **k)

                def __getattr__(self, name):
                    return getattr(real, name)

                def __iter__(self):
                    return iter(real)
            return Counting()
        self.connection.cursor = cursor
        self.patches = []
        for Model, name in self.saves:
            patcher = patch.object(Model, name, self._pause(Model, name))
            patcher.start()
            self.patches.append(patcher)
        return self

    def _pause(self, Model, name):
        original = getattr(Model, name)

        def wrapper(*args, **kwargs):
            if not self.paused:
                self.calls[Model.__name__, name] += 1
            self.paused += 1
            try:
                return original(*args, **kwargs)
            finally:
                self.paused -= 1
        return wrapper

    def __exit__(self, *exc):
        for patcher in reversed(self.patches):
            patcher.stop()
        self.connection.cursor = self.original


class ImportRowTestCase(TestCase):
    "Checks of the rows that need no database"

    @given(st.from_regex(r'\A\d{10}\Z'))
    @settings(max_examples=50, deadline=None)
    def test_check_row_inn(self, inn):
        "A row is rejected on the INN exactly when the INN is invalid"
        problem = check_row({'name': 'x', 'inn': inn})
        if is_valid_inn(inn):
            self.assertIsNone(problem)
        else:
            self.assertEqual(problem, ('inn', 'msg_import_invalid_inn'))

    def test_check_row_phone_email(self):
        "Phones and e-mails that party would refuse reject the row"
        self.assertEqual(check_row({'name': 'x', 'phone': 'call me'}),
            ('phone', 'msg_import_invalid_value'))
        self.assertEqual(check_row({'name': 'x', 'email': 'x.ru'}),
            ('email', 'msg_import_invalid_value'))
        self.assertIsNone(check_row({'name': 'x', 'phone': '+7 4722 33-22-11',
                    'email': 'a@b.ru'}))

    def test_name_city_key(self):
        "Only the rows without INN, phone, e-mail and street have a key"
        self.assertEqual(
            name_city_key({'name': 'ООО «Ромашка»', 'city': 'г. Белгород'}),
            name_city_key({'name': 'Ромашка ООО', 'city': 'Белгород'}))
        self.assertIsNone(name_city_key(
                {'name': 'Ромашка', 'city': 'Белгород', 'street': 'ул. Мира'}))
        self.assertIsNone(name_city_key({'name': 'Ромашка', 'inn': '1'}))


class ImportTestCase(TestCase):
    "The client import in the database"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('ric_party')

    def _mapping(self, columns, **values):
        pool = Pool()
        Mapping = pool.get('ric.party.import.mapping')
        Source = pool.get('ric.party.source')
        source, = Source.create([{'name': "2GIS", 'code': '2gis'}])
        mapping, = Mapping.create([dict({
                        'name': "2GIS",
                        'source': source.id,
                        'columns': [('create', [
                                    {'column': c, 'field': f}
                                    for c, f in columns])],
                        }, **values)])
        return mapping

    def _import(self, mapping, text, filename='clients.csv',
            encoding='utf-8'):
        pool = Pool()
        Import = pool.get('ric.party.import')
        import_, = Import.create([{
                    'mapping': mapping.id, 'filename': filename,
                    'data': text.encode(encoding)}])
        Import.run([import_])
        return import_

    def _counts(self, import_):
        return (import_.created, import_.updated, import_.duplicates,
            import_.rejected)

    @with_transaction()
    def test_twice_without_identifiers(self):
        "Rows with only a name and a city are not created again"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            mapping = self._mapping(
                [('Название', 'name'), ('Город', 'city'),
                    ('Руководитель', 'contact_name')])
            text = '\n'.join([
                    'Название;Город;Руководитель',
                    'ООО «Ромашка»;Белгород;Петров П. П.',
                    'ИП Лютиков;г. Старый Оскол;',
                    'Ромашка ООО;г. Белгород;',
                    'Ландыш;;',
                    ])
            first = self._import(mapping, text)
            self.assertEqual(self._counts(first), (3, 0, 1, 0))
            self.assertEqual([(l.line, l.status) for l in first.lines], [
                    (2, 'created'), (3, 'created'), (4, 'duplicate'),
                    (5, 'created')])
            self.assertEqual(first.lines[2].reason,
                'duplicate of line 2 of the file')
            count = Party.search_count([])
            again = self._import(mapping, text)
            self.assertEqual(self._counts(again), (0, 0, 4, 0))
            self.assertEqual(Party.search_count([]), count)
            self.assertEqual([l.party for l in again.lines],
                [first.lines[0].party, first.lines[1].party,
                    first.lines[0].party, first.lines[3].party])

    @with_transaction()
    def test_branch_is_not_its_head_office(self):
        """A row with the INN of a client and another KPP is its branch:
        created, not matched to the head office; its own KPP matches"""
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            mapping = self._mapping(
                [('Название', 'name'), ('ИНН', 'inn'), ('КПП', 'kpp'),
                    ('Город', 'city'), ('Адрес', 'street')])
            inn = make_inn('312300017')
            head = '\n'.join(['Название;ИНН;КПП;Город;Адрес',
                    'ООО «Белагро»;%s;312301001;Белгород;ул. Победы, 1'
                    % inn])
            first = self._import(mapping, head)
            self.assertEqual(self._counts(first), (1, 0, 0, 0))
            branch = '\n'.join(['Название;ИНН;КПП;Город;Адрес',
                    'ООО «Белагро»;%s;312801001;г. Старый Оскол;'
                    'ул. Ленина, 5' % inn,
                    'ООО «Белагро»;%s;312301001;Белгород;ул. Победы, 1'
                    % inn])
            second = self._import(mapping, branch)
            self.assertEqual(
                [l.status for l in second.lines], ['created', 'duplicate'])
            self.assertNotEqual(second.lines[0].party, first.lines[0].party)
            self.assertEqual(second.lines[1].party, first.lines[0].party)
            self.assertEqual(Party.search_count(
                    [('identifiers.code', '=', inn)]), 2)

    @with_transaction()
    def test_update_and_counts(self):
        "A known INN fills the empty fields once; the counts are grouped"
        pool = Pool()
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            mapping = self._mapping(
                [('ИНН', 'inn'), ('Название', 'name'), ('Телефон', 'phone'),
                    ('Контакт', 'contact_name')])
            client, = Party.create([{
                        'name': "Ромашка", 'is_client': True,
                        'client_status': 'potential',
                        'identifiers': [('create', [{
                                        'type': 'ru_vat',
                                        'code': '3123011520'}])],
                        }])
            text = ('ИНН;Название;Телефон;Контакт\n'
                '3123011520;Ромашка;+7 4722 33-22-11;Иванов И. И.\n'
                '3123011520;Ромашка;+7 4722 33-22-11;Иванов И. И.\n'
                ';Без телефона;12;\n')
            import_ = self._import(mapping, text)
            self.assertEqual(self._counts(import_), (0, 1, 1, 1))
            client = Party(client.id)
            self.assertEqual(len(client.contact_mechanisms), 1)
            self.assertEqual(len(client.ric_contacts), 1)
            self.assertEqual(import_.lines[2].reason,
                'File "clients.csv", line 4, field "Phone": the value "12" '
                'is not valid.')
            again = self._import(mapping, text)
            self.assertEqual(self._counts(again), (0, 0, 2, 1))

    @with_transaction()
    def test_file_errors(self):
        "A file that cannot be read names the file and the line"
        company = create_company()
        with set_company(company):
            mapping = self._mapping([('Название', 'name'), ('ИНН', 'inn')],
                encoding='utf-8')
            with self.assertRaises(EncodingError) as context:
                self._import(mapping, 'Название;ИНН\nРомашка;\n',
                    encoding='cp1251')
            self.assertEqual(context.exception.line, 1)
            self.assertIn('clients.csv', context.exception.message)
            with self.assertRaises(ReadError) as context:
                self._import(mapping, 'Название;Город\nРомашка;\n')
            self.assertIn('"ИНН"', context.exception.message)
            mapping.encoding = 'auto'
            mapping.delimiter = None
            mapping.save()
            import_ = self._import(mapping, 'Название,ИНН\nРомашка,\n',
                encoding='cp1251')
            self.assertEqual(import_.created, 1)
            mapping.strict = True
            mapping.save()
            with self.assertRaises(ClientImportError) as context:
                self._import(mapping, 'Название;ИНН\nЛютик;123\n')
            self.assertIn('line 2', context.exception.message)

    @with_transaction()
    def test_queries(self):
        """The import runs the same number of queries for 10 and 200 rows

        The statements of the ORM saving the records (one call each) are
        left out: on SQLite Tryton inserts one row per statement and the
        party module formats and checks each phone alone.  The slices of
        ids are made larger than 200 (SQLite's are of 100 ids)."""
        pool = Pool()
        Party = pool.get('party.party')
        saves = [(pool.get(m), n) for m, n in [
                ('party.party', 'create'), ('party.party', 'write'),
                ('party.contact_mechanism', 'create'),
                ('party.address', 'create'), ('ric.party.contact', 'create'),
                ('ric.party.import.line', 'create')]]
        company = create_company()
        with set_company(company):
            mapping = self._mapping(
                [('Название', 'name'), ('ИНН', 'inn'), ('Телефон', 'phone'),
                    ('Город', 'city'), ('Улица', 'street'),
                    ('Контакт', 'contact_name')])
            inns = [make_inn('%09d' % (100000000 + i)) for i in range(430)]
            Party.create([{
                        'name': "Клиент %s" % i, 'is_client': True,
                        'client_status': 'potential',
                        'identifiers': [('create', [{
                                        'type': 'ru_vat', 'code': inn}])],
                        'contact_mechanisms': [('create', [{
                                        'type': 'phone',
                                        'value': '+7 4722 %06d' % i}])],
                        'addresses': [('create', [{'city': 'Белгород'}])],
                        'ric_contacts': [('create', [{'name': 'Старый'}])],
                        } for i, inn in enumerate(inns[:220])])

            def run(numbers, kpp=''):
                rows = ['Название;ИНН;Телефон;Город;Улица;Контакт']
                for i in numbers:
                    rows.append(
                        'Клиент %s;%s;+7 4722 %06d;Белгород;Мира, %s;Новый'
                        % (i, inns[i], 500000 + i, i))
                with CountQueries(saves) as counter:
                    import_ = self._import(mapping, '\n'.join(rows))
                self.assertLessEqual(max(counter.calls.values()), 1)
                return counter.count, import_

            patch.object(import_module, '_IN_MAX', 1000).start()
            # the requisites of the parties are read in slices too
            patch.object(party_module, '_IN_MAX', 1000).start()
            self.addCleanup(patch.stopall)
            run(range(210, 220))  # warm the caches
            for first, second, status in [
                    (range(10), range(10, 210), 'updated'),
                    (range(220, 230), range(230, 430), 'created'),
                    (range(10), range(10, 210), 'duplicates')]:
                if status == 'duplicates':
                    run(range(210, 220))  # warm the messages
                few, import_ = run(first)
                self.assertEqual(getattr(import_, status), 10)
                many, import_ = run(second)
                self.assertEqual(getattr(import_, status), 200)
                self.assertEqual(many, few, status)
