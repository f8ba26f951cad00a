# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval

from .normalize import normalize_phone  # noqa: F401 (used by the import)

POSITION_TYPES = [
    (None, ''),
    ('head', "Head"),
    ('deputy_head', "Deputy Head"),
    ('chief_accountant', "Chief Accountant"),
    ('accountant', "Accountant"),
    ('lawyer', "Lawyer"),
    ('hr', "HR Specialist"),
    ('economist', "Economist"),
    ('secretary', "Secretary"),
    ('it', "IT Specialist"),
    ('other', "Other"),
    ]


class Interest(DeactivableMixin, ModelSQL, ModelView):
    "Contact Interest"
    __name__ = 'ric.party.interest'
    __string__ = "Contact Interest"
    name = fields.Char("Name", required=True, translate=True)


class CharacteristicGroup(DeactivableMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "Characteristic Group"
    __name__ = 'ric.party.characteristic.group'
    __string__ = "Characteristic Group"
    name = fields.Char("Name", required=True, translate=True)


class Contact(DeactivableMixin, ModelSQL, ModelView):
    "Contact Person"
    __name__ = 'ric.party.contact'
    __string__ = "Contact Person"
    party = fields.Many2One(
        'party.party', "Client", required=True, ondelete='CASCADE')
    name = fields.Char("Full Name", required=True)
    position = fields.Char("Position")
    position_type = fields.Selection(
        POSITION_TYPES, "Position Type", sort=False)
    decision_maker = fields.Boolean(
        "Decision Maker", help="The person who decides (LPR).")
    decision_influencer = fields.Boolean(
        "Decision Influencer",
        help="The person who influences the decision (LVPR).")
    key_user = fields.Boolean("Key User")
    stop_list = fields.Boolean(
        "Stop List", help="Excluded from calling campaigns.")
    stop_list_reason = fields.Char(
        "Stop List Reason",
        states={
            'invisible': ~Eval('stop_list'),
            })
    phone = fields.Char("Phone")
    mobile = fields.Char("Mobile")
    email = fields.Char("Email")
    birthday = fields.Date("Birthday")
    holidays = fields.One2Many(
        'ric.party.contact.holiday', 'contact', "Holidays",
        help="Other days to congratulate the contact on.")
    interests = fields.Many2Many(
        'ric.party.contact-ric.party.interest', 'contact', 'interest',
        "Interests")
    characteristics = fields.One2Many(
        'ric.party.contact.characteristic', 'contact', "Characteristics")
    segments = fields.Many2Many(
        'ric.party.contact-ric.segment', 'contact', 'segment', "Segments",
        domain=[('applies_to', '=', 'contact')])
    confirmed_date = fields.Date(
        "Confirmed", help="The date the data of the contact was confirmed.")
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # party is indexed by trytond: it is the reverse of ric_contacts
        cls._order.insert(0, ('name', 'ASC'))
        cls.__access__.add('party')

    @classmethod
    def default_confirmed_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        if self.position:
            return '%s (%s)' % (self.name, self.position)
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR', ('name',) + tuple(clause[1:]),
            ('position',) + tuple(clause[1:])]

    @property
    def has_full_name(self):
        "The name has at least a surname and a first name"
        return len((self.name or '').replace('.', ' ').split()) >= 2

    @property
    def roles(self):
        roles = []
        if self.decision_maker:
            roles.append('decision_maker')
        if self.decision_influencer:
            roles.append('decision_influencer')
        if self.key_user:
            roles.append('key_user')
        return roles


class ContactInterest(ModelSQL):
    "Contact - Interest"
    __name__ = 'ric.party.contact-ric.party.interest'
    __string__ = "Contact - Interest"
    contact = fields.Many2One(
        'ric.party.contact', "Contact", required=True, ondelete='CASCADE')
    interest = fields.Many2One(
        'ric.party.interest', "Interest", required=True, ondelete='CASCADE')


class ContactHoliday(ModelSQL, ModelView):
    "Contact Holiday"
    __name__ = 'ric.party.contact.holiday'
    __string__ = "Contact Holiday"
    contact = fields.Many2One(
        'ric.party.contact', "Contact", required=True, ondelete='CASCADE')
    name = fields.Char("Holiday", required=True)
    date = fields.Date("Date", required=True, help="The year is ignored.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contact')


class ContactCharacteristic(sequence_ordered(), ModelSQL, ModelView):
    "Contact Characteristic"
    __name__ = 'ric.party.contact.characteristic'
    __string__ = "Contact Characteristic"
    contact = fields.Many2One(
        'ric.party.contact', "Contact", required=True, ondelete='CASCADE')
    group = fields.Many2One(
        'ric.party.characteristic.group', "Group", ondelete='RESTRICT')
    name = fields.Char("Characteristic", required=True)
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contact')
