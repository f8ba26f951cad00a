# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Import of clients and contact persons from CSV and XLSX files"""
import csv
import datetime as dt
import io
import re

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.ric_base import requisites as ru
from trytond.modules.ric_base.tools import decode_text
from trytond.pool import Pool
from trytond.pyson import Eval

from .duplicate import Corpus

IMPORT_FIELDS = [
    ('external_id', "External Identifier"),
    ('name', "Name"),
    ('inn', "INN"),
    ('kpp', "KPP"),
    ('ogrn', "OGRN"),
    ('phone', "Phone"),
    ('email', "E-mail"),
    ('website', "Website"),
    ('postal_code', "Postal Code"),
    ('city', "City"),
    ('street', "Street and Building"),
    ('industry', "Industry"),
    ('accountants', "Accountants"),
    ('lawyers', "Lawyers"),
    ('contact_name', "Contact Full Name"),
    ('contact_position', "Contact Position"),
    ('contact_phone', "Contact Phone"),
    ('contact_email', "Contact E-mail"),
    ]
FIELD_LABELS = dict(IMPORT_FIELDS)


class ParseError(Exception):
    "A file that can not be read: message id and its parameters"

    def __init__(self, message, **params):
        super().__init__(message, params)
        self.message = message
        self.params = params


def read_rows(data, filename, file_format='csv', encoding='utf-8',
        delimiter=';'):
    """Return (header, rows) of the file

    rows is a list of (line number, list of strings); empty lines are
    skipped; line numbers count from 1 with the header.
    """
    if file_format == 'xlsx':
        return _read_xlsx(data, filename)
    try:
        text = decode_text(data, encoding)
    except UnicodeDecodeError as exception:
        line = bytes(data)[:exception.start].count(b'\n') + 1
        raise ParseError('msg_import_encoding', file=filename,
            encoding=encoding, line=line) from exception
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter)
    header, rows = None, []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = [v.strip() for v in values]
                continue
            rows.append((reader.line_num, [v.strip() for v in values]))
    except csv.Error as exception:
        raise ParseError('msg_import_csv', file=filename,
            line=reader.line_num, error=str(exception)) from exception
    if header is None:
        raise ParseError('msg_import_empty', file=filename)
    return header, rows


def _read_xlsx(data, filename):
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(bytes(data)), read_only=True, data_only=True)
    except Exception as exception:
        raise ParseError('msg_import_xlsx', file=filename) from exception
    sheet = workbook.worksheets[0]
    header, rows = None, []
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        values = ['' if v is None else _cell(v) for v in values]
        if not any(values):
            continue
        if header is None:
            header = values
        else:
            rows.append((number, values))
    workbook.close()
    if header is None:
        raise ParseError('msg_import_empty', file=filename)
    return header, rows


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def map_rows(header, rows, columns, filename, mapping=''):
    """Return [(line, {field: value})] through columns {column: field}

    Raise ParseError when a column of the mapping is missing."""
    positions = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [c for c in columns if c.strip().lower() not in positions]
    if missing:
        raise ParseError('msg_import_missing_columns', file=filename,
            columns=', '.join(missing), mapping=mapping)
    result = []
    for line, values in rows:
        record = {}
        for column, field in columns.items():
            i = positions[column.strip().lower()]
            value = values[i] if i < len(values) else ''
            if value:
                record[field] = value
        result.append((line, record))
    return result


def check_row(record):
    """Return (field, message id) of the first problem of the record or
    None; normalize the values in place"""
    if not record.get('name'):
        return 'name', 'msg_import_missing_name'
    if record.get('inn'):
        record['inn'] = ru.compact(record['inn'])
        if not ru.is_valid_inn(record['inn']):
            return 'inn', 'msg_import_invalid_inn'
    if record.get('kpp'):
        record['kpp'] = ru.compact(record['kpp'])
        if not ru.is_valid_kpp(record['kpp']):
            return 'kpp', 'msg_import_invalid_value'
    if record.get('ogrn'):
        record['ogrn'] = ru.compact(record['ogrn'])
        if not ru.is_valid_ogrn_any(record['ogrn']):
            return 'ogrn', 'msg_import_invalid_value'
    for field in ['accountants', 'lawyers']:
        if record.get(field):
            if not re.fullmatch(r'\d{1,6}', record[field]):
                return field, 'msg_import_invalid_value'
            record[field] = int(record[field])
    if record.get('email') and '@' not in record['email']:
        return 'email', 'msg_import_invalid_value'
    return None


