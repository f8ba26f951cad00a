# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Registration-centre file formats.

The real format of the registration centre (ОРЦ) is proprietary, so the
module reads and writes an open CSV format (see doc/index.rst) through an
adapter class.  Another format is added by subclassing
:class:`RegistrationFormat` and decorating it with :func:`register`.
"""
import csv
import datetime as dt
import io
from collections import namedtuple

from trytond.i18n import gettext
from trytond.modules.ric_base.exceptions import EncodingError
from trytond.modules.ric_base.reader import Reader
from trytond.modules.ric_base.reader import decode as read_decode

from .exceptions import RegistrationFileError

__all__ = ['Row', 'RegistrationFormat', 'CsvFormat', 'register',
    'get_format', 'decode']

Row = namedtuple('Row', [
        'line', 'system', 'number', 'network_type', 'status', 'client_code',
        'client_inn', 'client_name', 'date', 'series', 'type'])

STATUSES = {'active', 'disconnected'}
TYPES = {'commercial', 'demo', 'preferential', 'regional', 'partner'}

_registry = {}


def register(cls):
    "Class decorator registering a format under its code"
    _registry[cls.code] = cls
    return cls


def get_format(code):
    return _registry[code]()


def decode(data, filename=''):
    """Return data as text: UTF-8 (with or without BOM) or else Windows-1251

    The registration centre writes one of the two: valid UTF-8 is UTF-8,
    whatever a detection by letter frequencies would guess."""
    try:
        return read_decode(data, filename, 'utf-8')[0]
    except EncodingError:
        return read_decode(data, filename, 'cp1251')[0]


class RegistrationFormat:
    "Base adapter: parse a file into Rows and write Rows into a file"
    code = None
    name = None

    @classmethod
    def selection(cls):
        return [(code, f.name) for code, f in sorted(_registry.items())]

    def parse(self, data, filename):
        "Return the list of Row of data or raise UserError"
        raise NotImplementedError

    def generate(self, rows, encoding='utf-8'):
        "Return bytes of the file made of rows (dicts or Rows)"
        raise NotImplementedError


def _error(filename, line, field, reason, value=''):
    "Return the RegistrationFileError naming file, line and field for reason"
    return RegistrationFileError(
        gettext('ric_distributive.msg_registration_' + reason,
            filename=filename, line=line, field=field, value=value),
        filename=filename, line=line, field=field or None)


def parse_date(value):
    value = value.strip()
    for fmt in ('%Y-%m-%d', '%d.%m.%Y'):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


@register
class CsvFormat(RegistrationFormat):
    """Open CSV: ';' separated, UTF-8 or Windows-1251, a header line naming
    the columns, one line per distributive."""
    code = 'csv'
    name = "CSV (;)"
    columns = ['system', 'number', 'network_type', 'status', 'client_code',
        'client_inn', 'client_name', 'date', 'series', 'type']
    required = ['system', 'number', 'network_type', 'status']
    delimiter = ';'

    def parse(self, data, filename):
        try:
            text = decode(data, filename)
        except EncodingError as exception:
            raise _error(filename, exception.line or 1, '', 'encoding')
        # the shared reader finds the header (its labels compared case- and
        # space-insensitively), numbers the lines and raises the errors of
        # an empty file, missing columns and bad CSV naming file and line
        reader = Reader(text, filename,
            columns={n: n for n in self.columns}, required=self.required,
            file_format='csv', delimiter=self.delimiter)
        index = reader.positions
        rows = []
        seen = {}
        for line_no, values in reader.rows():
            if len(values) != len(reader.header):
                raise _error(filename, line_no, '', 'column_count',
                    '%s/%s' % (len(values), len(reader.header)))
            rows.append(self._row(filename, line_no, values, index, seen))
        return rows

    def _row(self, filename, line_no, values, index, seen):
        record = {'line': line_no}
        for name in self.columns:
            value = values[index[name]].strip() if name in index else ''
            if name in self.required and not value:
                raise _error(filename, line_no, name, 'empty')
            record[name] = value
        if record['status'].lower() not in STATUSES:
            raise _error(filename, line_no, 'status', 'selection',
                record['status'])
        record['status'] = record['status'].lower()
        if record['type']:
            if record['type'].lower() not in TYPES:
                raise _error(filename, line_no, 'type', 'selection',
                    record['type'])
            record['type'] = record['type'].lower()
        if record['date']:
            try:
                record['date'] = parse_date(record['date'])
            except ValueError:
                raise _error(filename, line_no, 'date', 'date',
                    record['date'])
        else:
            record['date'] = None
        if record['client_inn'] and not (
                record['client_inn'].isdigit()
                and len(record['client_inn']) in {10, 12}):
            raise _error(filename, line_no, 'client_inn', 'inn',
                record['client_inn'])
        if record['status'] == 'active' and not record['client_code']:
            raise _error(filename, line_no, 'client_code', 'empty')
        key = (record['system'], record['number'])
        if key in seen:
            raise _error(filename, line_no, 'number', 'duplicate',
                seen[key])
        seen[key] = line_no
        return Row(**record)

    def generate(self, rows, encoding='utf-8'):
        output = io.StringIO(newline='')
        writer = csv.writer(output, delimiter=self.delimiter,
            lineterminator='\r\n')
        writer.writerow(self.columns)
        for row in rows:
            if isinstance(row, Row):
                row = row._asdict()
            values = []
            for name in self.columns:
                value = row.get(name)
                if isinstance(value, dt.date):
                    value = value.isoformat()
                values.append('' if value is None else str(value))
            writer.writerow(values)
        return output.getvalue().encode(encoding, errors='replace')
