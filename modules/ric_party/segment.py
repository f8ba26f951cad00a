# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond import backend
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import StateTransition, Wizard

_IN_MAX = backend.MAX_QUERY_PARAMS // 2
SALES_POTENTIALS = [
    (None, ''),
    ('high', "High"),
    ('medium', "Medium"),
    ('low', "Low"),
    ('minimal', "Minimal"),
    ]
#: Tax regimes under which a business keeps accounts and needs a legal
#: reference system for its accountants.
ACCOUNTING_REGIMES = {'osno', 'usn_income', 'usn_profit', 'ausn', 'eshn'}
ACCESS_LEVELS = [
    ('free', "Free"),
    ('paid', "Paid"),
    ('none', "No Access"),
    ]
CLIENT_RULES = [
    ('sales_potential_high', "Sales potential: high"),
    ('sales_potential_medium', "Sales potential: medium"),
    ('sales_potential_low', "Sales potential: low"),
    ('sales_potential_minimal', "Sales potential: minimal"),
    ('service_free', "Service access: free"),
    ('service_paid', "Service access: paid"),
    ('service_none', "Service access: none"),
    ('key_client', "Key client"),
    ]
CONTACT_RULES = [
    ('contact_decision_maker', "Contact: decision maker"),
    ('contact_decision_influencer', "Contact: decision influencer"),
    ('contact_key_user', "Contact: key user"),
    ('contact_head', "Contact: head"),
    ('contact_chief_accountant', "Contact: chief accountant"),
    ('contact_accountant', "Contact: accountant"),
    ('contact_lawyer', "Contact: lawyer"),
    ('contact_stop_list', "Contact: in the stop list"),
    ('contact_service_free', "Contact service access: free"),
    ('contact_service_paid', "Contact service access: paid"),
    ]
_POSITION_RULES = {
    'contact_head': 'head',
    'contact_chief_accountant': 'chief_accountant',
    'contact_accountant': 'accountant',
    'contact_lawyer': 'lawyer',
    }
_ROLE_RULES = {
    'contact_decision_maker': 'decision_maker',
    'contact_decision_influencer': 'decision_influencer',
    'contact_key_user': 'key_user',
    'contact_stop_list': 'stop_list',
    }


def sales_potential(tax_regime, accountants, lawyers, competitor_systems,
        high=5, medium=2):
    """Return (potential, potential users) as seed 002 §7 defines

    The potential users are the accountants and the lawyers.  A client needs
    a legal reference system when it has lawyers, uses a competitor's
    system, or keeps accounts (a tax regime other than patent or
    professional income tax, or an unknown regime) with accountants.
    """
    accountants = max(accountants or 0, 0)
    lawyers = max(lawyers or 0, 0)
    users = accountants + lawyers
    keeps_accounts = tax_regime is None or tax_regime in ACCOUNTING_REGIMES
    need = bool(lawyers or (competitor_systems or '').strip()
        or (keeps_accounts and accountants))
    if not need:
        return 'minimal', users
    if users >= high:
        return 'high', users
    if users >= medium:
        return 'medium', users
    return 'low', max(users, 1)


class Service(DeactivableMixin, ModelSQL, ModelView):
    "RIC Service"
    __name__ = 'ric.party.service'
    __string__ = "RIC Service"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    rules = fields.One2Many(
        'ric.party.service.rule', 'service', "Access Rules",
        help="The first matching rule gives the access of a client; "
        "no access when none matches.")

    def get_access(self, party):
        if not party.is_client:
            return 'none'
        for rule in self.rules:
            if rule.match(party):
                return rule.access
        return 'none'


