# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rule kind «overdue debt» of the auto-generation rules of ric_task

Registered only when ric_task is activated too (``[register ric_task]`` of
tryton.cfg): a rule of this kind creates a ПРиЗ or an assignment for every
client whose debt is past due by more than the rule's days for more than
its amount (:meth:`ric.settlement.receivable.get_overdue`), so that the
client's responsible calls about it."""
from decimal import Decimal

from sql import Cast, Null

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import reduce_ids
from trytond.transaction import Transaction

KIND = 'overdue_debt'


class Rule(metaclass=PoolMeta):
    __name__ = 'ric.task.rule'

    overdue_amount = fields.Numeric("Overdue Amount", digits=(16, 2),
        states={
            'invisible': Eval('kind') != KIND,
            },
        domain=['OR',
            ('overdue_amount', '=', None),
            ('overdue_amount', '>=', 0),
            ],
        help="The clients whose debt past due by more than the days "
        "exceeds this amount (all the legal entities together).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.days.states = cls.days.states.copy()
        cls.days.states['invisible'] &= Eval('kind') != KIND
        cls.days.states['required'] |= Eval('kind') == KIND

    @classmethod
    def get_kinds(cls):
        return super().get_kinds() + [
            (KIND, gettext('ric_settlement.msg_rule_kind_overdue_debt'))]

    def _candidates_overdue_debt(self, date):
        """The clients looked at whose overdue debt on date, past due by
        more than days, exceeds overdue_amount: the debts are computed for
        all of them at once (a query per slice of counterparties)"""
        pool = Pool()
        Receivable = pool.get('ric.settlement.receivable')
        cursor = Transaction().connection.cursor()
        party, where = self._clients()
        cursor.execute(*party.select(party.id, where=where))
        clients = [c for c, in cursor]
        overdue = Receivable.get_overdue(clients, date, self.days or 0)
        threshold = self.overdue_amount or Decimal(0)
        debtors = sorted(c for c, amount in overdue.items()
            if amount > threshold)
        return party.select(party.id.as_('party'),
            Cast(Null, 'VARCHAR').as_('origin'),
            Cast(Null, 'INTEGER').as_('assignee'),
            where=where & reduce_ids(party.id, debtors))
