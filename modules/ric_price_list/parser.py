# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reading and writing price list files (CSV and XLSX).

The functions here are pure: they turn bytes into checked rows and rows into
bytes.  Errors are raised as ParseError carrying the row and column so that
the Tryton layer can translate them into a UserError naming the file.
"""
import csv
import io
import re
from decimal import Decimal, InvalidOperation

from trytond.modules.ric_base.tools import decode_text

TARGETS = (
    'system', 'network_type', 'kit', 'product',
    'maintenance_price', 'sale_price', 'formula')
KEY_TARGETS = ('system', 'network_type', 'kit', 'product')
PRICE_TARGETS = ('maintenance_price', 'sale_price')

DEFAULT_COLUMNS = {
    'system': 'system',
    'network_type': 'network_type',
    'kit': 'kit',
    'product': 'product',
    'maintenance_price': 'maintenance_price',
    'sale_price': 'sale_price',
    'formula': 'formula',
    }

_SPACES = re.compile(r'[\s\u00a0\u202f\u2009]+')
_NUMBER = re.compile(r'^[+-]?(\d+(\.\d*)?|\.\d+)$')


class ParseError(Exception):
    "A problem in a file: code tells which, row is 1-based, column a name"

    def __init__(self, code, row=None, column=None, value=None):
        super().__init__(code, row, column, value)
        self.code = code
        self.row = row
        self.column = column
        self.value = value

    def __str__(self):
        return '%s (row %s, column %s): %r' % (
            self.code, self.row, self.column, self.value)


def cell_text(value):
    "Return the text of a cell read from CSV or XLSX"
    if value is None:
        return ''
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        if value == int(value):
            return str(int(value))
        return repr(value)
    return str(value).strip()


def parse_decimal(text):
    """Return the Decimal of a price written as in Russian or English files.

    Spaces (also non-breaking) group thousands, the decimal separator is a
    comma or a point, a trailing currency sign is allowed.  Empty text gives
    None; anything else raises ValueError.
    """
    text = _SPACES.sub('', text or '')
    for suffix in ('₽', 'руб.', 'руб', 'р.'):
        if text.endswith(suffix):
            text = text[:-len(suffix)]
    if not text:
        return None
    if ',' in text and '.' in text:
        raise ValueError(text)
    text = text.replace(',', '.')
    if not _NUMBER.match(text):
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text)


def detect_format(filename):
    "Return 'xlsx' or 'csv' from the file name"
    if (filename or '').lower().endswith(('.xlsx', '.xlsm')):
        return 'xlsx'
    return 'csv'


def read_rows(data, file_format='csv', encoding='utf-8', delimiter=';'):
    """Return the list of rows (lists of texts) of a CSV or XLSX file

    Raises ParseError('unreadable') when the bytes are not such a file.
    """
    if file_format == 'xlsx':
        import openpyxl
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exception:
            raise ParseError('unreadable', value=str(exception))
        try:
            sheet = workbook.worksheets[0]
            return [[cell_text(v) for v in row]
                for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    try:
        text = decode_text(data, encoding)
    except (UnicodeDecodeError, LookupError) as exception:
        raise ParseError('unreadable', value=str(exception))
    if '\x00' in text:
        raise ParseError('unreadable', value='NUL')
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter)
    try:
        return [[cell_text(v) for v in row] for row in reader]
    except csv.Error as exception:
        raise ParseError('unreadable', value=str(exception))


def locate_columns(header, columns):
    """Return {target: index} for the mapped columns found in header

    columns maps a target to the label of its column (case and spaces are
    ignored).  Key and price columns are optional, but at least one key and
    one price (or the formula) must be present.
    """
    labels = {_SPACES.sub(' ', h).strip().lower(): i
        for i, h in reversed(list(enumerate(header)))}
    found = {}
    for target in TARGETS:
        label = columns.get(target)
        if not label:
            continue
        index = labels.get(_SPACES.sub(' ', label).strip().lower())
        if index is not None:
            found[target] = index
    if not any(t in found for t in KEY_TARGETS):
        missing = columns.get('system') or 'system'
        raise ParseError('missing_column', row=1, column=missing)
    if not any(t in found for t in PRICE_TARGETS + ('formula',)):
        missing = columns.get('maintenance_price') or 'maintenance_price'
        raise ParseError('missing_column', row=1, column=missing)
    return found


def parse_rows(rows, columns=None):
    """Check the rows of a price list file and return them as dicts

    The first row is the header.  Each returned dict has the row number
    under 'row', the codes of the keys ('system', 'network_type', 'kit',
    'product', empty string when absent), the prices (Decimal or None) and the
    formula (text or None).  The whole file is checked: the first error
    raises ParseError.
    """
    columns = dict(DEFAULT_COLUMNS if columns is None else columns)
    rows = list(rows)
    if not rows or not any(any(c for c in r) for r in rows):
        raise ParseError('empty_file', row=1)
    found = locate_columns(rows[0], columns)
    result, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        record = {'row': number}
        for target in KEY_TARGETS:
            record[target] = _cell(row, found, target)
        keys = _check_keys(record, found, columns)
        _parse_prices(record, row, found, columns)
        key = item_key(record)
        if key in seen:
            raise ParseError(
                'duplicate_key', row=number,
                column=columns[keys[0]], value=seen[key])
        seen[key] = number
        result.append(record)
    return result


def _cell(row, found, target):
    "Return the stripped text of the target's column in row ('' if none)"
    index = found.get(target)
    if index is None or index >= len(row):
        return ''
    return row[index].strip()


def _check_keys(record, found, columns):
    """Check the keys of a record (one kind: system and network type, kit
    or product); return the targets given"""
    number = record['row']
    keys = [t for t in KEY_TARGETS if record[t]]
    if not keys:
        target = 'system' if 'system' in found else next(
            t for t in KEY_TARGETS if t in found)
        raise ParseError(
            'missing_key', row=number, column=columns[target])
    if (record['system'] or record['network_type']) and (
            record['kit'] or record['product']):
        target = 'kit' if record['kit'] else 'product'
        raise ParseError(
            'ambiguous_key', row=number, column=columns[target],
            value=record[target])
    if record['kit'] and record['product']:
        raise ParseError(
            'ambiguous_key', row=number, column=columns['product'],
            value=record['product'])
    for target in ('system', 'network_type'):
        other = 'network_type' if target == 'system' else 'system'
        if record[other] and not record[target]:
            raise ParseError(
                'missing_key', row=number,
                column=columns.get(target) or target)
    return keys


def _parse_prices(record, row, found, columns):
    "Fill the prices and the formula of a record; at least one is needed"
    number = record['row']
    for target in PRICE_TARGETS:
        text = _cell(row, found, target)
        try:
            price = parse_decimal(text)
        except ValueError:
            raise ParseError(
                'invalid_number', row=number, column=columns[target],
                value=text)
        if price is not None and price < 0:
            raise ParseError(
                'negative_price', row=number, column=columns[target],
                value=text)
        record[target] = price
    record['formula'] = _cell(row, found, 'formula') or None
    if (record['maintenance_price'] is None
            and record['sale_price'] is None
            and not record['formula']):
        target = 'maintenance_price' if (
            'maintenance_price' in found) else next(
            t for t in PRICE_TARGETS + ('formula',) if t in found)
        raise ParseError(
            'missing_price', row=number, column=columns[target])


def item_key(record):
    "Return the key of a parsed record: (system, network, kit, product)"
    return tuple(record.get(t) or '' for t in KEY_TARGETS)


def format_decimal(value):
    "Return the text of a price in a file (point as decimal separator)"
    if value is None:
        return ''
    value = Decimal(value)
    text = format(value.normalize() if value == value.to_integral()
        else value, 'f')
    return text


def write_csv(header, rows, encoding='utf-8', delimiter=';'):
    "Return the bytes of a CSV file"
    output = io.StringIO(newline='')
    writer = csv.writer(output, delimiter=delimiter, lineterminator='\r\n')
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [format_decimal(v) if isinstance(v, Decimal) else (
                    '' if v is None else v) for v in row])
    return output.getvalue().encode(encoding)


def write_xlsx(header, rows, title='Price List'):
    "Return the bytes of an XLSX workbook with one sheet"
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([
                float(v) if isinstance(v, Decimal) else v for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
