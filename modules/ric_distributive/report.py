# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Analytic reports (the OLAP reports of the seeds) as table_query models.

Each report reads its period from ric.distributive.report.context and
groups by the columns shown; the list can be grouped further in the
client and drawn as a graph.
"""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .distributive import DISTRIBUTIVE_TYPES, MOVEMENT_KINDS
from .registration import DISCREPANCY_KINDS


def _context_dates():
    context = Transaction().context
    today = Pool().get('ir.date').today()
    date = context.get('date') or today
    from_date = context.get('from_date') or today.replace(day=1)
    to_date = context.get('to_date') or ReportContext.default_to_date()
    return date, from_date, to_date


class ReportContext(ModelView):
    "Distributive Report Context"
    __name__ = 'ric.distributive.report.context'
    __string__ = "Distributive Report Context"

    date = fields.Date("Date",
        help="The date of the reports showing a state.")
    from_date = fields.Date("From Date",
        domain=['OR', ('from_date', '=', None),
            ('from_date', '<=', Eval('to_date', None))],
        help="The start of the period of the reports showing a flow.")
    to_date = fields.Date("To Date")

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_from_date(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        # the period is the current month: the reports of a flow show the
        # movements planned or dated later in the month too
        today = Pool().get('ir.date').today()
        next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(
            day=1)
        return next_month - dt.timedelta(days=1)


class ClientReport(ModelSQL, ModelView):
    "Distributives of Clients"
    __name__ = 'ric.distributive.report.client'
    __string__ = "Distributives of Clients"

    client = fields.Many2One('party.party', "Client")
    system = fields.Many2One('ric.system', "System")
    network_type = fields.Many2One('ric.network.type', "Network Type")
    sub_host = fields.Many2One('ric.sub_host', "Served By")
    count = fields.Integer("Distributives")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('client', 'ASC'), ('system', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        History = pool.get('ric.distributive.history')
        Distributive = pool.get('ric.distributive')
        history = History.__table__()
        distributive = Distributive.__table__()
        date, _, _ = _context_dates()
        query = history.join(distributive,
            condition=history.distributive == distributive.id)
        return query.select(
            Min(history.id).as_('id'),
            history.client.as_('client'),
            history.system.as_('system'),
            history.network_type.as_('network_type'),
            distributive.sub_host.as_('sub_host'),
            Count(history.id).as_('count'),
            where=(history.state == 'connected')
            & (history.date_from <= date)
            & ((history.date_to == Null) | (history.date_to > date)),
            group_by=[history.client, history.system, history.network_type,
                distributive.sub_host])


class MovementReport(ModelSQL, ModelView):
    "Movement of Distributives"
    __name__ = 'ric.distributive.report.movement'
    __string__ = "Movement of Distributives"

    date = fields.Date("Date")
    kind = fields.Selection(MOVEMENT_KINDS, "Kind")
    system = fields.Many2One('ric.system', "System")
    network_type = fields.Many2One('ric.network.type', "Network Type")
    count = fields.Integer("Movements")
    connections = fields.Integer("Connections")
    disconnections = fields.Integer("Disconnections")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Movement = pool.get('ric.distributive.movement')
        Distributive = pool.get('ric.distributive')
        movement = Movement.__table__()
        distributive = Distributive.__table__()
        _, from_date, to_date = _context_dates()
        query = movement.join(distributive,
            condition=movement.distributive == distributive.id)
        return query.select(
            Min(movement.id).as_('id'),
            movement.date.as_('date'),
            movement.kind.as_('kind'),
            distributive.system.as_('system'),
            distributive.network_type.as_('network_type'),
            Count(movement.id).as_('count'),
            Sum(Case((movement.kind == 'connection', 1), else_=0)
                ).as_('connections'),
            Sum(Case((movement.kind == 'disconnection', 1), else_=0)
                ).as_('disconnections'),
            where=(movement.state == 'done')
            & (movement.date >= from_date) & (movement.date <= to_date),
            group_by=[movement.date, movement.kind, distributive.system,
                distributive.network_type])


class WarehouseReport(ModelSQL, ModelView):
    "Distributives in Warehouse"
    __name__ = 'ric.distributive.report.warehouse'
    __string__ = "Distributives in Warehouse"

    location = fields.Many2One('stock.location', "Warehouse")
    system = fields.Many2One('ric.system', "System")
    network_type = fields.Many2One('ric.network.type', "Network Type")
    type = fields.Selection(DISTRIBUTIVE_TYPES, "Type")
    in_stock = fields.Integer("In Stock")
    reserved = fields.Integer("Reserved")
    count = fields.Integer("Total")

    @classmethod
    def table_query(cls):
        Distributive = Pool().get('ric.distributive')
        table = Distributive.__table__()
        return table.select(
            Min(table.id).as_('id'),
            table.location.as_('location'),
            table.system.as_('system'),
            table.network_type.as_('network_type'),
            table.type.as_('type'),
            Sum(Case((table.state == 'in_stock', 1), else_=0)
                ).as_('in_stock'),
            Sum(Case((table.state == 'reserved', 1), else_=0)
                ).as_('reserved'),
            Count(table.id).as_('count'),
            where=table.state.in_(['in_stock', 'reserved']),
            group_by=[table.location, table.system, table.network_type,
                table.type])


class ReservationReport(ModelSQL, ModelView):
    "Reservations of Distributives"
    __name__ = 'ric.distributive.report.reservation'
    __string__ = "Reservations of Distributives"

    system = fields.Many2One('ric.system', "System")
    employee = fields.Many2One('company.employee', "Employee")
    client = fields.Many2One('party.party', "Client")
    demo = fields.Boolean("Demo")
    count = fields.Integer("Reserved")
    expired = fields.Integer("Expired")

    @classmethod
    def table_query(cls):
        pool = Pool()
        Reservation = pool.get('ric.distributive.reservation')
        Distributive = pool.get('ric.distributive')
        reservation = Reservation.__table__()
        distributive = Distributive.__table__()
        date, _, _ = _context_dates()
        query = reservation.join(distributive,
            condition=reservation.distributive == distributive.id)
        return query.select(
            Min(reservation.id).as_('id'),
            distributive.system.as_('system'),
            reservation.employee.as_('employee'),
            reservation.client.as_('client'),
            reservation.demo.as_('demo'),
            Count(reservation.id).as_('count'),
            Sum(Case(((reservation.end_date != Null)
                    & (reservation.end_date < date), 1), else_=0)
                ).as_('expired'),
            where=(reservation.state == 'reserved')
            & (reservation.date <= date),
            group_by=[distributive.system, reservation.employee,
                reservation.client, reservation.demo])


class SubHostReport(ModelSQL, ModelView):
    "Distributives of Sub-hosts"
    __name__ = 'ric.distributive.report.sub_host'
    __string__ = "Distributives of Sub-hosts"

    sub_host = fields.Many2One('ric.sub_host', "Served By")
    system = fields.Many2One('ric.system', "System")
    count = fields.Integer("Distributives")
    client_count = fields.Integer("Clients")

    @classmethod
    def table_query(cls):
        Distributive = Pool().get('ric.distributive')
        table = Distributive.__table__()
        return table.select(
            Min(table.id).as_('id'),
            table.sub_host.as_('sub_host'),
            table.system.as_('system'),
            Count(table.id).as_('count'),
            Count(table.client, distinct=True).as_('client_count'),
            where=(table.state == 'connected') & (table.sub_host != Null),
            group_by=[table.sub_host, table.system])


class InstallationReport(ModelSQL, ModelView):
    "Installation Deadlines"
    __name__ = 'ric.installation.report.deadline'
    __string__ = "Installation Deadlines"

    installer = fields.Many2One('company.employee', "Installer")
    planned = fields.Integer("Planned")
    done = fields.Integer("Done")
    on_time = fields.Integer("Done on Time")
    late = fields.Integer("Done Late")
    overdue = fields.Integer("Overdue")

    @classmethod
    def table_query(cls):
        Installation = Pool().get('ric.installation')
        table = Installation.__table__()
        today = Pool().get('ir.date').today()
        _, from_date, to_date = _context_dates()
        done = table.state == 'done'
        return table.select(
            Min(table.id).as_('id'),
            table.installer.as_('installer'),
            Count(table.id).as_('planned'),
            Sum(Case((done, 1), else_=0)).as_('done'),
            Sum(Case((done & (table.done_date <= table.planned_date), 1),
                    else_=0)).as_('on_time'),
            Sum(Case((done & (table.done_date > table.planned_date), 1),
                    else_=0)).as_('late'),
            Sum(Case((table.state.in_(['draft', 'planned'])
                    & (table.planned_date < today), 1),
                    else_=0)).as_('overdue'),
            where=(table.state != 'cancelled')
            & (table.planned_date >= from_date)
            & (table.planned_date <= to_date),
            group_by=[table.installer])


class DiscrepancyReport(ModelSQL, ModelView):
    "Discrepancies with the Registration File"
    __name__ = 'ric.registration.report.discrepancy'
    __string__ = "Discrepancies with the Registration File"

    date = fields.Date("Date")
    kind = fields.Selection(DISCREPANCY_KINDS, "Kind")
    count = fields.Integer("Discrepancies")
    unresolved = fields.Integer("Unresolved")

    @classmethod
    def table_query(cls):
        pool = Pool()
        Discrepancy = pool.get('ric.registration.discrepancy')
        Import = pool.get('ric.registration.import')
        discrepancy = Discrepancy.__table__()
        import_ = Import.__table__()
        _, from_date, to_date = _context_dates()
        query = discrepancy.join(import_,
            condition=discrepancy.import_ == import_.id)
        return query.select(
            Min(discrepancy.id).as_('id'),
            import_.date.as_('date'),
            discrepancy.kind.as_('kind'),
            Count(discrepancy.id).as_('count'),
            Sum(Case((discrepancy.resolved == Literal(False), 1),
                    else_=0)).as_('unresolved'),
            where=(import_.date >= from_date) & (import_.date <= to_date),
            group_by=[import_.date, discrepancy.kind])
