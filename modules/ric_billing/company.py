# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The legal entities of a RIC and their tax regime.

A RIC bills through several legal entities, each a Tryton company with its
own chart (account_ru).  The tax regime says which VAT the maintenance
carries: ОСНО 22 % (20 % before 2026), УСН without VAT or with the reduced
5 % / 7 % rates of art. 164 §8 of the Tax Code.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .exceptions import BillingError

TAX_REGIMES = [
    ('osno', "General (VAT 22 %)"),
    ('usn', "Simplified, without VAT"),
    ('usn_vat5', "Simplified, VAT 5 %"),
    ('usn_vat7', "Simplified, VAT 7 %"),
    ]
# The account_ru tax templates of each regime, latest first: the first one
# valid on the date applies.
REGIME_TAX_TEMPLATES = {
    'osno': ['tax_template_ru_vat_22', 'tax_template_ru_vat_20'],
    'usn': ['tax_template_ru_vat_exempt'],
    'usn_vat5': ['tax_template_ru_vat_usn_5'],
    'usn_vat7': ['tax_template_ru_vat_usn_7'],
    }


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'

    ric_tax_regime = fields.Selection(TAX_REGIMES, "Tax Regime",
        help="The tax regime of the legal entity: it gives the VAT of the "
        "maintenance it bills.")
    ric_vat_payer = fields.Function(
        fields.Boolean("VAT Payer"), 'on_change_with_ric_vat_payer')

    @classmethod
    def default_ric_tax_regime(cls):
        return 'osno'

    @fields.depends('ric_tax_regime')
    def on_change_with_ric_vat_payer(self, name=None):
        return self.ric_tax_regime not in {None, 'usn'}

    def get_ric_maintenance_tax(self, date):
        """Return the account.tax of the regime valid on date

        The tax is the one the chart of the company created from the
        account_ru template of its regime (None for a regime without VAT
        whose chart has no «Без НДС» tax).
        """
        pool = Pool()
        Tax = pool.get('account.tax')
        ModelData = pool.get('ir.model.data')
        regime = self.ric_tax_regime or 'osno'
        for xml_id in REGIME_TAX_TEMPLATES[regime]:
            template_id = ModelData.get_id('account_ru', xml_id)
            taxes = Tax.search([
                    ('company', '=', self.id),
                    ('template', '=', template_id),
                    ['OR', ('start_date', '=', None),
                        ('start_date', '<=', date)],
                    ['OR', ('end_date', '=', None),
                        ('end_date', '>=', date)],
                    ], limit=1)
            if taxes:
                return taxes[0]
        if regime == 'usn':
            return None
        raise BillingError(gettext('ric_billing.msg_company_no_tax',
                company=self.rec_name,
                regime=dict(self.__class__.fields_get(
                        ['ric_tax_regime'])['ric_tax_regime']['selection']
                    ).get(regime, regime)))
