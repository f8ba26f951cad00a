# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mutual offsets (взаимозачёт) of the claims and debts of the parties.

:class:`Offset` (``ric.settlement.offset``) offsets open move lines of the
company's receivable and payable accounts against each other:

* a *two-party* offset: the claims on one party (62.01, 76.09…) against
  the company's debts to the same party (60, 62.02, 76.05…);
* a *three-party* offset (соглашение о зачёте взаимных требований): the
  claim on a client X against the debt to a supplier Y, X and Y settling
  their own claim between them; the company, X and Y are three distinct
  parties.

Each :class:`OffsetLine` names a move line to offset, its party and account
and the amount taken from it; its ``side`` is the side of the offset entry:
``credit`` for a claim (a debit balance), ``debit`` for a debt.  Posting
makes ONE account move of the offset journal, reconciles the move lines
wholly offset and adds the partial offsets of invoices to their payment
lines, as the bank payments do.

:func:`open_amounts` gives the amount still open on move lines (used by the
write-offs too).
"""
from collections import defaultdict
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.batch import id_slices, in_ids
from trytond.modules.ric_base.office import ConvertMixin
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.report import (
    NO_SIGNER, date_short, date_text, money, printed_party, signer)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import OffsetError, OffsetValidationError

STATES = [
    ('draft', "Draft"),
    ('posted', "Posted"),
    ('cancelled', "Cancelled"),
    ]
KINDS = [
    ('two_party', "Two-Party"),
    ('three_party', "Three-Party"),
    ]
SIDES = [
    ('debit', "Debit (Our Debt)"),
    ('credit', "Credit (Our Claim)"),
    ]
ZERO = Decimal(0)


def balance(line):
    "Return the balance of a move line: debit − credit"
    return (line.debit or ZERO) - (line.credit or ZERO)


def _invoices_to_pay(moves):
    """Return ({move line id: invoice}, {invoice id: amount to pay}) of the
    posted or paid invoices of moves (ids), set-based: a fixed number of
    queries per slice of moves, no record read one by one"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    MoveLine = pool.get('account.move.line')
    PaymentLine = pool.get('account.invoice-account.move.line')
    cursor = Transaction().connection.cursor()
    invoice_t = Invoice.__table__()
    line_t = MoveLine.__table__()
    payment_t = PaymentLine.__table__()
    invoice_of, to_pay = {}, {}
    for sub in id_slices(moves):
        cursor.execute(*invoice_t.select(invoice_t.id, invoice_t.state,
                where=in_ids(invoice_t.move, sub)
                & invoice_t.state.in_(['posted', 'paid'])))
        states = dict(cursor)
        if not states:
            continue
        invoice_ids = sorted(states)
        lines_to_pay = Invoice.get_lines_to_pay(
            Invoice.browse(invoice_ids), 'lines_to_pay')
        payments = defaultdict(list)
        cursor.execute(*payment_t.select(payment_t.invoice, payment_t.line,
                where=in_ids(payment_t.invoice, invoice_ids)))
        for invoice_id, line_id in cursor:
            payments[invoice_id].append(line_id)
        ids = sorted({l for ls in lines_to_pay.values() for l in ls} | {
                l for ls in payments.values() for l in ls})
        balances = {}
        for line_ids in id_slices(ids):
            cursor.execute(*line_t.select(
                    line_t.id, line_t.debit, line_t.credit,
                    where=in_ids(line_t.id, line_ids)
                    & (line_t.reconciliation == Null)))
            for line_id, debit, credit in cursor:
                balances[line_id] = _decimal(debit) - _decimal(credit)
        for invoice in Invoice.browse(invoice_ids):
            invoice_id = invoice.id
            amount = sum((balances.get(l, ZERO) for l in (
                        lines_to_pay.get(invoice_id, [])
                        + payments[invoice_id])), ZERO)
            to_pay[invoice_id] = (
                amount if states[invoice_id] == 'posted' else ZERO)
            for line_id in lines_to_pay.get(invoice_id, []):
                invoice_of[line_id] = invoice
    return invoice_of, to_pay


