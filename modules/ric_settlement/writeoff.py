# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The write-off of bad debts (списание безнадёжной задолженности).

A receivable is hopeless when the limitation period of the configuration
(three years, art. 196 of the Civil Code) has passed since its due date:
the maturity date of its line on the receivable account (62.01).  The
wizard :class:`WriteOffSelect` finds the hopeless lines of a company (of
some clients, optionally) and makes a draft :class:`WriteOff`
(``ric.settlement.writeoff``) of their open amounts.

A RIC administrator approves it (the button and the method check the
group); an approved write-off whose lines or data change goes back to
draft; only an approved write-off is posted: one move, debit the write-off
account (91.02 by default), credit the receivable per line, reconciled with
the invoices, which become paid.  The order «Приказ о списании безнадёжной
дебиторской задолженности» is printed by :class:`WriteOffReport`.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.batch import in_max
from trytond.modules.ric_base.office import ConvertMixin
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.report import (
    NO_SIGNER, date_short, date_text, money, printed_party, signer)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import (
    SettlementConfigurationError, WriteOffAccessError, WriteOffError,
    WriteOffValidationError)
from .offset import (
    ZERO, document_text, invoices_of, open_amounts, reconcile_whole)

STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('posted', "Posted"),
    ('cancelled', "Cancelled"),
    ]
#: the fields whose change sends an approved write-off back to draft
APPROVED_FIELDS = {'company', 'date', 'reason', 'lines'}


def is_ric_admin():
    "Return whether the user of the transaction is a RIC administrator"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if Transaction().user == 0:
        return True
    group = ModelData.get_id('ric_base', 'group_ric_admin')
    return group in User.get_groups()


def hopeless_date(date, years):
    "Return the last due date hopeless on date after years of limitation"
    return date - relativedelta(years=years)


