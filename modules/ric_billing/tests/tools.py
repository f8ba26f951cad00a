# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""proteus helpers of the billing scenarios, tests and benchmarks.

``create_entity`` opens the books of a legal entity of the RIC: a company
with the Russian chart (account_ru), a fiscal year with strict invoice
sequences, its tax regime and the maintenance product of the billing.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard
from proteus.config import get_config
from trytond.modules.currency.tests.tools import get_currency

__all__ = ['create_entity', 'create_billing_setup', 'switch_company']


def switch_company(company, config=None):
    "Make company the current company of the user"
    config = config or get_config()
    User = Model.get('res.user', config=config)
    user = User(config.user)
    if company not in user.companies:
        user.companies.append(company)
    user.company = company
    # an accountant of several legal entities sees the records of all
    user.company_filter = 'all'
    user.save()
    config._context = User.get_preferences(True, {})


def create_entity(name, inn, kpp=None, regime='osno', year=2026,
        config=None, years=None):
    """Create a legal entity with its chart, fiscal year and billing
    set-up; return the company (it becomes the user's company)"""
    config = config or get_config()
    Party = Model.get('party.party', config=config)
    Company = Model.get('company.company', config=config)
    party = Party(name=name, kpp=kpp)
    party.identifiers.new(type='ru_vat', code=inn)
    address = party.addresses.new(street="ул. Ленина, 1", city="Белгород",
        postal_code="308000")
    party.save()
    if not Company.find([]):
        from trytond.modules.company.tests.tools import create_company
        create_company(party=party, currency=get_currency('RUB'),
            config=config)
        company, = Company.find([('party', '=', party.id)])
    else:
        company = Company(party=party, currency=get_currency('RUB'))
        company.save()
    switch_company(company, config)
    company = Company(company.id)
    company.ric_tax_regime = regime
    company.save()
    _create_chart(company, config)
    for year in (years or [year]):
        _create_fiscalyear(company, year, config)
    create_billing_setup(company, config)
    del address
    return company


def _create_fiscalyear(company, year, config):
    "Create the fiscal year with strict move and invoice sequences"
    FiscalYear = Model.get('account.fiscalyear', config=config)
    Sequence = Model.get('ir.sequence.strict', config=config)
    SequenceType = Model.get('ir.sequence.type', config=config)
    ModelData = Model.get('ir.model.data', config=config)

    def sequence(module, xml_id, name):
        type_ = SequenceType(ModelData.get_id(module, xml_id, config.context))
        record = Sequence(name=name, sequence_type=type_, company=company)
        record.save()
        return record
    name = '%s %s' % (year, company.party.name)
    fiscalyear = FiscalYear(name=name, company=company,
        start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31))
    fiscalyear.move_sequence = sequence(
        'account', 'sequence_type_account_move', name)
    invoice_sequence = sequence(
        'account_invoice', 'sequence_type_account_invoice', name)
    sequences, = fiscalyear.invoice_sequences
    for field in ['out_invoice_sequence', 'in_invoice_sequence',
            'out_credit_note_sequence', 'in_credit_note_sequence']:
        setattr(sequences, field, invoice_sequence)
    fiscalyear.save()
    fiscalyear.click('create_period')
    return fiscalyear


def _create_chart(company, config):
    AccountTemplate = Model.get('account.account.template', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    template = AccountTemplate(ModelData.get_id(
            'account_ru', 'account_template_root_ru', config.context))
    wizard = Wizard('account.create_chart', config=config)
    wizard.execute('account')
    wizard.form.account_template = template
    wizard.form.company = company
    wizard.execute('create_account')
    wizard.execute('create_properties')


def account(company, code, config=None):
    Account = Model.get('account.account', config=config)
    account, = Account.find([
            ('code', '=', code), ('company', '=', company.id)])
    return account


def create_billing_setup(company, config=None):
    "Create the maintenance product of the company's billing"
    config = config or get_config()
    ProductCategory = Model.get('product.category', config=config)
    ProductTemplate = Model.get('product.template', config=config)
    Uom = Model.get('product.uom', config=config)
    Configuration = Model.get('ric.billing.configuration', config=config)
    category = ProductCategory(name="Информационное обслуживание",
        accounting=True)
    category.account_revenue = account(company, '90.01', config)
    category.save()
    ModelData = Model.get('ir.model.data', config=config)
    unit = Uom(ModelData.get_id('product', 'uom_unit', config.context))
    template = ProductTemplate(name="Информационное обслуживание",
        type='service', default_uom=unit, account_category=category,
        list_price=Decimal(0))
    template.save()
    product, = template.products
    configuration = Configuration(1)
    configuration.maintenance_product = product
    configuration.save()
    return product
