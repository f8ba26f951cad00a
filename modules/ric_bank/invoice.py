# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The advances of the payers offset by their next invoices, and the paid
status of the invoices for the other modules"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.ric_base.batch import in_max
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice

PAYMENT_STATES = [
    (None, ""),
    ('unpaid', "Unpaid"),
    ('partial', "Partially Paid"),
    ('paid', "Paid"),
    ]


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    ric_payment_state = fields.Function(fields.Selection(
            PAYMENT_STATES, "Payment State",
            help="Paid, partially paid or unpaid, from the payments "
            "reconciled with the invoice."), 'get_ric_payment')
    ric_payment_date = fields.Function(fields.Date("Payment Date",
            help="The date of the last payment of the invoice."),
        'get_ric_payment')

    @classmethod
    def get_ric_payment(cls, invoices, names):
        result = {n: {} for n in names}
        for invoice in invoices:
            state, date = None, None
            if invoice.state in {'posted', 'paid'}:
                payments = [l for l in invoice.payment_lines]
                dates = [l.date for l in payments]
                if invoice.state == 'paid':
                    state = 'paid'
                    dates += [l.reconciliation.date for l in
                        invoice.lines_to_pay if l.reconciliation]
                elif invoice.amount_to_pay < invoice.total_amount:
                    state = 'partial'
                else:
                    state = 'unpaid'
                date = max(dates) if dates else None
            if 'ric_payment_state' in names:
                result['ric_payment_state'][invoice.id] = state
            if 'ric_payment_date' in names:
                result['ric_payment_date'][invoice.id] = date
        return result

    @classmethod
    def _post(cls, invoices):
        super()._post(invoices)
        cls.ric_offset_advances(
            [i for i in invoices if i.type == 'out' and i.state == 'posted'])

    @classmethod
    def ric_offset_advances(cls, invoices):
        """Offset the advances of the parties of the invoices (their credit
        on the advance account) by the invoices: one move per invoice,
        debit the advance account, credit the receivable, added to the
        payments of the invoice (reconciled when it pays it whole)"""
        pool = Pool()
        Configuration = pool.get('ric.bank.configuration')
        configuration = Configuration(1)
        by_company = defaultdict(list)
        for invoice in invoices:
            by_company[invoice.company].append(invoice)
        for company, company_invoices in by_company.items():
            account = configuration.get_advance_account_used(company)
            if not account:
                continue
            advances = cls._ric_advances(account, company_invoices)
            if advances:
                cls._ric_offset(account, company_invoices, advances)

    @classmethod
    def _ric_advances(cls, account, invoices):
        "Return {party id: [unreconciled lines]} of the advance account"
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        parties = sorted({i.party.id for i in invoices})
        result = defaultdict(list)
        for sub in grouped_slice(parties, in_max()):
            for line in MoveLine.search([
                        ('account', '=', account.id),
                        ('party', 'in', list(sub)),
                        ('reconciliation', '=', None),
                        ('move.state', '=', 'posted'),
                        ]):
                result[line.party.id].append(line)
        return {p: lines for p, lines in result.items()
            if sum(l.credit - l.debit for l in lines) > 0}

    @classmethod
    def _ric_offset(cls, account, invoices, advances):
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        Journal = pool.get('account.journal')
        journals = Journal.search([('type', '=', 'general')], limit=1)
        available = {p: sum(l.credit - l.debit for l in lines)
            for p, lines in advances.items()}
        moves, offsets = [], []
        for invoice in sorted(invoices,
                key=lambda i: (i.invoice_date, i.number or '', i.id)):
            party = invoice.party.id
            due = invoice.amount_to_pay
            amount = min(available.get(party, Decimal(0)), due)
            if amount <= 0:
                continue
            available[party] -= amount
            date = invoice.invoice_date
            move = Move(
                company=invoice.company,
                journal=journals[0] if journals else invoice.journal,
                period=Period.find(invoice.company, date=date),
                date=date, origin=invoice,
                description=gettext('ric_bank.msg_advance_offset',
                    invoice=invoice.rec_name))
            move.lines = [
                MoveLine(account=account, party=invoice.party,
                    debit=amount, credit=Decimal(0)),
                MoveLine(account=invoice.account, party=invoice.party,
                    debit=Decimal(0), credit=amount),
                ]
            moves.append(move)
            offsets.append((invoice, move, amount == due))
        if not moves:
            return
        Move.save(moves)
        Move.post(moves)

        def side(move, account):
            return next(l for l in move.lines if l.account == account)
        cls.add_payment_lines({invoice: [side(move, invoice.account)]
                for invoice, move, _ in offsets})
        to_reconcile = []
        paid = cls.browse([i for i, _, whole in offsets if whole])
        for invoice in paid:
            to_reconcile.append(
                [l for l in invoice.lines_to_pay + invoice.payment_lines
                    if not l.reconciliation])
        for party, lines in advances.items():
            if not available[party]:
                used = [side(m, account) for i, m, _ in offsets
                    if i.party.id == party]
                to_reconcile.append(lines + used)
        if to_reconcile:
            MoveLine.reconcile(*to_reconcile)
