# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, tree)
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Department(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Department"
    __name__ = 'ric.department'
    __string__ = "Department"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    parent = fields.Many2One(
        'ric.department', "Parent", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])
    children = fields.One2Many('ric.department', 'parent', "Children")
    head = fields.Many2One(
        'company.employee', "Head",
        domain=[('company', '=', Eval('company', -1))])
    directions = fields.Many2Many(
        'ric.department-ric.activity.direction', 'department', 'direction',
        "Activity Directions")
    employees = fields.One2Many('company.employee', 'department', "Employees")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        from trytond.transaction import Transaction
        return Transaction().context.get('company')

    def get_subtree_ids(self):
        "Return the ids of the department and all its sub-departments"
        return [d.id for d in self.search([('parent', 'child_of', [self.id])])]


class DepartmentDirection(ModelSQL):
    "Department - Activity Direction"
    __name__ = 'ric.department-ric.activity.direction'
    __string__ = "Department - Activity Direction"
    department = fields.Many2One(
        'ric.department', "Department", required=True, ondelete='CASCADE')
    direction = fields.Many2One(
        'ric.activity.direction', "Activity Direction", required=True,
        ondelete='CASCADE')


class Position(DeactivableMixin, ModelSQL, ModelView):
    "Employee Position"
    __name__ = 'ric.position'
    __string__ = "Employee Position"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    direction = fields.Many2One(
        'ric.activity.direction', "Main Activity Direction",
        ondelete='SET NULL')


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    department = fields.Many2One(
        'ric.department', "Department", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    position = fields.Many2One('ric.position', "Position", ondelete='SET NULL')
    directions = fields.Many2Many(
        'company.employee-ric.activity.direction', 'employee', 'direction',
        "Activity Directions")


class EmployeeDirection(ModelSQL):
    "Employee - Activity Direction"
    __name__ = 'company.employee-ric.activity.direction'
    __string__ = "Employee - Activity Direction"
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')
    direction = fields.Many2One(
        'ric.activity.direction', "Activity Direction", required=True,
        ondelete='CASCADE')
