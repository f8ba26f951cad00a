# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .distributive import DISTRIBUTIVE_TYPES
from .exceptions import ReservationError


class Reservation(Workflow, ModelSQL, ModelView):
    "Distributive Reservation"
    __name__ = 'ric.distributive.reservation'
    __string__ = "Distributive Reservation"

    _states = {'readonly': Eval('state') != 'reserved'}

    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0})
    client = fields.Many2One('party.party', "Client", ondelete='RESTRICT',
        states=_states)
    employee = fields.Many2One('company.employee', "Employee",
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    end_date = fields.Date("End Date", states={
            'readonly': Eval('state') != 'reserved',
            'required': Bool(Eval('demo')),
            },
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('date'))],
        help="The date the reservation ends (demo distributives).")
    demo = fields.Boolean("Demo", readonly=True)
    expired = fields.Boolean("Expired", readonly=True,
        help="Flagged by the cron when the end date has passed.")
    state = fields.Selection([
            ('reserved', "Reserved"),
            ('issued', "Issued"),
            ('released', "Released"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.end_date, Index.Range()),
                where=t.state == 'reserved'))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('reserved', 'issued'),
            ('reserved', 'released'),
            }
        cls._buttons.update({
                'release': {
                    'invisible': Eval('state') != 'reserved',
                    'depends': ['state'],
                    },
                'issue': {
                    'invisible': Eval('state') != 'reserved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'reserved'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_expired(cls):
        return False

    @fields.depends('distributive', 'date', 'end_date')
    def on_change_distributive(self):
        Configuration = Pool().get('ric.distributive.configuration')
        self.demo = bool(self.distributive
            and self.distributive.type == 'demo')
        if self.demo and not self.end_date and self.date:
            days = Configuration(1).demo_reservation_days or 0
            self.end_date = self.date + dt.timedelta(days=days)

    @fields.depends('distributive', 'date', 'end_date')
    def on_change_date(self):
        Configuration = Pool().get('ric.distributive.configuration')
        if (self.distributive and self.distributive.type == 'demo'
                and self.date):
            days = Configuration(1).demo_reservation_days or 0
            self.end_date = self.date + dt.timedelta(days=days)

    def get_rec_name(self, name):
        holder = self.client or self.employee
        return '%s → %s' % (self.distributive.rec_name,
            holder.rec_name if holder else '')

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Configuration = pool.get('ric.distributive.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        vlist = [v.copy() for v in vlist]
        distributives = Distributive.browse(
            [v['distributive'] for v in vlist])
        for values, distributive in zip(vlist, distributives):
            if distributive.state != 'in_stock':
                raise ReservationError(gettext(
                        'ric_distributive.msg_reservation_not_available',
                        distributive=distributive.rec_name))
            if not values.get('client') and not values.get('employee'):
                raise ReservationError(gettext(
                        'ric_distributive.msg_reservation_holder',
                        distributive=distributive.rec_name))
            values['demo'] = distributive.type == 'demo'
            values.setdefault('date', Date.today())
            if values['demo'] and not values.get('end_date'):
                values['end_date'] = values['date'] + dt.timedelta(
                    days=config.demo_reservation_days or 0)
        reservations = super().create(vlist)
        Distributive.write(distributives, {'state': 'reserved'})
        return reservations

    @classmethod
    @ModelView.button
    @Workflow.transition('released')
    def release(cls, reservations):
        "Give the distributives back to the warehouse"
        Distributive = Pool().get('ric.distributive')
        Distributive.write(
            [r.distributive for r in reservations
                if r.distributive.state == 'reserved'],
            {'state': 'in_stock'})

    @classmethod
    @ModelView.button
    @Workflow.transition('issued')
    def issue(cls, reservations):
        "The distributives left the warehouse for their installation"

    @classmethod
    def close_for_distributives(cls, distributives):
        """Release the open reservations of the distributives

        Called when the distributives leave the stock otherwise than by
        their installation (written off): a reservation must not stay
        open on a distributive nobody can get any more."""
        ids = [d.id for d in distributives]
        reservations = []
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS // 2):
            reservations.extend(cls.search([
                        ('distributive', 'in', list(sub_ids)),
                        ('state', '=', 'reserved'),
                        ]))
        if reservations:
            cls.release(reservations)
        return reservations

    @classmethod
    def flag_expired(cls, date=None):
        "Cron: flag the reservations whose end date has passed"
        if date is None:
            date = Pool().get('ir.date').today()
        reservations = cls.search([
                ('state', '=', 'reserved'),
                ('end_date', '<', date),
                ('expired', '=', False),
                ])
        if reservations:
            cls.write(reservations, {'expired': True})
        return reservations


class Distributive(metaclass=PoolMeta):
    __name__ = 'ric.distributive'

    @classmethod
    @ModelView.button
    def write_off(cls, distributives):
        Reservation = Pool().get('ric.distributive.reservation')
        super().write_off(distributives)
        Reservation.close_for_distributives(distributives)


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    def get_rec_name(self, name):
        # Tryton names a location "[CODE] Name": the codes of the standard
        # locations (WH, STO, CUS, SUP…) mean nothing on a Russian screen;
        # the location is still found by its code (search_rec_name)
        return self.name


class ReceiveStart(ModelView):
    "Receive Distributives"
    __name__ = 'ric.distributive.receive.start'
    __string__ = "Receive Distributives"

    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, domain=[('type', '=', 'warehouse')])
    system = fields.Many2One('ric.system', "System", required=True)
    network_type = fields.Many2One('ric.network.type', "Network Type",
        required=True)
    type = fields.Selection(DISTRIBUTIVE_TYPES, "Type", required=True)
    series = fields.Char("Series")
    kit = fields.Many2One('ric.kit', "Kit")
    numbers = fields.Text("Numbers", required=True,
        help="The numbers of the received distributives, "
        "one per line or separated by spaces.")

    @classmethod
    def default_type(cls):
        return 'commercial'

    @classmethod
    def default_warehouse(cls):
        config = Pool().get('ric.distributive.configuration')(1)
        return config.warehouse.id if config.warehouse else None

    @fields.depends('type', 'warehouse')
    def on_change_type(self):
        config = Pool().get('ric.distributive.configuration')(1)
        if self.type == 'demo' and config.demo_warehouse:
            self.warehouse = config.demo_warehouse
        elif config.warehouse:
            self.warehouse = config.warehouse


class Receive(Wizard):
    "Receive Distributives"
    __name__ = 'ric.distributive.receive'
    __string__ = "Receive Distributives"

    start = StateView('ric.distributive.receive.start',
        'ric_distributive.receive_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Receive", 'receive', 'tryton-ok', default=True),
            ])
    receive = StateTransition()

    def transition_receive(self):
        Distributive = Pool().get('ric.distributive')
        numbers = self.start.numbers.replace(',', ' ').split()
        Distributive.create([{
                    'number': number,
                    'system': self.start.system.id,
                    'network_type': self.start.network_type.id,
                    'type': self.start.type,
                    'series': self.start.series,
                    'kit': self.start.kit.id if self.start.kit else None,
                    'location': self.start.warehouse.id,
                    'state': 'in_stock',
                    } for number in dict.fromkeys(numbers)])
        return 'end'


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ric.distributive.reservation|flag_expired',
                    "Flag Expired Distributive Reservations"),
                ])
