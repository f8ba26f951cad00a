# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One reader for the CSV and XLSX files imported by the suite

The clients, the price lists and the registration files are read here:

* the format is XLSX when the bytes are a ZIP archive (or the name ends
  with .xlsx/.xlsm), else CSV;
* the encoding of a CSV file is detected when not given: UTF-8 with or
  without byte order mark, Windows-1251 or DOS (CP866);
* the delimiter is detected when not given: ``;``, tab or ``,``;
* the header is the first non-blank line; its labels are mapped to field
  names through aliases compared case- and space-insensitively, and the
  required fields missing from it are reported together;
* the rows are yielded with their line number (the header is line 1 when
  the file starts with it; a record on several lines has the number of
  its first line; the row number of the sheet for XLSX), blank rows
  skipped, cells stripped.

Every problem raises a subclass of
:class:`trytond.modules.ric_base.exceptions.ReadError` naming the file, the
line and the field.
"""
import codecs
import csv
import io
import re
import unicodedata
from collections import Counter, namedtuple

from trytond.i18n import gettext

from .exceptions import (
    BinaryFileError, CSVSyntaxError, EmptyFileError, EncodingError,
    InvalidValueError, MissingColumnError, ReadError, WorkbookError)

__all__ = ['ENCODINGS', 'DELIMITERS', 'Row', 'Reader', 'read',
    'normalize_label', 'detect_format', 'detect_encoding', 'decode',
    'detect_delimiter', 'cell_text', 'error', 'invalid_value']

#: the encodings detected, in order of preference
ENCODINGS = ('utf-8', 'cp1251', 'cp866')
#: the delimiters detected, in order of preference
DELIMITERS = (';', '\t', ',')
#: the number of records looked at to detect the delimiter
SAMPLE_RECORDS = 50
#: the number of bytes looked at to detect the encoding
SAMPLE_BYTES = 1 << 20

Row = namedtuple('Row', ['line', 'values'])
Row.__doc__ = ("A row of a file: its line number and its values (a dict "
    "{field: text} or, from Reader.rows, the list of the cells)")

_LABEL_SPACES = re.compile(r'[\s_]+')
_RUSSIAN = frozenset(
    'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ')
#: the non-ASCII characters common in Russian files which are not letters
_NEUTRAL = frozenset('\u00a0«»—–№“”„‘’…•')


def error(cls, message, filename, line=None, field=None, **variables):
    """Return the exception cls with the message of ric_base (an id of
    ric_base/message.xml without the module) naming file, line and field"""
    exception = cls(gettext('ric_base.' + message,
            file=filename or '', line='' if line is None else line,
            field=field or '', **variables))
    exception.filename = filename
    exception.line = line
    exception.field = field
    return exception


def invalid_value(filename, line, field, value, label=None):
    """Return the InvalidValueError of a value of a row (label: the name of
    the field shown to the user, field itself by default)"""
    exception = error(InvalidValueError, 'msg_read_invalid_value',
        filename, line, label or field, value=value)
    exception.field = field
    return exception


def normalize_label(label):
    """Return a column label as compared: case-folded, ё written е, spaces
    and underscores collapsed into one space, stripped"""
    label = str(label or '').replace('\ufeff', '')
    return _LABEL_SPACES.sub(' ', label).strip().casefold().replace(
        'ё', 'е')


def detect_format(filename, data=None):
    "Return 'xlsx' for a ZIP archive or a name ending with .xlsx, else 'csv'"
    if data is not None and bytes(data[:4]) == b'PK\x03\x04':
        return 'xlsx'
    if (filename or '').lower().endswith(('.xlsx', '.xlsm')):
        return 'xlsx'
    return 'csv'


def _count_lines(text):
    "Return the number of line breaks (\\n, \\r or \\r\\n) of text"
    return text.count('\n') + text.count('\r') - text.count('\r\n')


def _score(text, encoding):
    """Return how much text looks like Russian or English text

    A Russian letter is worth its bytes; ASCII nothing; in a single-byte
    encoding the common punctuation is worth nothing and anything else -1;
    in UTF-8 (where a valid sequence of several bytes is itself a sign) the
    common punctuation is worth its bytes, a letter of another script its
    bytes but one, another printable character nothing and a control
    minus its bytes."""
    score = 0
    utf8 = encoding == 'utf-8'
    for char, count in Counter(
            c for c in text if c > '\x7f').items():
        size = len(char.encode('utf-8')) if utf8 else 1
        if char in _RUSSIAN or (utf8 and char in _NEUTRAL):
            value = size
        elif char in _NEUTRAL:
            value = 0
        elif utf8:
            category = unicodedata.category(char)
            if category[0] == 'L':
                value = size - 1
            elif category[0] == 'C':
                value = -size
            else:
                value = 0
        else:
            value = -1
        score += value * count
    return score


def detect_encoding(data):
    """Return the encoding of the bytes of a text file

    'utf-8-sig' with a byte order mark; else the one of ENCODINGS giving
    the most Russian-looking text, UTF-8 first on a tie (so ASCII is UTF-8).
    """
    data = bytes(data)
    if data.startswith(codecs.BOM_UTF8):
        return 'utf-8-sig'
    sample = data[:SAMPLE_BYTES]
    best = None
    for order, encoding in enumerate(ENCODINGS):
        try:
            if encoding == 'utf-8':
                # a sample may end in the middle of a character
                text = codecs.getincrementaldecoder('utf-8')().decode(
                    sample, final=len(sample) == len(data))
            else:
                text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        key = (_score(text, encoding), -order)
        if best is None or key > best[0]:
            best = (key, encoding)
    return best[1] if best else ENCODINGS[-1]


def decode(data, filename, encoding=None):
    """Return (text, encoding) of the bytes of a CSV file

    Without encoding (or 'auto') it is detected; 'utf-8' accepts a byte
    order mark.  Raise EncodingError naming the line of the first bad byte
    or BinaryFileError for a text with NUL characters.
    """
    if isinstance(data, str):
        text = data
    else:
        data = bytes(data)
        if not encoding or encoding == 'auto':
            encoding = detect_encoding(data)
        else:
            try:
                name = codecs.lookup(encoding).name
            except LookupError:
                raise error(EncodingError, 'msg_read_unknown_encoding',
                    filename, encoding=encoding)
            if name == 'utf-8':
                encoding = 'utf-8-sig'
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exception:
            line = _count_lines(
                data[:exception.start].decode('latin-1')) + 1
            raise error(EncodingError, 'msg_read_encoding', filename, line,
                encoding=encoding) from exception
    if '\x00' in text:
        line = _count_lines(text[:text.index('\x00')]) + 1
        raise error(BinaryFileError, 'msg_read_binary', filename, line)
    return text, encoding


def _csv_records(text, filename, delimiter):
    "Yield (line, cells) of the CSV text, line the first line of the record"
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter)
    previous = 0
    try:
        for values in reader:
            yield previous + 1, values
            previous = reader.line_num
    except csv.Error as exception:
        raise error(CSVSyntaxError, 'msg_read_csv', filename,
            previous + 1, error=str(exception)) from exception


def detect_delimiter(text, labels=(), filename=None):
    """Return the delimiter of the CSV text among DELIMITERS

    The one whose header has the most labels (compared as normalize_label
    does), then the one splitting the header, then the one giving the most
    records of the width of the header; DELIMITERS order on a tie."""
    labels = {normalize_label(l) for l in labels}
    best = None
    for order, delimiter in enumerate(DELIMITERS):
        records = []
        try:
            for _, values in _csv_records(text, filename, delimiter):
                if any(v.strip() for v in values):
                    records.append(values)
                    if len(records) >= SAMPLE_RECORDS:
                        break
        except CSVSyntaxError:
            continue
        if not records:
            continue
        header = records[0]
        matched = len({normalize_label(h) for h in header} & labels)
        consistent = sum(1 for r in records[1:] if len(r) == len(header))
        key = (matched, len(header) > 1, consistent, -order)
        if best is None or key > best[0]:
            best = (key, delimiter)
    return best[1] if best else DELIMITERS[0]


def cell_text(value):
    "Return the text of a cell of a workbook"
    if value is None:
        return ''
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if hasattr(value, 'isoformat'):
        if hasattr(value, 'hour') and hasattr(value, 'date') and not (
                value.hour or value.minute or value.second
                or value.microsecond):
            value = value.date()
        return value.isoformat()
    return str(value).strip()


def _xlsx_records(data, filename):
    "Yield (row number, cells) of the first sheet of an XLSX workbook"
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(bytes(data)), read_only=True, data_only=True)
    except Exception as exception:
        raise error(WorkbookError, 'msg_read_xlsx', filename,
            error=str(exception) or type(exception).__name__
            ) from exception
    number = 0
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for number, values in enumerate(
                sheet.iter_rows(values_only=True), 1):
            yield number, [cell_text(v) for v in values]
    except ReadError:
        raise
    except Exception as exception:
        raise error(WorkbookError, 'msg_read_xlsx', filename, number + 1,
            error=str(exception) or type(exception).__name__
            ) from exception
    finally:
        workbook.close()


class Reader:
    """The rows of an imported CSV or XLSX file

    columns maps each field name to the label of its column or to a list of
    aliases (compared with normalize_label, the first column of the header
    matching wins); without columns every header label is a field.
    required lists the fields whose column must be in the header.
    file_format ('csv', 'xlsx', None or 'auto'), encoding (None or 'auto'
    to detect) and delimiter (None to detect) are for CSV.

    Iterating yields a Row(line, {field: text}) per non-blank row after the
    header ('' for a cell missing at the end of a short row); ``rows()``
    yields Row(line, [cells]) instead.  The attributes ``file_format``,
    ``encoding``, ``delimiter``, ``header``, ``header_line`` and
    ``positions`` ({field: index of its column}) tell what was read.
    """

    def __init__(self, data, filename, columns=None, required=(),
            file_format=None, encoding=None, delimiter=None):
        self.filename = filename or ''
        if data is None:
            data = b''
        if not file_format or file_format == 'auto':
            file_format = detect_format(
                filename, data if not isinstance(data, str) else None)
        self.file_format = file_format
        self.encoding = self.delimiter = None
        aliases = {}
        if columns is not None:
            for field, labels in columns.items():
                if isinstance(labels, str):
                    labels = [labels]
                aliases[field] = [l for l in labels if l]
        if file_format == 'xlsx':
            if isinstance(data, str):
                raise error(WorkbookError, 'msg_read_xlsx', self.filename,
                    error='text')
            records = _xlsx_records(data, self.filename)
        else:
            text, self.encoding = decode(data, self.filename, encoding)
            self.delimiter = delimiter or detect_delimiter(
                text, [l for ls in aliases.values() for l in ls],
                self.filename)
            records = _csv_records(text, self.filename, self.delimiter)
        self._records = (
            (line, [v.strip() for v in values])
            for line, values in records)
        self._records = ((line, values) for line, values in self._records
            if any(values))
        try:
            self.header_line, header = next(self._records)
        except StopIteration:
            raise error(EmptyFileError, 'msg_read_empty', self.filename)
        self.header = header
        labels = {}
        for index, label in enumerate(header):
            labels.setdefault(normalize_label(label), index)
        if columns is None:
            aliases = {}
            for label in header:
                if label:
                    aliases.setdefault(label, [label])
        self.positions = {}
        for field, field_aliases in aliases.items():
            for alias in field_aliases:
                index = labels.get(normalize_label(alias))
                if index is not None:
                    self.positions[field] = index
                    break
        missing = [f for f in required if f not in self.positions]
        if missing:
            exception = error(MissingColumnError,
                'msg_read_missing_columns', self.filename,
                self.header_line, missing[0],
                columns=', '.join('"%s"' % (
                            aliases.get(f) or [f])[0] for f in missing))
            exception.fields = missing
            raise exception

    def rows(self):
        "Yield Row(line, list of the cells) of the rows after the header"
        for line, values in self._records:
            yield Row(line, values)

    def __iter__(self):
        positions = list(self.positions.items())
        for line, values in self._records:
            size = len(values)
            yield Row(line, {
                    f: values[i] if i < size else '' for f, i in positions})


def read(data, filename, columns=None, required=(), **options):
    "Return the Reader of data (see Reader)"
    return Reader(data, filename, columns=columns, required=required,
        **options)
