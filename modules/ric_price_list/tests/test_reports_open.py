# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The price-list reports open on data: the default values of their context
show rows of the current month and versions, another context other rows;
each report action offers a list and a graph."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, ReportActionsTestMixin)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from . import test_module

D = Decimal

#: the report models and the xml ids of their actions
REPORTS = [
    ('ric.price_list.comparison', 'act_comparison'),
    ('ric.price_list.control.report', 'act_control_report'),
    ('ric.price_list.coefficient', 'act_coefficient'),
    ]


def _months_before(date, count):
    "The first day of the month count months before the month of date"
    month = date.year * 12 + date.month - 1 - count
    return dt.date(month // 12, month % 12 + 1, 1)


def _defaults(context_model):
    "The values the client gives a new record of the context model"
    Context = Pool().get(context_model)
    return Context.default_get(list(Context._fields), with_rec_name=False)


class PriceListReportsOpenTestCase(ReportActionsTestMixin, ModuleDBTestCase):
    "Test the price-list reports open on data"
    module = 'ric_price_list'
    report_actions = REPORTS

    _catalogue = test_module.RicPriceListTestCase._catalogue
    _price_list = test_module.RicPriceListTestCase._price_list
    _version = test_module.RicPriceListTestCase._version

    def _setup(self, company):
        """Create the main price list with a version of 14 months ago and
        one of the current month (made its default) and a client"""
        pool = Pool()
        Configuration = pool.get('ric.configuration')
        Party = pool.get('party.party')
        Date = pool.get('ir.date')
        today = Date.today()
        prof, buh, local, net = self._catalogue()
        main = self._price_list(company, "Main", 'MAIN')
        old = self._version(main, _months_before(today, 14), [
                {'system': prof.id, 'network_type': local.id,
                    'maintenance_price': D('10000')},
                {'system': buh.id, 'network_type': local.id,
                    'maintenance_price': D('7000')},
                ])
        current = self._version(main, today.replace(day=1), [
                {'system': prof.id, 'network_type': local.id,
                    'maintenance_price': D('11000')},
                {'system': buh.id, 'network_type': local.id,
                    'maintenance_price': D('7000')},
                ])
        config = Configuration(1)
        config.default_price_list = main
        config.save()
        client, = Party.create([{'name': "Gamma"}])
        return today, main, old, current, client, (prof, buh, local)

    @with_transaction()
    def test_comparison(self):
        "The comparison opens on the current and the previous version"
        pool = Pool()
        Comparison = pool.get('ric.price_list.comparison')
        company = create_company()
        with set_company(company):
            _, main, old, current, _, (prof, buh, _) = self._setup(company)
            defaults = _defaults('ric.price_list.comparison.context')
            self.assertEqual(defaults['price_list_a'], main.id)
            self.assertEqual(defaults['price_list_b'], main.id)
            self.assertEqual(defaults['version_a'], old.id)
            self.assertEqual(defaults['version_b'], current.id)

            with Transaction().set_context(**defaults):
                rows = Comparison.search([])
                self.assertEqual(
                    {(r.system, r.maintenance_a, r.maintenance_b)
                        for r in rows},
                    {(prof, D('10000'), D('11000')),
                        (buh, D('7000'), D('7000'))})
                self.assertEqual({r.line_a.version for r in rows}, {old})
                self.assertEqual(
                    {r.line_b.version for r in rows}, {current})

            with Transaction().set_context(
                    defaults, version_a=current.id):
                rows = Comparison.search([])
                self.assertEqual({r.line_a.version for r in rows},
                    {current})
                self.assertFalse(any(r.maintenance_difference
                        for r in rows))

            with Transaction().set_context(defaults, only_changed=True):
                row, = Comparison.search([])
                self.assertEqual(row.system, prof)
                self.assertEqual(row.maintenance_difference, D('1000'))

    @with_transaction()
    def test_control_report(self):
        "The exceeding control opens on the current month"
        pool = Pool()
        Approval = pool.get('ric.price.approval')
        Billed = pool.get('ric.billed.amount')
        Report = pool.get('ric.price_list.control.report')
        company = create_company()
        with set_company(company):
            today, _, _, _, client, (prof, _, local) = self._setup(company)
            approval, = Approval.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': today,
                        'proposed_price': D('12000')}])
            Approval.request([approval])
            last_year = _months_before(today, 12)
            billed, old_billed = Billed.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': today,
                        'billed_amount': D('12000')}, {
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': last_year,
                        'billed_amount': D('12000')}])
            self.assertEqual(billed.list_amount, D('11000'))
            self.assertEqual(old_billed.list_amount, D('10000'))

            defaults = _defaults('ric.price_list.control.context')
            self.assertEqual(defaults['company'], company.id)
            self.assertEqual(defaults['from_date'], today.replace(day=1))
            self.assertEqual(defaults['to_date'],
                _months_before(today, -1) - dt.timedelta(days=1))
            with Transaction().set_context(**defaults):
                rows = Report.search([])
                self.assertEqual({(r.approval, r.billed) for r in rows},
                    {(approval, None), (None, billed)})
                self.assertEqual({r.price for r in rows}, {D('12000')})

            with Transaction().set_context(defaults, from_date=last_year):
                rows = Report.search([])
                self.assertEqual({(r.approval, r.billed) for r in rows},
                    {(approval, None), (None, billed), (None, old_billed)})

            with Transaction().set_context(defaults,
                    from_date=last_year, to_date=last_year):
                row, = Report.search([])
                self.assertEqual(row.billed, old_billed)
                self.assertEqual(row.list_price, D('10000'))

    @with_transaction()
    def test_coefficient(self):
        "The coefficient opens on the twelve months to the current one"
        pool = Pool()
        Billed = pool.get('ric.billed.amount')
        Coefficient = pool.get('ric.price_list.coefficient')
        company = create_company()
        with set_company(company):
            today, _, _, _, client, (prof, buh, local) = self._setup(
                company)
            this_month = today.replace(day=1)
            first_month = _months_before(today, 11)
            older_month = _months_before(today, 12)
            Billed.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': this_month,
                        'billed_amount': D('9900')}, {
                        'client': client.id, 'system': buh.id,
                        'network_type': local.id, 'date': first_month,
                        'billed_amount': D('7000')}, {
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': older_month,
                        'billed_amount': D('8000')}])

            defaults = _defaults('ric.price_list.coefficient.context')
            self.assertEqual(defaults['company'], company.id)
            self.assertEqual(defaults['group_by'], 'month')
            self.assertEqual(defaults['from_date'], first_month)
            self.assertEqual(defaults['to_date'],
                _months_before(today, -1) - dt.timedelta(days=1))
            with Transaction().set_context(**defaults):
                rows = Coefficient.search([])
                self.assertEqual(
                    {(r.date, r.client, r.coefficient) for r in rows},
                    {(this_month, client, D('0.9')),
                        (first_month, client, D('1'))})

            with Transaction().set_context(
                    defaults, from_date=older_month):
                rows = Coefficient.search([])
                self.assertEqual({r.date for r in rows},
                    {this_month, first_month, older_month})

            with Transaction().set_context(defaults, group_by='client'):
                row, = Coefficient.search([])
                self.assertEqual(row.billed_amount, D('16900.00'))
                self.assertEqual(row.list_amount, D('18000.00'))
