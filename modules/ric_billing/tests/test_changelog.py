# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The change log of ric_task on the billing data (registered by
ric_billing when ric_task is activated too)."""
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


class BillingChangeLogTestCase(ModuleDBTestCase):
    "The change log of the billing data"
    module = 'ric_billing'
    # with ric_settlement (which adds no logged billing model) the database
    # is the one of ric_settlement's change-log tests, built once
    extras = ['ric_task', 'ric_settlement']

    @with_transaction()
    def test_models_logged(self):
        "The documents are logged and offer the change log, not invoices"
        pool = Pool()
        Change = pool.get('ric.task.change')
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')
        models = {'ric.billing.budget', 'ric.billing.fixed_price',
            'ric.billing.discount', 'ric.billing.promotion',
            'ric.billing.rule', 'ric.billing.signatory'}
        logged = set(dict(Change.get_models()))
        self.assertLessEqual(models, logged)
        self.assertNotIn('account.invoice', logged)
        action = ModelData.get_id('ric_task', 'act_change_relate')
        keywords = Keyword.search([
                ('keyword', '=', 'form_relate'),
                ('action', '=', action),
                ])
        self.assertLessEqual(
            {m + ',-1' for m in models}, {k.model for k in keywords})

    @with_transaction()
    def test_fixed_price_and_budget_logged(self):
        "The price and the period of a fixed price and a budget are logged"
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        Party = pool.get('party.party')
        FixedPrice = pool.get('ric.billing.fixed_price')
        Budget = pool.get('ric.billing.budget')
        User = pool.get('res.user')
        company = create_company()
        user, = User.create([{'login': 'manager', 'name': "Менеджер",
                    'companies': [('add', [company.id])],
                    'company': company.id}])
        with set_company(company):
            prof, = System.create([{'code': 'PROF', 'name': "Версия Проф"}])
            local, = NetworkType.search([('code', '=', 'LOC')])
            client, = Party.create([{'name': "Ромашка", 'is_client': True,
                        'client_status': 'served'}])
            distributive, = Distributive.create([{'number': '1001',
                        'system': prof.id, 'network_type': local.id}])
            Movement.create_and_do([{'kind': 'connection',
                        'distributive': distributive.id,
                        'client': client.id, 'date': JAN}])
            fixed, = FixedPrice.create([{
                        'distributive': distributive.id,
                        'client': client.id, 'date_from': JAN,
                        'amount': D('7000'),
                        }])
            budget, = Budget.create([{
                        'client': client.id, 'company': company.id,
                        'date_from': JAN, 'amount': D('18000'),
                        'distributives': [('add', [distributive.id])],
                        }])
            with Transaction().set_user(user.id):
                FixedPrice.write([fixed], {
                        'amount': D('7500'),
                        'date_to': dt.date(2026, 12, 31)})
                Budget.write([budget], {'amount': D('19000.50')})
                # an unchanged value is not logged
                Budget.write([budget], {'date_from': JAN})
        self.assertEqual(
            [c.action for c in logged_changes(
                    'ric.billing.fixed_price', fixed, 'create')],
            ['create'])
        changes = logged_changes('ric.billing.fixed_price', fixed)
        self.assertEqual(
            [(c.field, c.field_string, c.old_value, c.new_value, c.user)
                for c in changes],
            [('amount', "Monthly Price", '7000', '7500', user),
                ('date_to', "Date To", None, '2026-12-31', user)])
        self.assertEqual(changes[0].record, fixed)
        self.assertEqual(
            [(c.field, c.old_value, c.new_value, c.user)
                for c in logged_changes('ric.billing.budget', budget)],
            [('amount', '18000', '19000.50', user)])

    @with_transaction()
    def test_signatory_logged(self):
        "A new position and a new facsimile of a signatory are logged"
        pool = Pool()
        Signatory = pool.get('ric.billing.signatory')
        company = create_company()
        with set_company(company):
            signatory, = Signatory.create([{
                        'company': company.id, 'role': 'head',
                        'name': "Иванов Иван Иванович",
                        'position': "Директор",
                        }])
            Signatory.write([signatory], {
                    'position': "Генеральный директор",
                    'signature': b'facsimile',
                    })
            Signatory.delete([signatory])
        changes = logged_changes('ric.billing.signatory', signatory)
        self.assertEqual(
            [(c.field, c.old_value) for c in changes],
            [('position', "Директор"), ('signature_id', None)])
        self.assertEqual(changes[0].new_value, "Генеральный директор")
        self.assertTrue(changes[1].new_value)
        self.assertEqual(
            [c.old_value for c in logged_changes(
                    'ric.billing.signatory', signatory, 'delete')],
            ["Иванов Иван Иванович"])