class ImportMapping(ModelSQL, ModelView):
    "Client Import Mapping"
    __name__ = 'ric.party.import.mapping'
    name = fields.Char("Name", required=True)
    source = fields.Many2One(
        'ric.party.source', "Source", ondelete='RESTRICT',
        help="Set on the clients created and used to recognise the rows "
        "already imported by their external identifier.")
    file_format = fields.Selection([
            ('csv', "CSV"),
            ('xlsx', "XLSX"),
            ], "Format", required=True)
    encoding = fields.Selection([
            ('utf-8', "UTF-8"),
            ('cp1251', "Windows-1251"),
            ('cp866', "DOS (CP866)"),
            ], "Encoding",
        states={
            'invisible': Eval('file_format') != 'csv',
            'required': Eval('file_format') == 'csv',
            })
    delimiter = fields.Char(
        "Delimiter", size=1,
        states={
            'invisible': Eval('file_format') != 'csv',
            'required': Eval('file_format') == 'csv',
            })
    update_existing = fields.Boolean(
        "Update Existing",
        help="Fill the empty fields of the clients found with the same INN "
        "or external identifier.")
    strict = fields.Boolean(
        "Strict",
        help="Stop the whole import at the first invalid row instead of "
        "rejecting the row.")
    columns = fields.One2Many(
        'ric.party.import.mapping.column', 'mapping', "Columns")

    @classmethod
    def default_file_format(cls):
        return 'csv'

    @classmethod
    def default_encoding(cls):
        return 'utf-8'

    @classmethod
    def default_delimiter(cls):
        return ';'

    @classmethod
    def default_update_existing(cls):
        return True

    def get_columns(self):
        return {c.column: c.field for c in self.columns}


