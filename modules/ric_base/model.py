# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mixins shared by the models of the suite."""

__all__ = ['CodeNameMixin']


class CodeNameMixin:
    """Records named "[CODE] Name", found by their code or their name.

    The model needs the fields ``code`` and ``name``.
    """
    __slots__ = ()

    def get_rec_name(self, name):
        if self.code:
            return '[%s] %s' % (self.code, self.name)
        return self.name

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
