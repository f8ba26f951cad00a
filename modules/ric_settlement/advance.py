# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Advance VAT invoices (авансовые счета-фактуры) and the sales book.

A legal entity on the general regime (ОСНО) charges VAT on every prepayment
it receives (Tax Code art. 154 §1, 167 §1.2): a prepayment is the credit of
a payer on the advance account (62.02, see ric_bank), and an advance VAT
invoice (:class:`AdvanceInvoice`) is issued for it within the legal five
days at the calculated rate of the receipt date — 22/122 from 2026, 20/120
for the advances received until 31.12.2025 — and recorded in the sales
book with the operation code 02.  Its move debits 76.АВ and credits 68.02.

When the act of services is issued (the customer invoice posted), ric_bank
offsets the advance; the VAT charged on the part offset is then deducted
(the purchase book, operation code 22): :class:`AdvanceDeduction`, whose
move debits 68.02 and credits 76.АВ, at the rate of the advance invoice.
The deducted VAT is computed on the cumulated offset so that its sum never
exceeds the VAT charged and equals it when the advance is offset whole.

:class:`SalesBook` (``ric.settlement.sales_book``) lists the lines of the
sales book: the customer invoices with VAT (code 01) and the advance
invoices (code 02), with the base and the VAT by rate.
"""
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sql import Column, Literal, Null, Union
from sql.aggregate import Sum
from sql.conditionals import Case
from sql.functions import Round
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.batch import in_max
from trytond.modules.ric_base.office import ConvertMixin
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.report import (
    NO_SIGNER, date_short, date_text, money, printed_party, signer)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import AdvanceInvoiceError

STATES = [
    ('posted', "Posted"),
    ('partial', "Partially Offset"),
    ('offset', "Offset"),
    ('cancelled', "Cancelled"),
    ]
#: the account_ru templates of the advance VAT taxes, latest first
ADVANCE_TAX_TEMPLATES = [
    'tax_template_ru_vat_advance_22_122',
    'tax_template_ru_vat_advance_20_120',
    ]
#: the rates (in %) with their own columns in the sales book
BOOK_RATES = [22, 20, 10]
#: the codes of the kind of operation (Приказ ФНС ММВ-7-3/136@)
CODE_SALE = '01'
CODE_ADVANCE = '02'
CODE_DEDUCTION = '22'
KOPECK = Decimal('0.01')
#: the prefix of the origin of a move line of a bank statement
STATEMENT_LINE_PREFIX = 'account.statement.line,'


def advance_vat(amount, rate, exp=KOPECK):
    """Return the VAT included in amount at the calculated rate
    rate / (1 + rate), rounded half-up to exp"""
    amount = Decimal(amount)
    rate = Decimal(rate)
    return (amount * rate / (1 + rate)).quantize(exp, rounding=ROUND_HALF_UP)


def deducted_vat(amount, tax_amount, rate, offset_before, part, exp=KOPECK):
    """Return the VAT to deduct for part offset of an advance of amount
    carrying tax_amount of VAT, of which offset_before was offset already

    The VAT is that of the cumulated offset less that of the offset before,
    so that the deductions sum to the VAT charged when the advance is
    offset whole and never exceed it."""
    after = offset_before + part
    if after >= amount:
        total_after = tax_amount
    else:
        total_after = min(advance_vat(after, rate, exp), tax_amount)
    total_before = (min(advance_vat(offset_before, rate, exp), tax_amount)
        if offset_before else Decimal(0))
    return total_after - total_before


def rate_text(tax):
    "Return the printed calculated rate of tax: «22/122»"
    if tax is None:
        return ''
    percent = int((tax.rate * 100).quantize(Decimal(1)))
    return '%d/%d' % (percent, 100 + percent)


class AdvanceInvoice(Workflow, ModelSQL, ModelView):
    "Advance VAT Invoice"
    __name__ = 'ric.settlement.advance_invoice'
    __string__ = "Advance VAT Invoice"
    _rec_name = 'number'

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    number = fields.Char("Number", readonly=True,
        help="The number of the strict sequence of the legal entity.")
    date = fields.Date("Date", required=True, readonly=True,
        help="The date of the invoice: the date of the prepayment, never "
        "later than the legal term after it.")
    party = fields.Many2One('party.party', "Buyer", required=True,
        readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The counterparty who paid the advance.")
    payment_line = fields.Many2One('account.move.line', "Payment Line",
        required=True, readonly=True, ondelete='RESTRICT',
        help="The credit of the advance account the invoice is issued "
        "for: an advance is never invoiced twice.")
    payment_number = fields.Char("Payment Number", readonly=True,
        help="The number of the payment document of the advance.")
    payment_date = fields.Date("Payment Date", readonly=True,
        help="The date the advance was received.")
    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'on_change_with_currency')
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, readonly=True,
        help="The advance received, VAT included.")
    tax = fields.Many2One('account.tax', "Tax", required=True,
        readonly=True, ondelete='RESTRICT',
        help="The calculated rate of VAT on advances valid on the date "
        "of the prepayment.")
    tax_amount = Monetary("Tax Amount", currency='currency',
        digits='currency', required=True, readonly=True,
        help="The VAT included in the advance: amount × rate / (1 + rate).")
    offset_amount = Monetary("Offset Amount", currency='currency',
        digits='currency', required=True, readonly=True,
        help="The part of the advance offset by the acts.")
    deducted_amount = Monetary("Deducted Tax", currency='currency',
        digits='currency', required=True, readonly=True,
        help="The VAT deducted for the part offset.")
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    move = fields.Function(fields.Many2One('account.move', "Move",
            help="The move charging the VAT: debit 76.АВ, credit 68.02."),
        'get_move')
    deductions = fields.One2Many('ric.settlement.advance_invoice.deduction',
        'advance_invoice', "Deductions", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('payment_line_unique', Unique(t, t.payment_line),
                'ric_settlement.msg_advance_invoice_payment_line_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Range()),
                    (t.state, Index.Equality())),
                })
        cls._order = [
            ('date', 'DESC'),
            ('number', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('posted', 'cancelled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': Eval('state') != 'posted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'posted'

    @classmethod
    def default_offset_amount(cls):
        return Decimal(0)

    @classmethod
    def default_deducted_amount(cls):
        return Decimal(0)

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def get_move(cls, invoices, name):
        "Return the move of each invoice: the one with it as origin"
        pool = Pool()
        Move = pool.get('account.move')
        result = {i.id: None for i in invoices}
        ids = [i.id for i in invoices]
        for sub in grouped_slice(ids, in_max()):
            for move in Move.search([
                        ('origin', 'in',
                            ['%s,%s' % (cls.__name__, i) for i in sub]),
                        ('ric_advance_deduction', '=', False),
                        ], order=[('id', 'ASC')]):
                if result.get(move.origin.id) is None:
                    result[move.origin.id] = move.id
        return result

    @classmethod
    def validate_fields(cls, invoices, field_names):
        super().validate_fields(invoices, field_names)
        if field_names & {'date', 'payment_date'}:
            cls.check_date(invoices)

    @classmethod
    def check_date(cls, invoices):
        "Check the date is between the payment and the legal term after it"
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        days = Configuration(1).advance_invoice_days or 0
        for invoice in invoices:
            if not invoice.payment_date:
                continue
            if not (invoice.payment_date <= invoice.date
                    <= invoice.payment_date + dt.timedelta(days=days)):
                raise AdvanceInvoiceError(gettext(
                        'ric_settlement.msg_advance_invoice_date',
                        invoice=invoice.rec_name,
                        date=date_short(invoice.date),
                        payment_date=date_short(invoice.payment_date),
                        days=days))

    @classmethod
    def check_modification(cls, mode, invoices, values=None, external=False):
        super().check_modification(
            mode, invoices, values=values, external=external)
        if mode == 'delete':
            for invoice in invoices:
                if invoice.state != 'cancelled' or invoice.number:
                    raise AdvanceInvoiceError(gettext(
                            'ric_settlement.msg_advance_invoice_delete',
                            invoice=invoice.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, invoices):
        """Cancel the invoices not offset (an advance refunded or entered
        by mistake): their VAT moves are cancelled by reversal"""
        pool = Pool()
        Move = pool.get('account.move')
        for invoice in invoices:
            if invoice.offset_amount or invoice.deductions:
                raise AdvanceInvoiceError(gettext(
                        'ric_settlement.msg_advance_invoice_cancel_offset',
                        invoice=invoice.rec_name))
        moves = [i.move.cancel(reversal=True) for i in invoices if i.move]
        if moves:
            Move.post(moves)

    @classmethod
    def _advance_taxes(cls, company):
        "Return the advance VAT taxes of company, latest first"
        pool = Pool()
        Tax = pool.get('account.tax')
        ModelData = pool.get('ir.model.data')
        templates = [ModelData.get_id('account_ru', x)
            for x in ADVANCE_TAX_TEMPLATES]
        taxes = Tax.search([
                ('company', '=', company.id),
                ('template', 'in', templates),
                ])
        return sorted(taxes,
            key=lambda t: templates.index(t.template.id))

    @classmethod
    def advance_tax(cls, taxes, date):
        "Return the tax of taxes valid on date"
        for tax in taxes:
            if ((not tax.start_date or tax.start_date <= date)
                    and (not tax.end_date or tax.end_date >= date)):
                return tax

    @classmethod
    def _pending(cls, company, account, parties=None):
        """Return the rows (line id, party id, date, amount, origin, move
        number) of the credits of account of company not yet invoiced"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Move = pool.get('account.move')
        line = MoveLine.__table__()
        move = Move.__table__()
        advance = cls.__table__()
        cursor = Transaction().connection.cursor()
        where = ((line.account == account.id)
            & (move.company == company.id)
            & (move.state == 'posted')
            & (line.party != Null)
            & ~Exists(advance.select(advance.id,
                    where=advance.payment_line == line.id)))
        if parties is None:
            slices = [None]
        else:
            slices = [list(s) for s in grouped_slice(
                    sorted({int(p) for p in parties}), in_max())]
        rows = []
        for sub in slices:
            condition = where
            if sub is not None:
                if not sub:
                    continue
                condition &= line.party.in_(sub)
            cursor.execute(*line.join(move,
                    condition=line.move == move.id).select(
                    line.id, line.party, move.date, line.credit, line.debit,
                    line.origin, move.number,
                    where=condition))
            for line_id, party, date, credit, debit, origin, number in cursor:
                amount = Decimal(str(credit or 0)) - Decimal(str(debit or 0))
                if amount > 0:
                    if isinstance(date, str):
                        date = dt.date.fromisoformat(date)
                    rows.append(
                        (line_id, party, date, amount, origin, number))
        rows.sort(key=lambda r: (r[2], r[0]))
        return rows

    @classmethod
    def issue_advance_invoices(cls, companies=None, parties=None):
        """Issue the advance VAT invoices of every advance received and not
        yet invoiced by the entities on the general regime (all of them
        when companies is None), of parties when given; return them

        The method of the daily cron: a constant number of queries."""
        pool = Pool()
        Company = pool.get('company.company')
        BankConfiguration = pool.get('ric.bank.configuration')
        if companies is None:
            companies = Company.search([])
        bank_configuration = BankConfiguration(1)
        created = []
        for company in companies:
            if (company.ric_tax_regime or 'osno') != 'osno':
                continue
            account = bank_configuration.get_advance_account_used(company)
            if not account:
                continue
            with Transaction().set_context(company=company.id):
                rows = cls._pending(company, account, parties)
                if rows:
                    created.extend(cls._issue(company, rows))
        return created

    @classmethod
    def _issue(cls, company, rows):
        """Create the numbered advance invoices of rows (see _pending) of
        company and post their VAT moves; return the invoices"""
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        Move = pool.get('account.move')
        configuration = Configuration(1)
        taxes = cls._advance_taxes(company)
        statement_lines = cls._statement_lines(rows)
        periods = cls._open_periods(company)
        to_create = cls._invoice_values(
            company, rows, taxes, statement_lines)
        sequence = Configuration.get_sequence_used(
            'advance_invoice_sequence', company)
        for values, number in zip(to_create,
                sequence.get_many(len(to_create))):
            values['number'] = number
        invoices = cls.create(to_create)
        moves = cls._invoice_moves(company, invoices, periods, configuration)
        if moves:
            Move.save(moves)
            Move.post(moves)
        return invoices

    @classmethod
    def _statement_lines(cls, rows):
        """Return {id: {'id', 'number', 'date'}} of the statement lines
        origin of rows: the numbers of the payment documents"""
        pool = Pool()
        StatementLine = pool.get('account.statement.line')
        statement_lines = {}
        ids = sorted({int(r[4][len(STATEMENT_LINE_PREFIX):]) for r in rows
                if r[4] and r[4].startswith(STATEMENT_LINE_PREFIX)})
        with without_check_access():
            for sub in grouped_slice(ids, in_max()):
                for values in StatementLine.read(
                        list(sub), ['number', 'date']):
                    statement_lines[values['id']] = values
        return statement_lines

    @classmethod
    def _open_periods(cls, company):
        "Return the open standard periods of company"
        pool = Pool()
        Period = pool.get('account.period')
        return Period.search([
                ('company', '=', company.id),
                ('type', '=', 'standard'),
                ('state', '=', 'open'),
                ])

    @classmethod
    def _invoice_values(cls, company, rows, taxes, statement_lines):
        """Return the values of the advance invoices of rows of company,
        without number: the tax of taxes valid on the date of the advance,
        the number of its statement line (see _statement_lines)"""
        exp = Decimal(10) ** -company.currency.digits
        to_create = []
        for line_id, party, date, amount, origin, number in rows:
            tax = cls.advance_tax(taxes, date)
            if tax is None:
                raise AdvanceInvoiceError(gettext(
                        'ric_settlement.msg_advance_invoice_no_tax',
                        company=company.rec_name, date=date_short(date)))
            payment_number, payment_date = number, date
            if origin and origin.startswith(STATEMENT_LINE_PREFIX):
                values = statement_lines.get(
                    int(origin[len(STATEMENT_LINE_PREFIX):]))
                if values:
                    payment_number = values['number'] or number
            to_create.append({
                    'company': company.id,
                    'party': party,
                    'date': date,
                    'payment_line': line_id,
                    'payment_number': payment_number,
                    'payment_date': payment_date,
                    'amount': amount,
                    'tax': tax.id,
                    'tax_amount': advance_vat(amount, tax.rate, exp),
                    'state': 'posted',
                    })
        return to_create

    @classmethod
    def _invoice_moves(cls, company, invoices, periods, configuration):
        """Return the VAT moves (not saved) of the advance invoices with
        VAT: debit 76.АВ, credit 68.02, in the period of periods of their
        date"""
        pool = Pool()
        Move = pool.get('account.move')
        advance_account = configuration.get_account_used(
            'advance_vat_account', company)
        vat_account = configuration.get_account_used('vat_account', company)
        journal = configuration.get_journal_used('advance_journal', company)
        moves = []
        for invoice in invoices:
            if not invoice.tax_amount:
                continue
            period = cls._period(periods, company, invoice.date)
            move = Move(company=company, journal=journal, period=period,
                date=invoice.date, origin=invoice,
                description=gettext(
                    'ric_settlement.msg_advance_invoice_move',
                    number=invoice.number,
                    date=date_short(invoice.date)))
            move.lines = cls._vat_move_lines(advance_account, vat_account,
                invoice.party, invoice.tax_amount)
            moves.append(move)
        return moves

    @staticmethod
    def _vat_move_lines(debit_account, credit_account, party, amount):
        """Return the two lines of a VAT move of amount from credit_account
        to debit_account, with party on the accounts requiring one"""
        MoveLine = Pool().get('account.move.line')
        return [
            MoveLine(account=debit_account,
                party=party if debit_account.party_required else None,
                debit=amount, credit=Decimal(0)),
            MoveLine(account=credit_account,
                party=party if credit_account.party_required else None,
                debit=Decimal(0), credit=amount),
            ]

    @staticmethod
    def _period(periods, company, date):
        for period in periods:
            if period.start_date <= date <= period.end_date:
                return period
        return Pool().get('account.period').find(company, date=date)

    @classmethod
    def deduct_offsets(cls, invoices):
        """Deduct the VAT of the advance invoices offset by the customer
        invoices just posted (ric_bank offsets the advances at posting):
        the advances of each party oldest first, in the same transaction"""
        pool = Pool()
        BankConfiguration = pool.get('ric.bank.configuration')
        Configuration = pool.get('ric.settlement.configuration')
        bank_configuration = BankConfiguration(1)
        configuration = Configuration(1)
        by_company = defaultdict(list)
        for invoice in invoices:
            if invoice.type == 'out' and invoice.state in {'posted', 'paid'}:
                by_company[invoice.company].append(invoice)
        deductions = []
        for company, company_invoices in by_company.items():
            if (company.ric_tax_regime or 'osno') != 'osno':
                continue
            account = bank_configuration.get_advance_account_used(company)
            if not account:
                continue
            deductions.extend(cls._deduct_company(
                    company, company_invoices, account, configuration))
        return deductions

    @classmethod
    def _deduct_company(cls, company, invoices, account, configuration):
        """Deduct the VAT of the advances of company offset on its advance
        account by invoices; return the deductions created"""
        pool = Pool()
        Move = pool.get('account.move')
        Deduction = pool.get('ric.settlement.advance_invoice.deduction')
        parties = sorted({i.party.id for i in invoices})
        offsets = cls._offsets(account, invoices)
        if not any(v > 0 for v in offsets.values()):
            return []
        # every advance offset has its invoice, even one received today
        cls.issue_advance_invoices(companies=[company], parties=parties)
        open_ = cls._open_advances(company, parties)
        deductions, offset, deducted = cls._match(
            company, invoices, offsets, open_)
        if not deductions:
            return []
        moves = cls._deduction_moves(company, deductions, configuration)
        if moves:
            Move.save(moves)
            Move.post(moves)
        Deduction.save(deductions)
        cls._apply_offsets(offset, deducted)
        return deductions

    @classmethod
    def _offsets(cls, account, invoices):
        """Return {invoice id: amount} offset by invoices: the debits of
        account of the moves ric_bank made with the invoices as origin"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        offsets = defaultdict(Decimal)
        ids = [i.id for i in invoices]
        for sub in grouped_slice(ids, in_max()):
            for line in MoveLine.search([
                        ('account', '=', account.id),
                        ('move.origin', 'in',
                            ['account.invoice,%s' % i for i in sub]),
                        ('move.state', '=', 'posted'),
                        ]):
                offsets[line.move.origin.id] += line.debit - line.credit
        return offsets

    @classmethod
    def _open_advances(cls, company, parties):
        """Return {party id: [advance invoice]} of the advance invoices of
        company not offset whole, oldest first"""
        open_ = defaultdict(list)
        for sub in grouped_slice(parties, in_max()):
            for advance in cls.search([
                        ('company', '=', company.id),
                        ('party', 'in', list(sub)),
                        ('state', 'in', ['posted', 'partial']),
                        ], order=[('date', 'ASC'), ('number', 'ASC'),
                        ('id', 'ASC')]):
                open_[advance.party.id].append(advance)
        return open_

    @classmethod
    def _match(cls, company, invoices, offsets, open_):
        """Match the amounts offset by invoices (in the order of their
        date) with the open advances of their party (see _open_advances)

        Return the deductions (not saved) and the cumulated offset amount
        and deducted VAT of each advance matched."""
        pool = Pool()
        Deduction = pool.get('ric.settlement.advance_invoice.deduction')
        offset = {}
        deducted = {}
        deductions = []
        for invoice in sorted(invoices,
                key=lambda i: (i.invoice_date, i.number or '', i.id)):
            amount = offsets.get(invoice.id, Decimal(0))
            for advance in open_.get(invoice.party.id, []):
                if amount <= 0:
                    break
                before = offset.get(advance, advance.offset_amount)
                rest = advance.amount - before
                if rest <= 0:
                    continue
                part = min(rest, amount)
                amount -= part
                exp = Decimal(10) ** -company.currency.digits
                tax = deducted_vat(advance.amount, advance.tax_amount,
                    advance.tax.rate, before, part, exp)
                offset[advance] = before + part
                deducted[advance] = deducted.get(
                    advance, advance.deducted_amount) + tax
                deductions.append(Deduction(
                        advance_invoice=advance, invoice=invoice,
                        date=invoice.invoice_date, amount=part,
                        tax_amount=tax))
        return deductions, offset, deducted

    @classmethod
    def _deduction_moves(cls, company, deductions, configuration):
        """Return the moves (not saved) of the deductions with VAT: debit
        68.02, credit 76.АВ; each deduction gets its move"""
        pool = Pool()
        Move = pool.get('account.move')
        advance_account = configuration.get_account_used(
            'advance_vat_account', company)
        vat_account = configuration.get_account_used(
            'vat_account', company)
        journal = configuration.get_journal_used(
            'advance_journal', company)
        periods = cls._open_periods(company)
        moves = []
        for deduction in deductions:
            if not deduction.tax_amount:
                continue
            advance = deduction.advance_invoice
            move = Move(company=company, journal=journal,
                period=cls._period(periods, company, deduction.date),
                date=deduction.date, origin=advance,
                ric_advance_deduction=True,
                description=gettext(
                    'ric_settlement.msg_advance_deduction_move',
                    number=advance.number,
                    invoice=deduction.invoice.rec_name))
            move.lines = cls._vat_move_lines(vat_account, advance_account,
                advance.party, deduction.tax_amount)
            deduction.move = move
            moves.append(move)
        return moves

    @classmethod
    def _apply_offsets(cls, offset, deducted):
        """Write the cumulated offset amount and deducted VAT of the
        advances and their state: one write per distinct result"""
        to_write = defaultdict(list)
        for advance, total in offset.items():
            state = 'offset' if total >= advance.amount else 'partial'
            to_write[(total, deducted[advance], state)].append(advance)
        args = []
        for (total, tax, state), advances in to_write.items():
            args.extend([advances, {
                        'offset_amount': total,
                        'deducted_amount': tax,
                        'state': state,
                        }])
        cls.write(*args)

    @classmethod
    def copy(cls, invoices, default=None):
        if invoices:
            raise AdvanceInvoiceError(gettext(
                    'ric_settlement.msg_advance_invoice_copy'))
        return []


class AdvanceDeduction(ModelSQL, ModelView):
    "Advance VAT Deduction"
    __name__ = 'ric.settlement.advance_invoice.deduction'
    __string__ = "Advance VAT Deduction"

    advance_invoice = fields.Many2One('ric.settlement.advance_invoice',
        "Advance Invoice", required=True, ondelete='CASCADE', readonly=True)
    invoice = fields.Many2One('account.invoice', "Invoice", required=True,
        readonly=True, ondelete='RESTRICT',
        help="The act (customer invoice) that offset the advance.")
    date = fields.Date("Date", required=True, readonly=True)
    currency = fields.Function(fields.Many2One('currency.currency',
            "Currency"), 'on_change_with_currency')
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, readonly=True,
        help="The part of the advance offset, VAT included.")
    tax_amount = Monetary("Tax Amount", currency='currency',
        digits='currency', required=True, readonly=True,
        help="The VAT deducted (purchase book, operation code 22).")
    move = fields.Many2One('account.move', "Move", readonly=True,
        help="The move deducting the VAT: debit 68.02, credit 76.АВ.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @fields.depends('advance_invoice', '_parent_advance_invoice.company')
    def on_change_with_currency(self, name=None):
        if self.advance_invoice and self.advance_invoice.company:
            return self.advance_invoice.company.currency


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    ric_advance_deduction = fields.Boolean("Advance VAT Deduction",
        readonly=True,
        help="The move deducts the VAT of an advance invoice offset.")

    @classmethod
    def default_ric_advance_deduction(cls):
        return False

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['ric.settlement.advance_invoice']


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        AdvanceInvoice = pool.get('ric.settlement.advance_invoice')
        super()._post(invoices)
        AdvanceInvoice.deduct_offsets(invoices)


class SalesBookContext(ModelView):
    "Sales Book Context"
    __name__ = 'ric.settlement.sales_book.context'
    __string__ = "Sales Book Context"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date("From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date("To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        today = Date.today()
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return Date.today()


class SalesBook(ModelSQL, ModelView):
    "Sales Book"
    __name__ = 'ric.settlement.sales_book'
    __string__ = "Sales Book"

    code = fields.Selection([
            (CODE_SALE, "01 — Sale"),
            (CODE_ADVANCE, "02 — Advance Received"),
            ], "Operation Code", sort=False,
        help="The code of the kind of operation: 01 a sale, 02 an advance "
        "received.")
    company = fields.Many2One('company.company', "Company")
    number = fields.Char("Number")
    date = fields.Date("Date")
    party = fields.Many2One('party.party', "Buyer",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    inn = fields.Function(fields.Char("INN"), 'get_requisites')
    kpp = fields.Function(fields.Char("KPP"), 'get_requisites')
    currency = fields.Many2One('currency.currency', "Currency")
    total = Monetary("Total", currency='currency', digits='currency',
        help="The cost of the sale or the advance, VAT included.")
    base_22 = Monetary("Base 22 %", currency='currency', digits='currency')
    tax_22 = Monetary("VAT 22 %", currency='currency', digits='currency')
    base_20 = Monetary("Base 20 %", currency='currency', digits='currency')
    tax_20 = Monetary("VAT 20 %", currency='currency', digits='currency')
    base_10 = Monetary("Base 10 %", currency='currency', digits='currency')
    tax_10 = Monetary("VAT 10 %", currency='currency', digits='currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'ASC'),
            ('code', 'ASC'),
            ('number', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        "Return the lines: the invoices (01) and advance invoices (02)"
        union = Union(cls._sales_query(), cls._advances_query(), all_=True)
        names = ['id', 'code', 'company', 'number', 'date', 'party',
            'currency', 'total'] + [
            '%s_%d' % (k, r) for r in BOOK_RATES for k in ['base', 'tax']]
        columns = [Column(union, n).as_(n) for n in names]
        return union.select(
            *columns,
            Literal(None).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            )

    @staticmethod
    def _percent(table):
        "Return the SQL expression of the rate in % of the tax table"
        Tax = Pool().get('account.tax')
        return Round(Tax.rate.sql_cast(table.rate) * 100)

    @classmethod
    def _context_where(cls, company, date):
        """Return the condition of the company and the dates of the context
        on the columns company and date"""
        context = Transaction().context
        where = Literal(True)
        if context.get('company'):
            where &= company == context['company']
        if context.get('from_date'):
            where &= date >= context['from_date']
        if context.get('to_date'):
            where &= date <= context['to_date']
        return where

    @classmethod
    def _sales_query(cls):
        """Return the query of the lines of the customer invoices with VAT
        (01) of the context: the base and the VAT of each rate"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceTax = pool.get('account.invoice.tax')
        Tax = pool.get('account.tax')
        invoice = Invoice.__table__()
        invoice_tax = InvoiceTax.__table__()
        tax = Tax.__table__()
        base = InvoiceTax.base.sql_cast(invoice_tax.base)
        amount = InvoiceTax.amount.sql_cast(invoice_tax.amount)

        def by_rate(value, rate):
            return Sum(Case((cls._percent(tax) == rate, value),
                    else_=Literal(0)))
        where = ((invoice.type == 'out')
            & invoice.state.in_(['posted', 'paid'])
            & (cls._percent(tax) > 0)
            & cls._context_where(invoice.company, invoice.invoice_date))
        rate_columns = []
        for rate in BOOK_RATES:
            rate_columns.append(by_rate(base, rate).as_('base_%d' % rate))
            rate_columns.append(by_rate(amount, rate).as_('tax_%d' % rate))
        return invoice.join(invoice_tax,
            condition=invoice_tax.invoice == invoice.id
            ).join(tax, condition=invoice_tax.tax == tax.id
            ).select(
                (invoice.id * 2).as_('id'),
                Literal(CODE_SALE).as_('code'),
                invoice.company.as_('company'),
                invoice.number.as_('number'),
                invoice.invoice_date.as_('date'),
                invoice.party.as_('party'),
                invoice.currency.as_('currency'),
                (Sum(base) + Sum(amount)).as_('total'),
                *rate_columns,
                where=where,
                group_by=[invoice.id, invoice.company, invoice.number,
                    invoice.invoice_date, invoice.party, invoice.currency])

    @classmethod
    def _advances_query(cls):
        """Return the query of the lines of the advance invoices not
        cancelled (02) of the context: the VAT in the column of its rate,
        no base"""
        pool = Pool()
        Tax = pool.get('account.tax')
        Company = pool.get('company.company')
        Advance = pool.get('ric.settlement.advance_invoice')
        advance = Advance.__table__()
        advance_tax = Tax.__table__()
        company = Company.__table__()
        where = ((advance.state != 'cancelled')
            & cls._context_where(advance.company, advance.date))
        advance_amount = Advance.tax_amount.sql_cast(advance.tax_amount)
        advance_columns = []
        for rate in BOOK_RATES:
            advance_columns.append(Literal(None).as_('base_%d' % rate))
            advance_columns.append(Case(
                    (cls._percent(advance_tax) == rate, advance_amount),
                    else_=Literal(None)).as_('tax_%d' % rate))
        return advance.join(advance_tax,
            condition=advance.tax == advance_tax.id
            ).join(company, condition=advance.company == company.id
            ).select(
                (advance.id * 2 + 1).as_('id'),
                Literal(CODE_ADVANCE).as_('code'),
                advance.company.as_('company'),
                advance.number.as_('number'),
                advance.date.as_('date'),
                advance.party.as_('party'),
                company.currency.as_('currency'),
                Advance.amount.sql_cast(advance.amount).as_('total'),
                *advance_columns,
                where=where)

    @classmethod
    def get_requisites(cls, lines, names):
        """Return the INN and KPP of the buyer of each line, valid on its
        date (one query set per distinct date)"""
        pool = Pool()
        Party = pool.get('party.party')
        result = {n: {l.id: None for l in lines} for n in names}
        by_date = defaultdict(list)
        for line in lines:
            if line.party and line.date:
                by_date[line.date].append(line)
        with without_check_access():
            for date, date_lines in by_date.items():
                requisites = Party.get_requisites(
                    sorted({l.party.id for l in date_lines}), date)
                for line in date_lines:
                    values = requisites.get(line.party.id)
                    for name in names:
                        result[name][line.id] = (
                            getattr(values, name, None) if values else None)
        return result

    def get_rec_name(self, name):
        return ' '.join(filter(None, [self.code, self.number,
                    date_short(self.date)]))

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]


