# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, ModelView, Unique, fields

from . import tools


class CalendarException(ModelSQL, ModelView):
    "Production Calendar Correction"
    __name__ = 'ric.calendar.exception'
    __string__ = "Production Calendar Correction"
    date = fields.Date("Date", required=True)
    working = fields.Boolean(
        "Working Day",
        help="Checked: the day is a working day, otherwise a day off.")
    description = fields.Char("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_unique', Unique(t, t.date),
                'ric_base.msg_calendar_date_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def exceptions(cls):
        "Return {date: working} of every correction"
        return {e.date: e.working for e in cls.search([])}

    @classmethod
    def add_working_days(cls, date, days):
        return tools.add_working_days(date, days, cls.exceptions())

    @classmethod
    def is_working_day(cls, date):
        return tools.is_working_day(date, cls.exceptions())

    @classmethod
    def working_days_between(cls, start, end):
        return tools.working_days_between(start, end, cls.exceptions())
