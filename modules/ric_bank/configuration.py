# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval

COMPANY_FIELDS = {'advance_account', 'match_threshold', 'match_oldest',
    'validate_matched'}


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Bank Configuration"
    __name__ = 'ric.bank.configuration'
    __string__ = "Bank Configuration"

    advance_account = fields.MultiValue(fields.Many2One(
            'account.account', "Advance Account",
            domain=[
                ('company', '=', Eval('context', {}).get('company', -1)),
                ('type', '!=', None),
                ('closed', '!=', True),
                ('party_required', '=', True),
                ],
            help="The account the part of a payment that pays no invoice "
            "goes to, as an advance of the payer (62.02 of the Russian "
            "chart); it is offset by the next invoice of the payer."))
    match_threshold = fields.MultiValue(fields.Integer(
            "Match Threshold",
            help="A payment matched with a lower score (0-100) waits for "
            "the accountant's confirmation."))
    match_oldest = fields.MultiValue(fields.Boolean(
            "Pay the Oldest Invoices",
            help="A payment that names no invoice and matches none by its "
            "amount pays the oldest open invoices of the payer; otherwise "
            "it is kept as an advance."))
    validate_matched = fields.MultiValue(fields.Boolean(
            "Validate Matched Statements",
            help="Validate (post the moves and reconcile the invoices of) "
            "a statement as soon as all its payments are matched or "
            "confirmed."))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in COMPANY_FIELDS:
            return pool.get('ric.bank.configuration.company')
        return super().multivalue_model(field)

    @classmethod
    def default_match_threshold(cls, **pattern):
        return cls.multivalue_model(
            'match_threshold').default_match_threshold()

    @classmethod
    def default_match_oldest(cls, **pattern):
        return cls.multivalue_model('match_oldest').default_match_oldest()

    @classmethod
    def default_validate_matched(cls, **pattern):
        return cls.multivalue_model(
            'validate_matched').default_validate_matched()

    def get_advance_account_used(self, company):
        """Return the advance account of the company: the configured one,
        else the account 62.02 of its chart"""
        pool = Pool()
        Account = pool.get('account.account')
        account = self.get_multivalue('advance_account', company=company.id)
        if account:
            return account
        accounts = Account.search([
                ('company', '=', company.id),
                ('code', '=', '62.02'),
                ('closed', '!=', True),
                ], limit=1)
        return accounts[0] if accounts else None


class ConfigurationCompany(ModelSQL, CompanyValueMixin):
    "Bank Configuration per Company"
    __name__ = 'ric.bank.configuration.company'
    __string__ = "Bank Configuration per Company"

    advance_account = fields.Many2One(
        'account.account', "Advance Account",
        domain=[
            ('company', '=', Eval('company', -1)),
            ])
    match_threshold = fields.Integer("Match Threshold")
    match_oldest = fields.Boolean("Pay the Oldest Invoices")
    validate_matched = fields.Boolean("Validate Matched Statements")

    @classmethod
    def default_match_threshold(cls):
        return 90

    @classmethod
    def default_match_oldest(cls):
        return True

    @classmethod
    def default_validate_matched(cls):
        return False
