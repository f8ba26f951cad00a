# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mixins shared by the models of the suite."""

__all__ = ['CodeNameMixin']


class CodeNameMixin:
    """Records shown by their name and found by their code or their name.

    The code (``PROF``, ``MAIN``…) is a key for imports, exports and
    searches, not a word of the Russian interface: it is not part of the
    record name (lists show it in a column of its own where it is useful).
    The model needs the fields ``code`` and ``name``.
    """
    __slots__ = ()

    def get_rec_name(self, name):
        return self.name or self.code or ''

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]
