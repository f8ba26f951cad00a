# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict

from trytond import backend
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

READINESS_ITEMS = [
    ('name', "Name"),
    ('phone', "Current phone"),
    ('email', "E-mail"),
    ('address', "Address"),
    ('inn', "INN"),
    ('industry', "Industry"),
    ('tax_regime', "Tax regime"),
    ('staff', "Numbers of accountants and lawyers"),
    ('head', "Head's full name"),
    ('chief_accountant', "Chief accountant's full name"),
    ('head_or_chief_accountant',
        "Head's or chief accountant's full name"),
    ('decision_maker', "Decision maker"),
    ]
#: items whose confirmation date is that of the contact persons
CONTACT_ITEMS = {
    'head', 'chief_accountant', 'head_or_chief_accountant', 'decision_maker'}
#: items stored on the party: {item: its fields}; the date of their last
#: confirmation is recorded (a user changing the value confirms it), never
#: taken from the write date of the party that computed writes bump
PARTY_ITEMS = {
    'name': ('name',),
    'industry': ('industry',),
    'tax_regime': ('tax_regime',),
    'staff': ('accountants', 'lawyers'),
    }


class Stage(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Readiness Stage"
    __name__ = 'ric.party.readiness.stage'
    __string__ = "Readiness Stage"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    requirements = fields.One2Many(
        'ric.party.readiness.requirement', 'stage', "Requirements")


class Requirement(ModelSQL, ModelView):
    "Readiness Requirement"
    __name__ = 'ric.party.readiness.requirement'
    __string__ = "Readiness Requirement"
    stage = fields.Many2One(
        'ric.party.readiness.stage', "Stage", required=True,
        ondelete='CASCADE')
    item = fields.Selection(READINESS_ITEMS, "Item", required=True)
    max_age = fields.Integer(
        "Maximal Age",
        help="The number of days the confirmation of the item stays valid; "
        "leave empty for no limit.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('stage')


class Confirmation(ModelSQL, ModelView):
    "Readiness Confirmation"
    __name__ = 'ric.party.readiness.confirmation'
    __string__ = "Readiness Confirmation"
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='CASCADE')
    item = fields.Selection(
        [i for i in READINESS_ITEMS if i[0] not in CONTACT_ITEMS],
        "Item", required=True)
    value = fields.Function(fields.Char("Value"), 'get_value')
    date = fields.Date("Confirmed", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('party_item_unique', Unique(t, t.party, t.item),
                'ric_party.msg_confirmation_unique'),
            ]
        cls.__access__.add('party')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_value(self, name):
        value = item_value(self.party, self.item)
        return str(value) if value not in (None, False) else ''

    @classmethod
    def on_modification(cls, mode, confirmations, field_names=None):
        super().on_modification(mode, confirmations, field_names=field_names)
        if mode != 'delete':
            Party = Pool().get('party.party')
            Party.update_readiness(
                Party.browse({c.party.id for c in confirmations}))


def _contacts(party, position_types):
    return [c for c in party.ric_contacts
        if c.active and c.position_type in position_types
        and c.has_full_name]


def item_value(party, item):
    "Return the value of the readiness item of party (falsy when missing)"
    if item == 'name':
        return party.name
    if item == 'phone':
        return party.phone or party.mobile
    if item == 'email':
        return party.email
    if item == 'address':
        return party.addresses[0].full_address if party.addresses else None
    if item == 'inn':
        return party.inn
    if item == 'industry':
        return party.industry.rec_name if party.industry else None
    if item == 'tax_regime':
        return party.tax_regime
    if item == 'staff':
        if party.accountants is not None and party.lawyers is not None:
            return '%s / %s' % (party.accountants, party.lawyers)
        return None
    if item in CONTACT_ITEMS:
        contacts = item_contacts(party, item)
        return ', '.join(c.name for c in contacts)


def item_contacts(party, item):
    if item == 'head':
        return _contacts(party, {'head'})
    if item == 'chief_accountant':
        return _contacts(party, {'chief_accountant'})
    if item == 'head_or_chief_accountant':
        return _contacts(party, {'head', 'chief_accountant'})
    if item == 'decision_maker':
        return [c for c in party.ric_contacts
            if c.active and c.decision_maker and c.has_full_name]
    return []


def item_ready(party, item, max_age, today, confirmations):
    """Return if the item is filled and confirmed recently enough

    confirmations is {item: date} of the party.
    """
    if not item_value(party, item):
        return False
    if not max_age:
        return True
    limit = today - dt.timedelta(days=max_age)
    if item in CONTACT_ITEMS:
        return any(c.confirmed_date and c.confirmed_date >= limit
            for c in item_contacts(party, item))
    date = max(filter(None, [confirmations.get(item),
                item_entered(party, item)]), default=None)
    return bool(date and date >= limit)


def _date(record):
    value = record.write_date or record.create_date
    return value.date() if value else None


def item_entered(party, item):
    """Return the date the value of the item was last entered

    Entering or changing a value confirms it on that day.  The items stored
    on the party itself (PARTY_ITEMS) have no such date here: their
    confirmation record is dated when a user changes them.
    """
    if item in {'phone', 'email'}:
        types = {'phone', 'mobile'} if item == 'phone' else {'email'}
        return max(filter(None, (_date(m) for m in party.contact_mechanisms
                    if m.type in types and m.active)), default=None)
    if item == 'address':
        return max(filter(None, (_date(a) for a in party.addresses)),
            default=None)
    if item == 'inn':
        return max(filter(None, (_date(i) for i in party.identifiers
                    if i.type == 'ru_vat')), default=None)
    if item in PARTY_ITEMS:
        return None
    return _date(party)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    readiness_confirmations = fields.One2Many(
        'ric.party.readiness.confirmation', 'party', "Confirmations",
        states={
            'invisible': ~Eval('is_client'),
            })
    readiness_stage = fields.Many2One(
        'ric.party.readiness.stage', "Readiness Status", readonly=True,
        ondelete='SET NULL',
        help="The last stage whose requirements (and those of the stages "
        "before) are met.")
    readiness_index = fields.Integer(
        "Readiness Index", readonly=True,
        help="The percentage of the requirements of all stages met.")
    readiness_missing = fields.Function(
        fields.Text("Missing for the Next Stage"), 'get_readiness_missing')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ric_confirm_readiness': {
                    'invisible': ~Eval('is_client'),
                    'depends': ['is_client'],
                    },
                })

    @classmethod
    def get_readiness_missing(cls, parties, name):
        """Return {party id: the first stage not reached and its missing
        items}

        The stages and their requirements are read once for all parties
        and the data of the parties is read by the prefetch of their
        records: a constant number of queries."""
        pool = Pool()
        Stage = pool.get('ric.party.readiness.stage')
        Requirement = pool.get('ric.party.readiness.requirement')
        Date = pool.get('ir.date')
        today = Date.today()
        labels = dict(Requirement.fields_get(['item'])['item']['selection'])
        stages = [(s.name, [(r.item, r.max_age) for r in s.requirements])
            for s in Stage.search([])]
        result = {}
        for party in parties:
            result[party.id] = ''
            if not party.is_client:
                continue
            confirmations = {
                c.item: c.date for c in party.readiness_confirmations}
            for stage_name, requirements in stages:
                missing = [labels[item] for item, max_age in requirements
                    if not item_ready(party, item, max_age, today,
                        confirmations)]
                if missing:
                    result[party.id] = '%s: %s' % (
                        stage_name, ', '.join(missing))
                    break
        return result

    @classmethod
    @ModelView.button
    def ric_confirm_readiness(cls, parties):
        "Confirm today every filled readiness item of the parties"
        pool = Pool()
        Confirmation = pool.get('ric.party.readiness.confirmation')
        Contact = pool.get('ric.party.contact')
        Date = pool.get('ir.date')
        today = Date.today()
        items = [i for i, _ in READINESS_ITEMS if i not in CONTACT_ITEMS]
        to_write, to_create, contacts = [], [], []
        for party in parties:
            existing = {c.item: c for c in party.readiness_confirmations}
            for item in items:
                if not item_value(party, item):
                    continue
                if item in existing:
                    if existing[item].date != today:
                        to_write.append(existing[item])
                else:
                    to_create.append(
                        {'party': party.id, 'item': item, 'date': today})
            contacts.extend(c for c in party.ric_contacts
                if c.confirmed_date != today)
        with Transaction().set_context(_ric_no_readiness=True):
            if to_write:
                Confirmation.write(to_write, {'date': today})
            if to_create:
                Confirmation.create(to_create)
            if contacts:
                Contact.write(contacts, {'confirmed_date': today})
        cls.update_readiness(parties)

    @classmethod
    def update_readiness(cls, parties):
        "Compute and store the readiness status and index of the clients"
        pool = Pool()
        Stage = pool.get('ric.party.readiness.stage')
        Date = pool.get('ir.date')
        today = Date.today()
        stages = Stage.search([])
        total = sum(len(s.requirements) for s in stages)
        to_write = defaultdict(list)
        for party in cls.browse([p for p in parties]):
            if not party.is_client:
                continue
            confirmations = {
                c.item: c.date for c in party.readiness_confirmations}
            reached, broken, met = None, False, 0
            for stage in stages:
                ready = [item_ready(party, r.item, r.max_age, today,
                        confirmations) for r in stage.requirements]
                met += sum(ready)
                if all(ready) and not broken:
                    reached = stage.id
                else:
                    broken = True
            index = int(round(100 * met / total)) if total else 100
            current_stage = (
                party.readiness_stage.id if party.readiness_stage else None)
            if (current_stage, party.readiness_index) != (reached, index):
                to_write[(reached, index)].append(party)
        args = []
        for (stage, index), records in to_write.items():
            args.extend((records, {
                        'readiness_stage': stage,
                        'readiness_index': index}))
        if args:
            with Transaction().set_context(_ric_no_readiness=True):
                cls.write(*args)

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if (mode in {'create', 'write'}
                and not Transaction().context.get('_ric_no_readiness')):
            computed = {'readiness_stage', 'readiness_index',
                'sales_potential', 'potential_users'}
            if field_names is None or (set(field_names) - computed):
                cls.update_readiness(parties)

    @classmethod
    def create(cls, vlist):
        parties = super().create(vlist)
        to_confirm = {}
        for party, values in zip(parties, vlist):
            items = {item for item, names in PARTY_ITEMS.items()
                if any(values.get(n) not in (None, '') for n in names)}
            if items:
                to_confirm[party.id] = items
        cls._confirm_items(to_confirm)
        return parties

    @classmethod
    def write(cls, *args):
        tracked = {n for names in PARTY_ITEMS.values() for n in names}
        ids = set()
        actions = iter(args)
        for records, values in zip(actions, actions):
            if tracked & set(values):
                ids.update(r.id for r in records)
        ids = sorted(ids)
        names = sorted(tracked)
        before = {r['id']: r for r in cls.read(ids, names)} if ids else {}
        super().write(*args)
        if not ids:
            return
        to_confirm = {}
        for record in cls.read(ids, names):
            old = before[record['id']]
            items = {item for item, fields_ in PARTY_ITEMS.items()
                if any(old[n] != record[n] for n in fields_)}
            if items:
                to_confirm[record['id']] = items
        cls._confirm_items(to_confirm)

    @classmethod
    def _confirm_items(cls, party_items, date=None):
        """Record the confirmation on date (today by default) of the items

        party_items is {party id: set of items}; one search, one write and
        one create for all."""
        pool = Pool()
        Confirmation = pool.get('ric.party.readiness.confirmation')
        Date = pool.get('ir.date')
        if not party_items:
            return
        if date is None:
            date = Date.today()
        wanted = {(p, i) for p, items in party_items.items() for i in items}
        existing = {}
        for sub_ids in grouped_slice(
                list(party_items), backend.MAX_QUERY_PARAMS // 2):
            for confirmation in Confirmation.search([
                        ('party', 'in', list(sub_ids)),
                        ('item', 'in', list(PARTY_ITEMS)),
                        ]):
                existing[confirmation.party.id, confirmation.item] = (
                    confirmation)
        to_write = [c for k, c in existing.items()
            if k in wanted and c.date != date]
        to_create = [{'party': p, 'item': i, 'date': date}
            for p, i in sorted(wanted) if (p, i) not in existing]
        if to_write:
            Confirmation.write(to_write, {'date': date})
        if to_create:
            Confirmation.create(to_create)


class Contact(metaclass=PoolMeta):
    __name__ = 'ric.party.contact'

    @classmethod
    def on_modification(cls, mode, contacts, field_names=None):
        super().on_modification(mode, contacts, field_names=field_names)
        if (mode in {'create', 'write'}
                and not Transaction().context.get('_ric_no_readiness')):
            Party = Pool().get('party.party')
            Party.update_readiness(
                Party.browse({c.party.id for c in contacts}))

    @classmethod
    def on_delete(cls, contacts):
        callback = super().on_delete(contacts)
        Party = Pool().get('party.party')
        parties = Party.browse({c.party.id for c in contacts})

        def update():
            Party.update_readiness(Party.browse(
                    [p.id for p in Party.search(
                            [('id', 'in', [p.id for p in parties])])]))
        callback.append(update)
        return callback


class _PartyChildMixin:
    "Update the readiness of the parties of modified children"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if (mode in {'create', 'write'}
                and not Transaction().context.get('_ric_no_readiness')):
            Party = Pool().get('party.party')
            Party.update_readiness(Party.browse(
                    {r.party.id for r in records if r.party}))


class ContactMechanism(_PartyChildMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'


class PartyAddress(_PartyChildMixin, metaclass=PoolMeta):
    __name__ = 'party.address'


class Identifier(_PartyChildMixin, metaclass=PoolMeta):
    __name__ = 'party.identifier'
