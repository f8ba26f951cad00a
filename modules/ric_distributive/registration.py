# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import hashlib
import os
from collections import defaultdict

from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.modules.ric_base import folder as ric_folder
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import RegistrationError
from .regformat import RegistrationFormat, get_format


DISCREPANCY_KINDS = [
    ('unknown_system', "Unknown System"),
    ('unknown_network_type', "Unknown Network Type"),
    ('unknown_client', "Unknown Client"),
    ('written_off', "Written Off but Registered"),
    ('missing', "Missing from the File"),
    ('ambiguous', "Ambiguous Number"),
    ('other_company', "Distributive of Another Company"),
    ]


class RegistrationImport(ModelSQL, ModelView):
    "Registration File Import"
    __name__ = 'ric.registration.import'
    __string__ = "Registration File Import"

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    filename = fields.Char("File Name", readonly=True)
    date = fields.Date("Date", readonly=True)
    digest = fields.Char("Digest", readonly=True)
    format = fields.Selection('get_formats', "Format", readonly=True)
    row_count = fields.Integer("Rows", readonly=True)
    new_count = fields.Integer("New Registrations", readonly=True)
    reregistration_count = fields.Integer("Re-registrations", readonly=True)
    replacement_count = fields.Integer("Replacements", readonly=True)
    disconnection_count = fields.Integer("Disconnections", readonly=True)
    discrepancies = fields.One2Many('ric.registration.discrepancy',
        'import_', "Discrepancies", readonly=True)
    discrepancy_count = fields.Integer("Discrepancies", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # two imports of one file, even concurrent, cannot both apply
            ('company_digest_unique', Unique(t, t.company, t.digest),
                'ric_distributive.msg_registration_import_unique'),
            ]
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_formats(cls):
        return RegistrationFormat.selection()

    def get_rec_name(self, name):
        return '%s (%s)' % (self.filename, self.date)

    @classmethod
    def import_data(cls, data, filename, date=None, format=None):
        """Import the registration file data and return the import record.

        The file is parsed entirely before anything is written; it is then
        compared with the distributives of the company of the context and
        the implied movements are created and done.  The same content
        imported again for the company returns the first import and changes
        nothing; a concurrent import of the same content fails on the
        unique digest of the company.
        """
        pool = Pool()
        Configuration = pool.get('ric.distributive.configuration')
        Date = pool.get('ir.date')
        company = Transaction().context.get('company')
        if not company:
            raise RegistrationError(gettext(
                    'ric_distributive.msg_registration_no_company',
                    filename=filename))
        config = Configuration(1)
        if format is None:
            format = config.registration_format or 'csv'
        if date is None:
            date = Date.today()
        if isinstance(data, str):
            data = data.encode('utf-8')
        data = bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        previous = cls.search([
                ('company', '=', company),
                ('digest', '=', digest),
                ], limit=1)
        if previous:
            return previous[0]
        rows = get_format(format).parse(data, filename)
        record, = cls.create([{
                    'company': company,
                    'filename': filename,
                    'date': date,
                    'digest': digest,
                    'format': format,
                    'row_count': len(rows),
                    }])
        record._reconcile(rows)
        return record

    def _reconcile(self, rows):
        """Compare the rows of the file with the company's base and apply
        the movements they imply; record what cannot be applied"""
        plan = _Plan(self)
        plan.systems, plan.network_types, plan.parties = self._references(
            rows)
        plan.base, plan.by_number = self._base()
        plan.file_keys = {(plan.systems.get(r.system), r.number)
            for r in rows}
        plan.foreign = self._foreign(rows, plan.file_keys)
        for row in rows:
            self._reconcile_row(plan, row)
        for current in plan.base.values():
            if current[4] == 'connected' and current[0] not in plan.seen:
                plan.discrepancy(None, 'missing', 'missing',
                    distributive=current[0],
                    system_code=None, number=current[2])
        self._apply(plan)

    def _references(self, rows):
        """Return {code: id} of the systems, of the network types and of
        the parties the rows name"""
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Party = pool.get('party.party')
        cursor = Transaction().connection.cursor()
        system_table = System.__table__()
        cursor.execute(*system_table.select(
                system_table.code, system_table.id))
        systems = dict(cursor)
        nt_table = NetworkType.__table__()
        cursor.execute(*nt_table.select(nt_table.code, nt_table.id))
        network_types = dict(cursor)
        party_table = Party.__table__()
        codes = {r.client_code for r in rows if r.client_code}
        parties = {}
        if codes:
            # the client number of the RIC first, the party code otherwise
            for column in [party_table.code, party_table.client_number]:
                cursor.execute(*party_table.select(
                        column, party_table.id, where=column != Null))
                parties.update((c, i) for c, i in cursor if c in codes)
        return systems, network_types, parties

    def _base(self):
        """Return the distributives of the company by (system, number) and
        by number, as rows (id, system, number, network type, state,
        client, last movement date)"""
        Distributive = Pool().get('ric.distributive')
        table = Distributive.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id, table.system, table.number, table.network_type,
                table.state, table.client, table.last_movement_date,
                where=table.company == self.company.id))
        base = {}
        by_number = defaultdict(list)
        for row in cursor:
            base[(row[1], row[2])] = row
            by_number[row[2]].append(row)
        return base, by_number

    def _foreign(self, rows, file_keys):
        """Return the (system, number) of the file that belong to another
        company: the number is unique in its system across the companies"""
        Distributive = Pool().get('ric.distributive')
        table = Distributive.__table__()
        cursor = Transaction().connection.cursor()
        company = self.company.id
        foreign = set()
        numbers = sorted({r.number for r in rows})
        for sub_numbers in grouped_slice(
                numbers, backend.MAX_QUERY_PARAMS // 2):
            cursor.execute(*table.select(table.system, table.number,
                    where=table.number.in_(list(sub_numbers))
                    & ((table.company != company) | (table.company == Null))))
            foreign.update(
                (system, number) for system, number in cursor
                if (system, number) in file_keys)
        return foreign

    def _reconcile_row(self, plan, row):
        "Plan what the row implies, or record why it cannot be applied"
        system = plan.systems.get(row.system)
        if system is None:
            plan.discrepancy(row, 'unknown_system', 'unknown_system',
                system=row.system)
            return
        network_type = plan.network_types.get(row.network_type)
        if network_type is None:
            plan.discrepancy(row, 'unknown_network_type',
                'unknown_network_type', network_type=row.network_type)
            return
        client = plan.parties.get(row.client_code)
        if row.status == 'active' and client is None:
            plan.discrepancy(row, 'unknown_client', 'unknown_client',
                client=row.client_code)
            return
        current = plan.base.get((system, row.number))
        if current is None and (system, row.number) in plan.foreign:
            plan.discrepancy(row, 'other_company', 'other_company')
        elif current is None:
            self._reconcile_unknown(plan, row, system, network_type, client)
        else:
            self._reconcile_known(plan, row, current, network_type, client)

    def _reconcile_unknown(self, plan, row, system, network_type, client):
        """Plan a row whose distributive the base does not have under its
        system: a replacement of the connected one of the same number
        (another system), or a new distributive"""
        active = row.status == 'active'
        candidates = [c for c in plan.by_number.get(row.number, [])
            if (c[1], c[2]) not in plan.file_keys and c[4] == 'connected']
        if len(candidates) > 1:
            plan.discrepancy(row, 'ambiguous', 'ambiguous')
        elif candidates:
            current, = candidates
            plan.seen.add(current[0])
            date = _date(row, current, self.date)
            plan.movement('replacement', current[0], date,
                system=system, network_type=network_type)
            if active and client != current[5]:
                plan.movement('reregistration', current[0], date,
                    client=client)
            elif not active:
                plan.movement('disconnection', current[0], date)
        elif active:
            plan.new_distributives.append({
                    'company': self.company.id,
                    'number': row.number,
                    'system': system,
                    'network_type': network_type,
                    'series': row.series or None,
                    'type': row.type or 'commercial',
                    'state': 'in_stock',
                    })
            plan.new_movements.append((row, client))

    def _reconcile_known(self, plan, row, current, network_type, client):
        "Plan the movements that bring a known distributive to the row"
        d_id, _, _, d_network_type, state, d_client, _ = current
        plan.seen.add(d_id)
        date = _date(row, current, self.date)
        active = row.status == 'active'
        if state == 'written_off':
            if active:
                plan.discrepancy(row, 'written_off', 'written_off',
                    distributive=d_id)
        elif not active:
            if state == 'connected':
                plan.movement('disconnection', d_id, date)
        elif state in {'connected', 'disconnected'}:
            if state == 'disconnected' or client != d_client:
                plan.movement('reregistration', d_id, date, client=client)
            if network_type != d_network_type:
                plan.movement('replacement', d_id, date,
                    network_type=network_type)
        else:
            if network_type != d_network_type:
                plan.network_types_to_write[network_type].append(d_id)
            plan.movement('connection', d_id, date, client=client)

    def _apply(self, plan):
        "Create and apply what the plan holds and store the counts"
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        Discrepancy = pool.get('ric.registration.discrepancy')
        if plan.network_types_to_write:
            args = []
            for network_type, ids in plan.network_types_to_write.items():
                args.extend((Distributive.browse(ids),
                        {'network_type': network_type}))
            Distributive.write(*args)
        if plan.new_distributives:
            created = Distributive.create(plan.new_distributives)
            for distributive, (row, client) in zip(
                    created, plan.new_movements):
                plan.movement('connection', distributive.id,
                    row.date or self.date, client=client)
                plan.counts['new'] += 1
                plan.counts['connection'] -= 1
        if plan.movements:
            Movement.create_and_do(plan.movements)
        if plan.discrepancies:
            Discrepancy.create(plan.discrepancies)
        counts = plan.counts
        self.new_count = counts['new'] + counts['connection']
        self.reregistration_count = counts['reregistration']
        self.replacement_count = counts['replacement']
        self.disconnection_count = counts['disconnection']
        self.discrepancy_count = len(plan.discrepancies)
        self.save()

    @classmethod
    def import_folder(cls):
        "Cron: import the files of the configured folder"
        pool = Pool()
        Configuration = pool.get('ric.distributive.configuration')
        config = Configuration(1)
        folder = config.import_folder
        if not folder:
            return
        if not os.path.isdir(folder):
            raise RegistrationError(gettext(
                    'ric_distributive.msg_registration_folder',
                    folder=folder))
        ric_folder.import_folder(folder, cls.import_data,
            archive=config.archive_folder, failed=config.failed_folder)


class _Plan:
    """What the rows of a registration file imply: the references and the
    base they are compared with, then the records to create"""

    def __init__(self, import_):
        self.import_id = import_.id
        self.company = import_.company.id
        self.origin = str(import_)
        self.systems = self.network_types = self.parties = {}
        self.base, self.by_number = {}, {}
        self.file_keys, self.foreign = set(), set()
        self.discrepancies = []
        self.new_distributives = []
        self.new_movements = []  # (row, client) of each new distributive
        self.movements = []
        self.network_types_to_write = defaultdict(list)
        self.counts = defaultdict(int)
        self.seen = set()

    def discrepancy(self, row, kind, message, distributive=None, **kwargs):
        "Record what a row (or the base) shows that cannot be applied"
        self.discrepancies.append({
                'import_': self.import_id,
                'line': row.line if row else None,
                'system_code': row.system if row else kwargs.get(
                    'system_code'),
                'number': row.number if row else kwargs.get('number'),
                'client_code': row.client_code if row else None,
                'distributive': distributive,
                'kind': kind,
                'description': gettext(
                    'ric_distributive.msg_discrepancy_' + message,
                    **kwargs),
                })

    def movement(self, kind, distributive, date, **values):
        "Plan a movement of the distributive"
        values.update({
                'company': self.company,
                'kind': kind,
                'distributive': distributive,
                'date': date,
                'origin': self.origin,
                })
        self.movements.append(values)
        self.counts[kind] += 1


def _date(row, current, default):
    date = row.date or default
    last = current[6]
    if isinstance(last, str):
        last = dt.date.fromisoformat(last[:10])
    if last and date < last:
        date = last
    return date


class Discrepancy(ModelSQL, ModelView):
    "Registration File Discrepancy"
    __name__ = 'ric.registration.discrepancy'
    __string__ = "Registration File Discrepancy"

    import_ = fields.Many2One('ric.registration.import', "Import",
        required=True, ondelete='CASCADE', readonly=True)
    date = fields.Function(fields.Date("Date"), 'get_date')
    line = fields.Integer("Line", readonly=True)
    kind = fields.Selection(DISCREPANCY_KINDS, "Kind", readonly=True)
    system_code = fields.Char("System Code", readonly=True)
    number = fields.Char("Number", readonly=True)
    client_code = fields.Char("Client Code", readonly=True)
    distributive = fields.Many2One('ric.distributive', "Distributive",
        readonly=True, ondelete='CASCADE')
    description = fields.Char("Description", readonly=True)
    resolved = fields.Boolean("Resolved")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('import_', 'DESC'), ('line', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_resolved(cls):
        return False

    def get_date(self, name):
        return self.import_.date

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection']).get(
            self.kind, self.kind or '')
        system_code = self.system_code
        if not system_code and self.distributive:
            system_code = self.distributive.system.code
        values = {
            'kind': kind,
            'distributive': ' '.join(
                filter(None, [system_code, self.number])),
            'line': self.line,
            }
        if self.line:
            return gettext(
                'ric_distributive.msg_discrepancy_rec_name_line', **values)
        return gettext('ric_distributive.msg_discrepancy_rec_name', **values)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('system_code', operator, operand, *extra),
            ('description', operator, operand, *extra),
            ]


