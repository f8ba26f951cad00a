# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Assignments (поручения), their works (работы) and ПРиЗ"""
import datetime as dt

from sql import Column, Literal, Null
from sql.conditionals import Coalesce

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.modules.ric_base.batch import joined_values
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .lifecycle import LifecycleMixin, state_fields

CONTACT_METHODS = [
    ('phone', "Phone Call"),
    ('visit', "Visit"),
    ('email', "E-mail"),
    ('remote', "Remote Session"),
    ]
PRIZE_KINDS = [
    ('problem', "Problem"),
    ('recommendation', "Recommendation"),
    ('task', "Task"),
    ]


def _today():
    return Pool().get('ir.date').today()


def _current_employee():
    User = Pool().get('res.user')
    user = Transaction().user
    if user:
        employee = User(user).employee
        return employee.id if employee else None


def _default_company():
    return Transaction().context.get('company')


class _OverdueMixin:
    "Open documents whose date passed: ``_overdue_field`` < today"
    __slots__ = ()
    _overdue_field = None

    @classmethod
    def get_overdue(cls, records, name):
        "Set-based: one query per slice (the diary reads it for a week)"
        State = Pool().get('ric.task.lifecycle.state')
        limit = (dt.datetime.now()
            if isinstance(getattr(cls, cls._overdue_field), fields.DateTime)
            else _today())
        return joined_values(cls, records, 'state', State,
            lambda table, state: Literal(True),
            where=lambda table, state: (
                (Coalesce(state.closed, False) == Literal(False))
                & (Column(table, cls._overdue_field) < limit)),
            default=False, type_='LEFT')

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        field = getattr(cls, cls._overdue_field)
        limit = (dt.datetime.now() if isinstance(field, fields.DateTime)
            else _today())
        overdue = [('state.closed', '=', False),
            (cls._overdue_field, '<', limit)]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR', ('state.closed', '=', True),
            (cls._overdue_field, '=', None),
            (cls._overdue_field, '>=', limit)]

    @classmethod
    def get_department(cls, records, name):
        "The department of the employee, set-based"
        Employee = Pool().get('company.employee')
        return joined_values(cls, records, cls._employee_field, Employee,
            lambda table, employee: employee.department)

    @classmethod
    def search_department(cls, name, clause):
        return [(cls._employee_field + '.department',) + tuple(clause[1:])]


class _RuleItemMixin:
    """An item an auto-generation rule may create

    ``rule_key`` identifies the item of the rule while it is open (the
    client); it is cleared when the item is closed, so a unique key on
    (rule, rule_key) lets a rule have at most one open item per key."""
    __slots__ = ()

    @classmethod
    def _rule_item_setup(cls):
        t = cls.__table__()
        cls._sql_constraints += [
            ('rule_key_unique', Unique(t, t.rule, t.rule_key),
                'ric_task.msg_rule_key_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.rule, Index.Equality()),
                (t.rule_key, Index.Equality()),
                where=t.rule_key != Null))

    @classmethod
    def _on_state_changed(cls, records):
        super()._on_state_changed(records)
        closed = [r for r in records if r.state.closed and r.rule_key]
        if closed:
            cls.write(closed, {'rule_key': None})

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('rule', None)
        default.setdefault('rule_key', None)
        default.setdefault('state', None)
        return super().copy(records, default=default)


