# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The settings of the settlements: the period of the acts of reconciliation
sent by the cron, the limitation period of the write-offs, the legal term of
the advance VAT invoices (global), and per legal entity the accounts,
journals and numbering of the offsets, write-offs and advance invoices.

An account left empty is the account of the Russian chart with the usual
code (:data:`DEFAULT_CODES`); a sequence left empty is created for the
entity the first time a document needs it, so that a new entity works at
once and every entity numbers its documents apart."""
from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id

from .exceptions import SettlementConfigurationError

ACT_PERIODS = [
    ('month', "Month"),
    ('quarter', "Quarter"),
    ('half_year', "Half-Year"),
    ('year', "Year"),
    ]
ACT_FORMATS = [
    ('pdf', "PDF"),
    ('docx', "DOCX"),
    ('odt', "ODT"),
    ]
#: the account of the Russian chart used when none is configured
DEFAULT_CODES = {
    'writeoff_account': '91.02',
    'advance_vat_account': '76.АВ',
    'vat_account': '68.02',
    }
#: the sequence type and the name prefix of the sequences made on demand
SEQUENCES = {
    'offset_sequence': ('sequence_type_offset', "Offset", 'ir.sequence'),
    'writeoff_sequence': (
        'sequence_type_writeoff', "Write-Off", 'ir.sequence'),
    'advance_invoice_sequence': (
        'sequence_type_advance_invoice', "Advance VAT Invoice",
        'ir.sequence.strict'),
    }
COMPANY_FIELDS = {'offset_journal', 'writeoff_account', 'writeoff_journal',
    'advance_vat_account', 'vat_account', 'advance_journal'} | set(SEQUENCES)


def _account_field(string, help):
    return fields.Many2One('account.account', string,
        domain=[
            ('company', '=', Eval('context', {}).get('company', -1)),
            ('type', '!=', None),
            ('closed', '!=', True),
            ], help=help)


def _journal_field(string, help):
    return fields.Many2One('account.journal', string,
        domain=[('type', '=', 'general')], help=help)


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Settlement Configuration"
    __name__ = 'ric.settlement.configuration'
    __string__ = "Settlement Configuration"

    act_period = fields.Selection(ACT_PERIODS, "Acts Period", required=True,
        help="The period of the acts of reconciliation the cron makes "
        "when it ends (a quarter: acts as of 31.03, 30.06, 30.09, 31.12).")
    act_format = fields.Selection(ACT_FORMATS, "Acts Format", required=True,
        help="The format of the acts stored and e-mailed.")
    act_email = fields.Boolean("E-mail Acts",
        help="E-mail the acts made by the cron to the client's "
        "accountant (or to the client) where an address is known.")
    writeoff_limitation = fields.Integer("Limitation Period (Years)",
        required=True,
        domain=[('writeoff_limitation', '>', 0)],
        help="A receivable is hopeless when this many years have passed "
        "since its due date (art. 196 of the Civil Code: three years).")
    advance_invoice_days = fields.Integer("Advance Invoice Term (Days)",
        required=True,
        domain=[('advance_invoice_days', '>=', 0)],
        help="The advance VAT invoice is issued within this many calendar "
        "days of the prepayment (art. 168 §3 of the Tax Code: five).")

    offset_journal = fields.MultiValue(_journal_field("Offset Journal",
            "The journal of the moves of the mutual offsets."))
    offset_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Offset Sequence",
            domain=[
                ('sequence_type', '=',
                    Id('ric_settlement', 'sequence_type_offset')),
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ]))
    writeoff_account = fields.MultiValue(_account_field("Write-Off Account",
            "The expense account of the bad debts written off "
            "(91.02 «Прочие расходы» when empty)."))
    writeoff_journal = fields.MultiValue(_journal_field("Write-Off Journal",
            "The journal of the moves of the write-offs."))
    writeoff_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Write-Off Sequence",
            domain=[
                ('sequence_type', '=',
                    Id('ric_settlement', 'sequence_type_writeoff')),
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ]))
    advance_vat_account = fields.MultiValue(_account_field(
            "Advance VAT Account",
            "The account of the VAT charged on the advances received "
            "(76.АВ «НДС по авансам и предоплатам» when empty)."))
    vat_account = fields.MultiValue(_account_field("VAT Account",
            "The account of the VAT payable (68.02 when empty)."))
    advance_journal = fields.MultiValue(_journal_field(
            "Advance VAT Journal",
            "The journal of the VAT moves of the advance invoices."))
    advance_invoice_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence.strict', "Advance Invoice Sequence",
            domain=[
                ('sequence_type', '=',
                    Id('ric_settlement', 'sequence_type_advance_invoice')),
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ]))

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in COMPANY_FIELDS:
            return pool.get('ric.settlement.configuration.company')
        return super().multivalue_model(field)

    @classmethod
    def default_act_period(cls):
        return 'quarter'

    @classmethod
    def default_act_format(cls):
        return 'pdf'

    @classmethod
    def default_act_email(cls):
        return True

    @classmethod
    def default_writeoff_limitation(cls):
        return 3

    @classmethod
    def default_advance_invoice_days(cls):
        return 5

    def get_account_used(self, name, company):
        """Return the account name of company: the configured one, else the
        open account of its chart with the code of DEFAULT_CODES; raise
        SettlementConfigurationError when there is none"""
        pool = Pool()
        Account = pool.get('account.account')
        account = self.get_multivalue(name, company=company.id)
        if account:
            return account
        accounts = Account.search([
                ('company', '=', company.id),
                ('code', '=', DEFAULT_CODES[name]),
                ('closed', '!=', True),
                ('type', '!=', None),
                ], limit=1)
        if not accounts:
            raise SettlementConfigurationError(gettext(
                    'ric_settlement.msg_account_missing',
                    account=self.fields_get([name])[name]['string'],
                    code=DEFAULT_CODES[name], company=company.rec_name))
        return accounts[0]

    def get_journal_used(self, name, company):
        """Return the journal name of company: the configured one, else the
        first general journal"""
        pool = Pool()
        Journal = pool.get('account.journal')
        journal = self.get_multivalue(name, company=company.id)
        if journal:
            return journal
        journals = Journal.search([('type', '=', 'general')], limit=1)
        if not journals:
            raise SettlementConfigurationError(gettext(
                    'ric_settlement.msg_journal_missing',
                    journal=self.fields_get([name])[name]['string'],
                    company=company.rec_name))
        return journals[0]

    @classmethod
    def get_sequence_used(cls, name, company):
        """Return the sequence name of company, created (and configured)
        the first time when none is set

        The configuration table is locked while the sequence is created so
        that two transactions never make two sequences of one entity."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ConfigurationCompany = pool.get(
            'ric.settlement.configuration.company')
        configuration = cls(1)
        sequence = configuration.get_multivalue(name, company=company.id)
        if sequence:
            return sequence
        ConfigurationCompany.lock()
        configuration = cls(1)
        sequence = configuration.get_multivalue(name, company=company.id)
        if sequence:
            return sequence
        type_id, prefix, model = SEQUENCES[name]
        Sequence = pool.get(model)
        sequence = Sequence(
            name='%s — %s' % (gettext(
                    'ric_settlement.msg_sequence_name_' + name),
                company.rec_name),
            sequence_type=ModelData.get_id('ric_settlement', type_id),
            company=company)
        sequence.save()
        configuration.set_multivalue(name, sequence, company=company.id)
        return sequence


