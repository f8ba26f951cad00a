# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Calculated tax rates (расчётная ставка НДС, Tax Code art. 164 §4).

A tax with a *calculated rate* is applied to an amount that already includes
the tax: ``tax = amount × rate / (1 + rate)``, e.g. 22/122 of an advance
received.  The quotient is computed with the full precision of ``Decimal``
instead of storing a rounded rate such as 0.1803278689 (the ``rate`` field
keeps only 10 decimals, which gives a wrong kopeck from 1 724 138.52 on).
"""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Bool, Eval, If


def calculated_rate_field(template=False):
    states = {
        'invisible': Eval('type') != 'percentage',
        }
    if not template:
        states['readonly'] = (
            Bool(Eval('template', -1)) & ~Eval('template_override', False))
    return fields.Boolean(
        "Calculated Rate",
        domain=[
            If(Eval('type') != 'percentage',
                ('calculated_rate', '=', False),
                ()),
            ],
        states=states,
        help="Apply the rate to an amount that already includes the tax: "
        "tax = amount × rate / (1 + rate), e.g. 22/122 on advances received.")


class TaxTemplate(metaclass=PoolMeta):
    __name__ = 'account.tax.template'
    calculated_rate = calculated_rate_field(template=True)

    @classmethod
    def default_calculated_rate(cls):
        return False

    def _get_tax_value(self, tax=None):
        value = super()._get_tax_value(tax=tax)
        if not tax or tax.calculated_rate != self.calculated_rate:
            value['calculated_rate'] = self.calculated_rate
        return value


class Tax(metaclass=PoolMeta):
    __name__ = 'account.tax'
    calculated_rate = calculated_rate_field()

    @classmethod
    def default_calculated_rate(cls):
        return False

    @property
    def effective_rate(self):
        "The rate applied to the base: rate / (1 + rate) when calculated"
        if self.calculated_rate:
            return self.rate / (1 + self.rate)
        return self.rate

    def _process_tax(self, price_unit):
        values = super()._process_tax(price_unit)
        if self.type == 'percentage' and self.calculated_rate:
            values['amount'] = price_unit * self.rate / (1 + self.rate)
        return values

    def _reverse_rate_amount_from_type(self, rate, amount):
        if self.type == 'percentage' and self.calculated_rate:
            # Keep reverse_compute the inverse of compute
            return rate + self.effective_rate, amount
        return super()._reverse_rate_amount_from_type(rate, amount)
