# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the shared CSV/XLSX reader (ric_base.reader)"""
import codecs
import csv
import datetime as dt
import io

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trytond.modules.ric_base import reader
from trytond.modules.ric_base.exceptions import (
    BinaryFileError, CSVSyntaxError, EmptyFileError, EncodingError,
    MissingColumnError, ReadError, WorkbookError)
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

HEADER = ['Название', 'ИНН', 'Город']
COLUMNS = {'name': 'название', 'inn': ['inn', ' инн '], 'city': 'ГОРОД'}
FIELDS = ['name', 'inn', 'city']


def cells(codec):
    "Strategy of the stripped texts of a cell encodable with codec"
    return st.text(
        alphabet=st.characters(
            codec=codec, exclude_categories=('Cc', 'Cs'),
            include_characters='\n\r'),
        max_size=12).map(str.strip)


def write_csv(header, rows, delimiter, lineterminator):
    """Return the text of the CSV file and the line number of each row
    computed from what the writer wrote before it"""
    buffer = io.StringIO(newline='')
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerow(header)
    lines = []
    for row in rows:
        before = buffer.getvalue()
        lines.append(before.count('\n') + before.count('\r')
            - before.count('\r\n') + 1)
        writer.writerow(row)
    return buffer.getvalue(), lines


def expected(rows, lines):
    return [(line, dict(zip(FIELDS, row)))
        for line, row in zip(lines, rows) if any(row)]


tables = st.sampled_from(['utf-8', 'utf-8-sig', 'cp1251', 'cp866']).flatmap(
    lambda encoding: st.tuples(
        st.just(encoding),
        st.lists(st.lists(cells('utf-8' if encoding == 'utf-8-sig'
                        else encoding), min_size=3, max_size=3),
            max_size=12)))

#: words of Russian client files (each has a letter the detection can use)
WORDS = ['ООО', 'ИП', 'Ромашка', 'Белгород', 'Старый Оскол', 'ул. Победы,',
    'д. 12', 'Иванов Иван Иванович', 'бухгалтерия', 'ёлка', 'Щорса',
    'тел.', '8 (4722) 33-22-11', 'info@example.ru', '3123011520', 'Ёжик',
    'проспект Славы', 'главный бухгалтер', 'Company Ltd', '№ 5', 'цех']
russian_cells = st.lists(st.sampled_from(WORDS), max_size=4).map(' '.join)


