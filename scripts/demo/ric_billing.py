# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_billing: two legal entities bill three months.

The RIC company (general regime, VAT 22 %) bills the clients by a group
rule; a second entity, an entrepreneur on the simplified regime without
VAT, bills the schools and budget organisations by an individual rule.  The
three months before the current one are billed (and posted) for a part of
the clients, so that the runs, invoices, logs and the price-list
coefficient have data."""
import datetime as dt

from proteus import Model

from trytond.modules.ric_billing.tests.tools import (
    create_billing_setup, create_entity, switch_company)

#: the clients the demo bills (posting thousands of invoices takes minutes)
BILLED_CLIENTS = 40


def _month(date, back):
    date = date.replace(day=1)
    for _ in range(back):
        date = (date - dt.timedelta(days=1)).replace(day=1)
    return date


def create(ctx):
    config = ctx.config
    Company = Model.get('company.company', config=config)
    Rule = Model.get('ric.billing.rule', config=config)
    Run = Model.get('ric.billing.run', config=config)
    Party = Model.get('party.party', config=config)
    company = Company(ctx.company.id)
    company.ric_tax_regime = 'osno'
    company.save()
    create_billing_setup(company, config)
    months = [_month(ctx.today, n) for n in (3, 2, 1)]
    years = sorted({m.year for m in months} | {ctx.today.year})
    client_ids = ctx.data.get('clients', [])
    # the statuses read at once (a proteus record reads its own)
    statuses = {c['id']: c['client_status'] for c in Party._proxy.read(
            client_ids, ['client_status'], config.context)}
    served = [i for i in client_ids if statuses[i] == 'served']
    clients = [Party(i) for i in (served or client_ids)[:BILLED_CLIENTS]]
    if not clients:
        return
    entrepreneur = create_entity("ИП Соколова Анна Викторовна",
        '312300144001', None, 'usn', years=years, config=config)
    switch_company(company, config)
    Rule(name="Все клиенты", company=company, kind='group',
        document_set='invoice_act_vat', period='monthly',
        grouping='client').save()
    switch_company(entrepreneur, config)
    schools = Rule(name="Бюджетные организации", company=entrepreneur,
        kind='individual', document_set='invoice_act', period='monthly',
        grouping='client')
    schools.clients.extend(Party(c.id) for c in clients[::5])
    schools.save()
    switch_company(company, config)
    for month in months:
        end = (month + dt.timedelta(days=32)).replace(day=1) \
            - dt.timedelta(days=1)
        run = Run(month=month, invoice_date=end)
        run.companies.extend([Company(company.id), Company(entrepreneur.id)])
        run.clients.extend(Party(c.id) for c in clients)
        run.save()
        run.click('process')
