# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Billing rules: which legal entity bills which distributives, and how.

A group rule selects clients by segment, category and department and
distributives by system; an individual rule names clients or
distributives.  For each distributive of a client the individual rules are
tried before the group rules, each kind by sequence: the first rule that
matches bills it.  A client matched by no rule is reported by the run.
"""
import datetime as dt
from collections import defaultdict

from sql import Null

from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.ric_base.batch import id_slices, in_ids
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .invoice import DOCUMENT_SETS

PERIODS = [
    ('monthly', "Monthly"),
    ('quarterly', "Quarterly"),
    ('prepayment', "Prepayment"),
    ]
GROUPINGS = [
    ('client', "One Invoice per Client"),
    ('contract', "One Invoice per Contract"),
    ('distributive', "One Invoice per Distributive"),
    ]


class Rule(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Billing Rule"
    __name__ = 'ric.billing.rule'
    __string__ = "Billing Rule"

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Legal Entity",
        required=True, ondelete='CASCADE',
        help="The legal entity that bills what the rule selects.")
    kind = fields.Selection([
            ('group', "Group"),
            ('individual', "Individual"),
            ], "Kind", required=True,
        help="Individual rules name clients or distributives and are tried "
        "before the group rules.")
    segments = fields.Many2Many('ric.billing.rule-ric.segment',
        'rule', 'segment', "Segments",
        states={'invisible': Eval('kind') != 'group'})
    categories = fields.Many2Many('ric.billing.rule-party.category',
        'rule', 'category', "Categories",
        states={'invisible': Eval('kind') != 'group'})
    departments = fields.Many2Many('ric.billing.rule-ric.department',
        'rule', 'department', "Departments",
        states={'invisible': Eval('kind') != 'group'},
        help="The departments of the clients' responsible employees.")
    systems = fields.Many2Many('ric.billing.rule-ric.system',
        'rule', 'system', "Systems")
    clients = fields.Many2Many('ric.billing.rule-party.party',
        'rule', 'party', "Clients",
        states={'invisible': Eval('kind') != 'individual'})
    distributives = fields.Many2Many('ric.billing.rule-ric.distributive',
        'rule', 'distributive', "Distributives",
        states={'invisible': Eval('kind') != 'individual'})
    document_set = fields.Selection(DOCUMENT_SETS, "Document Set",
        required=True)
    period = fields.Selection(PERIODS, "Period", required=True)
    prepayment_months = fields.Integer("Months Paid in Advance",
        states={
            'invisible': Eval('period') != 'prepayment',
            'required': Eval('period') == 'prepayment',
            },
        domain=[If(Eval('period') == 'prepayment',
                ('prepayment_months', '>=', 1), ())])
    grouping = fields.Selection(GROUPINGS, "Grouping", required=True)
    payment_term = fields.Many2One('account.invoice.payment_term',
        "Payment Term")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('company', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'group'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_document_set(cls):
        return 'invoice_act_vat'

    @classmethod
    def default_period(cls):
        return 'monthly'

    @classmethod
    def default_grouping(cls):
        return 'client'

    def months(self, month_start):
        """Return the first days of the months a run of the month bills

        A quarterly rule bills the three months of a quarter in the run of
        its first month (and nothing in the two others); a prepayment rule
        bills the month and the next ``prepayment_months - 1`` months.
        """
        if self.period == 'quarterly':
            if (month_start.month - 1) % 3:
                return []
            count = 3
        elif self.period == 'prepayment':
            count = max(self.prepayment_months or 1, 1)
        else:
            count = 1
        months, month = [], month_start
        for _ in range(count):
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    @classmethod
    def match(cls, companies, distributives, date):
        """Return {(distributive id, system id): rule} of the rules that
        bill them

        companies are the legal entities of the run (records or ids, None
        for all); distributives is {client id: [(distributive id, system
        id), …]}.  The clients' segments, categories and the departments of
        their responsible employees on date are read with a constant number
        of queries.  A distributive no rule matches is left out.
        """
        domain = []
        if companies is not None:
            domain.append(('company', 'in', [int(c) for c in companies]))
        rules = cls.search(domain)
        rules.sort(key=lambda r: (r.kind != 'individual',
                r.sequence if r.sequence is not None else 2 ** 31, r.id))
        if not rules:
            return {}
        attributes = cls._client_attributes(list(distributives), date)
        criteria = [(r, r._criteria()) for r in rules]
        result = {}
        for client, rows in distributives.items():
            client_attributes = attributes[client]
            for distributive, system in rows:
                for rule, rule_criteria in criteria:
                    if rule._matches(rule_criteria, client, distributive,
                            system, client_attributes):
                        result[(distributive, system)] = rule
                        break
        return result

    def _criteria(self):
        def ids(records):
            return {r.id for r in records}
        return {
            'segments': ids(self.segments),
            'categories': ids(self.categories),
            'departments': ids(self.departments),
            'systems': ids(self.systems),
            'clients': ids(self.clients),
            'distributives': ids(self.distributives),
            }

    def _matches(self, criteria, client, distributive, system, attributes):
        if criteria['systems'] and system not in criteria['systems']:
            return False
        if self.kind == 'individual':
            return (client in criteria['clients']
                or distributive in criteria['distributives'])
        for name in ['segments', 'categories', 'departments']:
            if criteria[name] and not (criteria[name] & attributes[name]):
                return False
        return True

    @classmethod
    def _client_attributes(cls, clients, date):
        "Return {client id: {'segments', 'categories', 'departments'}}"
        pool = Pool()
        PartySegment = pool.get('party.party-ric.segment')
        PartyCategory = pool.get('party.party-party.category')
        Responsible = pool.get('ric.party.responsible')
        Employee = pool.get('company.employee')
        cursor = Transaction().connection.cursor()
        result = defaultdict(lambda: {
                'segments': set(), 'categories': set(),
                'departments': set()})
        party_segment = PartySegment.__table__()
        party_category = PartyCategory.__table__()
        responsible = Responsible.__table__()
        employee = Employee.__table__()
        for sub_ids in id_slices(clients):
            cursor.execute(*party_segment.select(
                    party_segment.party, party_segment.segment,
                    where=in_ids(party_segment.party, sub_ids)))
            for party, segment in cursor:
                result[party]['segments'].add(segment)
            cursor.execute(*party_category.select(
                    party_category.party, party_category.category,
                    where=in_ids(party_category.party, sub_ids)))
            for party, category in cursor:
                result[party]['categories'].add(category)
            query = responsible.join(employee,
                condition=responsible.employee == employee.id
                ).select(responsible.party, employee.department,
                    where=in_ids(responsible.party, sub_ids)
                    & ((responsible.date_from == Null)
                        | (responsible.date_from <= date))
                    & ((responsible.date_to == Null)
                        | (responsible.date_to >= date))
                    & (employee.department != Null))
            cursor.execute(*query)
            for party, department in cursor:
                result[party]['departments'].add(department)
        return result


class _RuleRelation(ModelSQL):
    rule = fields.Many2One('ric.billing.rule', "Rule", required=True,
        ondelete='CASCADE')


class RuleSegment(_RuleRelation):
    "Billing Rule - Segment"
    __name__ = 'ric.billing.rule-ric.segment'
    __string__ = "Billing Rule - Segment"
    segment = fields.Many2One('ric.segment', "Segment", required=True,
        ondelete='CASCADE')


class RuleCategory(_RuleRelation):
    "Billing Rule - Category"
    __name__ = 'ric.billing.rule-party.category'
    __string__ = "Billing Rule - Category"
    category = fields.Many2One('party.category', "Category", required=True,
        ondelete='CASCADE')


class RuleDepartment(_RuleRelation):
    "Billing Rule - Department"
    __name__ = 'ric.billing.rule-ric.department'
    __string__ = "Billing Rule - Department"
    department = fields.Many2One('ric.department', "Department",
        required=True, ondelete='CASCADE')


class RuleSystem(_RuleRelation):
    "Billing Rule - System"
    __name__ = 'ric.billing.rule-ric.system'
    __string__ = "Billing Rule - System"
    system = fields.Many2One('ric.system', "System", required=True,
        ondelete='CASCADE')


class RuleClient(_RuleRelation):
    "Billing Rule - Client"
    __name__ = 'ric.billing.rule-party.party'
    __string__ = "Billing Rule - Client"
    party = fields.Many2One('party.party', "Client", required=True,
        ondelete='CASCADE')


class RuleDistributive(_RuleRelation):
    "Billing Rule - Distributive"
    __name__ = 'ric.billing.rule-ric.distributive'
    __string__ = "Billing Rule - Distributive"
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='CASCADE')