class ReaderTestCase(TestCase):
    "Property tests of the shared reader"

    @given(tables, st.sampled_from(reader.DELIMITERS),
        st.sampled_from(['\r\n', '\n']))
    @settings(max_examples=200, deadline=None)
    def test_csv_round_trip(self, table, delimiter, lineterminator):
        "A table written as CSV reads back the same, with its line numbers"
        encoding, rows = table
        if lineterminator == '\n':
            # csv quotes only the cells with characters of lineterminator:
            # a bare \r would end the line for any reader
            rows = [[c.replace('\r', '\n') for c in r] for r in rows]
        text, lines = write_csv(HEADER, rows, delimiter, lineterminator)
        data = text.encode(encoding)
        result = reader.Reader(data, 'f.csv', COLUMNS, required=FIELDS,
            encoding=encoding.replace('-sig', ''))
        self.assertEqual(result.delimiter, delimiter)
        self.assertEqual(result.header, HEADER)
        self.assertEqual(result.header_line, 1)
        self.assertEqual(list(result), expected(rows, lines))

    @given(st.sampled_from(['utf-8', 'utf-8-sig', 'cp1251', 'cp866']),
        st.lists(st.lists(russian_cells, min_size=3, max_size=3),
            max_size=12),
        st.sampled_from(reader.DELIMITERS))
    @settings(max_examples=200, deadline=None)
    def test_detect_encoding(self, encoding, rows, delimiter):
        "Russian text reads back the same with the encoding detected"
        text, lines = write_csv(HEADER, rows, delimiter, '\r\n')
        data = text.encode(encoding)
        result = reader.Reader(data, 'f.csv', COLUMNS, required=FIELDS)
        self.assertEqual(list(result), expected(rows, lines))
        if any(ord(c) > 127 for c in text):
            self.assertEqual(
                codecs.lookup(result.encoding).name,
                codecs.lookup(encoding).name)

    @given(st.lists(st.lists(
                st.one_of(
                    cells('utf-8').filter(lambda t: not t.startswith('=')),
                    st.integers(-10 ** 9, 10 ** 9),
                    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
                    st.none()),
                min_size=3, max_size=3), max_size=10))
    @settings(max_examples=60, deadline=None)
    def test_xlsx_round_trip(self, rows):
        "A table saved as XLSX reads back with the row numbers of the sheet"
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        assume(not any(isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v)
                for row in rows for v in row))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = reader.Reader(buffer.getvalue(), 'f.xlsx', COLUMNS,
            required=FIELDS)
        self.assertEqual(result.file_format, 'xlsx')
        texts = [[reader.cell_text(v) for v in row] for row in rows]
        self.assertEqual(list(result),
            expected(texts, range(2, len(rows) + 2)))

    @given(st.one_of(st.binary(max_size=300),
            st.binary(max_size=300).map(lambda b: b'PK\x03\x04' + b),
            st.text(max_size=300).map(lambda t: t.encode('utf-8'))),
        st.sampled_from([None, 'utf-8', 'cp1251', 'csv', 'xlsx']))
    @settings(max_examples=300, deadline=None)
    def test_garbage(self, data, option):
        "Garbage raises nothing but the typed errors of the reader"
        options = {}
        if option in {'csv', 'xlsx'}:
            options['file_format'] = option
        elif option:
            options['encoding'] = option
        try:
            rows = list(reader.Reader(
                    data, 'g.csv', COLUMNS, required=['name'], **options))
        except ReadError as exception:
            self.assertEqual(exception.filename, 'g.csv')
        else:
            for line, values in rows:
                self.assertGreaterEqual(line, 2)
                self.assertEqual(set(values), {'name'} | (
                        set(values) & set(FIELDS)))

    @given(st.lists(st.text(alphabet='абвгд ;', min_size=1, max_size=10),
            min_size=1, max_size=10), st.integers(min_value=0))
    @settings(max_examples=60, deadline=None)
    def test_encoding_error_line(self, lines, where):
        "A broken UTF-8 byte is reported on its line"
        data = ('Название\n' + '\n'.join(lines) + '\n').encode('utf-8')
        position = where % len(data)
        data = data[:position] + b'\xff' + data[position:]
        with self.assertRaises(EncodingError) as context:
            list(reader.Reader(data, 'f.csv', encoding='utf-8'))
        self.assertEqual(context.exception.line,
            data[:position].count(b'\n') + 1)

    def test_header_mapping(self):
        "Aliases are compared without case and spaces, missing ones listed"
        data = 'x;  ИНН ;Название;название\n1;2;3;4\n'.encode('cp1251')
        result = reader.Reader(data, 'f.csv', COLUMNS, required=['name'])
        self.assertEqual(result.positions, {'inn': 1, 'name': 2})
        self.assertEqual(list(result),
            [(2, {'inn': '2', 'name': '3'})])
        with self.assertRaises(MissingColumnError) as context:
            reader.Reader(data, 'f.csv', COLUMNS, required=FIELDS + ['x'])
        self.assertEqual(context.exception.fields, ['city', 'x'])
        self.assertEqual(context.exception.line, 1)
        self.assertEqual(context.exception.field, 'city')

    def test_blank_and_short_rows(self):
        "Blank rows are skipped, short rows padded, header after blanks"
        data = b'\n;;\nname;city\n\n a ;\n b\n'
        result = reader.Reader(data, 'f.csv', {'name': 'name', 'c': 'city'})
        self.assertEqual(result.header_line, 3)
        self.assertEqual(list(result), [
                (5, {'name': 'a', 'c': ''}), (6, {'name': 'b', 'c': ''})])
        result = reader.Reader(data, 'f.csv')
        self.assertEqual(list(result.rows()), [(5, ['a', '']), (6, ['b'])])

    def test_errors(self):
        "Each problem has its typed error"
        with self.assertRaises(EmptyFileError):
            reader.Reader(b' \n\n', 'f.csv')
        with self.assertRaises(EmptyFileError):
            reader.Reader(None, 'f.csv')
        with self.assertRaises(BinaryFileError) as context:
            reader.Reader(b'a;b\n1;2\n\x00\x01', 'f.csv')
        self.assertEqual(context.exception.line, 3)
        with self.assertRaises(EncodingError):
            reader.Reader(b'a;b\n', 'f.csv', encoding='no-such-codec')
        with self.assertRaises(WorkbookError):
            reader.Reader(b'a;b\n', 'f.xlsx')
        with self.assertRaises(CSVSyntaxError) as context:
            list(reader.Reader(
                    b'a;b\n1;2\n"' + b'x' * (csv.field_size_limit() + 1),
                    'f.csv'))
        self.assertEqual(context.exception.line, 3)

    def test_detect_encoding_punctuation(self):
        "Quotes and dashes alone do not make UTF-8 look like Windows-1251"
        for text, encoding in [
                ('«', 'utf-8'), ('«»', 'utf-8'), ('«»', 'cp1251'),
                ('№', 'utf-8'), ('№ 5', 'cp1251'), ('— «Ромашка»', 'utf-8'),
                ('— «Ромашка»', 'cp1251'), ('Вё', 'utf-8'), ('Вё', 'cp1251'),
                ('и', 'utf-8'), ('и', 'cp1251')]:
            with self.subTest(text=text, encoding=encoding):
                data = text.encode(encoding)
                self.assertEqual(
                    data.decode(reader.detect_encoding(data)), text,
                    (text, encoding))

    def test_detect_format(self):
        self.assertEqual(reader.detect_format('a.XLSX'), 'xlsx')
        self.assertEqual(reader.detect_format('a.csv', b'PK\x03\x04'), 'xlsx')
        self.assertEqual(reader.detect_format('a.txt', b'a;b'), 'csv')
        self.assertEqual(reader.detect_format(None), 'csv')

    def test_cell_text(self):
        self.assertEqual(reader.cell_text(3.0), '3')
        self.assertEqual(reader.cell_text(2.5), '2.5')
        self.assertEqual(reader.cell_text(True), '1')
        self.assertEqual(reader.cell_text(dt.datetime(2026, 1, 2)),
            '2026-01-02')
        self.assertEqual(reader.cell_text(dt.datetime(2026, 1, 2, 3, 4)),
            '2026-01-02T03:04:00')
        self.assertEqual(reader.cell_text(' x '), 'x')


class ReaderMessageTestCase(TestCase):
    "The messages of the reader's errors"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('ric_base')

    @with_transaction()
    def test_messages(self):
        "The messages name the file, the line and the field"
        with self.assertRaises(MissingColumnError) as context:
            reader.Reader(b'a;b\n', 'clients.csv', COLUMNS, required=['inn'])
        self.assertEqual(context.exception.message,
            'File "clients.csv", line 1: the header has no column "inn".')
        with self.assertRaises(EncodingError) as context:
            reader.Reader(b'a;b\n\xff', 'clients.csv', encoding='utf-8')
        self.assertEqual(context.exception.message,
            'File "clients.csv", line 2: the text cannot be read with the '
            'encoding utf-8-sig.')
        exception = reader.invalid_value('clients.csv', 7, 'inn', '123',
            label="INN")
        self.assertEqual(exception.message,
            'File "clients.csv", line 7, field "INN": the value "123" is '
            'not valid.')
        self.assertEqual((exception.line, exception.field), (7, 'inn'))
