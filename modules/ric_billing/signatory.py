# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The people who sign the primary documents of a legal entity.

A signatory signs for a company as its head (руководитель) or its chief
accountant (главный бухгалтер), in their own right or by a power of
attorney (по доверенности, with its number and date), for a period.  Their
facsimile images (signature and stamp) go on the documents e-mailed to the
clients.  :meth:`Signatory.get_signatories` gives the signatories of many
companies on a date in one query.
"""
from sql import Null
from sql.operators import Or

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.modules.ric_base.batch import id_slices
from trytond.tools import reduce_ids
from trytond.transaction import Transaction

from .exceptions import SignatoryValidationError

ROLES = [
    ('head', "Head"),
    ('chief_accountant', "Chief Accountant"),
    ]


def short_name(name):
    """Return «Фамилия И. О.» of a full name «Фамилия Имя Отчество»

    >>> short_name('Иванов Иван Иванович')
    'Иванов И. И.'
    """
    parts = (name or '').split()
    if len(parts) < 2:
        return name or ''
    return ' '.join([parts[0]] + ['%s.' % p[0] for p in parts[1:3]])


class Signatory(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Signatory"
    __name__ = 'ric.billing.signatory'
    __string__ = "Signatory"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    role = fields.Selection(ROLES, "Role", required=True, sort=False,
        help="The signature line of the documents the signatory signs.")
    name = fields.Char("Full Name", required=True,
        help="Surname, name and patronymic as on the documents.")
    short_name = fields.Function(
        fields.Char("Short Name"), 'on_change_with_short_name')
    position = fields.Char("Position", required=True,
        help="The position printed next to the signature, "
        "e.g. «Генеральный директор».")
    employee = fields.Many2One(
        'company.employee', "Employee", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))])
    by_attorney = fields.Boolean("By Power of Attorney",
        help="The signatory signs in place of the head or the chief "
        "accountant by a power of attorney.")
    attorney_number = fields.Char("Power of Attorney Number",
        states={
            'invisible': ~Eval('by_attorney'),
            'required': Eval('by_attorney', False),
            })
    attorney_date = fields.Date("Power of Attorney Date",
        states={
            'invisible': ~Eval('by_attorney'),
            'required': Eval('by_attorney', False),
            })
    start_date = fields.Date("Start Date",
        help="Leave empty for a signatory since always.")
    end_date = fields.Date("End Date",
        domain=[If(Bool(Eval('start_date')),
                ['OR', ('end_date', '=', None),
                    ('end_date', '>=', Eval('start_date'))],
                [])],
        help="Leave empty for a signatory without end.")
    signature = fields.Binary("Signature Facsimile",
        file_id='signature_id',
        help="The image of the signature (PNG with a transparent "
        "background) printed on the documents sent by e-mail.")
    signature_id = fields.Char("Signature ID", readonly=True)
    stamp = fields.Binary("Stamp Facsimile", file_id='stamp_id',
        help="The image of the stamp printed next to the signature of the "
        "head on the documents sent by e-mail.")
    stamp_id = fields.Char("Stamp ID", readonly=True)
    basis = fields.Function(fields.Char("Basis"), 'on_change_with_basis')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Range()), (t.role, Index.Equality())))
        cls.__access__.add('company')

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_role():
        return 'head'

    @staticmethod
    def default_by_attorney():
        return False

    @fields.depends('name')
    def on_change_with_short_name(self, name=None):
        return short_name(self.name)

    @fields.depends('by_attorney', 'attorney_number', 'attorney_date')
    def on_change_with_basis(self, name=None):
        "The basis of the signature as printed: «по доверенности № … от …»"
        if not self.by_attorney:
            return ''
        date = (self.attorney_date.strftime('%d.%m.%Y')
            if self.attorney_date else '')
        return 'по доверенности № %s от %s' % (
            self.attorney_number or '', date)

    @fields.depends('employee', 'name')
    def on_change_employee(self):
        if self.employee and not self.name:
            self.name = self.employee.party.name

    @classmethod
    def validate_fields(cls, signatories, field_names):
        super().validate_fields(signatories, field_names)
        if field_names and not {
                'by_attorney', 'attorney_number', 'attorney_date'
                } & field_names:
            return
        for signatory in signatories:
            if signatory.by_attorney and not (
                    signatory.attorney_number and signatory.attorney_date):
                raise SignatoryValidationError(gettext(
                        'ric_billing.msg_signatory_attorney_required',
                        signatory=signatory.rec_name))

    @classmethod
    def get_signatories(cls, companies, date=None):
        """Return {company id: {role: signatory}} valid on date

        For each company and role the active signatory whose period covers
        date with the lowest sequence; a role without signatory is missing
        from the dict.  One query per slice of companies.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        if date is None:
            date = Date.today()
        company_ids = sorted({int(c) for c in companies})
        result = {c: {} for c in company_ids}
        ids = []
        for sub_ids in id_slices(company_ids):
            cursor.execute(*table.select(
                    table.id, table.company, table.role,
                    where=reduce_ids(table.company, sub_ids)
                    & (table.active == True)  # noqa: E712
                    & Or([table.start_date == Null, table.start_date <= date])
                    & Or([table.end_date == Null, table.end_date >= date]),
                    order_by=[table.company, table.role,
                        table.sequence.asc.nulls_last,
                        table.start_date.desc.nulls_last, table.id]))
            seen = set()
            for id_, company, role in cursor:
                if (company, role) not in seen:
                    seen.add((company, role))
                    ids.append((company, role, id_))
        records = {s.id: s for s in cls.browse([i for _, _, i in ids])}
        for company, role, id_ in ids:
            result[company][role] = records[id_]
        return result
