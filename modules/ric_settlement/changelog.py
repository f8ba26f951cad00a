# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The change log of ric_task on the settlement documents

Registered only when ric_task is activated too (``[register ric_task]`` of
tryton.cfg): who created, changed, sent, posted, approved, cancelled or
deleted the acts of reconciliation, the mutual offsets and the bad-debt
write-offs, when, and the old and new values.  Their lines are not logged
(those of the acts are recomputed from the ledger); a change of the lines
of an approved write-off shows as its return to draft."""
from trytond.modules.ric_task.changelog import ChangeLogMixin
from trytond.pool import PoolMeta

from .writeoff import APPROVED_FIELDS


class Act(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.settlement.act'
    # computed from the ledger for hundreds of acts at once (compute),
    # set by the runs of the cron and by the printing
    _ric_changelog_exclude = {
        'counterparty', 'opening_balance', 'debit', 'credit',
        'closing_balance', 'file_name', 'run'}


class Offset(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.settlement.offset'


class WriteOff(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.settlement.writeoff'

    @classmethod
    def _ric_changelog_written(cls, values):
        "A change of an approved write-off sends it back to draft"
        names = super()._ric_changelog_written(values)
        if names & APPROVED_FIELDS:
            names |= {'state', 'approved_by', 'approved_date'}
        return names
