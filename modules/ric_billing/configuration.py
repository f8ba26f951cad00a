# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id

PRORATIONS = [
    ('days', "By Calendar Days"),
    ('whole_month', "Whole Month From a Number of Days"),
    ]
COMPANY_FIELDS = {'maintenance_product', 'proration', 'whole_month_days',
    'post_invoices', 'payment_term'}


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Billing Configuration"
    __name__ = 'ric.billing.configuration'
    __string__ = "Billing Configuration"

    maintenance_product = fields.MultiValue(fields.Many2One(
            'product.product', "Maintenance Product",
            domain=[('type', '=', 'service')],
            help="The service product of the maintenance lines: its "
            "account and unit are used; the taxes come from the tax "
            "regime of the entity."))
    proration = fields.MultiValue(fields.Selection(PRORATIONS, "Proration",
            help="How a month in which a distributive is in service only "
            "some days is billed."))
    whole_month_days = fields.MultiValue(fields.Integer(
            "Days for a Whole Month",
            states={
                'invisible': Eval('proration') != 'whole_month',
                },
            help="A distributive in service at least that many days of a "
            "month is billed the whole month; fewer days are not billed."))
    post_invoices = fields.MultiValue(fields.Boolean("Post Invoices",
            help="Post the invoices of a billing run; leave them as drafts "
            "for review otherwise."))
    payment_term = fields.MultiValue(fields.Many2One(
            'account.invoice.payment_term', "Payment Term"))
    billing_run_sequence = fields.Many2One(
        'ir.sequence', "Billing Run Sequence",
        domain=[('sequence_type', '=',
                Id('ric_billing', 'sequence_type_billing_run'))])

    @classmethod
    def default_billing_run_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('ric_billing', 'sequence_billing_run')
        except KeyError:
            return None

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in COMPANY_FIELDS:
            return pool.get('ric.billing.configuration.company')
        return super().multivalue_model(field)

    @classmethod
    def default_proration(cls, **pattern):
        return cls.multivalue_model('proration').default_proration()

    @classmethod
    def default_whole_month_days(cls, **pattern):
        return cls.multivalue_model(
            'whole_month_days').default_whole_month_days()

    @classmethod
    def default_post_invoices(cls, **pattern):
        return cls.multivalue_model('post_invoices').default_post_invoices()


class ConfigurationCompany(ModelSQL, CompanyValueMixin):
    "Billing Configuration per Company"
    __name__ = 'ric.billing.configuration.company'
    __string__ = "Billing Configuration per Company"

    maintenance_product = fields.Many2One('product.product',
        "Maintenance Product", domain=[('type', '=', 'service')])
    proration = fields.Selection(PRORATIONS, "Proration")
    whole_month_days = fields.Integer("Days for a Whole Month")
    post_invoices = fields.Boolean("Post Invoices")
    payment_term = fields.Many2One(
        'account.invoice.payment_term', "Payment Term")

    @classmethod
    def default_proration(cls):
        return 'days'

    @classmethod
    def default_whole_month_days(cls):
        return 15

    @classmethod
    def default_post_invoices(cls):
        return True