class AdvanceInvoiceDocument:
    "The texts of one printed advance invoice (the template's ``doc``)"

    def __init__(self, invoice, seller, buyer, head, accountant):
        self.invoice = invoice
        self.number = invoice.number or ''
        self.date = date_text(invoice.date)
        self.date_short = date_short(invoice.date)
        self.seller = printed_party(seller)
        if not self.seller.name:
            self.seller = self.seller._replace(
                name=invoice.company.party.rec_name)
        self.buyer = printed_party(buyer)
        if not self.buyer.name:
            self.buyer = self.buyer._replace(name=invoice.party.rec_name)
        self.payment_number = invoice.payment_number or ''
        self.payment_date = date_short(invoice.payment_date)
        self.currency = 'Российский рубль, 643'
        self.description = (
            'Предварительная оплата (аванс) за информационные услуги')
        self.rate = rate_text(invoice.tax)
        self.amount = money(invoice.amount)
        self.tax = money(invoice.tax_amount)
        self.untaxed = money(invoice.amount - invoice.tax_amount)
        self.amount_in_words = amount_in_words(invoice.amount, 'RUB')
        self.head = head or NO_SIGNER
        self.accountant = accountant or NO_SIGNER


class AdvanceInvoiceReport(ConvertMixin, Report):
    "Advance VAT Invoice"
    __name__ = 'ric.settlement.advance_invoice'
    __string__ = "Advance VAT Invoice"

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Advance = pool.get('ric.settlement.advance_invoice')
        context = super().get_context(records, header, data)
        invoices = Advance.browse([r.id for r in records])
        context['documents'] = cls.documents(invoices)
        context['DASH'] = '—'
        return context

    @classmethod
    def documents(cls, invoices):
        """Return the AdvanceInvoiceDocument of invoices: the requisites
        of the seller and the buyer valid on their dates"""
        pool = Pool()
        Party = pool.get('party.party')
        Signatory = pool.get('ric.billing.signatory')
        by_date = defaultdict(list)
        for invoice in invoices:
            by_date[invoice.date].append(invoice)
        requisites, signatories = {}, {}
        with without_check_access():
            for date, date_invoices in by_date.items():
                parties = sorted({i.party.id for i in date_invoices}
                    | {i.company.party.id for i in date_invoices})
                for party, values in Party.get_requisites(
                        parties, date).items():
                    requisites[(party, date)] = values
                for company, values in Signatory.get_signatories(
                        sorted({i.company.id for i in date_invoices}),
                        date).items():
                    signatories[(company, date)] = values
        documents = []
        for invoice in invoices:
            company_signatories = signatories.get(
                (invoice.company.id, invoice.date)) or {}
            head = company_signatories.get('head')
            accountant = company_signatories.get('chief_accountant')
            documents.append(AdvanceInvoiceDocument(invoice,
                    requisites.get((invoice.company.party.id, invoice.date)),
                    requisites.get((invoice.party.id, invoice.date)),
                    signer(head) if head else None,
                    signer(accountant) if accountant else None))
        return documents


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ric.settlement.advance_invoice|issue_advance_invoices',
                "Issue Advance VAT Invoices"))