class WriteOff(Workflow, ModelSQL, ModelView):
    "Bad-Debt Write-Off"
    __name__ = 'ric.settlement.writeoff'
    __string__ = "Bad-Debt Write-Off"
    _rec_name = 'number'

    _states = {'readonly': ~Eval('state').in_(['draft', 'approved'])}

    number = fields.Char("Number", readonly=True,
        help="Given from the write-off sequence of the company at posting.")
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    date = fields.Date("Date", required=True, states=_states,
        help="The date of the order and of its account move.")
    reason = fields.Text("Reason", required=True, states=_states,
        help="Why the debts are hopeless (the expiry of the limitation "
        "period, the liquidation of the debtor…), printed on the order.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    lines = fields.One2Many('ric.settlement.writeoff.line', 'writeoff',
        "Lines", states=_states)
    amount = fields.Function(Monetary("Amount", currency='currency',
            digits='currency', help="The total written off."),
        'get_amount')
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_date = fields.Date("Approved on", readonly=True)
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
            ('draft', 'approved'),
            ('approved', 'posted'),
            ('approved', 'draft'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                # shown on a draft too: posting it tells that it awaits
                # the approval of a RIC administrator
                'post': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['approved', 'cancelled']),
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
    def default_state(cls):
        return 'draft'

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @classmethod
    def get_amount(cls, writeoffs, name):
        return {w.id: sum((l.amount or ZERO for l in w.lines), ZERO)
            for w in writeoffs}

    def get_rec_name(self, name):
        return self.number or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def write(cls, *args):
        "An approved write-off whose data change goes back to draft"
        actions = iter(args)
        args = []
        for writeoffs, values in zip(actions, actions):
            if APPROVED_FIELDS & set(values):
                if any(w.state in {'posted'} for w in writeoffs):
                    raise WriteOffError(gettext(
                            'ric_settlement.msg_writeoff_posted_change'))
                if any(w.state == 'approved' for w in writeoffs):
                    values = values.copy()
                    values.setdefault('state', 'draft')
                    values.setdefault('approved_by', None)
                    values.setdefault('approved_date', None)
            args.extend([writeoffs, values])
        super().write(*args)

    @classmethod
    def copy(cls, writeoffs, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'move', 'approved_by', 'approved_date']:
            default.setdefault(name, None)
        return super().copy(writeoffs, default=default)

    @classmethod
    def delete(cls, writeoffs):
        for writeoff in writeoffs:
            if writeoff.state == 'posted':
                raise WriteOffError(gettext(
                        'ric_settlement.msg_writeoff_delete_posted',
                        writeoff=writeoff.rec_name))
        super().delete(writeoffs)

    @classmethod
    def validate(cls, writeoffs):
        super().validate(writeoffs)
        for writeoff in writeoffs:
            if writeoff.state not in {'draft', 'approved'}:
                continue
            seen = set()
            for line in writeoff.lines:
                if line.move_line.id in seen:
                    raise WriteOffValidationError(gettext(
                            'ric_settlement.msg_writeoff_line_twice',
                            line=line.move_line.rec_name))
                seen.add(line.move_line.id)
                if line.move_line.move.company != writeoff.company:
                    raise WriteOffValidationError(gettext(
                            'ric_settlement.msg_writeoff_line_company',
                            line=line.move_line.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, writeoffs):
        cls.write(writeoffs, {'approved_by': None, 'approved_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, writeoffs):
        cls.write(writeoffs, {'approved_by': None, 'approved_date': None})

    @classmethod
    @ModelView.button
    def approve(cls, writeoffs):
        "Approve the write-offs: only a RIC administrator may"
        pool = Pool()
        Date = pool.get('ir.date')
        if not is_ric_admin():
            raise WriteOffAccessError(gettext(
                    'ric_settlement.msg_writeoff_approve_access'))
        for writeoff in writeoffs:
            if writeoff.state != 'draft':
                raise WriteOffError(gettext(
                        'ric_settlement.msg_writeoff_approve_state',
                        writeoff=writeoff.rec_name))
            if not writeoff.lines:
                raise WriteOffError(gettext(
                        'ric_settlement.msg_writeoff_no_lines',
                        writeoff=writeoff.rec_name))
        user = Transaction().user or None
        super().write(writeoffs, {
                'state': 'approved',
                'approved_by': user,
                'approved_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    def post(cls, writeoffs):
        """Post the approved write-offs: one move each, reconciled with the
        invoices written off

        The write-offs and their move lines are locked and read again: a
        write-off is never posted twice, nor a debt written off twice."""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        cls.lock(writeoffs)
        writeoffs = cls.browse([w.id for w in writeoffs])
        for writeoff in writeoffs:
            if writeoff.state != 'approved' or not writeoff.approved_by:
                raise WriteOffError(gettext(
                        'ric_settlement.msg_writeoff_not_approved',
                        writeoff=writeoff.rec_name))
        lines = [l for w in writeoffs for l in w.lines]
        if not lines:
            return
        MoveLine.lock(sorted({l.move_line.id for l in lines}))
        opened = open_amounts([l.move_line for l in lines])
        wanted = defaultdict(Decimal)
        for line in lines:
            wanted[line.move_line.id] += line.amount
        for line in lines:
            if wanted[line.move_line.id] > opened.get(line.move_line.id, 0):
                raise WriteOffError(gettext(
                        'ric_settlement.msg_writeoff_not_open',
                        line=line.move_line.rec_name,
                        amount=wanted[line.move_line.id],
                        available=opened.get(line.move_line.id, ZERO)))
        cls._post(writeoffs, opened)

    @classmethod
    def _post(cls, writeoffs, opened):
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        Invoice = pool.get('account.invoice')
        configuration = Configuration(1)
        lines = [l for w in writeoffs for l in w.lines]
        invoice_of = invoices_of([l.move_line for l in lines])
        moves, numbers, pairs, credit_pairs = [], {}, [], []
        for writeoff in writeoffs:
            company = writeoff.company
            sequence = Configuration.get_sequence_used(
                'writeoff_sequence', company)
            with Transaction().set_context(company=company.id):
                numbers[writeoff.id] = sequence.get()
            expense = configuration.get_account_used(
                'writeoff_account', company)
            move = Move(
                company=company,
                journal=configuration.get_journal_used(
                    'writeoff_journal', company),
                period=Period.find(company, date=writeoff.date),
                date=writeoff.date, origin=writeoff,
                description=gettext('ric_settlement.msg_writeoff_move',
                    number=numbers[writeoff.id]))
            by_party = defaultdict(Decimal)
            credits = []
            for line in writeoff.lines:
                by_party[line.party] += line.amount
                credit = MoveLine(account=line.move_line.account,
                    party=line.party, debit=ZERO, credit=line.amount,
                    description=document_text(line.move_line,
                        invoice_of.get(line.move_line.id)))
                credits.append((line, credit))
            debits = []
            for party, amount in sorted(by_party.items(),
                    key=lambda p: p[0].rec_name):
                debits.append(MoveLine(account=expense,
                        party=party if expense.party_required else None,
                        debit=amount, credit=ZERO,
                        description=party.rec_name))
            moves.append(move)
            pairs.append(debits + [c for _, c in credits])
            credit_pairs.append(credits)
        # the lines saved themselves so that they get their ids
        Move.save(moves)
        for move, move_lines in zip(moves, pairs):
            for move_line in move_lines:
                move_line.move = move
        MoveLine.save([l for ls in pairs for l in ls])
        Move.post(moves)
        cls.write(*[x for w, m in zip(writeoffs, moves)
                for x in ([w], {
                        'number': numbers[w.id], 'move': m.id,
                        'state': 'posted'})])
        payments = defaultdict(list)
        others = []
        for credits in credit_pairs:
            for line, credit in credits:
                invoice = invoice_of.get(line.move_line.id)
                if invoice:
                    payments[invoice].append(credit)
                else:
                    others.append([line.move_line, credit])
        if payments:
            Invoice.add_payment_lines(dict(payments))
        reconcile_whole(list(payments), others)

    @classmethod
    def hopeless_lines(cls, company, date, clients=None, years=None):
        """Return {move line: open amount} of the hopeless receivables of
        company on date (of clients when given)

        A line of a receivable account, unreconciled, posted, with a
        maturity date on or before date less the limitation years, open and
        in no draft or approved write-off.  A constant number of queries
        per slice of clients."""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Line = pool.get('ric.settlement.writeoff.line')
        Configuration = pool.get('ric.settlement.configuration')
        if years is None:
            years = Configuration(1).writeoff_limitation or 3
        limit = hopeless_date(date, years)
        domain = [
            ('move.company', '=', company.id),
            ('account.type.receivable', '=', True),
            ('account.reconcile', '=', True),
            ('reconciliation', '=', None),
            ('move.state', '=', 'posted'),
            ('maturity_date', '<=', limit),
            ('debit', '>', 0),
            ]
        if clients:
            lines = []
            for sub in grouped_slice([c.id for c in clients], in_max()):
                lines.extend(MoveLine.search(
                        domain + [('party', 'in', list(sub))],
                        order=[('maturity_date', 'ASC'), ('id', 'ASC')]))
        else:
            lines = MoveLine.search(domain,
                order=[('maturity_date', 'ASC'), ('id', 'ASC')])
        taken = set()
        for sub in grouped_slice([l.id for l in lines], in_max()):
            for line in Line.search([
                        ('move_line', 'in', list(sub)),
                        ('writeoff.state', 'in', ['draft', 'approved']),
                        ]):
                taken.add(line.move_line.id)
        lines = [l for l in lines if l.id not in taken]
        opened = open_amounts(lines)
        return {l: opened[l.id] for l in lines if opened.get(l.id)}

    @classmethod
    def create_hopeless(cls, company, date, reason, clients=None):
        "Create and return the draft write-off of the hopeless receivables"
        pool = Pool()
        Line = pool.get('ric.settlement.writeoff.line')
        hopeless = cls.hopeless_lines(company, date, clients=clients)
        invoice_of = invoices_of(list(hopeless))
        writeoff = cls(company=company, date=date, reason=reason)
        writeoff.lines = [Line(move_line=line, party=line.party,
                invoice=invoice_of.get(line.id),
                maturity_date=line.maturity_date, amount=amount)
            for line, amount in hopeless.items()]
        writeoff.save()
        return writeoff


class WriteOffLine(ModelSQL, ModelView):
    "Bad-Debt Write-Off Line"
    __name__ = 'ric.settlement.writeoff.line'
    __string__ = "Bad-Debt Write-Off Line"

    _states = {
        'readonly': ~Eval('writeoff_state', 'draft').in_(
            ['draft', 'approved']),
        }

    writeoff = fields.Many2One('ric.settlement.writeoff', "Write-Off",
        required=True, ondelete='CASCADE')
    writeoff_state = fields.Function(fields.Selection(
            STATES, "Write-Off State"), 'on_change_with_writeoff_state')
    move_line = fields.Many2One('account.move.line', "Move Line",
        required=True, states=_states,
        domain=[
            ('account.type.receivable', '=', True),
            ('move.state', '=', 'posted'),
            ('debit', '>', 0),
            ],
        help="The line of the receivable written off.")
    invoice = fields.Many2One('account.invoice', "Invoice", readonly=True)
    party = fields.Many2One('party.party', "Party", required=True,
        states=_states)
    maturity_date = fields.Date("Due Date", readonly=True)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = Monetary("Amount", currency='currency', digits='currency',
        required=True, states=_states,
        domain=[('amount', '>', 0)],
        help="The open amount written off.")

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('writeoff')

    @fields.depends('writeoff', '_parent_writeoff.state')
    def on_change_with_writeoff_state(self, name=None):
        return self.writeoff.state if self.writeoff else 'draft'

    @fields.depends('writeoff', '_parent_writeoff.company')
    def on_change_with_currency(self, name=None):
        if self.writeoff and self.writeoff.company:
            return self.writeoff.company.currency

    @fields.depends('move_line')
    def on_change_move_line(self):
        if not self.move_line:
            return
        self.party = self.move_line.party
        self.maturity_date = self.move_line.maturity_date
        self.invoice = invoices_of([self.move_line]).get(self.move_line.id)
        self.amount = open_amounts([self.move_line]).get(self.move_line.id)

    @classmethod
    def _changed(cls, writeoffs):
        "Send the approved write-offs back to draft; refuse posted ones"
        WriteOff = Pool().get('ric.settlement.writeoff')
        writeoffs = WriteOff.browse(list({w.id for w in writeoffs}))
        for writeoff in writeoffs:
            if writeoff.state not in {'draft', 'approved'}:
                raise WriteOffError(gettext(
                        'ric_settlement.msg_writeoff_posted_change'))
        approved = [w for w in writeoffs if w.state == 'approved']
        if approved:
            WriteOff.write(approved, {'state': 'draft',
                    'approved_by': None, 'approved_date': None})

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        cls._changed(WriteOff.browse(
                [v['writeoff'] for v in vlist if v.get('writeoff')]))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        cls._changed([l.writeoff for lines, _ in zip(actions, actions)
                for l in lines])
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        cls._changed([l.writeoff for l in lines])
        super().delete(lines)


class WriteOffSelectStart(ModelView):
    "Select Bad Debts"
    __name__ = 'ric.settlement.writeoff.select.start'
    __string__ = "Select Bad Debts"

    company = fields.Many2One('company.company', "Company", required=True)
    date = fields.Date("Date", required=True,
        help="The receivables due on or before this date less the "
        "limitation period are selected.")
    clients = fields.Many2Many('party.party', None, None, "Clients",
        help="Select only the debts of these clients (all when empty).")
    reason = fields.Text("Reason", required=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_reason(cls):
        return ("Истечение срока исковой давности "
            "(ст. 196 Гражданского кодекса РФ)")


class WriteOffSelect(Wizard):
    "Select Bad Debts"
    __name__ = 'ric.settlement.writeoff.select'

    start = StateView('ric.settlement.writeoff.select.start',
        'ric_settlement.writeoff_select_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateAction('ric_settlement.act_writeoff_form')

    def do_create_(self, action):
        pool = Pool()
        WriteOff = pool.get('ric.settlement.writeoff')
        writeoff = WriteOff.create_hopeless(self.start.company,
            self.start.date, self.start.reason,
            clients=list(self.start.clients) or None)
        if not writeoff.lines:
            WriteOff.delete([writeoff])
            raise WriteOffError(gettext(
                    'ric_settlement.msg_writeoff_nothing_hopeless'))
        action['views'].reverse()
        return action, {'res_id': [writeoff.id]}


class WriteOffRow:
    "One printed line of the order"

    def __init__(self, index, line, requisites):
        self.index = index
        printed = printed_party(requisites.get(line.party.id))
        self.party = printed.name or line.party.rec_name
        self.inn = printed.inn_kpp
        self.document = document_text(line.move_line, line.invoice)
        self.maturity_date = date_short(line.maturity_date)
        self.amount = money(line.amount)


class WriteOffDocument:
    "The texts of one printed order (the template's ``doc``)"

    def __init__(self, writeoff, requisites, head, expense):
        company = writeoff.company
        own = printed_party(requisites.get(company.party.id))
        self.company = own.name or company.party.rec_name
        self.company_inn = own.inn_kpp
        self.number = writeoff.number or ''
        self.date = date_text(writeoff.date)
        self.title = ('Приказ № %s о списании безнадёжной дебиторской '
            'задолженности' % self.number).replace('№  ', '№ ')
        self.reason = writeoff.reason or ''
        self.rows = [WriteOffRow(i, l, requisites)
            for i, l in enumerate(sorted(writeoff.lines, key=lambda l: (
                            l.party.rec_name, l.maturity_date or dt.date.min,
                            l.id)), 1)]
        self.total_value = writeoff.amount
        self.total = money(writeoff.amount)
        self.total_words = amount_in_words(writeoff.amount, 'RUB')
        self.expense = expense
        self.head = head or NO_SIGNER


class WriteOffReport(ConvertMixin, Report):
    "The printed order of a write-off"
    __name__ = 'ric.settlement.writeoff'
    __string__ = "Bad-Debt Write-Off Order"

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['documents'] = cls.documents(records)
        return context

    @classmethod
    def documents(cls, writeoffs):
        pool = Pool()
        Party = pool.get('party.party')
        Signatory = pool.get('ric.billing.signatory')
        Configuration = pool.get('ric.settlement.configuration')
        result = []
        with without_check_access():
            for writeoff in writeoffs:
                parties = {writeoff.company.party.id} | {
                    l.party.id for l in writeoff.lines}
                requisites = Party.get_requisites(
                    sorted(parties), writeoff.date)
                signatories = Signatory.get_signatories(
                    [writeoff.company.id], writeoff.date).get(
                    writeoff.company.id, {})
                head = signatories.get('head')
                try:
                    expense = Configuration(1).get_account_used(
                        'writeoff_account', writeoff.company).code
                except SettlementConfigurationError:
                    expense = '91.02'
                result.append(WriteOffDocument(writeoff, requisites,
                        signer(head) if head else None, expense))
        return result
