#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fill a database of the suite with demo data (proteus).

Creates the RIC company with the Russian chart of accounts and a fiscal
year, departments, employees and one user per access group, then calls
``create(ctx)`` of every ``scripts/demo/<module>.py`` whose module is
activated, in module dependency order.

    demo_data.py --database ric_demo --config var/demo/trytond.conf --scale 1
"""
import argparse
import datetime as dt
import importlib.util
import os
import random
import sys
import time
import types
from decimal import Decimal

DEMO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'demo')
PASSWORD = 'ric-demo-2026'

# login, name, department code, position code, groups (module.xml_id)
USERS = [
    ('director', 'Соколова Ирина Викторовна', 'adm', 'director',
        ['ric_base.group_ric_admin', 'ric_base.group_ric_manager']),
    ('manager', 'Петров Алексей Сергеевич', 'sales', 'sales_manager',
        ['ric_base.group_ric_manager']),
    ('sales', 'Кузнецова Мария Андреевна', 'sales', 'sales_manager',
        ['ric_base.group_ric_sales']),
    ('service', 'Нелина Анна Юрьевна', 'service', 'service_engineer',
        ['ric_base.group_ric_service']),
    ('remote', 'Лаптева Ольга Юрьевна', 'remote', 'remote_specialist',
        ['ric_base.group_ric_service']),
    ('hotline', 'Чечина Анастасия Игоревна', 'hotline', 'hotline',
        ['ric_base.group_ric_hotline']),
    ('accountant', 'Морозова Елена Петровна', 'accounting', 'accountant',
        ['ric_base.group_ric_accountant']),
    ]
# Standard Tryton groups each RIC role needs besides its own
ROLE_EXTRA_GROUPS = {
    'ric_base.group_ric_admin': [
        'party.group_party_admin', 'company.group_employee_admin',
        'account.group_account', 'account.group_account_admin',
        'stock.group_stock', 'product.group_product_admin'],
    # the distributives' warehouse is the RIC's (РИЦ / Дистрибутивы), not
    # Tryton's stock; the fiscal years are the accountant's
    'ric_base.group_ric_manager': [
        'party.group_party_admin', 'product.group_product_admin'],
    'ric_base.group_ric_accountant': [
        'account.group_account', 'account.group_account_admin',
        'party.group_party_admin'],
    }
DEPARTMENTS = [
    # code, name, parent code
    ('adm', 'Дирекция', None),
    ('sales', 'Отдел продаж', 'adm'),
    ('service', 'Отдел сопровождения', 'adm'),
    ('remote', 'Группа дистанционного сервиса', 'service'),
    ('hotline', 'Горячая линия', 'service'),
    ('accounting', 'Бухгалтерия', 'adm'),
    ]


def ref(config, xml_id, model):
    "Return the proteus record of an xml id or None when not installed"
    from proteus import Model
    ModelData = Model.get('ir.model.data', config=config)
    try:
        db_id = ModelData.get_id(*xml_id.split('.'), config.context)
    except Exception:
        return None
    return Model.get(model, config=config)(db_id)


def activated_modules(config):
    from proteus import Model
    Module = Model.get('ir.module', config=config)
    return {m.name for m in Module.find([('state', '=', 'activated')])}


def get_currency(config):
    from proteus import Model
    Currency = Model.get('currency.currency', config=config)
    currencies = Currency.find([('code', '=', 'RUB')])
    if currencies:
        return currencies[0]
    currency = Currency(
        name='Российский рубль', symbol='₽', code='RUB', numeric_code='643',
        rounding=Decimal('0.01'), digits=2)
    currency.save()
    return currency


def create_company(config):
    from proteus import Model, Wizard
    Company = Model.get('company.company', config=config)
    companies = Company.find()
    if companies:
        return companies[0]
    Party = Model.get('party.party', config=config)
    party = Party(name='ООО «РИЦ Белгород»')
    party.save()
    wizard = Wizard('company.company.config', config=config)
    wizard.execute('company')
    wizard.form.party = party
    wizard.form.currency = get_currency(config)
    wizard.form.timezone = 'Europe/Moscow'
    wizard.execute('add')
    company, = Company.find()
    User = Model.get('res.user', config=config)
    config._context = User.get_preferences(True, {})
    return company


def create_chart(config, company):
    from proteus import Model, Wizard
    Account = Model.get('account.account', config=config)
    if Account.find([('company', '=', company.id)]):
        return
    template = ref(
        config, 'account_ru.account_template_root_ru',
        'account.account.template')
    if template is None:
        return
    wizard = Wizard('account.create_chart', config=config)
    wizard.execute('account')
    wizard.form.account_template = template
    wizard.form.company = company
    wizard.execute('create_account')
    receivable = Account.find([
            ('company', '=', company.id), ('code', '=', '62.01')])
    payable = Account.find([
            ('company', '=', company.id), ('code', '=', '60')])
    if receivable and payable:
        wizard.form.account_receivable = receivable[0]
        wizard.form.account_payable = payable[0]
    wizard.execute('create_properties')


def create_fiscalyear(config, company, year, modules):
    from proteus import Model
    FiscalYear = Model.get('account.fiscalyear', config=config)
    if FiscalYear.find([('name', '=', str(year))]):
        return
    Sequence = Model.get('ir.sequence.strict', config=config)
    sequence_type = ref(
        config, 'account.sequence_type_account_move', 'ir.sequence.type')
    fiscalyear = FiscalYear(name=str(year), company=company)
    fiscalyear.start_date = dt.date(year, 1, 1)
    fiscalyear.end_date = dt.date(year, 12, 31)
    if sequence_type:
        move_sequence = Sequence(
            name='Проводки %s' % year, sequence_type=sequence_type,
            company=company)
        move_sequence.save()
        fiscalyear.move_sequence = move_sequence
    if 'account_invoice' in modules:
        invoice_type = ref(
            config, 'account_invoice.sequence_type_account_invoice',
            'ir.sequence.type')
        invoice_sequence = Sequence(
            name='Счета %s' % year, sequence_type=invoice_type,
            company=company)
        invoice_sequence.save()
        sequences, = fiscalyear.invoice_sequences
        sequences.out_invoice_sequence = invoice_sequence
        sequences.in_invoice_sequence = invoice_sequence
        sequences.out_credit_note_sequence = invoice_sequence
        sequences.in_credit_note_sequence = invoice_sequence
    fiscalyear.save()
    fiscalyear.click('create_period')


def create_organisation(config, company):
    from proteus import Model
    Department = Model.get('ric.department', config=config)
    Position = Model.get('ric.position', config=config)
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    departments = {d.code: d for d in Department.find()}
    for code, name, parent in DEPARTMENTS:
        if code not in departments:
            department = Department(name=name, code=code, company=company)
            if parent:
                department.parent = departments[parent]
            department.save()
            departments[code] = department
    positions = {p.code: p for p in Position.find()}
    Lang = Model.get('ir.lang', config=config)
    russian = Lang.find([('code', '=', 'ru')])
    employees = {}
    for login, name, dep, position, groups in USERS:
        if User.find([('login', '=', login)]):
            continue
        party = Party(name=name)
        party.save()
        employee = Employee(
            party=party, company=company, department=departments[dep],
            position=positions.get(position),
            start_date=dt.date(2020, 1, 1))
        employee.save()
        employees[login] = employee
        user = User(
            login=login, name=name, password=PASSWORD,
            employees=[employee], employee=employee)
        Company = Model.get('company.company', config=config)
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        if russian:
            user.language = russian[0]
        group_ids = set()
        for xml_id in groups:
            for gid in [xml_id] + ROLE_EXTRA_GROUPS.get(xml_id, []):
                group = ref(config, gid, 'res.group')
                if group is not None:
                    group_ids.add(group.id)
        user.groups.extend([Group(i) for i in sorted(group_ids)])
        user.save()
    head = employees.get('director')
    if head:
        adm = departments['adm']
        adm.head = head
        adm.save()
    return departments


def set_admin_language(config):
    from proteus import Model
    User = Model.get('res.user', config=config)
    Lang = Model.get('ir.lang', config=config)
    russian = Lang.find([('code', '=', 'ru')])
    if russian:
        admin, = User.find([('login', '=', 'admin')])
        admin.language = russian[0]
        admin.save()


def configure_ric(config, company):
    from proteus import Model
    Configuration = Model.get('ric.configuration', config=config)
    configuration = Configuration(1)
    configuration.ric_code = '502'
    configuration.ric_name = 'РИЦ Белгород'
    configuration.company = company
    configuration.city = 'Белгород'
    configuration.coordination_centre = 'НПО «ВМИ-КЦ»'
    configuration.save()


#: Steps of Tryton's module configuration wizard the demo does (company,
#: chart of accounts, users): closed, so that admin's login does not offer them
DEMO_STEPS = ['company.config_wizard_item_company',
    'account.config_wizard_item_chart_account', 'res.config_wizard_item_user']


def close_configuration_steps(config, xml_ids):
    from proteus import Model
    Item = Model.get('ir.module.config_wizard.item', config=config)
    items = [i for i in (ref(config, x, 'ir.module.config_wizard.item')
            for x in xml_ids) if i is not None]
    for item in items:
        item.state = 'done'
    Item.save(items)


def module_order(names):
    "Sort module names so that dependencies come first"
    from trytond.modules import get_module_info
    info = {n: set(get_module_info(n).get('depends', [])) for n in names}
    ordered = []
    while info:
        ready = sorted(n for n, deps in info.items()
            if not (deps & set(info)))
        if not ready:
            ready = sorted(info)
        for name in ready:
            ordered.append(name)
            del info[name]
    return ordered


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', dest='config_file')
    parser.add_argument('--scale', type=int, default=1)
    parser.add_argument('--seed', type=int, default=502)
    args = parser.parse_args(argv)

    from proteus import config as pconfig
    config = pconfig.set_trytond(
        database=args.database, config_file=args.config_file)
    set_admin_language(config)
    company = create_company(config)
    modules = activated_modules(config)
    today = dt.date.today()
    if 'account_ru' in modules:
        create_chart(config, company)
        for year in (today.year - 1, today.year):
            create_fiscalyear(config, company, year, modules)
    configure_ric(config, company)
    create_organisation(config, company)
    close_configuration_steps(config, DEMO_STEPS)

    ctx = types.SimpleNamespace(
        config=config, company=company, scale=args.scale,
        rng=random.Random(args.seed), today=today, data={})
    for module in module_order(
            [m for m in modules if os.path.exists(
                    os.path.join(DEMO_DIR, m + '.py'))]):
        path = os.path.join(DEMO_DIR, module + '.py')
        spec = importlib.util.spec_from_file_location(
            'ric_demo_' + module, path)
        demo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(demo)
        start = time.monotonic()
        demo.create(ctx)
        print('demo data: %s (%.0f s)' % (module, time.monotonic() - start),
            file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
