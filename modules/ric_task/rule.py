# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Auto-generation rules of ПРиЗ and assignments

Each rule has a kind; the kind is a python-sql query returning the
candidate clients (columns ``party``, ``origin``, ``assignee``).  A run
inserts, for all candidates at once, the items that have no open item of
the same rule and client: one INSERT … SELECT per rule, whatever the
number of clients.  The unique key (rule, rule_key) of the items, where
rule_key is the client while the item is open and is cleared when the item
is closed, enforces in the database that a rule never has two open items
for a client.

Modules add kinds by extending :meth:`Rule.get_kinds` and defining
``_candidates_<kind>(self, date)``, with their own parameter fields.
"""
import datetime as dt
import logging
import time
from collections import defaultdict

from sql import Cast, Literal, Null
from sql.aggregate import Max, Min
from sql.conditionals import Coalesce
from sql.operators import Concat, Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import RuleError
from .task import PRIZE_KINDS

logger = logging.getLogger(__name__)

CLIENT_STATUSES = [
    ('potential', "Potential"),
    ('served', "Served"),
    ('disconnected', "Disconnected"),
    ]
#: the parameters each shipped kind uses (for the views)
KIND_PARAMETERS = {
    'no_decision_maker_contact': {'days'},
    'readiness_below': {'stage'},
    'demo_expiring': {'days'},
    'reservation_overdue': set(),
    'key_client_no_event': {'days'},
    'no_responsible': set(),
    }


def typed(value, sql_type):
    """Return value as a parameter of sql_type

    PostgreSQL cannot type the parameters of the select list of an
    INSERT … SELECT; SQLite must not cast (a date cast to DATE becomes a
    number)."""
    if backend.name == 'postgresql':
        return Cast(Literal(value), sql_type)
    return Literal(value)


def _kinds_with(parameter):
    return [k for k, p in KIND_PARAMETERS.items() if parameter in p]


class Rule(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Auto-Generation Rule"
    __name__ = 'ric.task.rule'
    __string__ = "Auto-Generation Rule"

    name = fields.Char("Name", required=True, translate=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    kind = fields.Selection('get_kinds', "Kind", required=True,
        help="The state of the client that creates an item.")
    days = fields.Integer(
        "Days",
        states={
            'invisible': ~Eval('kind').in_(_kinds_with('days')),
            'required': Eval('kind').in_(_kinds_with('days')),
            },
        domain=['OR', ('days', '=', None), ('days', '>=', 0)],
        help="The number of days of the condition (without contact, "
        "before the end of the demo…).")
    stage = fields.Many2One(
        'ric.party.readiness.stage', "Readiness Stage", ondelete='RESTRICT',
        states={
            'invisible': ~Eval('kind').in_(_kinds_with('stage')),
            'required': Eval('kind').in_(_kinds_with('stage')),
            },
        help="The clients whose readiness is below this stage.")
    client_statuses = fields.MultiSelection(
        CLIENT_STATUSES, "Client Statuses",
        help="The statuses of the clients the rule looks at; "
        "leave empty for all.")
    item_type = fields.Selection([
            ('prize', "Problem, Recommendation or Task"),
            ('assignment', "Assignment"),
            ], "Creates", required=True)
    prize_kind = fields.Selection(
        PRIZE_KINDS, "Item Kind", sort=False,
        states={
            'invisible': Eval('item_type') != 'prize',
            'required': Eval('item_type') == 'prize',
            })
    item_name = fields.Char(
        "Item Name", required=True, translate=True,
        help="The name of the ПРиЗ created (the description of an "
        "assignment).")
    item_description = fields.Text("Item Description", translate=True)
    direction = fields.Many2One(
        'ric.activity.direction', "Activity Direction", required=True,
        ondelete='RESTRICT',
        help="The direction of the items; the client's responsible in it is "
        "their assignee (and the direction checked by the rule \"without "
        "responsible\").")
    default_assignee = fields.Many2One(
        'company.employee', "Default Assignee", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        help="The assignee of the clients without responsible in the "
        "direction.")
    due_days = fields.Integer(
        "Due in Days", domain=['OR', ('due_days', '=', None),
            ('due_days', '>=', 0)],
        help="The due date of the items, in days after their creation.")
    last_run = fields.DateTime("Last Run", readonly=True)
    last_created = fields.Integer("Created at Last Run", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'run_button': {},
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_item_type(cls):
        return 'prize'

    @classmethod
    def default_prize_kind(cls):
        return 'problem'

    @classmethod
    def default_client_statuses(cls):
        return ['potential', 'served']

    @classmethod
    def get_kinds(cls):
        """Return the kinds of rules (modules extend the list)

        The labels are ir.message of the modules, so that they translate."""
        return [(kind, gettext('ric_task.msg_rule_kind_%s' % kind))
            for kind in KIND_PARAMETERS]

    @classmethod
    @ModelView.button
    def run_button(cls, rules):
        cls.run(rules)

    @classmethod
    def run_cron(cls):
        "Cron: run every active rule"
        return cls.run(cls.search([]))

    @classmethod
    def run(cls, rules, date=None):
        """Create the items of rules on date (today by default)

        Return {rule id: number of items created}.  A constant number of
        statements per rule, whatever the number of clients."""
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        result = {}
        now = dt.datetime.now()
        for rule in rules:
            start = time.monotonic()
            created = rule._run(date)
            result[rule.id] = len(created)
            logger.info("rule %s (%s): %d items in %.1fs", rule.id,
                rule.kind, len(created), time.monotonic() - start)
        args = []
        by_count = defaultdict(list)
        for rule in rules:
            by_count[result[rule.id]].append(rule)
        for count, records in by_count.items():
            args.extend((records, {'last_run': now, 'last_created': count}))
        if args:
            cls.write(*args)
        return result

    # --- the candidates of the shipped kinds ---

    def _clients(self):
        "Return (party table, condition on the clients the rule looks at)"
        Party = Pool().get('party.party')
        party = Party.__table__()
        where = (party.is_client == Literal(True)) & (
            party.active == Literal(True))
        if self.client_statuses:
            where &= party.client_status.in_(list(self.client_statuses))
        return party, where

    def _candidates(self, date):
        """Return the query of the candidates of the rule on date

        Columns: party, origin (a 'model,id' text or NULL), assignee (an
        employee preferred to the responsible, or NULL)."""
        method = getattr(self, '_candidates_%s' % self.kind, None)
        if method is None:
            raise RuleError(gettext(
                    'ric_task.msg_rule_kind_unknown', rule=self.rec_name,
                    kind=self.kind))
        return method(date)

    def _candidates_no_decision_maker_contact(self, date):
        pool = Pool()
        Work = pool.get('ric.task.work')
        Contact = pool.get('ric.party.contact')
        Result = pool.get('ric.task.work.result')
        work = Work.__table__()
        contact = Contact.__table__()
        result = Result.__table__()
        party, where = self._clients()
        limit = dt.datetime.combine(
            date - dt.timedelta(days=self.days or 0), dt.time())
        contacted = work.join(contact, condition=contact.id == work.contact
            ).join(result, condition=result.id == work.result
            ).select(Literal(1),
                where=(work.party == party.id)
                & (contact.decision_maker == Literal(True))
                & (result.contact_made == Literal(True))
                & (work.done_datetime >= limit))
        return party.select(party.id.as_('party'),
            Cast(Null, 'VARCHAR').as_('origin'),
            Cast(Null, 'INTEGER').as_('assignee'),
            where=where & ~Exists(contacted))

    def _candidates_readiness_below(self, date):
        pool = Pool()
        Stage = pool.get('ric.party.readiness.stage')
        stage = Stage.__table__()
        party, where = self._clients()
        return party.join(stage, 'LEFT',
            condition=stage.id == party.readiness_stage
            ).select(party.id.as_('party'),
                Cast(Null, 'VARCHAR').as_('origin'),
                Cast(Null, 'INTEGER').as_('assignee'),
                where=where & ((party.readiness_stage == Null)
                    | (Coalesce(stage.sequence, 0)
                        < (self.stage.sequence or 0))))

    def _reservations(self, where_reservation):
        Reservation = Pool().get('ric.distributive.reservation')
        reservation = Reservation.__table__()
        party, where = self._clients()
        origin = Concat('ric.distributive.reservation,',
            Cast(reservation.id, 'VARCHAR'))
        return reservation.join(party,
            condition=party.id == reservation.client
            ).select(party.id.as_('party'), origin.as_('origin'),
                reservation.employee.as_('assignee'),
                where=where & where_reservation(reservation))

    def _candidates_demo_expiring(self, date):
        end = date + dt.timedelta(days=self.days or 0)
        return self._reservations(lambda r: (r.demo == Literal(True))
            & r.state.in_(['reserved', 'issued'])
            & (r.end_date >= date) & (r.end_date <= end))

    def _candidates_reservation_overdue(self, date):
        return self._reservations(lambda r: (r.state == 'reserved')
            & (r.end_date < date))

    def _candidates_key_client_no_event(self, date):
        Event = Pool().get('ric.party.key_event')
        event = Event.__table__()
        party, where = self._clients()
        limit = date - dt.timedelta(days=self.days or 0)
        recent = event.select(Literal(1),
            where=(event.party == party.id) & (event.date >= limit))
        return party.select(party.id.as_('party'),
            Cast(Null, 'VARCHAR').as_('origin'),
            party.key_client_responsible.as_('assignee'),
            where=where & (party.key_client == Literal(True))
            & ~Exists(recent))

    def _candidates_no_responsible(self, date):
        Responsible = Pool().get('ric.party.responsible')
        responsible = Responsible.__table__()
        party, where = self._clients()
        current = responsible.select(Literal(1),
            where=(responsible.party == party.id)
            & (responsible.direction == self.direction.id)
            & ((responsible.date_from == Null)
                | (responsible.date_from <= date))
            & ((responsible.date_to == Null)
                | (responsible.date_to >= date)))
        return party.select(party.id.as_('party'),
            Cast(Null, 'VARCHAR').as_('origin'),
            Cast(Null, 'INTEGER').as_('assignee'),
            where=where & ~Exists(current))

    # --- the creation of the items ---

    def _item_model(self):
        return {
            'prize': 'ric.task.prize',
            'assignment': 'ric.task.assignment',
            }[self.item_type]

    def _item_columns(self, table, date, party, origin, assignee):
        "Return [(column, value)] of the items inserted for the candidates"
        due = (date + dt.timedelta(days=self.due_days)
            if self.due_days is not None else None)
        columns = [
            (table.company, typed(self.company.id, 'INTEGER')),
            (table.party, party),
            (table.origin, origin),
            (table.direction, typed(self.direction.id, 'INTEGER')),
            ]
        if self.item_type == 'prize':
            columns += [
                (table.kind, typed(self.prize_kind, 'VARCHAR')),
                (table.name, typed(self.item_name, 'VARCHAR')),
                (table.description, typed(self.item_description, 'TEXT')),
                (table.responsible, assignee),
                (table.date, typed(date, 'DATE')),
                (table.due_date, typed(due, 'DATE')),
                ]
        else:
            columns += [
                (table.description, typed(
                        '\n'.join(filter(None, [
                                    self.item_name,
                                    self.item_description])), 'TEXT')),
                (table.executor, assignee),
                (table.planned_start, typed(date, 'DATE')),
                (table.planned_end, typed(due, 'DATE')),
                ]
        return columns

    def _run(self, date):
        "Insert the items of the rule on date; return their ids"
        pool = Pool()
        Item = pool.get(self._item_model())
        Responsible = pool.get('ric.party.responsible')
        Notification = pool.get('ric.task.notification')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        item = Item.__table__()
        existing = Item.__table__()
        responsible = Responsible.__table__()
        lifecycle = Item._lifecycle()

        candidates = self._candidates(date)
        # one row per client: the first origin and assignee of the kind
        grouped = candidates.select(
            candidates.party, Min(candidates.origin).as_('origin'),
            Min(candidates.assignee).as_('assignee'),
            group_by=[candidates.party])
        current = responsible.select(
            responsible.party, Min(responsible.employee).as_('employee'),
            where=(responsible.direction == self.direction.id)
            & ((responsible.date_from == Null)
                | (responsible.date_from <= date))
            & ((responsible.date_to == Null)
                | (responsible.date_to >= date)),
            group_by=[responsible.party])
        key = Cast(grouped.party, 'VARCHAR')
        open_item = existing.select(Literal(1),
            where=(existing.rule == self.id) & (existing.rule_key == key))
        assignee = Coalesce(grouped.assignee, current.employee,
            typed(self.default_assignee.id if self.default_assignee
                else None, 'INTEGER'))
        columns = self._item_columns(
            item, date, grouped.party, grouped.origin, assignee) + [
            (item.state, typed(lifecycle.initial_state.id, 'INTEGER')),
            (item.rule, typed(self.id, 'INTEGER')),
            (item.rule_key, key),
            (item.create_uid, typed(transaction.user, 'INTEGER')),
            (item.create_date, typed(dt.datetime.now(), 'TIMESTAMP')),
            ]
        query = grouped.join(current, 'LEFT',
            condition=current.party == grouped.party
            ).select(*(v for _, v in columns),
                where=~Exists(open_item))

        cursor.execute(*item.select(Coalesce(Max(item.id), 0)))
        last_id, = cursor.fetchone()
        cursor.execute(*item.insert([c for c, _ in columns], query))
        assignee_column = (item.responsible if self.item_type == 'prize'
            else item.executor)
        cursor.execute(*item.select(item.id, assignee_column,
                where=(item.rule == self.id) & (item.id > last_id)
                & (item.rule_key != Null)))
        rows = cursor.fetchall()
        Notification.notify_rule_items(self, Item, rows)
        return [r[0] for r in rows]
