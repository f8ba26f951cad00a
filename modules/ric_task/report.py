# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Control reports: «Анализ проблем, рекомендаций и заданий» and
«Отчёт по контактам с клиентами» (table queries grouped by a dimension)"""
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

GROUPINGS = [
    ('direction', "Activity Direction"),
    ('employee', "Employee"),
    ('department', "Department"),
    ('client', "Client"),
    ]


class ReportContext(ModelView):
    "Task Report Context"
    __name__ = 'ric.task.report.context'
    __string__ = "Task Report Context"
    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")
    grouping = fields.Selection(GROUPINGS, "Grouping", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_grouping(cls):
        return Transaction().context.get('grouping') or 'employee'

    @classmethod
    def default_from_date(cls):
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date')


class _GroupedReport(ModelSQL, ModelView):
    "A table query grouped by the dimension of the context"
    __slots__ = ()
    direction = fields.Many2One('ric.activity.direction', "Activity Direction")
    employee = fields.Many2One('company.employee', "Employee")
    department = fields.Many2One('ric.department', "Department")
    party = fields.Many2One('party.party', "Client")
    dimension = fields.Function(fields.Char("Group"), 'get_dimension')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'ASC')]

    def get_dimension(self, name):
        grouping = Transaction().context.get('grouping') or 'employee'
        record = getattr(self, 'party' if grouping == 'client' else grouping)
        return record.rec_name if record else '—'

    @staticmethod
    def _report_context():
        context = Transaction().context
        return (context.get('company'), context.get('from_date'),
            context.get('to_date'), context.get('grouping') or 'employee')

    @classmethod
    def _grouped(cls, query_from, where, dims, measures):
        "Select measures grouped by the dimension column of dims"
        grouping = cls._report_context()[3]
        key = dims[grouping]
        name = 'party' if grouping == 'client' else grouping
        columns = [(Coalesce(key, 0) + 1).as_('id'),
            Literal(0).as_('create_uid'),
            Literal(dt.datetime.min).as_('create_date'),
            Cast(Null, 'INTEGER').as_('write_uid'),
            Cast(Null, 'TIMESTAMP').as_('write_date')]
        for other in ['direction', 'employee', 'department', 'party']:
            if other == name:
                columns.append(key.as_(other))
            else:
                columns.append(Cast(Null, 'INTEGER').as_(other))
        columns.extend(m.as_(n) for n, m in measures)
        return query_from.select(*columns, where=where, group_by=[key])


def _count_if(condition):
    return Sum(Case((condition, 1), else_=0))


class PrizeAnalysis(_GroupedReport):
    "Analysis of Problems, Recommendations and Tasks"
    __name__ = 'ric.task.prize.analysis'
    __string__ = "Analysis of Problems, Recommendations and Tasks"
    total = fields.Integer("Total")
    problems = fields.Integer("Problems")
    recommendations = fields.Integer("Recommendations")
    tasks = fields.Integer("Tasks")
    open = fields.Integer("Open")
    closed = fields.Integer("Closed")
    overdue = fields.Integer("Overdue")
    closed_late = fields.Integer(
        "Closed Late", help="Closed after their due date.")

    @classmethod
    def table_query(cls):
        pool = Pool()
        Prize = pool.get('ric.task.prize')
        State = pool.get('ric.task.lifecycle.state')
        Employee = pool.get('company.employee')
        Date = pool.get('ir.date')
        prize = Prize.__table__()
        state = State.__table__()
        employee = Employee.__table__()
        company, from_date, to_date, _ = cls._report_context()
        today = Date.today()
        query_from = prize.join(state, condition=state.id == prize.state
            ).join(employee, 'LEFT',
                condition=employee.id == prize.responsible)
        where = prize.company == (company or -1)
        if from_date:
            where &= prize.date >= from_date
        if to_date:
            where &= prize.date <= to_date
        closed = state.closed == Literal(True)
        dims = {
            'direction': prize.direction,
            'employee': prize.responsible,
            'department': employee.department,
            'client': prize.party,
            }
        measures = [
            ('total', Count(prize.id)),
            ('problems', _count_if(prize.kind == 'problem')),
            ('recommendations', _count_if(prize.kind == 'recommendation')),
            ('tasks', _count_if(prize.kind == 'task')),
            ('open', _count_if(~closed)),
            ('closed', _count_if(closed)),
            ('overdue', _count_if(~closed & (prize.due_date < today))),
            ('closed_late', _count_if(closed
                    & (prize.closed_date > prize.due_date))),
            ]
        return cls._grouped(query_from, where, dims, measures)


class ContactReport(_GroupedReport):
    "Contacts with Clients"
    __name__ = 'ric.task.contact.report'
    __string__ = "Contacts with Clients"
    planned = fields.Integer("Planned")
    done = fields.Integer("Done")
    contacts = fields.Integer("Contacts Made")
    logged_in = fields.Integer("With Log In")
    not_reached = fields.Integer("Not Reached")
    phone = fields.Integer("Phone Calls")
    visits = fields.Integer("Visits")
    emails = fields.Integer("E-mails")
    remote = fields.Integer("Remote Sessions")
    duration = fields.Integer(
        "Duration (min)", help="The total duration of the done works.")

    @classmethod
    def table_query(cls):
        pool = Pool()
        Work = pool.get('ric.task.work')
        Assignment = pool.get('ric.task.assignment')
        Result = pool.get('ric.task.work.result')
        Employee = pool.get('company.employee')
        work = Work.__table__()
        assignment = Assignment.__table__()
        result = Result.__table__()
        employee = Employee.__table__()
        company, from_date, to_date, _ = cls._report_context()
        query_from = work.join(assignment,
            condition=assignment.id == work.assignment
            ).join(result, 'LEFT', condition=result.id == work.result
            ).join(employee, 'LEFT', condition=employee.id == work.executor)
        where = work.company == (company or -1)
        if from_date:
            where &= work.planned_datetime >= dt.datetime.combine(
                from_date, dt.time())
        if to_date:
            where &= work.planned_datetime < dt.datetime.combine(
                to_date + dt.timedelta(days=1), dt.time())
        done = work.done_datetime != Null
        made = result.contact_made == Literal(True)
        if backend.name == 'postgresql':
            seconds = Extract('EPOCH', work.duration)
        else:
            seconds = work.duration
        dims = {
            'direction': assignment.direction,
            'employee': work.executor,
            'department': employee.department,
            'client': work.party,
            }
        measures = [
            ('planned', Count(work.id)),
            ('done', _count_if(done)),
            ('contacts', _count_if(done & made)),
            ('logged_in', _count_if(done & (
                        result.logged_in == Literal(True)))),
            ('not_reached', _count_if(done & ~Coalesce(made, False))),
            ('phone', _count_if(work.contact_method == 'phone')),
            ('visits', _count_if(work.contact_method == 'visit')),
            ('emails', _count_if(work.contact_method == 'email')),
            ('remote', _count_if(work.contact_method == 'remote')),
            ('duration', Cast(Coalesce(Sum(Case((done, seconds), else_=0)),
                        0) / 60, 'INTEGER')),
            ]
        return cls._grouped(query_from, where, dims, measures)
