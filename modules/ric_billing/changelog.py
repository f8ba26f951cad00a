# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The change log of ric_task on the billing data a manager edits by hand

Registered only when ric_task is activated too (``[register ric_task]`` of
tryton.cfg): who changed the budgets, fixed prices, discounts, promotions,
billing rules and signatories, when, and the old and new values.  The
invoices are not logged: a posted invoice cannot be changed and keeps its
move, and a billing run writes thousands of them."""
from trytond.modules.ric_task.changelog import ChangeLogMixin
from trytond.pool import PoolMeta


class Budget(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.billing.budget'


class FixedPrice(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.billing.fixed_price'


class Discount(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.billing.discount'


class Promotion(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.billing.promotion'


class Rule(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.billing.rule'


class Signatory(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.billing.signatory'

    @classmethod
    def _ric_changelog_written(cls, values):
        """A new facsimile is logged by its file store key: the images
        themselves are not"""
        names = super()._ric_changelog_written(values)
        for name in ['signature', 'stamp']:
            if name in names:
                names.add(cls._fields[name].file_id)
        return names
