# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import secrets
import string
from collections import defaultdict

from sql import Literal, Null
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.exceptions import UserError
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.pyson import Eval
from trytond.modules.ric_base.batch import id_slices, in_ids, where_slices
from trytond.transaction import Transaction, without_check_access

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
    __string__ = "Distributive Configuration"

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
    __string__ = "Distributive"
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
    #
    # Conventions (see doc/spine_api.rst): a movement dated D takes effect
    # on D.  A history period covers [date_from, date_to[: a disconnection
    # dated D makes D the first day out of service, a transfer dated D gives
    # D to the new client, and two movements of one distributive on the
    # same day leave a zero-length period (date_from == date_to) that covers
    # no day and is never returned.

    @classmethod
    def get_client_distributives(cls, clients, start_date, end_date):
        """Return the distributives connected to clients over a period.

        clients is a list of party ids or instances (None for every client).
        Return {client id: [(distributive id, system id, network type id,
        date from, date to)]} where the dates are the first and the last
        day (both included) of a stretch the distributive was connected to
        that client with that system and network type.  The rows of one
        distributive never overlap and never have date from > date to; they
        cover exactly the days of [start_date, end_date] on which
        :meth:`get_state_on` says the distributive was connected to the
        client.  A disconnection dated D makes D the first day out of
        service; a transfer dated D gives D to the new client.

        Over RPC only the clients the user may read are answered.
        The number of queries does not depend on the number of clients.
        """
        pool = Pool()
        History = pool.get('ric.distributive.history')
        history = History.__table__()
        cursor = Transaction().connection.cursor()
        where = ((history.state == 'connected')
            & (history.date_from <= end_date)
            & ((history.date_to == Null) | (
                    (history.date_to > start_date)
                    & (history.date_to > history.date_from))))
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
                date_from = max(_to_date(date_from), start_date)
                date_to = _to_date(date_to)
                date_to = (min(date_to - one_day, end_date)
                    if date_to else end_date)
                if date_from <= date_to:
                    result[client].append((distributive, system,
                            network_type, date_from, date_to))
        cls._fill_requested(result, clients, list)
        return dict(result)

    @classmethod
    def get_on_date(cls, date, clients=None):
        """Return {client id: [(distributive id, system id, network type id)]}
        of the distributives connected on date.

        A distributive disconnected on date is not connected that day; one
        transferred on date is connected to its new client.
        Over RPC only the clients the user may read are answered.
        The number of queries does not depend on the number of clients.
        """
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
        cls._fill_requested(result, clients, list)
        return dict(result)

    @classmethod
    def get_state_on(cls, distributives, date):
        """Return {distributive id: {'state', 'client', 'system',
        'network_type'}} as they were on date.

        distributives is a list of ids or instances, None for all.
        A distributive without any registration on date is 'in_stock'
        with the current system and network type (and no client).
        Over RPC only the distributives the user may read are answered and
        a client the user may not read is given as None.
        The number of queries does not depend on the number of
        distributives.
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
        where = Literal(True)
        readable_clients = None
        if Transaction().check_access:
            where = table.id.in_(cls.search([], query=True))
            readable_clients = cls._readable_clients()
        result = {}
        for sub_where in where_slices(table.id, distributives):
            cursor.execute(*join.select(
                    table.id, Coalesce(history.state, 'in_stock'),
                    history.client,
                    Coalesce(history.system, table.system),
                    Coalesce(history.network_type, table.network_type),
                    where=sub_where & where))
            for id_, state, client, system, network_type in cursor:
                result[id_] = {
                    'state': state,
                    'client': client,
                    'system': system,
                    'network_type': network_type,
                    }
        if readable_clients is not None:
            clients = {r['client'] for r in result.values() if r['client']}
            if clients:
                visible = set(cls._readable_client_ids(clients))
                for values in result.values():
                    if values['client'] not in visible:
                        values['client'] = None
        return result

    @classmethod
    def _clients_where(cls, column, clients):
        """Yield the conditions on column for clients in slices

        When access is checked (RPC), the clients are restricted to the
        parties the user may read, with the record rules of party.party.
        """
        where = Literal(True)
        if Transaction().check_access:
            where = column.in_(cls._readable_clients())
        for sub_where in where_slices(column, clients):
            yield sub_where & where

    @classmethod
    def _readable_clients(cls):
        "Return the query of the ids of the parties the user may read"
        Party = Pool().get('party.party')
        return Party.search([], query=True)

    @classmethod
    def _readable_client_ids(cls, ids):
        Party = Pool().get('party.party')
        result = []
        for sub_ids in id_slices(ids):
            result.extend(p.id for p in Party.search(
                    [('id', 'in', sub_ids)]))
        return result

    @classmethod
    def _fill_requested(cls, result, clients, factory):
        "Give every requested (and readable) client a key in result"
        if clients is None:
            return
        ids = {int(c) for c in clients}
        if Transaction().check_access:
            ids = set(cls._readable_client_ids(ids))
        for client in ids:
            result.setdefault(client, factory())


def _group_args(args):
    """Merge the pairs of write args ([records], values, …) that have
    identical values, so that write() runs one UPDATE per set of values"""
    groups = {}
    for records, values in zip(args[::2], args[1::2]):
        key = tuple(sorted(values.items()))
        groups.setdefault(key, ([], values))[0].extend(records)
    result = []
    for records, values in groups.values():
        result.extend([records, values])
    return result


def _to_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class DistributiveServiceScheme(ModelSQL):
    "Distributive - Service Scheme"
    __name__ = 'ric.distributive-ric.service.scheme'
    __string__ = "Distributive - Service Scheme"
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE')
    scheme = fields.Many2One('ric.service.scheme', "Scheme",
        required=True, ondelete='CASCADE')


class History(ModelSQL, ModelView):
    "Distributive History"
    __name__ = 'ric.distributive.history'
    __string__ = "Distributive History"

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
    __string__ = "Distributive Movement"

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
        history periods of a date are closed and the new ones created by one
        call each, and the movements and distributives are written by one
        grouped ``write`` each (one UPDATE per set of identical values).
        """
        pool = Pool()
        Party = pool.get('party.party')
        movements = sorted(movements, key=lambda m: (m.date, m.id))
        current = cls._current_states(movements)
        closes, opens, movement_values, parties = cls._plan(
            movements, current)
        # The history, the distributives and the client statuses are
        # derived from the movements the user may do: they are written
        # without the user's access rights on those models.
        with without_check_access():
            cls._write_history(closes, opens)
            cls._write_results(movement_values, current)
            parties.discard(None)
            cls._update_client_status(Party.browse(list(parties)))

    @classmethod
    def _current_states(cls, movements):
        "Return {distributive id: its current state} of the movements"
        current = {}
        for movement in movements:
            d = movement.distributive
            if d.id not in current:
                current[d.id] = {
                    'state': d.state,
                    'client': d.client.id if d.client else None,
                    'system': d.system.id,
                    'network_type': d.network_type.id,
                    'last': d.last_movement_date,
                    'touched': False,
                    }
        return current

    @classmethod
    def _plan(cls, movements, current):
        """Check the movements in date order against the evolving states

        Return the history periods to close ({date: [distributive ids]}),
        the periods to open ([values] in movement order), the values to
        write on each movement ([[movement], values, …]) and the parties
        whose client status may change.  current is updated in place.
        """
        closes = defaultdict(list)
        opens = []
        movement_values = []
        parties = set()
        for movement in movements:
            cur = current[movement.distributive.id]
            client, new_state = movement._check_on(cur)
            values = {
                'from_client': cur['client'],
                'from_system': cur['system'],
                'from_network_type': cur['network_type'],
                }
            if cur['state'] in {'connected', 'disconnected'}:
                closes[movement.date].append(movement.distributive.id)
            if movement.kind == 'replacement':
                cur['system'] = (movement.system.id if movement.system
                    else cur['system'])
                cur['network_type'] = (movement.network_type.id
                    if movement.network_type else cur['network_type'])
                values['system'] = cur['system']
                values['network_type'] = cur['network_type']
            opens.append({
                    'distributive': movement.distributive.id,
                    'state': new_state,
                    'client': client,
                    'system': cur['system'],
                    'network_type': cur['network_type'],
                    'date_from': movement.date,
                    'movement': movement.id,
                    })
            if client != (movement.client.id if movement.client else None):
                values['client'] = client
            movement_values.extend([[movement], values])
            parties.update([cur['client'], client])
            cur.update(state=new_state, client=client, last=movement.date,
                touched=True)
        return closes, opens, movement_values, parties

    def _check_on(self, cur):
        """Check the movement against the current state cur of its
        distributive; return the client and the state it leads to"""
        if cur['last'] and self.date < cur['last']:
            raise self._error('msg_movement_date_before_last',
                date=cur['last'])
        state = cur['state']
        if state == 'written_off':
            raise self._error('msg_movement_written_off')
        client = self.client.id if self.client else None
        kind = self.kind
        if (kind not in {'connection', 'reregistration'}
                and state != 'connected'):
            raise self._error('msg_movement_not_connected')
        if kind == 'connection':
            if state == 'connected':
                raise self._error('msg_movement_already_connected')
            if not client:
                raise self._error('msg_movement_client_required')
        elif kind == 'disconnection':
            return cur['client'], 'disconnected'
        elif kind == 'transfer':
            if not client or client == cur['client']:
                raise self._error('msg_movement_transfer_client')
        elif kind == 'replacement':
            system = self.system.id if self.system else cur['system']
            network_type = (self.network_type.id if self.network_type
                else cur['network_type'])
            if (system, network_type) == (
                    cur['system'], cur['network_type']):
                raise self._error('msg_movement_replacement_same')
            client = cur['client']
        elif kind == 'reregistration':
            client = client or cur['client']
            if not client:
                raise self._error('msg_movement_client_required')
        return client, 'connected'

    @classmethod
    def _write_history(cls, closes, opens):
        """Close the open periods and create the new ones, date by date

        Several movements of one distributive on one date leave
        zero-length periods (date_to == date_from): they cover no day.
        """
        pool = Pool()
        History = pool.get('ric.distributive.history')
        by_date = defaultdict(list)
        for values in opens:
            by_date[values['date_from']].append(values)
        open_periods = {}
        for sub_ids in id_slices(
                {i for ids in closes.values() for i in ids}):
            for period in History.search([
                        ('distributive', 'in', sub_ids),
                        ('date_to', '=', None),
                        ]):
                open_periods[period.distributive.id] = period
        for date in sorted(set(closes) | set(by_date)):
            closed = [open_periods.pop(d) for d in closes.get(date, [])
                if d in open_periods]
            if closed:
                History.write(closed, {'date_to': date})
            seen = {}
            for values in by_date.get(date, []):
                previous = seen.get(values['distributive'])
                if previous:
                    previous['date_to'] = date
                seen[values['distributive']] = values
            if by_date.get(date):
                for period in History.create(by_date[date]):
                    if period.date_to is None:
                        open_periods[period.distributive.id] = period

    @classmethod
    def _write_results(cls, movement_values, current):
        """Write the derived values on the movements and the new states on
        the distributives, grouped by identical values"""
        Distributive = Pool().get('ric.distributive')
        if movement_values:
            cls.write(*_group_args(movement_values))
        to_write = []
        for d_id, cur in current.items():
            if cur['touched']:
                to_write.extend([[Distributive(d_id)], {
                            'state': cur['state'],
                            'client': cur['client'],
                            'system': cur['system'],
                            'network_type': cur['network_type'],
                            'last_movement_date': cur['last'],
                            }])
        if to_write:
            Distributive.write(*_group_args(to_write))

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
        for sub_ids in id_slices(parties):
            cursor.execute(*history.select(
                    history.client,
                    where=in_ids(history.client, sub_ids)
                    & (history.date_to == Null)
                    & (history.state == 'connected'),
                    group_by=[history.client]))
            served = {c for c, in cursor}
            cursor.execute(*history.select(
                    history.client,
                    where=in_ids(history.client, sub_ids),
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