class ImportStart(ModelView):
    "Import Registration File"
    __name__ = 'ric.registration.import.start'
    __string__ = "Import Registration File"
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")
    record = fields.Many2One('ric.registration.import', "Import",
        readonly=True, states={'invisible': True})


class ImportSummary(ModelView):
    "Registration File Import Summary"
    __name__ = 'ric.registration.import.summary'
    __string__ = "Registration File Import Summary"

    filename = fields.Char("File Name", readonly=True)
    rows = fields.Integer("Rows", readonly=True)
    created = fields.Integer("New Registrations", readonly=True,
        help="Distributives connected: created or taken from the stock.")
    changed = fields.Integer("Changed", readonly=True,
        help="Re-registrations to another client and replacement modules.")
    disconnected = fields.Integer("Disconnected", readonly=True)
    missing = fields.Integer("Missing from the File", readonly=True,
        help="Connected distributives of the company the file does not "
        "list: the file is the full state of the registration centre.")
    discrepancies = fields.Integer("Other Discrepancies", readonly=True,
        help="Lines that cannot be applied: unknown system, network type "
        "or client, written-off or ambiguous distributives.")

    @classmethod
    def values(cls, record):
        "The summary of a registration import"
        missing = sum(1 for d in record.discrepancies if d.kind == 'missing')
        return {
            'filename': record.filename,
            'rows': record.row_count or 0,
            'created': record.new_count or 0,
            'changed': ((record.reregistration_count or 0)
                + (record.replacement_count or 0)),
            'disconnected': record.disconnection_count or 0,
            'missing': missing,
            'discrepancies': (record.discrepancy_count or 0) - missing,
            }


