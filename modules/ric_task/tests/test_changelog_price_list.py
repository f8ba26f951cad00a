# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The change log of the tariff price lists (registered by ric_task when
ric_price_list is activated too)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.modules.ric_task.tests.tools import logged_changes
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

D = Decimal
JAN = dt.date(2026, 1, 1)


class RicTaskPriceListTestCase(ModuleDBTestCase):
    "Test the change log of RIC Task on the price lists"
    module = 'ric_task'
    # ric_settlement brings ric_price_list: the database is the one of
    # ric_settlement's change-log tests, built once
    extras = ['ric_price_list', 'ric_settlement']

    def _setup(self):
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        PriceList = pool.get('product.price_list')
        Version = pool.get('ric.price_list.version')
        company = create_company()
        prof, = System.create([{'code': 'PROF', 'name': "Версия Проф"}])
        local, = NetworkType.search([('code', '=', 'LOC')])
        net, = NetworkType.search([('code', '=', 'NET5')])
        with set_company(company):
            price_list, = PriceList.create([{
                        'name': "Основной", 'code': 'MAIN',
                        'ric_type': 'main', 'company': company.id,
                        'currency': company.currency.id,
                        'rounding': D('1'),
                        }])
            version, = Version.create([{
                        'price_list': price_list.id, 'name': "2026",
                        'start_date': JAN,
                        'lines': [('create', [{
                                        'system': prof.id,
                                        'network_type': local.id,
                                        'maintenance_price': D('10000'),
                                        }, {
                                        'system': prof.id,
                                        'network_type': net.id,
                                        'price_type': 'formula',
                                        'formula': 'local_price',
                                        }])],
                        }])
        return company, price_list, version, local, net

    @with_transaction()
    def test_models_logged(self):
        "The price list models are logged and offer the change log"
        pool = Pool()
        Change = pool.get('ric.task.change')
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')
        models = {'product.price_list', 'product.price_list.line',
            'ric.price_list.version', 'ric.price_list.assignment'}
        self.assertLessEqual(models, set(dict(Change.get_models())))
        action = ModelData.get_id('ric_task', 'act_change_relate')
        keywords = Keyword.search([
                ('keyword', '=', 'form_relate'),
                ('action', '=', action),
                ])
        self.assertLessEqual(
            {m + ',-1' for m in models}, {k.model for k in keywords})

    @with_transaction()
    def test_line_change_logged(self):
        "A price and a formula written on the lines are logged with the user"
        pool = Pool()
        Line = pool.get('product.price_list.line')
        Version = pool.get('ric.price_list.version')
        User = pool.get('res.user')
        company, price_list, version, local, net = self._setup()
        user, = User.create([{'login': 'pricer', 'name': "Цены",
                    'companies': [('add', [company.id])],
                    'company': company.id}])
        fixed, = [l for l in version.lines if l.network_type == local]
        formula, = [l for l in version.lines if l.network_type == net]
        self.assertEqual(
            [c.action for c in logged_changes(
                    'product.price_list.line', fixed, 'create')],
            ['create'])
        with set_company(company), Transaction().set_user(user.id):
            Line.write([fixed], {'maintenance_price': D('12000')})
            Line.write([formula], {'formula': 'local_price * coefficient'})
        changes = logged_changes('product.price_list.line', fixed)
        self.assertEqual(
            [(c.field, c.old_value, c.new_value, c.user)
                for c in changes],
            [('maintenance_price', '10000', '12000', user)])
        self.assertIsInstance(changes[0].date, dt.datetime)
        self.assertEqual(changes[0].record, fixed)
        changes = logged_changes('product.price_list.line', formula)
        self.assertEqual(
            [(c.field, c.old_value, c.new_value, c.user)
                for c in changes],
            [('formula', 'local_price', 'local_price * coefficient', user)])

        # the computed prices of the formula lines are not logged, the
        # approval is
        with set_company(company):
            Version.approve([version])
        formula = Line(formula.id)
        self.assertEqual(formula.maintenance_price, D('24000'))
        self.assertEqual(
            [c.field for c in logged_changes(
                    'product.price_list.line', formula)], ['formula'])
        self.assertEqual(
            [(c.field, c.old_value, c.new_value) for c in logged_changes(
                    'ric.price_list.version', version)
                if c.field == 'state'],
            [('state', "Draft", "Approved")])

    @with_transaction()
    def test_price_list_and_assignment_logged(self):
        "The price list and the assignments of the clients are logged"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        Party = pool.get('party.party')
        Assignment = pool.get('ric.price_list.assignment')
        company, price_list, version, local, net = self._setup()
        client, = Party.create([{'name': "Ромашка"}])
        with set_company(company):
            PriceList.write([price_list], {
                    'derive_formula': 'base_price * 1.15'})
            assignment, = Assignment.create([{
                        'party': client.id, 'price_list': price_list.id,
                        'start_date': JAN,
                        }])
            Assignment.write([assignment], {
                    'end_date': dt.date(2026, 6, 30)})
            Assignment.delete([assignment])
        self.assertEqual(
            [(c.field, c.old_value, c.new_value) for c in logged_changes(
                    'product.price_list', price_list)],
            [('derive_formula', 'base_price', 'base_price * 1.15')])
        self.assertEqual(
            [(c.field, c.old_value, c.new_value) for c in logged_changes(
                    'ric.price_list.assignment', assignment)],
            [('end_date', None, '2026-06-30')])
        self.assertEqual(
            [c.old_value for c in logged_changes(
                    'ric.price_list.assignment', assignment, 'delete')],
            ["Ромашка: Основной"])
