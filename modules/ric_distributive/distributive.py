# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import secrets
import string
from collections import defaultdict

from sql import Column, Literal, Null
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.exceptions import UserError
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

DISTRIBUTIVE_TYPES = [
    ('commercial', "Commercial"),
    ('demo', "Demo"),
    ('preferential', "Preferential"),
    ('regional', "Regional"),
    ('partner', "Partner"),
    ]

DISTRIBUTIVE_STATES = [
    ('in_stock', "In Stock"),
    ('reserved', "Reserved"),
    ('connected', "Connected"),
    ('disconnected', "Disconnected"),
    ('written_off', "Written Off"),
    ]

MOVEMENT_KINDS = [
    ('connection', "Connection"),
    ('disconnection', "Disconnection"),
    ('transfer', "Transfer of Rights"),
    ('replacement', "Replacement Module"),
    ('reregistration', "Re-registration"),
    ]


def _today():
    return Pool().get('ir.date').today()


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Distributive Configuration"
    __name__ = 'ric.distributive.configuration'

    warehouse = fields.Many2One(
        'stock.location', "Warehouse", domain=[('type', '=', 'warehouse')],
        help="The RIC warehouse where distributives are received.")
    demo_warehouse = fields.Many2One(
        'stock.location', "Demo Warehouse",
        domain=[('type', '=', 'warehouse')],
        help="The warehouse of the demo distributives.")
    demo_reservation_days = fields.Integer("Demo Reservation Days",
        help="How long a demo distributive stays reserved.")
    installation_days = fields.Integer("Installation Days",
        help="The default delay between an installation order "
        "and its planned date.")
    registration_format = fields.Selection(
        'get_registration_formats', "Registration File Format")
    registration_encoding = fields.Selection([
            ('utf-8', "UTF-8"),
            ('cp1251', "Windows-1251"),
            ], "Registration File Encoding",
        help="The encoding of the generated files; imported files are "
        "detected.")
    import_folder = fields.Char("Import Folder",
        help="The folder the cron takes the registration files from.")
    archive_folder = fields.Char("Archive Folder",
        help="Where processed files are moved. "
        "Defaults to the 'archive' sub-folder.")
    failed_folder = fields.Char("Failed Folder",
        help="Where failed files are moved with a '.error' file "
        "giving the reason. Defaults to the 'failed' sub-folder.")

    @classmethod
    def default_demo_reservation_days(cls):
        return 30

    @classmethod
    def default_installation_days(cls):
        return 3

    @classmethod
    def default_registration_format(cls):
        return 'csv'

    @classmethod
    def default_registration_encoding(cls):
        return 'utf-8'

    @classmethod
    def get_registration_formats(cls):
        from .regformat import RegistrationFormat
        return RegistrationFormat.selection()