class Assignment(
        _RuleItemMixin, _OverdueMixin, LifecycleMixin, ModelSQL, ModelView):
    "Assignment"
    __name__ = 'ric.task.assignment'
    __string__ = "Assignment"
    _overdue_field = 'planned_end'
    _employee_field = 'executor'

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT')
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='RESTRICT',
        domain=[('is_client', '=', True)],
        context={'company': Eval('company', -1)}, depends={'company'})
    direction = fields.Many2One(
        'ric.activity.direction', "Activity Direction", required=True,
        ondelete='RESTRICT')
    author = fields.Many2One(
        'company.employee', "Author", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    executor = fields.Many2One(
        'company.employee', "Executor", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Function(
        fields.Many2One('ric.department', "Department"),
        'get_department', searcher='search_department')
    planned_start = fields.Date(
        "Planned Start", required=True,
        domain=[If(Eval('planned_start') & Eval('planned_end'),
                ('planned_start', '<=', Eval('planned_end', None)), ())])
    planned_end = fields.Date("Planned End")
    actual_start = fields.Date("Actual Start")
    actual_end = fields.Date(
        "Actual End",
        domain=[If(Eval('actual_start') & Eval('actual_end'),
                ('actual_end', '>=', Eval('actual_start', None)), ())])
    description = fields.Text("Description")
    result = fields.Text("Reason / Result")
    works = fields.One2Many('ric.task.work', 'assignment', "Works")
    prizes = fields.One2Many(
        'ric.task.prize', 'assignment', "Problems, Recommendations, Tasks")
    origin = fields.Reference("Origin", selection='get_origin')
    rule = fields.Many2One(
        'ric.task.rule', "Rule", readonly=True, ondelete='SET NULL')
    rule_key = fields.Char("Rule Key", readonly=True)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    locals().update(state_fields())

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._rule_item_setup()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.executor, Index.Range()),
                    (t.planned_end, Index.Range())),
                })
        cls._order = [('planned_start', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return _default_company()

    @classmethod
    def default_author(cls):
        return _current_employee()

    @classmethod
    def default_planned_start(cls):
        return _today()

    @classmethod
    def _get_origin(cls):
        "Return the models an assignment may come from"
        return ['ric.task.prize', 'ric.task.assignment', 'ric.distributive',
            'ric.distributive.reservation', 'ric.party.contact']

    @classmethod
    def get_origin(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + [(m, IrModel.get_name(m))
            for m in cls._get_origin()]

    def get_rec_name(self, name):
        return '%s: %s (%s)' % (
            self.direction.rec_name if self.direction else '',
            self.party.rec_name if self.party else '',
            self.planned_start or '')

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR', ('party.rec_name',) + tuple(clause[1:]),
            ('direction.rec_name',) + tuple(clause[1:])]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Notification = pool.get('ric.task.notification')
        records = super().create(vlist)
        Notification.notify_new_assignments(records)
        return records

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Notification = pool.get('ric.task.notification')
        actions = iter(args)
        reassigned = []
        for records, values in zip(actions, actions):
            if values.get('executor'):
                reassigned.extend(r for r in records
                    if not r.executor or r.executor.id != values['executor'])
        super().write(*args)
        if reassigned:
            Notification.notify_new_assignments(cls.browse(reassigned))


class WorkResult(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Work Result"
    __name__ = 'ric.task.work.result'
    __string__ = "Work Result"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    contact_made = fields.Boolean(
        "Contact Made",
        help="The contact with the client took place (counted as a contact "
        "in the reports and by the rules).")
    logged_in = fields.Boolean(
        "Logged In", help="The contact took place with a log into the system.")


class Work(_OverdueMixin, LifecycleMixin, ModelSQL, ModelView):
    "Work"
    __name__ = 'ric.task.work'
    __string__ = "Work"
    _overdue_field = 'planned_datetime'
    _employee_field = 'executor'

    assignment = fields.Many2One(
        'ric.task.assignment', "Assignment", required=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT')
    party = fields.Many2One(
        'party.party', "Client", readonly=True, ondelete='RESTRICT',
        help="The client of the assignment.",
        context={'company': Eval('company', -1)}, depends={'company'})
    direction = fields.Function(
        fields.Many2One('ric.activity.direction', "Activity Direction"),
        'get_direction', searcher='search_direction')
    executor = fields.Many2One(
        'company.employee', "Executor", required=True, ondelete='RESTRICT')
    department = fields.Function(
        fields.Many2One('ric.department', "Department"),
        'get_department', searcher='search_department')
    planned_datetime = fields.DateTime("Planned", required=True)
    duration = fields.TimeDelta("Duration")
    planned_end = fields.DateTime("Planned End", readonly=True)
    done_datetime = fields.DateTime("Done")
    contact_method = fields.Selection(
        CONTACT_METHODS, "Contact Method", required=True, sort=False)
    contact_method_string = contact_method.translated('contact_method')
    contact_method_label = fields.Function(
        fields.Char("Contact Method"), 'get_contact_method_label')
    contact = fields.Many2One(
        'ric.party.contact', "Contact Person", ondelete='SET NULL',
        domain=[('party', '=', Eval('party', -1))])
    contact_position = fields.Char("Contact Position")
    goal = fields.Text("Goal of the Contact")
    comment = fields.Text("Comment")
    result = fields.Many2One(
        'ric.task.work.result', "Result", ondelete='RESTRICT')
    remind_before = fields.TimeDelta(
        "Remind Before",
        help="When to remind the executor before the planned time; "
        "leave empty for no reminder.")
    remind_email = fields.Boolean(
        "Remind by E-mail", help="Send the reminder by e-mail too.")
    remind_at = fields.DateTime("Remind At", readonly=True)
    reminder_sent = fields.Boolean("Reminder Sent", readonly=True)
    overdue_notified = fields.Boolean("Overdue Notified", readonly=True)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    locals().update(state_fields())

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.executor, Index.Range()),
                    (t.planned_datetime, Index.Range())),
                Index(t, (t.party, Index.Range()),
                    (t.done_datetime, Index.Range())),
                Index(t, (t.remind_at, Index.Range()),
                    where=t.reminder_sent == False),  # noqa: E712
                })
        cls._order = [('planned_datetime', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        return _default_company()

    @classmethod
    def default_contact_method(cls):
        return 'phone'

    @classmethod
    def get_contact_method_label(cls, works, name):
        # the calendar of the web client shows the keys of a selection
        selection = dict(cls.fields_get(['contact_method'])
            ['contact_method']['selection'])
        return {w.id: selection.get(w.contact_method) for w in works}

    @classmethod
    def default_duration(cls):
        return dt.timedelta(minutes=30)

    @classmethod
    def default_remind_before(cls):
        return dt.timedelta(minutes=15)

    @classmethod
    def default_reminder_sent(cls):
        return False

    @classmethod
    def default_overdue_notified(cls):
        return False

    @classmethod
    def default_executor(cls):
        return _current_employee()

    @fields.depends('assignment', '_parent_assignment.party',
        '_parent_assignment.executor', 'executor')
    def on_change_assignment(self):
        if self.assignment:
            self.party = self.assignment.party
            if not self.executor and self.assignment.executor:
                self.executor = self.assignment.executor

    @fields.depends('contact')
    def on_change_contact(self):
        if self.contact:
            self.contact_position = self.contact.position

    @classmethod
    def get_direction(cls, works, name):
        "The direction of the assignment, set-based"
        Assignment = Pool().get('ric.task.assignment')
        return joined_values(cls, works, 'assignment', Assignment,
            lambda table, assignment: assignment.direction)

    @classmethod
    def search_direction(cls, name, clause):
        return [('assignment.direction',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return '%s %s' % (
            self.planned_datetime.strftime('%Y-%m-%d %H:%M')
            if self.planned_datetime else '',
            self.party.rec_name if self.party else '')

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.rec_name',) + tuple(clause[1:])]

    @staticmethod
    def _computed(values, current=None):
        "Add the stored values computed from the planned time"
        current = current or {}
        names = {'planned_datetime', 'duration', 'remind_before'}
        if not names & set(values):
            return values
        values = values.copy()
        data = {n: values.get(n, current.get(n)) for n in names}
        start = data['planned_datetime']
        if start:
            values['planned_end'] = start + (
                data['duration'] or dt.timedelta(0))
            values['remind_at'] = (start - data['remind_before']
                if data['remind_before'] is not None else None)
        if 'planned_datetime' in values or 'remind_before' in values:
            values['reminder_sent'] = False
        if 'planned_datetime' in values:
            values['overdue_notified'] = False
        return values

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Assignment = pool.get('ric.task.assignment')
        # the defaults count as given: a work created without a reminder
        # delay is reminded the default delay before
        defaults = cls.default_get(
            ['duration', 'remind_before'], with_rec_name=False)
        vlist = [cls._computed(v, defaults) for v in vlist]
        assignments = Assignment.browse(
            [v['assignment'] for v in vlist if v.get('assignment')])
        parties = {a.id: a.party.id for a in assignments}
        for values in vlist:
            if values.get('assignment'):
                values['party'] = parties[values['assignment']]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        new_args = []
        names = ['planned_datetime', 'duration', 'remind_before']
        for records, values in zip(actions, actions):
            if set(names) & set(values):
                for record in records:
                    current = {n: getattr(record, n) for n in names}
                    new_args.extend(([record], cls._computed(values, current)))
            else:
                new_args.extend((records, values))
            if 'assignment' in values:
                raise ValueError("the assignment of a work is fixed")
        super().write(*new_args)

    @classmethod
    def copy(cls, works, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', None)
        default.setdefault('done_datetime', None)
        default.setdefault('result', None)
        return super().copy(works, default=default)

    @classmethod
    def search_diary(cls, employees, start, end):
        """Return the works of employees planned in [start, end)

        employees are records or ids; the (executor, planned time) index
        serves the query."""
        return cls.search([
                ('executor', 'in', [int(e) for e in employees]),
                ('planned_datetime', '>=', start),
                ('planned_datetime', '<', end),
                ], order=[('planned_datetime', 'ASC'), ('id', 'ASC')])


class Prize(_RuleItemMixin, _OverdueMixin, LifecycleMixin, ModelSQL,
        ModelView):
    "Problem, Recommendation or Task"
    __name__ = 'ric.task.prize'
    __string__ = "Problem, Recommendation or Task"
    _overdue_field = 'due_date'
    _employee_field = 'responsible'

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT')
    kind = fields.Selection(PRIZE_KINDS, "Kind", required=True, sort=False)
    name = fields.Char("Name", required=True)
    description = fields.Text("Description")
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'})
    contact = fields.Many2One(
        'ric.party.contact', "Contact Person", ondelete='SET NULL',
        domain=[('party', '=', Eval('party', -1))])
    assignment = fields.Many2One(
        'ric.task.assignment', "Assignment", ondelete='SET NULL',
        domain=[('party', '=', Eval('party', -1))])
    origin = fields.Reference(
        "Document", selection='get_origin',
        help="Any document the item is about.")
    direction = fields.Many2One(
        'ric.activity.direction', "Activity Direction", ondelete='RESTRICT')
    author = fields.Many2One(
        'company.employee', "Author", ondelete='RESTRICT')
    responsible = fields.Many2One(
        'company.employee', "Responsible", ondelete='RESTRICT')
    department = fields.Function(
        fields.Many2One('ric.department', "Department"),
        'get_department', searcher='search_department')
    date = fields.Date("Date", required=True)
    due_date = fields.Date("Due Date")
    closed_date = fields.Date("Closed", readonly=True)
    result = fields.Text("Result")
    rule = fields.Many2One(
        'ric.task.rule', "Rule", readonly=True, ondelete='SET NULL')
    rule_key = fields.Char("Rule Key", readonly=True)
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    locals().update(state_fields())

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._rule_item_setup()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range())),
                Index(t, (t.responsible, Index.Range()),
                    (t.due_date, Index.Range())),
                Index(t, (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return _default_company()

    @classmethod
    def default_kind(cls):
        return 'problem'

    @classmethod
    def default_date(cls):
        return _today()

    @classmethod
    def default_author(cls):
        return _current_employee()

    @classmethod
    def _get_origin(cls):
        "Return the models a ПРиЗ may be about (extended by the modules)"
        return ['ric.task.assignment', 'ric.task.work', 'party.party',
            'ric.party.contact', 'ric.distributive',
            'ric.distributive.reservation', 'ric.distributive.movement']

    @classmethod
    def get_origin(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + [(m, IrModel.get_name(m))
            for m in cls._get_origin()]

    @classmethod
    def _on_state_changed(cls, records):
        super()._on_state_changed(records)
        today = _today()
        closed = [r for r in records if r.state.closed and not r.closed_date]
        opened = [r for r in records if not r.state.closed and r.closed_date]
        args = []
        if closed:
            args.extend((closed, {'closed_date': today}))
        if opened:
            args.extend((opened, {'closed_date': None}))
        if args:
            cls.write(*args)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ric_assignments = fields.One2Many(
        'ric.task.assignment', 'party', "Assignments", readonly=True)
    ric_works = fields.One2Many(
        'ric.task.work', 'party', "Works", readonly=True)
    ric_prizes = fields.One2Many(
        'ric.task.prize', 'party', "Problems, Recommendations, Tasks",
        readonly=True)