def _decimal(value):
    "Return the Decimal of a numeric column read by SQL (None is zero)"
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _line_ids(lines):
    "Return the sorted ids of the saved move lines (ids or instances)"
    ids = set()
    for line in lines:
        line_id = getattr(line, 'id', line)
        if line_id is not None and line_id >= 0:
            ids.add(int(line_id))
    return sorted(ids)


def _move_ids(lines):
    "Return the ids of the moves of lines, read in one query a slice"
    MoveLine = Pool().get('account.move.line')
    cursor = Transaction().connection.cursor()
    line_t = MoveLine.__table__()
    moves = set()
    for sub in id_slices(_line_ids(lines)):
        cursor.execute(*line_t.select(line_t.move,
                where=in_ids(line_t.id, sub), group_by=[line_t.move]))
        moves.update(m for m, in cursor)
    return moves


def open_amounts(lines):
    """Return {move line id: amount still open} of lines (positive)

    A reconciled line is closed.  The line to pay of a posted invoice is
    open by what the invoice has still to pay (its payment lines, the bank
    payments and the offsets, included); another line by its balance less
    the amounts of the posted offsets taken from it.  The queries do not
    grow with the number of lines (one per slice of each kind)."""
    pool = Pool()
    MoveLine = pool.get('account.move.line')
    Offset = pool.get('ric.settlement.offset')
    OffsetLine = pool.get('ric.settlement.offset.line')
    cursor = Transaction().connection.cursor()
    line_t = MoveLine.__table__()
    offset_t = Offset.__table__()
    offset_line_t = OffsetLine.__table__()
    ids = _line_ids(lines)
    values = {}
    for sub in id_slices(ids):
        cursor.execute(*line_t.select(line_t.id, line_t.move,
                line_t.debit, line_t.credit, line_t.reconciliation,
                where=in_ids(line_t.id, sub)))
        for line_id, move_id, debit, credit, reconciliation in cursor:
            values[line_id] = (move_id, _decimal(debit) - _decimal(credit),
                reconciliation)
    invoice_of, to_pay = _invoices_to_pay({v[0] for v in values.values()})
    others = [i for i, v in values.items()
        if i not in invoice_of and not v[2]]
    taken = defaultdict(Decimal)
    for sub in id_slices(others):
        cursor.execute(*offset_line_t.join(offset_t,
                condition=offset_line_t.offset == offset_t.id
                ).select(offset_line_t.move_line, offset_line_t.amount,
                where=in_ids(offset_line_t.move_line, sub)
                & (offset_t.state == 'posted')))
        for line_id, amount in cursor:
            taken[line_id] += _decimal(amount)
    result = {}
    for line_id, (_, amount, reconciliation) in values.items():
        if reconciliation:
            result[line_id] = ZERO
        elif line_id in invoice_of:
            result[line_id] = min(abs(amount),
                abs(to_pay[invoice_of[line_id].id]))
        else:
            result[line_id] = max(abs(amount) - taken[line_id], ZERO)
    return result


def invoices_of(lines):
    "Return {move line id: invoice} of the lines to pay of invoices"
    return _invoices_to_pay(_move_ids(lines))[0]


def document_text(line, invoice=None):
    "Return the printed document of a move line: «Счёт № 5 от 31.03.2026»"
    if invoice:
        if invoice.type == 'in':
            number = invoice.reference or invoice.number or ''
            return 'Документ поставщика № %s от %s' % (
                number, date_short(invoice.invoice_date))
        return 'Счёт № %s от %s' % (
            invoice.number or '', date_short(invoice.invoice_date))
    move = line.move
    number = getattr(move, 'number', None) or move.rec_name
    description = line.description or move.description or ''
    text = 'Проводка № %s от %s' % (number, date_short(move.date))
    if description:
        text += ' (%s)' % description
    return text


