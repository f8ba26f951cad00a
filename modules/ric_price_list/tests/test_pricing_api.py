# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The price spine: fallback to the default list and query counts."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries)
from trytond.modules.ric_price_list.tests.test_module import (
    RicPriceListTestCase)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

D = Decimal
JAN, MARCH = dt.date(2026, 1, 1), dt.date(2026, 3, 15)


class PricingApiTestCase(ModuleDBTestCase):
    "Test the price spine of RIC Price List"
    module = 'ric_price_list'
    # the price lists of the module's tests, not their tests
    _price_list = RicPriceListTestCase._price_list
    _version = RicPriceListTestCase._version
    _setup_in = RicPriceListTestCase._setup_in

    def _catalogue(self):
        "The systems and network types (those another test left included)"
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        systems = {s.code: s for s in System.search(
                [('code', 'in', ['PROF', 'BUH'])])}
        for code, values in [
                ('PROF', {'name': "Версия Проф"}),
                ('BUH', {'name': "Бухгалтер", 'kind': 'additional'})]:
            if code not in systems:
                systems[code], = System.create([dict(values, code=code)])
        local, = NetworkType.search([('code', '=', 'LOC')])
        net, = NetworkType.search([('code', '=', 'NET5')])
        return systems['PROF'], systems['BUH'], local, net

    def _budget_client(self, company):
        pool = Pool()
        Party = pool.get('party.party')
        Assignment = pool.get('ric.price_list.assignment')
        Configuration = pool.get('ric.configuration')
        _, main, (prof, buh, local, net) = self._setup_in(company)
        config = Configuration(1)
        config.default_price_list = main
        config.save()
        # the budget list prices only the Prof system
        budget = self._price_list(company, "Бюджетный", 'BUDGET',
            ric_type='budget')
        self._version(budget, JAN, [
                {'system': prof.id, 'network_type': local.id,
                    'maintenance_price': D('8000')},
                ])
        client, = Party.create([{'name': "Школа № 1"}])
        Assignment.create([{'party': client.id, 'price_list': budget.id,
                    'start_date': JAN}])
        return client, main, budget, (prof, buh, local, net)

    @with_transaction()
    def test_fallback_to_default_list(self):
        """An item missing from the client's list is priced by the default
        list, and the result says so"""
        PriceList = Pool().get('product.price_list')
        company = create_company()
        with set_company(company):
            client, main, budget, (prof, buh, local, net) = (
                self._budget_client(company))
            own = (client.id, prof.id, local.id, MARCH, 'maintenance')
            missing = (client.id, buh.id, local.id, MARCH, 'maintenance')
            nowhere = (client.id, buh.id, net.id, MARCH, 'maintenance')
            prices = PriceList.get_prices([own, missing, nowhere])
            self.assertEqual(prices, {
                    own: D('8000'), missing: D('7000'), nowhere: None})
            sourced = PriceList.get_prices(
                [own, missing, nowhere], with_source=True)
            self.assertEqual(sourced[own].amount, D('8000'))
            self.assertEqual(sourced[own].price_list, budget.id)
            self.assertFalse(sourced[own].fallback)
            self.assertEqual(sourced[missing].amount, D('7000'))
            self.assertEqual(sourced[missing].price_list, main.id)
            self.assertTrue(sourced[missing].fallback)
            self.assertEqual(sourced[missing].version, main.versions[0].id)
            self.assertIsNone(sourced[nowhere].amount)
            self.assertEqual(sourced[nowhere].price_list, budget.id)
            self.assertFalse(sourced[nowhere].fallback)
            # a list priced explicitly does not fall back
            self.assertIsNone(PriceList.get_list_prices([
                        (budget.id, buh.id, local.id, MARCH,
                            'maintenance')]).popitem()[1])

    @with_transaction()
    def test_prices_query_count(self):
        "get_prices runs as many statements for 10 as for 500 clients"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        Party = pool.get('party.party')
        Assignment = pool.get('ric.price_list.assignment')
        company = create_company()
        with set_company(company):
            client, main, budget, (prof, buh, local, net) = (
                self._budget_client(company))
            clients = Party.create([{'name': str(i)} for i in range(500)])
            Assignment.create([{'party': c.id, 'price_list': budget.id,
                        'start_date': JAN} for c in clients[::2]])

            def requests(clients):
                return [(c.id, s.id, local.id, MARCH, 'maintenance')
                    for c in clients for s in (prof, buh)]
            PriceList.get_prices(requests(clients[:2]))
            with count_queries() as few:
                few_prices = PriceList.get_prices(requests(clients[:10]))
            with count_queries() as many:
                many_prices = PriceList.get_prices(requests(clients))
            self.assertEqual(many.value, few.value)
            self.assertEqual(
                {p for p in many_prices.values()}, {D('8000'), D('10000'),
                    D('7000')})
            self.assertEqual(len(few_prices), 20)


del ModuleDBTestCase, RicPriceListTestCase