class ConfigurationCompany(ModelSQL, CompanyValueMixin):
    "Settlement Configuration per Legal Entity"
    __name__ = 'ric.settlement.configuration.company'
    __string__ = "Settlement Configuration per Legal Entity"

    offset_journal = fields.Many2One('account.journal', "Offset Journal")
    offset_sequence = fields.Many2One('ir.sequence', "Offset Sequence",
        domain=[('company', 'in', [Eval('company', -1), None])])
    writeoff_account = fields.Many2One('account.account',
        "Write-Off Account",
        domain=[('company', '=', Eval('company', -1))])
    writeoff_journal = fields.Many2One('account.journal',
        "Write-Off Journal")
    writeoff_sequence = fields.Many2One('ir.sequence', "Write-Off Sequence",
        domain=[('company', 'in', [Eval('company', -1), None])])
    advance_vat_account = fields.Many2One('account.account',
        "Advance VAT Account",
        domain=[('company', '=', Eval('company', -1))])
    vat_account = fields.Many2One('account.account', "VAT Account",
        domain=[('company', '=', Eval('company', -1))])
    advance_journal = fields.Many2One('account.journal',
        "Advance VAT Journal")
    advance_invoice_sequence = fields.Many2One('ir.sequence.strict',
        "Advance Invoice Sequence",
        domain=[('company', 'in', [Eval('company', -1), None])])
