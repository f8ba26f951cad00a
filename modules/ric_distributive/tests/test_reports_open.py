# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The distributive reports open on data: the default period of their
context is the current month, another period shows other rows; each report
action offers a list and a graph."""
import datetime as dt

from trytond.modules.company.tests import (
    create_company, create_employee, set_company)
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, ReportActionsTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from . import test_spine
from .test_registration import _file

CONTEXT = 'ric.distributive.report.context'

#: the report models and the xml ids of their actions
REPORTS = [
    ('ric.distributive.report.movement', 'act_report_movement_form'),
    ('ric.installation.report.deadline', 'act_report_installation_form'),
    ('ric.registration.report.discrepancy', 'act_report_discrepancy_form'),
    ]


def _month_start(date, offset=0):
    "The first day of the month offset months from the month of date"
    month = date.year * 12 + date.month - 1 + offset
    return dt.date(month // 12, month % 12 + 1, 1)


class DistributiveReportsOpenTestCase(
        ReportActionsTestMixin, ModuleDBTestCase):
    "Test the distributive reports open on data"
    module = 'ric_distributive'
    report_actions = REPORTS
    report_context = CONTEXT

    _catalogue = test_spine.DistributiveSpineTestCase._catalogue
    _parties = test_spine.DistributiveSpineTestCase._parties
    _distributives = test_spine.DistributiveSpineTestCase._distributives
    _connect = test_spine.DistributiveSpineTestCase._connect

    def _defaults(self):
        "Return today and the values the client gives the report context"
        pool = Pool()
        Context = pool.get(CONTEXT)
        today = pool.get('ir.date').today()
        defaults = Context.default_get(
            list(Context._fields), with_rec_name=False)
        self.assertEqual(defaults, {
                'date': today,
                'from_date': _month_start(today),
                'to_date': _month_start(today, 1) - dt.timedelta(days=1),
                })
        return today, defaults

    @with_transaction()
    def test_movement(self):
        "The movements open on the current month"
        pool = Pool()
        Report = pool.get('ric.distributive.report.movement')
        company = create_company()
        with set_company(company):
            today, defaults = self._defaults()
            (prof, _), (local, _) = self._catalogue()
            clients = self._parties(2)
            current, old = self._distributives(2, prof, local)
            this_month = _month_start(today)
            last_month = _month_start(today, -1)
            self._connect([current], clients[:1], this_month)
            self._connect([old], clients[1:], last_month)

            with Transaction().set_context(**defaults):
                row, = Report.search([])
                self.assertEqual(
                    (row.date, row.kind, row.system, row.connections),
                    (this_month, 'connection', prof, 1))

            with Transaction().set_context(defaults, from_date=last_month):
                rows = Report.search([])
                self.assertEqual([(r.date, r.count) for r in rows],
                    [(last_month, 1), (this_month, 1)])

    @with_transaction()
    def test_installation(self):
        "The installation deadlines open on the current month"
        pool = Pool()
        Installation = pool.get('ric.installation')
        Report = pool.get('ric.installation.report.deadline')
        company = create_company()
        with set_company(company):
            today, defaults = self._defaults()
            employee = create_employee(company)
            client, = self._parties(1)
            end_of_month = defaults['to_date']
            earlier = _month_start(today, -2)
            current, old = Installation.create([{
                        'client': client.id, 'installer': employee.id,
                        'order_date': today, 'planned_date': end_of_month,
                        }, {
                        'client': client.id, 'order_date': earlier,
                        'planned_date': earlier,
                        }])

            with Transaction().set_context(**defaults):
                row, = Report.search([])
                self.assertEqual(
                    (row.installer, row.planned, row.overdue),
                    (employee, 1, 0))

            with Transaction().set_context(defaults, from_date=earlier,
                    to_date=_month_start(today, -1)):
                row, = Report.search([])
                self.assertEqual(
                    (row.installer, row.planned, row.overdue),
                    (None, 1, 1))

    @with_transaction()
    def test_discrepancy(self):
        "The discrepancies by kind open on the current month"
        pool = Pool()
        Import = pool.get('ric.registration.import')
        Report = pool.get('ric.registration.report.discrepancy')
        company = create_company()
        with set_company(company):
            today, defaults = self._defaults()
            self._catalogue()
            last_month = _month_start(today, -1)
            Import.import_data(_file(
                    'NOPE;1;LOC;active;C1;',
                    'NOPE;2;LOC;active;C1;'), 'now.csv', date=today)
            Import.import_data(_file(
                    'NOPE;3;LOC;active;C1;'), 'before.csv', date=last_month)

            with Transaction().set_context(**defaults):
                row, = Report.search([])
                self.assertEqual(
                    (row.date, row.kind, row.count, row.unresolved),
                    (today, 'unknown_system', 2, 2))

            with Transaction().set_context(defaults, from_date=last_month):
                rows = Report.search([])
                self.assertEqual(sorted((r.date, r.count) for r in rows),
                    [(last_month, 1), (today, 2)])