class ServiceRule(sequence_ordered(), ModelSQL, ModelView):
    "RIC Service Access Rule"
    __name__ = 'ric.party.service.rule'
    __string__ = "RIC Service Access Rule"
    service = fields.Many2One(
        'ric.party.service', "Service", required=True, ondelete='CASCADE')
    client_status = fields.Selection([
            (None, ''),
            ('potential', "Potential"),
            ('served', "Served"),
            ('disconnected', "Disconnected"),
            ], "Client Status", help="Leave empty for any status.")
    client_category = fields.Selection([
            (None, ''),
            ('A', "A"),
            ('B', "B"),
            ('C', "C"),
            ], "Category", help="Leave empty for any category.")
    key_client = fields.Boolean("Key Clients Only")
    access = fields.Selection(ACCESS_LEVELS, "Access", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('service')

    @classmethod
    def default_access(cls):
        return 'free'

    def match(self, party):
        if self.client_status and self.client_status != party.client_status:
            return False
        if (self.client_category
                and self.client_category != party.client_category):
            return False
        if self.key_client and not party.key_client:
            return False
        return True


class Segment(DeactivableMixin, ModelSQL, ModelView):
    "Segment"
    __name__ = 'ric.segment'
    __string__ = "Segment"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    applies_to = fields.Selection([
            ('client', "Clients"),
            ('contact', "Contact Persons"),
            ], "Applies To", required=True)
    kind = fields.Selection([
            ('manual', "Manual"),
            ('computed', "Computed"),
            ], "Kind", required=True)
    rule = fields.Selection(
        [(None, '')] + CLIENT_RULES + CONTACT_RULES, "Rule",
        states={
            'invisible': Eval('kind') != 'computed',
            'required': Eval('kind') == 'computed',
            })
    service = fields.Many2One(
        'ric.party.service', "Service",
        states={
            'invisible': ~Eval('rule', '').in_([
                    'service_free', 'service_paid', 'service_none',
                    'contact_service_free', 'contact_service_paid']),
            })
    description = fields.Text("Description")

    @classmethod
    def default_applies_to(cls):
        return 'client'

    @classmethod
    def default_kind(cls):
        return 'manual'

    @fields.depends('rule', 'applies_to')
    def on_change_rule(self):
        if self.rule:
            self.applies_to = (
                'contact' if self.rule.startswith('contact_') else 'client')

    def compute_client(self, party, potential):
        "Return if the client party belongs to the computed segment"
        rule = self.rule
        if rule.startswith('sales_potential_'):
            return potential == rule[len('sales_potential_'):]
        if rule == 'key_client':
            return bool(party.key_client)
        if rule.startswith('service_') and self.service:
            return self.service.get_access(party) == rule[len('service_'):]
        return False

    def compute_contact(self, contact):
        "Return if the contact belongs to the computed segment"
        rule = self.rule
        if rule in _POSITION_RULES:
            return contact.position_type == _POSITION_RULES[rule]
        if rule in _ROLE_RULES:
            return bool(getattr(contact, _ROLE_RULES[rule]))
        if rule.startswith('contact_service_') and self.service:
            # a contact may use a service as its client, except the stop
            # list which excludes it from mailings and invitations
            access = self.service.get_access(contact.party)
            return (not contact.stop_list
                and access == rule[len('contact_service_'):])
        return False


class PartySegment(ModelSQL):
    "Client - Segment"
    __name__ = 'party.party-ric.segment'
    __string__ = "Client - Segment"
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='CASCADE')
    segment = fields.Many2One(
        'ric.segment', "Segment", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_segment_unique', Unique(t, t.party, t.segment),
                'ric_party.msg_segment_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.segment, Index.Range())))


class ContactSegment(ModelSQL):
    "Contact - Segment"
    __name__ = 'ric.party.contact-ric.segment'
    __string__ = "Contact - Segment"
    contact = fields.Many2One(
        'ric.party.contact', "Contact", required=True, ondelete='CASCADE')
    segment = fields.Many2One(
        'ric.segment', "Segment", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('contact_segment_unique', Unique(t, t.contact, t.segment),
                'ric_party.msg_segment_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.segment, Index.Range())))


def _replace_links(Link, field, segment_ids, members):
    """Make the links of computed segments equal to members

    members is {segment id: set of record ids}; links of other segments
    (manual ones) are left alone.
    """
    table = Link.__table__()
    cursor = Transaction().connection.cursor()
    existing = defaultdict(set)
    column = getattr(table, field)
    for sub_ids in grouped_slice(segment_ids, _IN_MAX):
        cursor.execute(*table.select(table.id, table.segment, column,
                where=reduce_ids(table.segment, list(sub_ids))))
        for link_id, segment_id, record_id in cursor:
            existing[segment_id].add((record_id, link_id))
    to_delete, to_create = [], []
    for segment_id in segment_ids:
        old = {r: i for r, i in existing[segment_id]}
        new = members.get(segment_id, set())
        to_delete.extend(i for r, i in old.items() if r not in new)
        to_create.extend({field: r, 'segment': segment_id}
            for r in sorted(new - set(old)))
    if to_delete:
        Link.delete(Link.browse(to_delete))
    if to_create:
        Link.create(to_create)
    return len(to_create), len(to_delete)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ric_segments = fields.Many2Many(
        'party.party-ric.segment', 'party', 'segment', "Segments",
        domain=[('applies_to', '=', 'client')])
    sales_potential = fields.Selection(
        SALES_POTENTIALS, "Sales Potential", readonly=True, sort=False,
        help="Computed from the tax regime, the competitor systems and the "
        "numbers of accountants and lawyers.")
    potential_users = fields.Integer("Potential Users", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ric_update_segments_button': {
                    'invisible': ~Eval('is_client'),
                    'depends': ['is_client'],
                    },
                })

    @classmethod
    @ModelView.button
    def ric_update_segments_button(cls, parties):
        cls.ric_update_segments(parties)

    @classmethod
    def ric_update_segments(cls, parties=None):
        """Recompute the sales potential, the computed segments and the
        readiness of the clients (all when parties is None)"""
        pool = Pool()
        Configuration = pool.get('ric.party.configuration')
        Segment = pool.get('ric.segment')
        Contact = pool.get('ric.party.contact')
        PartyLink = pool.get('party.party-ric.segment')
        ContactLink = pool.get('ric.party.contact-ric.segment')
        config = Configuration(1)

        if parties is None:
            parties = cls.search([('is_client', '=', True)])
            partial = False
        else:
            parties = [p for p in parties if p.is_client]
            partial = True
        if not parties:
            return

        potentials = {}
        to_write = defaultdict(list)
        for party in parties:
            potential, users = sales_potential(
                party.tax_regime, party.accountants, party.lawyers,
                party.competitor_systems,
                high=config.sales_high_users,
                medium=config.sales_medium_users)
            potentials[party.id] = potential
            if (party.sales_potential, party.potential_users) != (
                    potential, users):
                to_write[(potential, users)].append(party)
        args = []
        for (potential, users), records in to_write.items():
            args.extend((records, {
                        'sales_potential': potential,
                        'potential_users': users}))
        if args:
            with Transaction().set_context(_ric_no_readiness=True):
                cls.write(*args)

        segments = Segment.search([('kind', '=', 'computed')])
        client_segments = [s for s in segments if s.applies_to == 'client']
        contact_segments = [s for s in segments if s.applies_to == 'contact']
        members = defaultdict(set)
        for party in parties:
            for segment in client_segments:
                if segment.compute_client(party, potentials[party.id]):
                    members[segment.id].add(party.id)
        contacts = Contact.search([('party', 'in', [p.id for p in parties])])
        contact_members = defaultdict(set)
        for contact in contacts:
            for segment in contact_segments:
                if segment.compute_contact(contact):
                    contact_members[segment.id].add(contact.id)
        if partial:
            cls._replace_partial_links(
                PartyLink, 'party', client_segments, members,
                [p.id for p in parties])
            cls._replace_partial_links(
                ContactLink, 'contact', contact_segments, contact_members,
                [c.id for c in contacts])
        else:
            _replace_links(PartyLink, 'party',
                [s.id for s in client_segments], members)
            _replace_links(ContactLink, 'contact',
                [s.id for s in contact_segments], contact_members)
        cls.update_readiness(parties)

    @classmethod
    def _replace_partial_links(cls, Link, field, segments, members, ids):
        "Like _replace_links but only for the records of ids"
        if not segments or not ids:
            return
        links = Link.search([
                ('segment', 'in', [s.id for s in segments]),
                (field, 'in', ids),
                ])
        existing = {(getattr(l, field).id, l.segment.id): l for l in links}
        wanted = {(r, s) for s, records in members.items() for r in records}
        to_delete = [l for k, l in existing.items() if k not in wanted]
        to_create = [{field: r, 'segment': s}
            for r, s in sorted(wanted - set(existing))]
        if to_delete:
            Link.delete(to_delete)
        if to_create:
            Link.create(to_create)


class UpdateSegments(Wizard):
    "Update Client Segments"
    __name__ = 'ric.party.update_segments'
    __string__ = "Update Client Segments"
    start_state = 'update'
    update = StateTransition()

    def transition_update(self):
        pool = Pool()
        Party = pool.get('party.party')
        if (self.model and self.model.__name__ == 'party.party'
                and self.records):
            Party.ric_update_segments(list(self.records))
        else:
            Party.ric_update_segments()
        return 'end'
