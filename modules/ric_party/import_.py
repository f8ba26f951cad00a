# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Import of clients and contact persons from CSV and XLSX files

The file is read by the shared reader of ric_base; the rows are checked,
matched against the clients in a few set-based queries and the clients
created or updated with one create and one write.
"""
import datetime as dt
import re
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Count, Min

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ric_base import requisites as ru
from trytond.modules.ric_base.reader import Reader
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .duplicate import Corpus
from .exceptions import ClientImportError
from .normalize import (
    normalize_city, normalize_email, normalize_name, normalize_phone)

_IN_MAX = backend.MAX_QUERY_PARAMS // 2

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
    # the values refused by the contact mechanisms of party
    if record.get('phone') and not normalize_phone(record['phone']):
        return 'phone', 'msg_import_invalid_value'
    for field in ['email', 'contact_email']:
        if record.get(field) and not normalize_email(record[field]):
            return field, 'msg_import_invalid_value'
    return None


def name_city_key(record):
    """Return the (name, city) key of a row without INN, phone, e-mail and
    street, the only data to recognise it by, else None"""
    if any(record.get(f) for f in ['inn', 'phone', 'email', 'street']):
        return None
    return normalize_name(record['name']), normalize_city(record.get('city'))


class ImportMapping(ModelSQL, ModelView):
    "Client Import Mapping"
    __name__ = 'ric.party.import.mapping'
    __string__ = "Client Import Mapping"
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
            ('auto', "Detect"),
            ('utf-8', "UTF-8"),
            ('cp1251', "Windows-1251"),
            ('cp866', "DOS (CP866)"),
            ], "Encoding",
        states={
            'invisible': Eval('file_format') != 'csv',
            'required': Eval('file_format') == 'csv',
            },
        help="Detect recognises UTF-8 (with or without BOM), Windows-1251 "
        "and DOS (CP866).")
    delimiter = fields.Char(
        "Delimiter", size=1,
        states={
            'invisible': Eval('file_format') != 'csv',
            },
        help="Leave empty to detect \";\", \",\" or tab from the header.")
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
        return 'auto'

    @classmethod
    def default_update_existing(cls):
        return True

    def get_columns(self):
        "Return {field: [column labels]} of the mapping"
        columns = {}
        for column in self.columns:
            columns.setdefault(column.field, []).append(column.column)
        return columns

    def get_reader(self, data, filename):
        """Return the ric_base Reader of a file; every mapped column is
        required"""
        columns = self.get_columns()
        return Reader(data, filename, columns, required=list(columns),
            file_format=self.file_format,
            encoding=(self.encoding or 'auto'
                if self.file_format == 'csv' else None),
            delimiter=self.delimiter or None)


class ImportMappingColumn(ModelSQL, ModelView):
    "Client Import Mapping Column"
    __name__ = 'ric.party.import.mapping.column'
    __string__ = "Client Import Mapping Column"
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


class _ImportPlan:
    """What an import creates, writes and logs, filled row by row, with the
    data the rows are matched against"""

    def __init__(self, source, corpus, load_name_city):
        #: the id of the source of the mapping (or None)
        self.source = source
        #: the Corpus of the clients, the rows to create added to it
        self.corpus = corpus
        self._load_name_city = load_name_city
        self._by_name_city = None
        #: {source reference: party id} of the references of the file
        self.by_reference = {}
        #: {lower-cased name: id} of the industries
        self.industries = {}
        #: the values of the import lines (the log), one per row
        self.lines = []
        #: the values of the clients to create and the lines of their rows
        self.to_create, self.create_lines = [], []
        # rows of existing clients to update and of duplicates, completed
        # once the clients are read together
        self.existing_rows, self.duplicate_rows = [], []
        #: {party id: values} to write
        self.to_update = {}
        #: {source reference: line number} of the rows to create
        self.in_file = {}

    def reference(self, record):
        "Return the source reference of a row or None"
        if self.source and record.get('external_id'):
            return '%s:%s' % (self.source, record['external_id'])
        return None

    def parties_by_name_city(self):
        """Return {(name, city): id} of the clients (and rows to create,
        negative), the clients read on first use only"""
        if self._by_name_city is None:
            self._by_name_city = self._load_name_city()
        return self._by_name_city


class Import(Workflow, ModelSQL, ModelView):
    "Client Import"
    __name__ = 'ric.party.import'
    __string__ = "Client Import"
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
        "Count the lines by status with one GROUP BY per slice of imports"
        pool = Pool()
        Line = pool.get('ric.party.import.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {i.id: 0 for i in imports} for n in names}
        status2name = {'created': 'created', 'updated': 'updated',
            'duplicate': 'duplicates', 'rejected': 'rejected'}
        for sub_ids in grouped_slice([i.id for i in imports], _IN_MAX):
            cursor.execute(*line.select(
                    line.import_, line.status, Count(line.id),
                    where=reduce_ids(line.import_, sub_ids),
                    group_by=[line.import_, line.status]))
            for import_id, status, count in cursor:
                name = status2name.get(status)
                if name in result:
                    result[name][import_id] = count
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def run(cls, imports):
        for import_ in imports:
            import_.process()

    def read_records(self):
        """Return [(line, {field: value})] of the file, the empty values left
        out; raise a ReadError naming the file and the line"""
        reader = self.mapping.get_reader(self.data, self.filename)
        return [(line, {f: v for f, v in values.items() if v})
            for line, values in reader]

    def process(self):
        "Import the file in the current transaction"
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')
        Industry = pool.get('ric.party.industry')
        mapping = self.mapping
        records = self.read_records()

        corpus = Duplicate.load_corpus()
        source = mapping.source.id if mapping.source else None
        plan = _ImportPlan(source, corpus, self._parties_by_name_city)
        plan.by_reference = self._parties_by_reference(list(filter(None, (
                    plan.reference(r) for _, r in records))))
        plan.industries = {i.name.lower(): i.id for i in Industry.search([])}
        for line_no, record in records:
            self._process_row(plan, line_no, record)
        self._complete_matched(plan)
        self._save(plan)

    def _process_row(self, plan, line_no, record):
        "Check and match a row of the file and add its line to the plan"
        line = {'import_': self.id, 'line': line_no,
            'name': record.get('name')}
        plan.lines.append(line)
        problem = check_row(record)
        if problem:
            field, message = problem
            reason = gettext('ric_party.' + message, file=self.filename,
                line=line_no, field=FIELD_LABELS[field],
                value=record.get(field, ''))
            if self.mapping.strict:
                raise ClientImportError(reason)
            line.update(status='rejected', reason=reason)
            return
        reference = plan.reference(record)
        candidate = Corpus.make_record(
            -line_no, record['name'], record.get('city'),
            record.get('street'), record.get('inn'),
            [record['phone']] if record.get('phone') else [],
            [record['email']] if record.get('email') else [],
            kpp=record.get('kpp'))
        existing = plan.by_reference.get(reference) if reference else None
        key = name_city_key(record)
        if not existing:
            match = self._match(plan, candidate, key)
            if match and match[1] == 'inn':
                existing = match[0]
            elif match:
                line['status'] = 'duplicate'
                if match[0] < 0:
                    line['reason'] = gettext(
                        'ric_party.msg_import_duplicate_row',
                        line=-match[0])
                else:
                    line['party'] = match[0]
                    plan.duplicate_rows.append((line, match))
                return
        if existing and existing < 0:
            line.update(status='duplicate', reason=gettext(
                    'ric_party.msg_import_duplicate_row',
                    line=-existing))
        elif existing:
            line['party'] = existing
            plan.existing_rows.append((line, record))
        elif reference and reference in plan.in_file:
            line.update(status='duplicate', reason=gettext(
                    'ric_party.msg_import_duplicate_row',
                    line=plan.in_file[reference]))
        else:
            self._plan_create(plan, line, record, reference, candidate, key)

    @staticmethod
    def _match(plan, candidate, key):
        """Return (id, reason, score) of the client or the earlier row the
        candidate row duplicates, or None"""
        match = plan.corpus.match(candidate)
        if not match and key:
            by_name_city = plan.parties_by_name_city()
            if by_name_city.get(key):
                match = (by_name_city[key], 'name_city', 100)
        return match

    def _plan_create(self, plan, line, record, reference, candidate, key):
        "Add the client of a new row to the plan and to the matched data"
        if reference:
            plan.in_file[reference] = line['line']
        plan.corpus.add(candidate)
        if key:
            plan.parties_by_name_city().setdefault(key, -line['line'])
        values = self._create_values(record, plan.industries)
        values['source_reference'] = reference
        values['record_source'] = plan.source
        plan.to_create.append(values)
        plan.create_lines.append(line)
        line['status'] = 'created'

    def _complete_matched(self, plan):
        """Plan the update of the clients matched and complete the lines of
        the rows matched, with the clients read together"""
        parties = self._read_parties(
            {l['party'] for l, _ in plan.existing_rows}
            | {l['party'] for l, _ in plan.duplicate_rows})
        for line, record in plan.existing_rows:
            party = parties[line['party']]
            values = (self._update_values(party, record, plan.industries)
                if self.mapping.update_existing else {})
            if values:
                self._merge_values(
                    plan.to_update.setdefault(party['id'], {}), values)
                line.update(status='updated', reason=', '.join(
                        FIELD_LABELS.get(f, f) for f in sorted(
                            self._updated_fields(values))))
            else:
                line.update(status='duplicate', reason=gettext(
                        'ric_party.msg_import_nothing_to_update',
                        party=party['rec_name']))
        for line, match in plan.duplicate_rows:
            line['reason'] = self._duplicate_reason(
                parties[match[0]]['rec_name'], match[1])

    def _save(self, plan):
        "Write and create the clients of the plan, then the lines of the log"
        pool = Pool()
        Party = pool.get('party.party')
        Line = pool.get('ric.party.import.line')
        try:
            self._write_updates(plan.to_update)
            if plan.to_create:
                created = Party.create(plan.to_create)
                for line, party in zip(plan.create_lines, created):
                    line['party'] = party.id
        except ValidationError as exception:
            raise ClientImportError(gettext(
                    'ric_party.msg_import_save_failed', file=self.filename,
                    error=exception.message)) from exception
        Line.create(plan.lines)
        self.date = dt.datetime.now()
        self.save()

    @classmethod
    def _parties_by_reference(cls, references):
        "Return {source reference: party id} of the references"
        pool = Pool()
        Party = pool.get('party.party')
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub_references in grouped_slice(sorted(set(references)),
                _IN_MAX):
            cursor.execute(*party.select(party.source_reference, party.id,
                    where=party.source_reference.in_(list(sub_references)),
                    order_by=[party.id.asc]))
            for reference, party_id in cursor:
                result.setdefault(reference, party_id)
        return result

    @classmethod
    def _parties_by_name_city(cls):
        """Return {(normalized name, normalized city): party id} of the
        active clients with the city of their first address"""
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        party = Party.__table__()
        address = Address.__table__()
        cursor = Transaction().connection.cursor()
        first = address.select(
            address.party, Min(address.id).as_('id'),
            where=address.active == Literal(True),
            group_by=address.party)
        cursor.execute(*party.join(first, 'LEFT',
                condition=first.party == party.id
                ).join(address, 'LEFT',
                condition=address.id == first.id
                ).select(party.id, party.name, address.city,
                where=(party.is_client == Literal(True))
                & (party.active == Literal(True)),
                order_by=[party.id.asc]))
        result = {}
        for party_id, name, city in cursor:
            result.setdefault(
                (normalize_name(name), normalize_city(city)), party_id)
        return result

    @classmethod
    def _read_parties(cls, ids):
        """Return {id: dict} of the clients with the data the import
        compares: rec_name, kpp, ogrn, accountants, lawyers, industry,
        phones and e-mails (normalized), has_address, contact_names
        (lower-cased); a few queries per slice of clients"""
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        Address = pool.get('party.address')
        Contact = pool.get('ric.party.contact')
        mechanism = Mechanism.__table__()
        address = Address.__table__()
        contact = Contact.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        ids = sorted(ids)
        for sub_ids in grouped_slice(ids, _IN_MAX):
            sub_ids = list(sub_ids)
            for values in Party.read(sub_ids, [
                        'rec_name', 'kpp', 'ogrn', 'accountants', 'lawyers',
                        'industry']):
                values.update(
                    phones=set(), emails=set(), has_address=False,
                    contact_names=set())
                result[values['id']] = values
            cursor.execute(*mechanism.select(
                    mechanism.party, mechanism.type, mechanism.value,
                    where=reduce_ids(mechanism.party, sub_ids)
                    & mechanism.type.in_(['phone', 'mobile', 'email'])
                    & (mechanism.active == Literal(True))))
            for party_id, type_, value in cursor:
                if type_ == 'email':
                    result[party_id]['emails'].add((value or '').lower())
                else:
                    result[party_id]['phones'].add(
                        normalize_phone(value) or value)
            cursor.execute(*address.select(address.party,
                    where=reduce_ids(address.party, sub_ids)
                    & (address.active == Literal(True)),
                    group_by=[address.party]))
            for party_id, in cursor:
                result[party_id]['has_address'] = True
            cursor.execute(*contact.select(contact.party, contact.name,
                    where=reduce_ids(contact.party, sub_ids)
                    & (contact.active == Literal(True))
                    & (contact.name != Null)))
            for party_id, name in cursor:
                result[party_id]['contact_names'].add(name.lower())
        return result

    @staticmethod
    def _merge_values(values, new):
        "Merge the write values of two rows of the same client"
        for name, value in new.items():
            if name in {'contact_mechanisms', 'addresses', 'ric_contacts'}:
                values.setdefault(name, [('create', [])])[0][1].extend(
                    value[0][1])
            else:
                values.setdefault(name, value)

    @classmethod
    def _write_updates(cls, to_update):
        """Write {party id: values}: one create per kind of the added
        records, one write per set of identical values of the fields"""
        pool = Pool()
        Party = pool.get('party.party')
        targets = {
            'contact_mechanisms': pool.get('party.contact_mechanism'),
            'addresses': pool.get('party.address'),
            'ric_contacts': pool.get('ric.party.contact'),
            }
        to_create = {name: [] for name in targets}
        to_write = defaultdict(list)
        for party_id, values in to_update.items():
            values = dict(values)
            for name in targets:
                for action in values.pop(name, []):
                    to_create[name].extend(
                        dict(v, party=party_id) for v in action[1])
            if values:
                to_write[tuple(sorted(values.items()))].append(party_id)
        if to_write:
            args = []
            for values, ids in to_write.items():
                args.extend((Party.browse(ids), dict(values)))
            Party.write(*args)
        for name, Target in targets.items():
            if to_create[name]:
                Target.create(to_create[name])

    _match_reasons = {
        'name_city': 'msg_import_reason_name_city',
        }

    def _duplicate_reason(self, party_name, reason):
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')
        label = Duplicate._reason_labels.get(reason) or self._match_reasons[
            reason]
        return gettext('ric_party.msg_import_duplicate_of',
            party=party_name, reason=gettext('ric_party.' + label))

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
        """Return the values filling the empty fields of party (a dict of
        _read_parties, updated with what the values add)"""
        values = {}
        for name in ['kpp', 'ogrn', 'accountants', 'lawyers']:
            if record.get(name) not in (None, '') and party[name] in (
                    None, ''):
                values[name] = party[name] = record[name]
        if record.get('industry') and not party['industry']:
            industry = industries.get(record['industry'].lower())
            if industry:
                values['industry'] = party['industry'] = industry
        mechanisms = []
        if record.get('phone'):
            phone = normalize_phone(record['phone']) or record['phone']
            if phone not in party['phones']:
                mechanisms.append({'type': 'phone', 'value': record['phone']})
                party['phones'].add(phone)
        if record.get('email') and record['email'].lower() not in party[
                'emails']:
            mechanisms.append({'type': 'email', 'value': record['email']})
            party['emails'].add(record['email'].lower())
        if mechanisms:
            values['contact_mechanisms'] = [('create', mechanisms)]
        if not party['has_address'] and any(
                record.get(f) for f in ['city', 'street']):
            values['addresses'] = [('create', [{
                            'city': record.get('city'),
                            'street': record.get('street'),
                            'postal_code': record.get('postal_code'),
                            }])]
            party['has_address'] = True
        contact = self._contact_values(record)
        if contact and contact['name'].lower() not in party['contact_names']:
            values['ric_contacts'] = [('create', [contact])]
            party['contact_names'].add(contact['name'].lower())
        return values


class ImportLine(ModelSQL, ModelView):
    "Client Import Line"
    __name__ = 'ric.party.import.line'
    __string__ = "Client Import Line"
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