class Import(Wizard):
    "Import Registration File"
    __name__ = 'ric.registration.import.wizard'
    __string__ = "Import Registration File"

    start = StateView('ric.registration.import.start',
        'ric_distributive.registration_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    summary = StateView('ric.registration.import.summary',
        'ric_distributive.registration_import_summary_view_form', [
            Button("Open the Import", 'open_', 'tryton-forward'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    open_ = StateAction('ric_distributive.act_registration_import_form')

    def transition_import_(self):
        RegistrationImport = Pool().get('ric.registration.import')
        self.start.record = RegistrationImport.import_data(
            self.start.file, self.start.filename or 'registration.csv')
        return 'summary'

    def default_summary(self, fields):
        return ImportSummary.values(self.start.record)

    def do_open_(self, action):
        return action, {'res_id': [self.start.record.id]}

    def transition_open_(self):
        return 'end'


class ExportStart(ModelView):
    "Export Disconnections"
    __name__ = 'ric.registration.export.start'
    __string__ = "Export Disconnections"
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")
    include_exported = fields.Boolean("Include Exported",
        help="Export again the disconnections already sent.")


class ExportResult(ModelView):
    "Export Disconnections"
    __name__ = 'ric.registration.export.result'
    __string__ = "Export Disconnections"
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    count = fields.Integer("Disconnections", readonly=True)


class Export(Wizard):
    "Export Disconnections"
    __name__ = 'ric.registration.export'
    __string__ = "Export Disconnections"

    start = StateView('ric.registration.export.start',
        'ric_distributive.registration_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()
    result = StateView('ric.registration.export.result',
        'ric_distributive.registration_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_generate(self):
        Movement = Pool().get('ric.distributive.movement')
        data, filename, movements = Movement.generate_disconnection_file(
            self.start.from_date, self.start.to_date,
            self.start.include_exported)
        self.result.file = data
        self.result.filename = filename
        self.result.count = len(movements)
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'filename': self.result.filename,
            'count': self.result.count,
            }


class Movement(metaclass=PoolMeta):
    __name__ = 'ric.distributive.movement'

    @classmethod
    def generate_disconnection_file(cls, from_date=None, to_date=None,
            include_exported=False, format=None, encoding=None):
        """Return (data, filename, movements) of the file asking the
        registration centre to disconnect the distributives disconnected in
        the system; the movements are flagged as exported."""
        pool = Pool()
        Configuration = pool.get('ric.distributive.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        domain = [
            ('kind', '=', 'disconnection'),
            ('state', '=', 'done'),
            ]
        if from_date:
            domain.append(('date', '>=', from_date))
        if to_date:
            domain.append(('date', '<=', to_date))
        if not include_exported:
            domain.append(('exported', '=', False))
        movements = cls.search(domain, order=[('date', 'ASC'), ('id', 'ASC')])
        rows = []
        for movement in movements:
            distributive = movement.distributive
            client = movement.from_client
            rows.append({
                    'system': (movement.from_system or distributive.system
                        ).code,
                    'number': distributive.number,
                    'network_type': (movement.from_network_type
                        or distributive.network_type).code,
                    'status': 'disconnected',
                    'client_code': (client.client_number or client.code
                        if client else ''),
                    'client_inn': '',
                    'client_name': client.name if client else '',
                    'date': movement.date,
                    'series': distributive.series or '',
                    'type': distributive.type,
                    })
        data = get_format(format or config.registration_format or 'csv'
            ).generate(rows,
                encoding=encoding or config.registration_encoding or 'utf-8')
        if movements:
            cls.write(movements, {'exported': True})
        filename = 'disconnections-%s.csv' % Date.today().isoformat()
        return data, filename, movements


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ric.registration.import|import_folder',
                    "Import Registration Files"),
                ])
