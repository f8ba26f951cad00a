# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Literal
from sql.operators import Equal

from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, sequence_ordered, fields)


class ActivityDirection(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Activity Direction"
    __name__ = 'ric.activity.direction'
    __string__ = "Activity Direction"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="Stable identifier used by imports and other modules.")
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Exclude(t, (t.code, Equal),
                    where=t.active == Literal(True)),
                'ric_base.msg_direction_code_unique'),
            ]

    @classmethod
    def get_by_code(cls, code):
        "Return the active direction with code or None"
        directions = cls.search([('code', '=', code)], limit=1)
        return directions[0] if directions else None
