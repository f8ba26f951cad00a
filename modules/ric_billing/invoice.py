# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Customer invoices of the billing.

The invoices a billing run creates are Tryton's own ``account.invoice``:
the billing only adds what the documents and the ledger of billed days
need.  Cancelling an invoice, or posting a credit note of its lines, frees
the days the lines billed (see ``ric.billing.line``).
"""
from sql import Null

from trytond.model import Index, dualmethod, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

DOCUMENT_SETS = [
    ('invoice_act', "Invoice and Act"),
    ('invoice_act_vat', "Invoice, Act and VAT Invoice"),
    ('upd_1', "Invoice and UPD Status 1"),
    ('upd_2', "Invoice and UPD Status 2"),
    ]
PRICE_SOURCES = [
    ('budget', "Client Budget"),
    ('fixed', "Fixed Price"),
    ('promotion', "Promotion"),
    ('discount', "Discount"),
    ('price_list', "Price List"),
    ]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    ric_client = fields.Many2One('party.party', "RIC Client",
        ondelete='RESTRICT', states={'readonly': Eval('state') != 'draft'},
        help="The client of the RIC the invoice is for; the party is the "
        "counterparty valid on the invoice date.")
    ric_document_set = fields.Selection(
        [(None, "")] + DOCUMENT_SETS, "Document Set",
        states={'readonly': Eval('state') != 'draft'})
    ric_period_start = fields.Date("Service Period Start",
        states={'readonly': Eval('state') != 'draft'})
    ric_period_end = fields.Date("Service Period End",
        states={'readonly': Eval('state') != 'draft'})
    ric_run = fields.Many2One('ric.billing.run', "Billing Run",
        readonly=True, ondelete='RESTRICT')
    ric_rule = fields.Many2One('ric.billing.rule', "Billing Rule",
        readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= {'ric_run'}

    @classmethod
    def cancel(cls, invoices):
        pool = Pool()
        BillingLine = pool.get('ric.billing.line')
        super().cancel(invoices)
        BillingLine.free_invoices(invoices)

    @dualmethod
    def update_taxes(cls, invoices, exception=False):
        """Do not compute again the taxes of the invoices a billing run posts

        A run posts, in its transaction, the invoices it has just created:
        Tryton computed their taxes on creation and nothing changed them
        since.  Posting writes each draft invoice twice (number, amounts),
        and each write of a draft invoice computes its taxes again, then
        making the move checks them once more: three more computations of
        every invoice, a third of the run's time."""
        if Transaction().context.get('_ric_billing_posting'):
            invoices = [i for i in invoices if not i.ric_run]
        super().update_taxes(invoices, exception=exception)

    @classmethod
    def _check_taxes(cls, invoices):
        # the taxes of billed lines come from the tax regime of the legal
        # entity, not from the product's default taxes
        super()._check_taxes([i for i in invoices if not i.ric_run])

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        BillingLine = pool.get('ric.billing.line')
        super()._post(invoices)
        BillingLine.free_credits(
            [i for i in invoices if i.type == 'out'])

    @classmethod
    def copy(cls, invoices, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ric_run')
        return super().copy(invoices, default=default)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    ric_distributive = fields.Many2One('ric.distributive', "Distributive",
        ondelete='RESTRICT', readonly=True)
    ric_system = fields.Many2One('ric.system', "System", readonly=True)
    ric_network_type = fields.Many2One(
        'ric.network.type', "Network Type", readonly=True)
    ric_date_from = fields.Date("Service From", readonly=True)
    ric_date_to = fields.Date("Service To", readonly=True)
    ric_days = fields.Integer("Days", readonly=True,
        help="The days of service the line bills (credits when negative "
        "quantity).")
    ric_month_days = fields.Integer("Days of the Month", readonly=True)
    ric_monthly_price = fields.Numeric(
        "Monthly Price", digits=(16, 2), readonly=True,
        help="The price of a whole month the line was prorated from.")
    ric_list_price = fields.Numeric("List Price", digits=(16, 2),
        readonly=True,
        help="The monthly price of the client's price list.")
    ric_price_source = fields.Selection(
        [(None, "")] + PRICE_SOURCES, "Price Source", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the credit of a late disconnection looks up the lines of a
        # distributive
        cls._sql_indexes.add(
            Index(t, (t.ric_distributive, Index.Equality()),
                where=t.ric_distributive != Null))

    def _credit(self):
        line = super()._credit()
        for name in ['ric_distributive', 'ric_system', 'ric_network_type',
                'ric_date_from', 'ric_date_to', 'ric_days', 'ric_month_days',
                'ric_monthly_price', 'ric_list_price', 'ric_price_source']:
            setattr(line, name, getattr(self, name))
        return line