class Distributive(ModelSQL, ModelView):
    "Distributive"
    __name__ = 'ric.distributive'
    _rec_name = 'number'

    number = fields.Char("Number", required=True,
        states={'readonly': Eval('id', -1) >= 0},
        help="Unique within a system.")
    system = fields.Many2One('ric.system', "System", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'in_stock'})
    network_type = fields.Many2One(
        'ric.network.type', "Network Type", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'in_stock'})
    series = fields.Char("Series")
    type = fields.Selection(DISTRIBUTIVE_TYPES, "Type", required=True)
    state = fields.Selection(
        DISTRIBUTIVE_STATES, "State", required=True, readonly=True,
        sort=False)
    client = fields.Many2One('party.party', "Client", readonly=True,
        ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The client the distributive is connected to or was "
        "last connected to.")
    sub_host = fields.Many2One('ric.sub_host', "Served By",
        ondelete='SET NULL',
        help="The sub-host, representation or partner RIC serving "
        "the distributive.")
    service_schemes = fields.Many2Many(
        'ric.distributive-ric.service.scheme', 'distributive', 'scheme',
        "Service Schemes")
    kit = fields.Many2One('ric.kit', "Kit", ondelete='SET NULL')
    location = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')], ondelete='RESTRICT',
        states={'invisible': ~Eval('state').in_(['in_stock', 'reserved'])},
        help="The warehouse holding the distributive.")
    password = fields.Char("Password",
        states={'invisible': Eval('type') != 'demo'})
    password_date = fields.Date("Password Date", readonly=True,
        states={'invisible': Eval('type') != 'demo'})
    reservations = fields.One2Many(
        'ric.distributive.reservation', 'distributive', "Reservations",
        readonly=True)
    movements = fields.One2Many(
        'ric.distributive.movement', 'distributive', "Movements",
        readonly=True)
    history = fields.One2Many(
        'ric.distributive.history', 'distributive', "History",
        readonly=True)
    last_movement_date = fields.Date("Last Movement Date", readonly=True)
    product = fields.Function(fields.Many2One(
            'product.product', "Product",
            context={'company': Eval('company', -1)}, depends={'company'}),
        'on_change_with_product')
    company = fields.Many2One('company.company', "Company", required=True)
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_system_unique', Unique(t, t.system, t.number),
                'ric_distributive.msg_distributive_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.client, Index.Range()),
                    (t.state, Index.Equality())),
                Index(t, (t.number, Index.Equality())),
                })
        cls._order = [('system', 'ASC'), ('number', 'ASC'), ('id', 'ASC')]
        cls.__rpc__.update({
                'get_client_distributives': RPC(),
                'get_on_date': RPC(),
                'get_state_on': RPC(),
                })
        cls._buttons.update({
                'write_off': {
                    'invisible': Eval('state').in_(
                        ['connected', 'written_off']),
                    'depends': ['state'],
                    },
                'rotate_password': {
                    'invisible': Eval('type') != 'demo',
                    'depends': ['type'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'in_stock'

    @classmethod
    def default_type(cls):
        return 'commercial'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_location(cls):
        config = Pool().get('ric.distributive.configuration')(1)
        return config.warehouse.id if config.warehouse else None

    @fields.depends('system')
    def on_change_with_product(self, name=None):
        return self.system.product if self.system else None

    def get_rec_name(self, name):
        return '%s %s' % (
            self.system.code if self.system else '', self.number)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('system.code', operator, operand, *extra),
            ]

    @classmethod
    def copy(cls, distributives, default=None):
        default = default.copy() if default else {}
        for name in ['movements', 'history', 'reservations', 'client',
                'last_movement_date']:
            default.setdefault(name)
        default.setdefault('state', 'in_stock')
        default.setdefault('number', lambda d: d['number'] + '-copy')
        return super().copy(distributives, default=default)

    @classmethod
    def delete(cls, distributives):
        for distributive in distributives:
            if distributive.movements or distributive.state not in {
                    'in_stock', 'written_off'}:
                raise AccessError(gettext(
                        'ric_distributive.msg_distributive_delete',
                        distributive=distributive.rec_name))
        super().delete(distributives)

    @classmethod
    @ModelView.button
    def write_off(cls, distributives):
        cls.write(distributives, {'state': 'written_off'})

    @classmethod
    def _new_password(cls):
        alphabet = string.ascii_uppercase + string.digits
        return ''.join(secrets.choice(alphabet) for _ in range(10))

    @classmethod
    @ModelView.button
    def rotate_password(cls, distributives):
        today = _today()
        to_write = []
        for distributive in distributives:
            if distributive.type == 'demo':
                to_write.extend([[distributive], {
                            'password': cls._new_password(),
                            'password_date': today,
                            }])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def rotate_demo_passwords(cls):
        "Cron: give a new password to every demo distributive not written off"
        cls.rotate_password(cls.search([
                    ('type', '=', 'demo'),
                    ('state', '!=', 'written_off'),
                    ]))

    # ---- spine API -----------------------------------------------------

    @classmethod
    def get_client_distributives(cls, clients, start_date, end_date):
        """Return the distributives connected to clients over a period.

        clients is a list of party ids or instances (None for every client).
        Return {client id: [(distributive id, system id, network type id,
        date from, date to)]} where the dates are the first and the last
        day (both included) of the period the distributive was connected
        with that system and network type; the rows cover every day of
        [start_date, end_date] on which the client had the distributive.
        One query over ric.distributive.history.
        """
        pool = Pool()
        History = pool.get('ric.distributive.history')
        history = History.__table__()
        cursor = Transaction().connection.cursor()
        where = ((history.state == 'connected')
            & (history.date_from <= end_date)
            & ((history.date_to == Null) | (history.date_to > start_date)))
        result = defaultdict(list)
        one_day = dt.timedelta(days=1)
        for sub_where in cls._clients_where(history.client, clients):
            cursor.execute(*history.select(
                    history.client, history.distributive, history.system,
                    history.network_type, history.date_from, history.date_to,
                    where=where & sub_where,
                    order_by=[history.client, history.distributive,
                        history.date_from]))
            for (client, distributive, system, network_type, date_from,
                    date_to) in cursor:
                date_from = _to_date(date_from)
                date_to = _to_date(date_to)
                result[client].append((distributive, system, network_type,
                        max(date_from, start_date),
                        min(date_to - one_day, end_date)
                        if date_to else end_date))
        if clients is not None:
            for client in clients:
                result.setdefault(int(client), [])
        return dict(result)

    @classmethod
    def get_on_date(cls, date, clients=None):
        """Return {client id: [(distributive id, system id, network type id)]}
        of the distributives connected on date, in one query."""
        pool = Pool()
        History = pool.get('ric.distributive.history')
        history = History.__table__()
        cursor = Transaction().connection.cursor()
        where = ((history.state == 'connected')
            & (history.date_from <= date)
            & ((history.date_to == Null) | (history.date_to > date)))
        result = defaultdict(list)
        for sub_where in cls._clients_where(history.client, clients):
            cursor.execute(*history.select(
                    history.client, history.distributive, history.system,
                    history.network_type,
                    where=where & sub_where,
                    order_by=[history.client, history.distributive]))
            for client, distributive, system, network_type in cursor:
                result[client].append((distributive, system, network_type))
        if clients is not None:
            for client in clients:
                result.setdefault(int(client), [])
        return dict(result)

    @classmethod
    def get_state_on(cls, distributives, date):
        """Return {distributive id: {'state', 'client', 'system',
        'network_type'}} as they were on date.

        distributives is a list of ids or instances, None for all.
        A distributive without any registration on date is 'in_stock'
        with the current system and network type (and no client).
        """
        pool = Pool()
        History = pool.get('ric.distributive.history')
        history = History.__table__()
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        join = table.join(history, 'LEFT',
            condition=(history.distributive == table.id)
            & (history.date_from <= date)
            & ((history.date_to == Null) | (history.date_to > date)))
        result = {}
        for sub_where in cls._clients_where(table.id, distributives):
            cursor.execute(*join.select(
                    table.id, Coalesce(history.state, 'in_stock'),
                    history.client,
                    Coalesce(history.system, table.system),
                    Coalesce(history.network_type, table.network_type),
                    where=sub_where))
            for id_, state, client, system, network_type in cursor:
                result[id_] = {
                    'state': state,
                    'client': client,
                    'system': system,
                    'network_type': network_type,
                    }
        return result

    @staticmethod
    def _clients_where(column, records):
        if records is None:
            yield Literal(True)
            return
        ids = [int(r) for r in records]
        for sub_ids in grouped_slice(ids):
            yield reduce_ids(column, sub_ids)


def _sql_update(Model, args):
    """Write args ([records or ids], values, …) with one UPDATE per group
    of identical values and invalidate the transaction caches."""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    groups = defaultdict(list)
    for records, values in zip(args[::2], args[1::2]):
        key = tuple(sorted(values.items()))
        groups[key].extend(int(r) for r in records)
    all_ids = set()
    now = CurrentTimestamp()
    for key, ids in groups.items():
        columns = [Column(table, name) for name, _ in key]
        values = [value for _, value in key]
        columns += [table.write_uid, table.write_date]
        values += [transaction.user, now]
        for sub_ids in grouped_slice(ids):
            cursor.execute(*table.update(columns, values,
                    where=reduce_ids(table.id, sub_ids)))
        all_ids.update(ids)
    if all_ids:
        transaction.counter += 1
        for cache in transaction.cache.values():
            if Model.__name__ in cache:
                records_cache = cache[Model.__name__]
                for id_ in all_ids:
                    records_cache.pop(id_, None)


def _to_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class DistributiveServiceScheme(ModelSQL):
    "Distributive - Service Scheme"
    __name__ = 'ric.distributive-ric.service.scheme'
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE')
    scheme = fields.Many2One('ric.service.scheme', "Scheme",
        required=True, ondelete='CASCADE')


class History(ModelSQL, ModelView):
    "Distributive History"
    __name__ = 'ric.distributive.history'

    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE', readonly=True)
    state = fields.Selection([
            ('connected', "Connected"),
            ('disconnected', "Disconnected"),
            ], "State", readonly=True)
    client = fields.Many2One('party.party', "Client", readonly=True,
        ondelete='RESTRICT')
    system = fields.Many2One('ric.system', "System", readonly=True,
        ondelete='RESTRICT')
    network_type = fields.Many2One('ric.network.type', "Network Type",
        readonly=True, ondelete='RESTRICT')
    date_from = fields.Date("From", required=True, readonly=True)
    date_to = fields.Date("To", readonly=True,
        help="The first day the period no longer covers (empty when open).")
    movement = fields.Many2One('ric.distributive.movement', "Movement",
        readonly=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.client, Index.Range()),
                    (t.date_from, Index.Range())),
                Index(t, (t.date_from, Index.Range()),
                    (t.date_to, Index.Range())),
                Index(t, (t.distributive, Index.Range()),
                    where=t.date_to == Null),
                })
        cls._order = [('distributive', 'ASC'), ('date_from', 'DESC'),
            ('id', 'DESC')]


