# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_settlement: the acts of reconciliation of the last
quarter and the advance VAT invoices of the bank's prepayments.

The scheduled tasks run as they run every day and at the end of a quarter:
*Issue the Advance VAT Invoices* issues the advance invoices of the
prepayments the bank demo left on 62.02 (the general-regime entity), and
*Make the Acts of Reconciliation* (turned on: it ships inactive) makes,
converts to PDF and stores on the client cards the acts of the last full
quarter of every client with a balance or a turnover (the demo has no mail
server: the acts are not e-mailed, the configuration says so).  Then the
accountant registers the return of two acts: one signed, one signed with a
discrepancy (the client has not booked the last invoice yet)."""
from decimal import Decimal

from proteus import Model, Wizard

ADVANCE_CRON = 'ric.settlement.advance_invoice|issue_advance_invoices'
ACT_CRON = 'ric.settlement.act|generate_period_acts'


def _run_cron(config, method):
    Cron = Model.get('ir.cron', config=config)
    # the quarter-end task ships inactive: the demo RIC turns it on
    crons = Cron.find([('method', '=', method),
            ('active', 'in', [True, False])])
    for cron in crons:
        if not cron.active:
            cron.active = True
            cron.save()
        cron.click('run_once')
    return crons


def create(ctx):
    config = ctx.config
    Configuration = Model.get('ric.settlement.configuration', config=config)
    Act = Model.get('ric.settlement.act', config=config)
    configuration = Configuration(1)
    configuration.act_period = 'quarter'
    configuration.act_format = 'pdf'
    configuration.act_email = False
    configuration.save()

    _run_cron(config, ADVANCE_CRON)
    _run_cron(config, ACT_CRON)

    acts = Act.find([('state', '=', 'draft')], order=[('id', 'ASC')])
    with_lines = [a for a in acts if len(a.lines) >= 1]
    if with_lines:
        _register_return(config, with_lines[0], ctx.today)
    if len(with_lines) > 1:
        _register_discrepancy(config, with_lines[1], ctx.today)


def _register_return(config, act, today):
    "The client signed the act as it is"
    return_ = Wizard('ric.settlement.act.return', [act], config=config)
    return_.form.returned_date = today
    return_.form.discrepancies = False
    return_.execute('register')


def _register_discrepancy(config, act, today):
    """The client has not booked the last invoice of the quarter: its
    figures miss that line"""
    last = [l for l in act.lines if l.debit]
    for line in act.lines:
        line.client_debit = line.credit
        line.client_credit = line.debit
    if last:
        last[-1].client_credit = Decimal(0)
    act.save()
    return_ = Wizard('ric.settlement.act.return', [act], config=config)
    return_.form.returned_date = today
    return_.form.discrepancies = True
    return_.form.discrepancy_note = (
        "Клиент не отразил у себя последний акт квартала: "
        "расхождение на сумму этого акта.")
    return_.execute('register')
