# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

D = Decimal
JAN = dt.date(2026, 1, 1)


class PriceControlReportTestCase(_DBTestCase):
    "Test the price exceeding control report"
    module = 'ric_price_list'

    def _setup(self, company):
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        PriceList = pool.get('product.price_list')
        Version = pool.get('ric.price_list.version')
        Configuration = pool.get('ric.configuration')
        Party = pool.get('party.party')
        prof, = System.create([{'code': 'PROF', 'name': "Prof"}])
        local, = NetworkType.search([('code', '=', 'LOC')])
        main, = PriceList.create([{
                    'name': "Main", 'code': 'MAIN', 'ric_type': 'main',
                    'company': company.id,
                    'currency': company.currency.id,
                    }])
        version, = Version.create([{
                    'price_list': main.id, 'name': 'Jan',
                    'start_date': JAN,
                    'lines': [('create', [{
                                    'system': prof.id,
                                    'network_type': local.id,
                                    'maintenance_price': D('10000'),
                                    }])],
                    }])
        Version.approve([version])
        config = Configuration(1)
        config.default_price_list = main
        config.save()
        client, other = Party.create([{'name': "Gamma"}, {'name': "Delta"}])
        return prof, local, client, other

    @with_transaction()
    def test_only_unapproved_hides_covered_billed_amounts(self):
        "Only unapproved leaves out the billed amounts an approval covers"
        pool = Pool()
        Approval = pool.get('ric.price.approval')
        Billed = pool.get('ric.billed.amount')
        Report = pool.get('ric.price_list.control.report')
        company = create_company()
        with set_company(company):
            prof, local, client, other = self._setup(company)
            approval, = Approval.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': JAN,
                        'end_date': dt.date(2026, 3, 31),
                        'proposed_price': D('12000')}])
            Approval.request([approval])
            Approval.approve([approval])
            covered, above, late, foreign = Billed.create([{
                        # covered by the approval
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 2, 1),
                        'billed_amount': D('12000')}, {
                        # above the approved price
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 3, 1),
                        'billed_amount': D('12500')}, {
                        # after the end of the approval
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 4, 1),
                        'billed_amount': D('11000')}, {
                        # another client
                        'client': other.id, 'system': prof.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 2, 1),
                        'billed_amount': D('11000')}])
            self.assertEqual(covered.list_amount, D('10000'))

            rows = Report.search([('source', '=', 'billing')])
            self.assertEqual({r.billed for r in rows},
                {covered, above, late, foreign})
            self.assertEqual({r.billed for r in rows if r.approved},
                {covered})

            with Transaction().set_context(only_unapproved=True):
                rows = Report.search([])
                self.assertEqual({r.billed for r in rows if r.billed},
                    {above, late, foreign})
                self.assertFalse(any(r.approved for r in rows))
                self.assertNotIn(approval, {r.approval for r in rows})

    @with_transaction()
    def test_only_unapproved_keeps_billed_amounts_of_pending(self):
        "A requested (not approved) price covers nothing"
        pool = Pool()
        Approval = pool.get('ric.price.approval')
        Billed = pool.get('ric.billed.amount')
        Report = pool.get('ric.price_list.control.report')
        company = create_company()
        with set_company(company):
            prof, local, client, _ = self._setup(company)
            approval, = Approval.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': JAN,
                        'proposed_price': D('12000')}])
            Approval.request([approval])
            billed, = Billed.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 2, 1),
                        'billed_amount': D('12000')}])
            with Transaction().set_context(only_unapproved=True):
                rows = Report.search([])
                self.assertEqual({r.billed for r in rows if r.billed},
                    {billed})
                self.assertIn(approval, {r.approval for r in rows})


del _DBTestCase