class Movement(Workflow, ModelSQL, ModelView):
    "Distributive Movement"
    __name__ = 'ric.distributive.movement'

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    date = fields.Date("Date", required=True, states=_states)
    kind = fields.Selection(MOVEMENT_KINDS, "Kind", required=True,
        states=_states)
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='RESTRICT', states=_states)
    client = fields.Many2One('party.party', "Client", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            'required': (Eval('kind').in_(['connection', 'transfer'])
                & (Eval('state') == 'draft')),
            'invisible': Eval('kind').in_(['disconnection', 'replacement']),
            },
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The client receiving the distributive.")
    from_client = fields.Many2One('party.party', "From Client",
        readonly=True, ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'})
    system = fields.Many2One('ric.system', "New System",
        ondelete='RESTRICT', states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'replacement',
            })
    network_type = fields.Many2One('ric.network.type', "New Network Type",
        ondelete='RESTRICT', states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'replacement',
            })
    from_system = fields.Many2One('ric.system', "From System",
        readonly=True, ondelete='RESTRICT')
    from_network_type = fields.Many2One('ric.network.type',
        "From Network Type", readonly=True, ondelete='RESTRICT')
    origin = fields.Reference("Origin", selection='get_origin',
        readonly=True)
    exported = fields.Boolean("Exported", readonly=True,
        help="The disconnection was sent to the registration centre.")
    description = fields.Char("Description", states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    where=t.state == 'draft'),
                Index(t, (t.date, Index.Range()), (t.kind, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return _today()

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_exported(cls):
        return False

    @classmethod
    def _get_origin(cls):
        return ['ric.installation', 'ric.registration.import']

    @classmethod
    def get_origin(cls):
        IrModel = Pool().get('ir.model')
        models = cls._get_origin()
        return [(None, '')] + [(m, IrModel.get_name(m)) for m in models]

    def get_rec_name(self, name):
        kinds = dict(self.fields_get(['kind'])['kind']['selection'])
        return '%s %s %s' % (
            kinds.get(self.kind, ''), self.distributive.rec_name,
            self.date)

    @classmethod
    def check_modification(cls, mode, movements, values=None,
            external=False):
        super().check_modification(
            mode, movements, values=values, external=external)
        if mode == 'delete':
            for movement in movements:
                if movement.state == 'done':
                    raise AccessError(gettext(
                            'ric_distributive.msg_movement_delete_done',
                            movement=movement.rec_name))
        elif mode == 'write' and values and set(values) - {'exported'}:
            for movement in movements:
                if movement.state == 'done':
                    raise AccessError(gettext(
                            'ric_distributive.msg_movement_modify_done',
                            movement=movement.rec_name))

    @classmethod
    def copy(cls, movements, default=None):
        default = default.copy() if default else {}
        for name in ['from_client', 'from_system', 'from_network_type',
                'origin']:
            default.setdefault(name)
        default.setdefault('exported', False)
        return super().copy(movements, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, movements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, movements):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, movements):
        cls._apply(movements)

    def _error(self, message, **kwargs):
        return UserError(gettext('ric_distributive.' + message,
                movement=self.rec_name, **kwargs))

    @classmethod
    def _apply(cls, movements):
        """Apply movements to their distributives and the history.

        The work is batched: the distributives are read once, the open
        history periods are closed by one UPDATE per slice and the new
        periods are created at once.
        """
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        History = pool.get('ric.distributive.history')
        Party = pool.get('party.party')
        history = History.__table__()
        cursor = Transaction().connection.cursor()

        movements = sorted(movements, key=lambda m: (m.date, m.id))
        current = {}  # distributive id: dict of its state
        for movement in movements:
            d = movement.distributive
            if d.id not in current:
                current[d.id] = {
                    'state': d.state,
                    'client': d.client.id if d.client else None,
                    'system': d.system.id,
                    'network_type': d.network_type.id,
                    'last': d.last_movement_date,
                    }

        closes = defaultdict(list)  # date: [distributive ids]
        opens = []
        movement_values = []
        parties = set()
        touched = set()
        for movement in movements:
            d_id = movement.distributive.id
            cur = current[d_id]
            if cur['last'] and movement.date < cur['last']:
                raise movement._error('msg_movement_date_before_last',
                    date=cur['last'])
            state = cur['state']
            client = movement.client.id if movement.client else None
            values = {
                'from_client': cur['client'],
                'from_system': cur['system'],
                'from_network_type': cur['network_type'],
                }
            if state == 'written_off':
                raise movement._error('msg_movement_written_off')
            kind = movement.kind
            new_state = 'connected'
            if kind == 'connection':
                if state == 'connected':
                    raise movement._error('msg_movement_already_connected')
                if not client:
                    raise movement._error('msg_movement_client_required')
            elif kind == 'disconnection':
                if state != 'connected':
                    raise movement._error('msg_movement_not_connected')
                client = cur['client']
                new_state = 'disconnected'
            elif kind == 'transfer':
                if state != 'connected':
                    raise movement._error('msg_movement_not_connected')
                if not client or client == cur['client']:
                    raise movement._error('msg_movement_transfer_client')
            elif kind == 'replacement':
                if state != 'connected':
                    raise movement._error('msg_movement_not_connected')
                client = cur['client']
                system = (movement.system.id if movement.system
                    else cur['system'])
                network_type = (movement.network_type.id
                    if movement.network_type else cur['network_type'])
                if (system, network_type) == (
                        cur['system'], cur['network_type']):
                    raise movement._error('msg_movement_replacement_same')
                cur['system'], cur['network_type'] = system, network_type
            elif kind == 'reregistration':
                client = client or cur['client']
                if not client:
                    raise movement._error('msg_movement_client_required')
            if state in {'connected', 'disconnected'}:
                closes[movement.date].append(d_id)
            opens.append({
                    'distributive': d_id,
                    'state': new_state,
                    'client': client,
                    'system': cur['system'],
                    'network_type': cur['network_type'],
                    'date_from': movement.date,
                    'movement': movement.id,
                    })
            if client != (movement.client.id if movement.client else None):
                values['client'] = client
            if kind == 'replacement':
                values['system'] = cur['system']
                values['network_type'] = cur['network_type']
            movement_values.extend([[movement], values])
            parties.update([cur['client'], client])
            cur.update(state=new_state, client=client, last=movement.date)
            touched.add(d_id)

        # Close the open periods; several movements of one distributive in
        # a batch close the period opened by the previous one, so close in
        # date order and create between dates.
        by_date = defaultdict(list)
        for values in opens:
            by_date[values['date_from']].append(values)
        for date in sorted(set(closes) | set(by_date)):
            for sub_ids in grouped_slice(closes.get(date, [])):
                cursor.execute(*history.update(
                        [history.date_to], [date],
                        where=reduce_ids(history.distributive, sub_ids)
                        & (history.date_to == Null)))
            if by_date.get(date):
                # one distributive may move twice on the same date: keep
                # the last period open only
                seen = {}
                for values in by_date[date]:
                    previous = seen.get(values['distributive'])
                    if previous:
                        previous['date_to'] = date
                    seen[values['distributive']] = values
                History.create(by_date[date])
        # The values below are derived from the movements: they are written
        # in SQL grouped by identical values, as thousands of ORM writes of
        # one record each would dominate a registration import.
        _sql_update(cls, movement_values)
        to_write = []
        for d_id in touched:
            cur = current[d_id]
            to_write.extend([[d_id], {
                        'state': cur['state'],
                        'client': cur['client'],
                        'system': cur['system'],
                        'network_type': cur['network_type'],
                        'last_movement_date': cur['last'],
                        }])
        _sql_update(Distributive, to_write)
        parties.discard(None)
        cls._update_client_status(Party.browse(list(parties)))

    @classmethod
    def _update_client_status(cls, parties):
        "Mark the parties as RIC clients and update their status"
        Party = Pool().get('party.party')
        if not parties:
            return
        to_mark = [p for p in parties if not p.is_client]
        if to_mark:
            Party.write(to_mark, {
                    'is_client': True, 'client_status': 'potential'})
        Party.update_client_status(parties)

    @classmethod
    def create_and_do(cls, vlist):
        "Create movements from vlist and do them"
        movements = cls.create(vlist)
        cls.do(movements)
        return movements


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    distributives = fields.One2Many(
        'ric.distributive', 'client', "Distributives", readonly=True)

    @classmethod
    def _compute_client_status(cls, parties):
        """Served when a distributive is connected, disconnected when it had
        distributives but none is connected, potential otherwise."""
        pool = Pool()
        History = pool.get('ric.distributive.history')
        history = History.__table__()
        cursor = Transaction().connection.cursor()
        result = dict(super()._compute_client_status(parties))
        for party in parties:
            result.setdefault(party.id, 'potential')
        for sub_ids in grouped_slice([p.id for p in parties]):
            sub_ids = list(sub_ids)
            cursor.execute(*history.select(
                    history.client,
                    where=reduce_ids(history.client, sub_ids)
                    & (history.date_to == Null)
                    & (history.state == 'connected'),
                    group_by=[history.client]))
            served = {c for c, in cursor}
            cursor.execute(*history.select(
                    history.client,
                    where=reduce_ids(history.client, sub_ids),
                    group_by=[history.client]))
            had = {c for c, in cursor}
            for party_id in sub_ids:
                if party_id in served:
                    result[party_id] = 'served'
                elif party_id in had:
                    result[party_id] = 'disconnected'
                else:
                    result[party_id] = 'potential'
        return result


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ric.distributive|rotate_demo_passwords',
                    "Rotate Demo Distributive Passwords"),
                ])