class ImportMappingColumn(ModelSQL, ModelView):
    "Client Import Mapping Column"
    __name__ = 'ric.party.import.mapping.column'
    mapping = fields.Many2One(
        'ric.party.import.mapping', "Mapping", required=True,
        ondelete='CASCADE')
    column = fields.Char("Column", required=True,
        help="The header of the column in the file.")
    field = fields.Selection(IMPORT_FIELDS, "Field", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('mapping')


class Import(Workflow, ModelSQL, ModelView):
    "Client Import"
    __name__ = 'ric.party.import'
    _rec_name = 'filename'
    filename = fields.Char(
        "File Name", required=True,
        states={'readonly': Eval('state') != 'draft'})
    data = fields.Binary(
        "File", filename='filename', required=True,
        states={'readonly': Eval('state') != 'draft'})
    mapping = fields.Many2One(
        'ric.party.import.mapping', "Mapping", required=True,
        states={'readonly': Eval('state') != 'draft'})
    date = fields.DateTime("Date", readonly=True)
    lines = fields.One2Many(
        'ric.party.import.line', 'import_', "Lines", readonly=True)
    created = fields.Function(fields.Integer("Created"), 'get_counts')
    updated = fields.Function(fields.Integer("Updated"), 'get_counts')
    duplicates = fields.Function(
        fields.Integer("Skipped as Duplicates"), 'get_counts')
    rejected = fields.Function(fields.Integer("Rejected"), 'get_counts')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'run': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def get_counts(cls, imports, names):
        result = {n: {i.id: 0 for i in imports} for n in names}
        status2name = {'created': 'created', 'updated': 'updated',
            'duplicate': 'duplicates', 'rejected': 'rejected'}
        for import_ in imports:
            for line in import_.lines:
                name = status2name[line.status]
                if name in result:
                    result[name][import_.id] += 1
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def run(cls, imports):
        for import_ in imports:
            import_.process()

    def _error(self, error):
        return UserError(gettext('ric_party.' + error.message, **error.params))

    def process(self):
        "Import the file in the current transaction"
        pool = Pool()
        Party = pool.get('party.party')
        Duplicate = pool.get('ric.party.duplicate')
        Line = pool.get('ric.party.import.line')
        Industry = pool.get('ric.party.industry')
        mapping = self.mapping
        try:
            header, rows = read_rows(
                self.data, self.filename, mapping.file_format,
                mapping.encoding or 'utf-8', mapping.delimiter or ';')
            records = map_rows(
                header, rows, mapping.get_columns(), self.filename,
                mapping.name)
        except ParseError as error:
            raise self._error(error) from error

        corpus = Duplicate.load_corpus()
        source_prefix = ('%s:' % mapping.source.id) if mapping.source else ''
        by_reference = {}
        if source_prefix:
            for party in Party.search([
                        ('source_reference', 'like', source_prefix + '%')]):
                by_reference[party.source_reference] = party.id
        industries = {i.name.lower(): i.id for i in Industry.search([])}
        lines, to_create, create_lines = [], [], []
        to_update = {}
        in_file = {}
        for line_no, record in records:
            line = {'import_': self.id, 'line': line_no,
                'name': record.get('name')}
            lines.append(line)
            problem = check_row(record)
            if problem:
                field, message = problem
                reason = gettext('ric_party.' + message, file=self.filename,
                    line=line_no, field=FIELD_LABELS[field],
                    value=record.get(field, ''))
                if mapping.strict:
                    raise UserError(reason)
                line.update(status='rejected', reason=reason)
                continue
            reference = (source_prefix + record['external_id']
                if source_prefix and record.get('external_id') else None)
            candidate = Corpus.make_record(
                -line_no, record['name'], record.get('city'),
                record.get('street'), record.get('inn'),
                [record['phone']] if record.get('phone') else [],
                [record['email']] if record.get('email') else [])
            existing = by_reference.get(reference) if reference else None
            if not existing:
                match = corpus.match(candidate)
                if match and match[1] == 'inn':
                    existing = match[0]
                elif match:
                    line.update(status='duplicate',
                        reason=self._duplicate_reason(match))
                    if match[0] > 0:
                        line['party'] = match[0]
                    continue
            if existing and existing < 0:
                line.update(status='duplicate', reason=gettext(
                        'ric_party.msg_import_duplicate_row',
                        line=-existing))
                continue
            if existing:
                party = Party(existing)
                values = (self._update_values(party, record, industries)
                    if mapping.update_existing else {})
                line['party'] = party.id
                if values:
                    to_update.setdefault(party.id, {}).update(values)
                    line.update(status='updated', reason=', '.join(
                            FIELD_LABELS.get(f, f) for f in sorted(
                                self._updated_fields(values))))
                else:
                    line.update(status='duplicate', reason=gettext(
                            'ric_party.msg_import_nothing_to_update',
                            party=party.rec_name))
                continue
            if reference and reference in in_file:
                line.update(status='duplicate', reason=gettext(
                        'ric_party.msg_import_duplicate_row',
                        line=in_file[reference]))
                continue
            if reference:
                in_file[reference] = line_no
            corpus.add(candidate)
            values = self._create_values(record, industries)
            values['source_reference'] = reference
            values['record_source'] = (
                mapping.source.id if mapping.source else None)
            to_create.append(values)
            create_lines.append(line)
            line['status'] = 'created'

        if to_update:
            args = []
            for party_id, values in to_update.items():
                args.extend(([Party(party_id)], values))
            Party.write(*args)
        if to_create:
            parties = Party.create(to_create)
            for line, party in zip(create_lines, parties):
                line['party'] = party.id
        Line.create(lines)
        self.date = dt.datetime.now()
        self.save()

    def _duplicate_reason(self, match):
        pool = Pool()
        Party = pool.get('party.party')
        Duplicate = pool.get('ric.party.duplicate')
        party_id, reason, _ = match
        if party_id < 0:
            return gettext('ric_party.msg_import_duplicate_row',
                line=-party_id)
        label = gettext('ric_party.' + Duplicate._reason_labels[reason])
        return gettext('ric_party.msg_import_duplicate_of',
            party=Party(party_id).rec_name, reason=label)

    @staticmethod
    def _updated_fields(values):
        names = set()
        for name in values:
            names.add({'contact_mechanisms': 'phone',
                    'addresses': 'street',
                    'ric_contacts': 'contact_name'}.get(name, name))
        return names

    def _create_values(self, record, industries):
        values = {
            'name': record['name'],
            'is_client': True,
            'client_status': 'potential',
            'kpp': record.get('kpp'),
            'ogrn': record.get('ogrn'),
            'accountants': record.get('accountants'),
            'lawyers': record.get('lawyers'),
            'industry': industries.get((record.get('industry') or '').lower()),
            }
        if record.get('inn'):
            values['identifiers'] = [('create', [{
                            'type': 'ru_vat', 'code': record['inn']}])]
        mechanisms = [{'type': t, 'value': record[f]}
            for f, t in [('phone', 'phone'), ('email', 'email'),
                ('website', 'website')] if record.get(f)]
        if mechanisms:
            values['contact_mechanisms'] = [('create', mechanisms)]
        if any(record.get(f) for f in ['city', 'street', 'postal_code']):
            values['addresses'] = [('create', [{
                            'city': record.get('city'),
                            'street': record.get('street'),
                            'postal_code': record.get('postal_code'),
                            }])]
        contact = self._contact_values(record)
        if contact:
            values['ric_contacts'] = [('create', [contact])]
        return values

    @staticmethod
    def _contact_values(record):
        if not record.get('contact_name'):
            return None
        return {
            'name': record['contact_name'],
            'position': record.get('contact_position'),
            'phone': record.get('contact_phone'),
            'email': record.get('contact_email'),
            }

    def _update_values(self, party, record, industries):
        "Return the values filling the empty fields of party"
        from .contact import normalize_phone
        values = {}
        for name in ['kpp', 'ogrn', 'accountants', 'lawyers']:
            if record.get(name) not in (None, '') and getattr(
                    party, name) in (None, ''):
                values[name] = record[name]
        if record.get('industry') and not party.industry:
            industry = industries.get(record['industry'].lower())
            if industry:
                values['industry'] = industry
        mechanisms = []
        phones = {normalize_phone(m.value) for m in party.contact_mechanisms
            if m.type in {'phone', 'mobile'}}
        if record.get('phone') and normalize_phone(
                record['phone']) not in phones:
            mechanisms.append({'type': 'phone', 'value': record['phone']})
        emails = {(m.value or '').lower() for m in party.contact_mechanisms
            if m.type == 'email'}
        if record.get('email') and record['email'].lower() not in emails:
            mechanisms.append({'type': 'email', 'value': record['email']})
        if mechanisms:
            values['contact_mechanisms'] = [('create', mechanisms)]
        if not party.addresses and any(
                record.get(f) for f in ['city', 'street']):
            values['addresses'] = [('create', [{
                            'city': record.get('city'),
                            'street': record.get('street'),
                            'postal_code': record.get('postal_code'),
                            }])]
        contact = self._contact_values(record)
        if contact and contact['name'].lower() not in {
                c.name.lower() for c in party.ric_contacts}:
            values['ric_contacts'] = [('create', [contact])]
        return values


class ImportLine(ModelSQL, ModelView):
    "Client Import Line"
    __name__ = 'ric.party.import.line'
    import_ = fields.Many2One(
        'ric.party.import', "Import", required=True, ondelete='CASCADE')
    line = fields.Integer("Line", readonly=True)
    name = fields.Char("Name", readonly=True)
    status = fields.Selection([
            ('created', "Created"),
            ('updated', "Updated"),
            ('duplicate', "Skipped as Duplicate"),
            ('rejected', "Rejected"),
            ], "Status", readonly=True, required=True)
    party = fields.Many2One(
        'party.party', "Client", readonly=True, ondelete='SET NULL')
    reason = fields.Char("Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('line', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('import_')