def reconcile_whole(invoice_lines, others):
    """Reconcile the invoices wholly paid and the other groups of lines
    whose sum is nil

    invoice_lines: the invoices; others: lists of move lines."""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    MoveLine = pool.get('account.move.line')
    to_reconcile = []
    for invoice in Invoice.browse(sorted({i.id for i in invoice_lines})):
        lines = [l for l in invoice.lines_to_pay + invoice.payment_lines
            if not l.reconciliation]
        if lines and sum(balance(l) for l in lines) == ZERO:
            to_reconcile.append(lines)
    for lines in others:
        lines = [l for l in lines if not l.reconciliation]
        if len(lines) > 1 and sum(balance(l) for l in lines) == ZERO:
            to_reconcile.append(lines)
    if to_reconcile:
        MoveLine.reconcile(*to_reconcile)
        # the invoices wholly paid become paid now, not only when the
        # queued process of the reconciliation runs after the commit
        invoices = Invoice.browse(sorted({i.id for i in invoice_lines}))
        paid = [i for i in invoices
            if i.state == 'posted' and i.reconciled]
        if paid:
            Invoice.paid(paid)


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'ric.settlement.offset', 'ric.settlement.writeoff']


class Offset(Workflow, ModelSQL, ModelView):
    "Mutual Offset"
    __name__ = 'ric.settlement.offset'
    __string__ = "Mutual Offset"
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True,
        help="Given from the offset sequence of the company at posting.")
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    date = fields.Date("Date", required=True, states=_states,
        help="The date of the act and of its account move.")
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states,
        help="Two-party: the claims and debts of one party.\n"
        "Three-party: the claim on a party offset against the debt to "
        "another party who owes the first.")
    description = fields.Char("Basis", states=_states,
        help="The basis of the offset printed on the act.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    lines = fields.One2Many('ric.settlement.offset.line', 'offset', "Lines",
        states=_states,
        domain=[
            ('account.company', '=', Eval('company', -1)),
            ])
    amount = fields.Function(Monetary("Amount", currency='currency',
            digits='currency',
            help="The amount offset: the sum of the debit side."),
        'get_amount')
    move = fields.Many2One('account.move', "Move", readonly=True,
        domain=[('company', '=', Eval('company', -1))])
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'posted'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_kind(cls):
        return 'two_party'

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def get_amount(cls, offsets, name):
        return {o.id: sum((l.amount or ZERO for l in o.lines
                    if l.side == 'debit'), ZERO) for o in offsets}

    def get_rec_name(self, name):
        return self.number or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def validate(cls, offsets):
        super().validate(offsets)
        cls.check_offsets([o for o in offsets if o.state == 'draft'])

    @classmethod
    def check_offsets(cls, offsets, posting=False):
        """Check the rules of the offsets: the lines of the company, their
        parties, the sides balanced and no more than what is open

        Raise OffsetValidationError."""
        lines = [l for o in offsets for l in o.lines]
        opened = open_amounts([l.move_line for l in lines])
        for offset in offsets:
            if not offset.lines:
                if posting:
                    raise OffsetValidationError(gettext(
                            'ric_settlement.msg_offset_no_lines',
                            offset=offset.rec_name))
                continue
            debit = credit = ZERO
            wanted = defaultdict(Decimal)
            for line in offset.lines:
                line.check_line()
                wanted[line.move_line.id] += line.amount
                if line.side == 'debit':
                    debit += line.amount
                else:
                    credit += line.amount
            for line in offset.lines:
                available = opened.get(line.move_line.id, ZERO)
                if wanted[line.move_line.id] > available:
                    raise OffsetValidationError(gettext(
                            'ric_settlement.msg_offset_amount_exceeds',
                            offset=offset.rec_name,
                            line=line.move_line.rec_name,
                            amount=wanted[line.move_line.id],
                            available=available))
            if debit != credit:
                raise OffsetValidationError(gettext(
                        'ric_settlement.msg_offset_unbalanced',
                        offset=offset.rec_name, debit=debit, credit=credit))
            parties = {l.party for l in offset.lines}
            own = offset.company.party
            if own in parties:
                raise OffsetValidationError(gettext(
                        'ric_settlement.msg_offset_own_party',
                        offset=offset.rec_name))
            if offset.kind == 'two_party' and len(parties) != 1:
                raise OffsetValidationError(gettext(
                        'ric_settlement.msg_offset_two_party',
                        offset=offset.rec_name))
            if offset.kind == 'three_party':
                claims = {l.party for l in offset.lines
                    if l.side == 'credit'}
                debts = {l.party for l in offset.lines if l.side == 'debit'}
                if (len(parties) != 2 or len(claims) != 1
                        or len(debts) != 1):
                    raise OffsetValidationError(gettext(
                            'ric_settlement.msg_offset_three_party',
                            offset=offset.rec_name))

    @classmethod
    def copy(cls, offsets, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('move', None)
        return super().copy(offsets, default=default)

    @classmethod
    def delete(cls, offsets):
        for offset in offsets:
            if offset.state == 'posted':
                raise OffsetError(gettext(
                        'ric_settlement.msg_offset_delete_posted',
                        offset=offset.rec_name))
        super().delete(offsets)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, offsets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, offsets):
        pass

    @classmethod
    @ModelView.button
    def post(cls, offsets):
        """Post the offsets: one move each, the lines wholly offset
        reconciled, the partial offsets of invoices added to their payments

        The offsets and their move lines are locked and their state read
        again: an offset is never posted twice."""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        if not offsets:
            return
        cls.lock(offsets)
        offsets = cls.browse([o.id for o in offsets])
        for offset in offsets:
            if offset.state != 'draft':
                raise OffsetError(gettext(
                        'ric_settlement.msg_offset_not_draft',
                        offset=offset.rec_name))
        MoveLine.lock(sorted({l.move_line.id
                    for o in offsets for l in o.lines}))
        cls.check_offsets(offsets, posting=True)
        cls._post(offsets)

    @classmethod
    def _post(cls, offsets):
        """Make, save and post the move of each offset, write the offsets
        posted and settle the move lines offset (see _settle)"""
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        lines = [l for o in offsets for l in o.lines]
        invoice_of = invoices_of([l.move_line for l in lines])
        opened = open_amounts([l.move_line for l in lines])
        moves, numbers, pairs = cls._offset_moves(offsets, invoice_of)
        # the lines saved themselves so that they get their ids
        Move.save(moves)
        for move, offset_pairs in zip(moves, pairs):
            for _, move_line in offset_pairs:
                move_line.move = move
        MoveLine.save([l for p in pairs for _, l in p])
        Move.post(moves)
        cls._write_posted(offsets, moves, numbers, pairs)
        cls._settle(pairs, invoice_of, opened)

    @classmethod
    def _offset_moves(cls, offsets, invoice_of):
        """Return the moves of offsets (not saved), {offset id: number}
        (numbered with the sequence of the company) and the pairs (offset
        line, move line made from it) of each offset"""
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        configuration = Configuration(1)
        moves, numbers, pairs = [], {}, []
        for offset in offsets:
            company = offset.company
            sequence = Configuration.get_sequence_used(
                'offset_sequence', company)
            with Transaction().set_context(company=company.id):
                numbers[offset.id] = sequence.get()
            move = Move(
                company=company,
                journal=configuration.get_journal_used(
                    'offset_journal', company),
                period=Period.find(company, date=offset.date),
                date=offset.date, origin=offset,
                description=gettext('ric_settlement.msg_offset_move',
                    number=numbers[offset.id]))
            created = [MoveLine(
                    account=l.account, party=l.party,
                    debit=l.amount if l.side == 'debit' else ZERO,
                    credit=l.amount if l.side == 'credit' else ZERO,
                    description=document_text(
                        l.move_line, invoice_of.get(l.move_line.id)))
                for l in offset.lines]
            moves.append(move)
            pairs.append(list(zip(offset.lines, created)))
        return moves, numbers, pairs

    @classmethod
    def _write_posted(cls, offsets, moves, numbers, pairs):
        """Write the offsets posted with their number and move, and their
        lines with the move line made from each"""
        pool = Pool()
        OffsetLine = pool.get('ric.settlement.offset.line')
        line_writes, offset_writes = [], []
        for offset, move, offset_pairs in zip(offsets, moves, pairs):
            offset_writes.extend([[offset], {
                        'number': numbers[offset.id],
                        'move': move.id,
                        'state': 'posted',
                        }])
            for line, move_line in offset_pairs:
                line_writes.extend(
                    [[line], {'offset_move_line': move_line.id}])
        # the lines while the offsets are drafts, then the offsets
        OffsetLine.write(*line_writes)
        cls.write(*offset_writes)

    @classmethod
    def _settle(cls, pairs, invoice_of, opened):
        """Settle the move lines offset by the pairs (offset line, move
        line): the offset move lines added to the payments of the invoices
        (see invoices_of), the move lines offset whole reconciled (opened
        is their open amount before the offset)"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Invoice = pool.get('account.invoice')
        OffsetLine = pool.get('ric.settlement.offset.line')
        payments = defaultdict(list)
        whole = set()
        by_target = defaultdict(list)
        for offset_pairs in pairs:
            for line, move_line in offset_pairs:
                invoice = invoice_of.get(line.move_line.id)
                if invoice:
                    payments[invoice].append(move_line)
                    if line.amount >= opened[line.move_line.id]:
                        whole.add(invoice)
                else:
                    by_target[line.move_line.id].append(line)
        if payments:
            Invoice.add_payment_lines(
                {i: ls for i, ls in payments.items()})
        # the move lines offset whole are reconciled with the offset move
        # lines of every posted offset of them (this one's included)
        closed = [t for t, ls in by_target.items()
            if sum(l.amount for l in ls) >= opened[t]]
        offset_lines = defaultdict(list)
        for sub in id_slices(closed):
            for line in OffsetLine.search([
                        ('move_line', 'in', sub),
                        ('offset.state', '=', 'posted'),
                        ]):
                if line.offset_move_line:
                    offset_lines[line.move_line.id].append(
                        line.offset_move_line)
        others = [[MoveLine(t)] + offset_lines[t] for t in closed]
        reconcile_whole(whole, others)


class OffsetLine(ModelSQL, ModelView):
    "Mutual Offset Line"
    __name__ = 'ric.settlement.offset.line'
    __string__ = "Mutual Offset Line"

    _states = {
        'readonly': Eval('offset_state', 'draft') != 'draft',
        }

    offset = fields.Many2One('ric.settlement.offset', "Offset",
        required=True, ondelete='CASCADE')
    offset_state = fields.Function(fields.Selection(STATES, "Offset State"),
        'on_change_with_offset_state')
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company')
    party = fields.Many2One('party.party', "Party", required=True,
        states=_states, context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    account = fields.Many2One('account.account', "Account", required=True,
        states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('reconcile', '=', True),
            ('party_required', '=', True),
            ('type', '!=', None),
            ],
        help="A receivable (62.01, 62.02, 76.09…) or payable (60, 76.05…) "
        "account of the company.")
    move_line = fields.Many2One('account.move.line', "Move Line",
        required=True, states=_states,
        domain=[
            ('move.company', '=', Eval('company', -1)),
            If(Bool(Eval('party')), ('party', '=', Eval('party', -1)), ()),
            If(Bool(Eval('account')),
                ('account', '=', Eval('account', -1)), ()),
            If(Eval('offset_state', 'draft') == 'draft',
                [('reconciliation', '=', None),
                    ('move.state', '=', 'posted')],
                []),
            ],
        help="The open line of the party on the account to offset.")
    invoice = fields.Function(fields.Many2One(
            'account.invoice', "Invoice"), 'get_invoice')
    side = fields.Selection(SIDES, "Side", required=True, states=_states,
        help="The side of the offset entry: debit for a debt of the company "
        "(a credit balance), credit for a claim (a debit balance).")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, states=_states,
        domain=[('amount', '>', 0)])
    open_amount = fields.Function(Monetary("Open Amount",
            currency='currency', digits='currency',
            help="The amount still open on the move line."),
        'get_open_amount')
    offset_move_line = fields.Many2One('account.move.line',
        "Offset Move Line", readonly=True,
        help="The line of the offset move made from this line.")

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('offset')

    @fields.depends('offset', '_parent_offset.state')
    def on_change_with_offset_state(self, name=None):
        return self.offset.state if self.offset else 'draft'

    @fields.depends('offset', '_parent_offset.company')
    def on_change_with_company(self, name=None):
        return self.offset.company if self.offset else None

    @fields.depends('offset', '_parent_offset.company')
    def on_change_with_currency(self, name=None):
        if self.offset and self.offset.company:
            return self.offset.company.currency

    @fields.depends('move_line', 'party', 'account', 'side', 'amount')
    def on_change_move_line(self):
        if not self.move_line:
            return
        self.party = self.move_line.party
        self.account = self.move_line.account
        self.side = 'credit' if balance(self.move_line) > 0 else 'debit'
        if not self.amount:
            self.amount = open_amounts([self.move_line]).get(
                self.move_line.id)

    @classmethod
    def get_invoice(cls, lines, name):
        invoice_of = invoices_of([l.move_line for l in lines])
        return {l.id: (invoice_of[l.move_line.id].id
                if l.move_line.id in invoice_of else None) for l in lines}

    @classmethod
    def get_open_amount(cls, lines, name):
        opened = open_amounts([l.move_line for l in lines])
        return {l.id: opened.get(l.move_line.id) for l in lines}

    def check_line(self):
        "Check the party, account and side against the move line"
        line = self.move_line
        if (line.party != self.party or line.account != self.account
                or line.move.company != self.offset.company):
            raise OffsetValidationError(gettext(
                    'ric_settlement.msg_offset_line_mismatch',
                    line=line.rec_name, party=self.party.rec_name,
                    account=self.account.rec_name))
        if line.move.state != 'posted':
            raise OffsetValidationError(gettext(
                    'ric_settlement.msg_offset_line_not_posted',
                    line=line.rec_name))
        expected = 'credit' if balance(line) > 0 else 'debit'
        if self.side != expected:
            raise OffsetValidationError(gettext(
                    'ric_settlement.msg_offset_line_side',
                    line=line.rec_name))


class OffsetSide:
    "The printed lines of one side of an act"

    def __init__(self, label, lines, invoice_of):
        self.label = label
        self.rows = []
        for index, line in enumerate(lines, 1):
            self.rows.append(OffsetRow(index, line, invoice_of))
        self.total_value = sum((l.amount for l in lines), ZERO)
        self.total = money(self.total_value)


class OffsetRow:
    "One printed offset line"

    def __init__(self, index, line, invoice_of):
        self.index = index
        self.party = line.party.rec_name
        self.account = line.account.code or line.account.rec_name
        self.document = document_text(
            line.move_line, invoice_of.get(line.move_line.id))
        self.amount = money(line.amount)


class OffsetSignature:
    "The signature block of one party of an act"

    def __init__(self, name, position, signer):
        self.name = name
        self.position = position or 'Руководитель'
        self.signer = signer


class OffsetDocument:
    "The texts of one printed offset (the template's ``doc``)"

    def __init__(self, offset, requisites, head, invoice_of):
        company = offset.company
        self.three = offset.kind == 'three_party'
        self.number = offset.number or ''
        self.date = date_text(offset.date)
        self.date_short = date_short(offset.date)
        self.title = self._title()
        own = printed_party(requisites.get(company.party.id))
        self.company = own.name or company.party.rec_name
        self.company_inn = own.inn_kpp
        self._set_sides(offset, requisites, invoice_of)
        if self.three:
            parties = self._set_three_party_texts()
        else:
            parties = self._set_two_party_texts()
        self.basis = ('Основание: %s.' % offset.description.rstrip('.')
            if offset.description else '')
        self.head = head or NO_SIGNER
        self.signatures = self._signatures(parties)
        self.amount_value = offset.amount
        self.amount = money(offset.amount)
        self.amount_words = amount_in_words(offset.amount, 'RUB')
        self.description = offset.description or ''

    def _title(self):
        "Return the title of the act or of the three-party agreement"
        if self.three:
            return 'Соглашение о зачёте взаимных требований № %s' % (
                self.number)
        return 'Акт взаимозачёта № %s' % self.number

    @staticmethod
    def _printed_name(party, requisites):
        "Return the printed name of party with its requisites"
        if not party:
            return ''
        printed = printed_party(requisites.get(party.id))
        return printed.name or party.rec_name

    @staticmethod
    def _printed_inn(party, requisites):
        "Return the printed INN/KPP of party with its requisites"
        if not party:
            return ''
        return printed_party(requisites.get(party.id)).inn_kpp

    def _set_sides(self, offset, requisites, invoice_of):
        """Set the debtor (the party of the claims), the creditor (of the
        debts), the party and the two sides of the act"""
        claims = [l for l in offset.lines if l.side == 'credit']
        debts = [l for l in offset.lines if l.side == 'debit']
        debtor = claims[0].party if claims else None
        creditor = debts[0].party if debts else None
        self.debtor = self._printed_name(debtor, requisites)
        self.debtor_inn = self._printed_inn(debtor, requisites)
        self.creditor = self._printed_name(creditor, requisites)
        self.creditor_inn = self._printed_inn(creditor, requisites)
        self.party = self.debtor or self.creditor
        self.party_inn = self.debtor_inn or self.creditor_inn
        self.claims = OffsetSide(
            'Задолженность %s перед %s' % (self.debtor, self.company),
            claims, invoice_of)
        self.debts = OffsetSide(
            'Задолженность %s перед %s' % (self.company, self.creditor),
            debts, invoice_of)

    def _set_three_party_texts(self):
        """Set the texts of a three-party agreement; return its parties
        (name, label)"""
        self.preamble = (
            '%s (ИНН/КПП %s), именуемое в дальнейшем «Сторона 1», '
            '%s (ИНН/КПП %s), именуемое в дальнейшем «Сторона 2», и '
            '%s (ИНН/КПП %s), именуемое в дальнейшем «Сторона 3», '
            'заключили настоящее соглашение о зачёте взаимных '
            'требований о нижеследующем:' % (
                self.company, self.company_inn, self.debtor,
                self.debtor_inn, self.creditor, self.creditor_inn))
        self.third_clause = (
            '3. Задолженность %s перед %s погашается в сумме зачёта: '
            'Сторона 2 исполняет своё обязательство перед Стороной 1 '
            'путём прекращения требования Стороны 3 к Стороне 2, '
            'Сторона 1 — своё обязательство перед Стороной 3.' % (
                self.creditor, self.debtor))
        self.copies = 'трёх'
        return [(self.company, 'Сторона 1'),
            (self.debtor, 'Сторона 2'), (self.creditor, 'Сторона 3')]

    def _set_two_party_texts(self):
        """Set the texts of a two-party act; return its parties (name,
        label)"""
        self.preamble = (
            '%s (ИНН/КПП %s), именуемое в дальнейшем «Сторона 1», и '
            '%s (ИНН/КПП %s), именуемое в дальнейшем «Сторона 2», '
            'составили настоящий акт о зачёте встречных однородных '
            'требований о нижеследующем:' % (
                self.company, self.company_inn, self.party,
                self.party_inn))
        self.third_clause = (
            '3. Встречные требования Сторон являются однородными, '
            'срок их исполнения наступил.')
        self.copies = 'двух'
        return [(self.company, 'Сторона 1'), (self.party, 'Сторона 2')]

    def _signatures(self, parties):
        """Return the signature blocks of parties (name, label): the head
        of the company signs for the first"""
        return [OffsetSignature(
                '%s: %s' % (label, name),
                self.head.position if index == 0 else 'Руководитель',
                self.head.short_name if index == 0 else '/____________/')
            for index, (name, label) in enumerate(parties)]


class OffsetReport(ConvertMixin, Report):
    "The printed act of a mutual offset"
    __name__ = 'ric.settlement.offset'
    __string__ = "Mutual Offset Act"

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['documents'] = cls.documents(records)
        return context

    @classmethod
    def documents(cls, offsets):
        "Return the OffsetDocument of offsets"
        pool = Pool()
        Party = pool.get('party.party')
        Signatory = pool.get('ric.billing.signatory')
        result = []
        with without_check_access():
            lines = [l for o in offsets for l in o.lines]
            invoice_of = invoices_of([l.move_line for l in lines])
            for offset in offsets:
                parties = {offset.company.party.id} | {
                    l.party.id for l in offset.lines}
                requisites = Party.get_requisites(
                    sorted(parties), offset.date)
                signatories = Signatory.get_signatories(
                    [offset.company.id], offset.date).get(
                    offset.company.id, {})
                head = signatories.get('head')
                result.append(OffsetDocument(offset, requisites,
                        signer(head) if head else None, invoice_of))
        return result
