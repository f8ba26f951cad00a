# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rule kind «overdue debt» that ric_settlement gives ric_task's
auto-generation rules (registered only when both modules are activated)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

from .test_analytics import DATE, setup_analytics


class OverdueDebtRuleTestCase(ModuleDBTestCase):
    "The overdue debt rule of ric_task"
    module = 'ric_settlement'
    extras = ['ric_task']

    def _rule(self, data, days, amount):
        pool = Pool()
        Rule = pool.get('ric.task.rule')
        rule, = Rule.create([{
                    'name': "Просроченная задолженность",
                    'kind': 'overdue_debt', 'company': data.company.id,
                    'days': days, 'overdue_amount': amount,
                    'client_statuses': ['served'],
                    'item_type': 'prize', 'prize_kind': 'problem',
                    'item_name': "Позвонить о долге",
                    'direction': data.direction.id,
                    'default_assignee': data.ivanova.id,
                    }])
        return rule

    @with_transaction()
    def test_kind_listed(self):
        "The kind is offered with the shipped ones, with its own label"
        Rule = Pool().get('ric.task.rule')
        kinds = dict(Rule.get_kinds())
        self.assertIn('overdue_debt', kinds)
        self.assertIn('no_responsible', kinds)

    @with_transaction()
    def test_overdue_debt_rule(self):
        "A ПРиЗ for each client past due over the days and the amount, once"
        pool = Pool()
        Party = pool.get('party.party')
        Rule = pool.get('ric.task.rule')
        Prize = pool.get('ric.task.prize')
        data = setup_analytics()
        Party.write([data.a, data.b, data.c],
            {'is_client': True, 'client_status': 'served'})
        with set_company(data.company):
            # on 30.06 A owes 500 of the debt due 11.03 (110 days) and
            # 3 000 due 20.06 (10 days); B and C owe nothing past due
            late = self._rule(data, 30, Decimal('100'))
            recent = self._rule(data, 5, Decimal('1000'))
            above = self._rule(data, 30, Decimal('500'))
            self.assertEqual(Rule.run([late, recent, above], date=DATE),
                {late.id: 1, recent.id: 1, above.id: 0})
            prizes = Prize.search([('rule', '=', late.id)])
            self.assertEqual([p.party for p in prizes], [data.a])
            self.assertEqual(prizes[0].responsible, data.ivanova)
            # the next run creates nothing while the item is open
            self.assertEqual(Rule.run([late], date=DATE), {late.id: 0})
            # on 15.01 no debt has fallen due yet
            early = self._rule(data, 0, Decimal(0))
            self.assertEqual(Rule.run([early], date=dt.date(2026, 1, 15)),
                {early.id: 0})
