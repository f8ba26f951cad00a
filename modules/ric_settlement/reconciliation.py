# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The acts of reconciliation (акты сверки взаиморасчётов).

An act (:class:`Act`, ``ric.settlement.act``) states the settlements of a
legal entity (``company.company``) with a client for a period, optionally
for one contract: the opening balance, one line per document of the period
(invoice, payment, offset, write-off, credit note…), the turnovers and the
closing balance.  The figures come from the ledger: the posted move lines
of the entity on the receivable accounts and the advance account (62.01,
62.02) of the client's counterparty valid on the end date.  A move that
only carries money between those accounts (the advance offset of
``ric_bank``, net zero) is no document of the act.

:meth:`Act.compute` reads the ledger of many acts in a constant number of
queries; :meth:`Act.store_files` renders them all and converts them with
one LibreOffice process; :meth:`Act.generate_period_acts` (the cron) makes,
stores and e-mails the acts of the ended period and records an
:class:`ActRun` with what was sent and what could not be.  The client's
figures are entered on the lines and the return is registered by the
wizard :class:`ActReturn`.
"""
import datetime as dt
from collections import OrderedDict, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage

from sql import Literal, Null
from sql.aggregate import Max, Sum
from sql.conditionals import Case, Coalesce

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.batch import (
    create_slices, delete_slices, id_slices, in_ids, search_ids)
from trytond.modules.ric_base.office import ConvertMixin, convert_many
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.report import (
    NO_SIGNER, date_short, money, printed_party, signer)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.report import Report
from trytond.sendmail import send_message_transactional
from trytond.tools import slugify
from trytond.tools.email_ import format_address, set_from_header
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import ActError

STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('signed', "Signed"),
    ('discrepancy', "Signed with Discrepancies"),
    ('cancelled', "Cancelled"),
    ]
#: the months of each act period of the configuration
PERIOD_MONTHS = {'month': 1, 'quarter': 3, 'half_year': 6, 'year': 12}
CENT = Decimal('0.01')
ZERO = Decimal('0.00')
#: the models of the offsets and write-offs (made by other parts of the
#: module): the act names their documents from their number and date
OFFSET_MODEL = 'ric.settlement.offset'
WRITEOFF_MODEL = 'ric.settlement.writeoff'
MIME = {
    'pdf': ('application', 'pdf'),
    'docx': ('application',
        'vnd.openxmlformats-officedocument.wordprocessingml.document'),
    'odt': ('application', 'vnd.oasis.opendocument.text'),
    }

#: the digits of the amounts of the act's lines
KOPECKS = (16, 2)


def cents(value):
    "Return value as a Decimal rounded half-up to the kopeck"
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ended_period(kind, today):
    """Return (start, end) of the last period of kind (month, quarter,
    half_year, year) ended before today"""
    months = PERIOD_MONTHS[kind]
    first = dt.date(today.year, (today.month - 1) // months * months + 1, 1)
    end = first - dt.timedelta(days=1)
    start = dt.date(end.year, (end.month - 1) // months * months + 1, 1)
    return start, end


def _date(value):
    if isinstance(value, str):  # SQLite
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


class Act(Workflow, ModelSQL, ModelView):
    "Act of Reconciliation"
    __name__ = 'ric.settlement.act'
    __string__ = "Act of Reconciliation"

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Legal Entity",
        required=True, states=_states, ondelete='RESTRICT')
    client = fields.Many2One('party.party', "Client", required=True,
        states=_states, ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'})
    counterparty = fields.Many2One('party.party', "Counterparty",
        readonly=True, ondelete='RESTRICT',
        help="The counterparty of the client valid on the end date: the "
        "party of the ledger and of the printed requisites.")
    contract = fields.Many2One('ric.billing.contract', "Contract",
        states=_states, ondelete='RESTRICT',
        domain=[
            ('client', '=', Eval('client', -1)),
            ('company', '=', Eval('company', -1)),
            ],
        help="Only the invoices of the distributives of this contract and "
        "their payments (empty: all the settlements).")
    start_date = fields.Date("Start Date", required=True, states=_states,
        domain=[
            If(Eval('end_date') & Eval('start_date'),
                ('start_date', '<=', Eval('end_date')), ()),
            ])
    end_date = fields.Date("End Date", required=True, states=_states)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    opening_balance = Monetary("Opening Balance", currency='currency',
        digits='currency', readonly=True,
        help="The debt of the client at the start date (negative: the "
        "entity owes, an advance).")
    debit = Monetary("Debit", currency='currency', digits='currency',
        readonly=True, help="The documents of the period that increase "
        "the debt of the client (sales).")
    credit = Monetary("Credit", currency='currency', digits='currency',
        readonly=True, help="The documents of the period that decrease "
        "the debt of the client (payments, offsets, write-offs).")
    closing_balance = Monetary("Closing Balance", currency='currency',
        digits='currency', readonly=True,
        help="The debt of the client at the end date (negative: the "
        "entity owes, an advance).")
    lines = fields.One2Many('ric.settlement.act.line', 'act', "Lines",
        states={'readonly': Eval('state') == 'cancelled'},
        help="The documents of the period; the client's figures are "
        "entered on them when it returns the act.")
    client_closing_balance = Monetary("Client's Closing Balance",
        currency='currency', digits='currency',
        states={'readonly': Eval('state') == 'cancelled'},
        help="The closing balance by the client's data, in the sign of "
        "the entity (positive: the client owes).")
    closing_difference = fields.Function(Monetary("Closing Difference",
            currency='currency', digits='currency',
            help="The closing balance less the client's."),
        'get_closing_difference')
    discrepancy_note = fields.Text("Discrepancy Note",
        states={'readonly': Eval('state') == 'cancelled'},
        help="What the client disputes.")
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    sent_date = fields.Date("Sent Date", readonly=True)
    returned_date = fields.Date("Returned Date", readonly=True,
        help="When the client returned the act signed.")
    run = fields.Many2One('ric.settlement.act.run', "Run", readonly=True,
        ondelete='SET NULL')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.client, Index.Range()),
                    (t.end_date, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [
            ('end_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'sent'),
            ('draft', 'signed'),
            ('draft', 'discrepancy'),
            ('sent', 'signed'),
            ('sent', 'discrepancy'),
            ('discrepancy', 'signed'),
            ('draft', 'cancelled'),
            ('sent', 'cancelled'),
            ('signed', 'cancelled'),
            ('discrepancy', 'cancelled'),
            ('cancelled', 'draft'),
            ('sent', 'draft'),
            }
        cls._buttons.update({
                'compute_button': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'print_': {
                    'invisible': Eval('state') == 'cancelled',
                    'depends': ['state'],
                    },
                'send': {
                    'invisible': ~Eval('state').in_(['draft', 'sent']),
                    'depends': ['state'],
                    },
                'register_return': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'sent', 'discrepancy']),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(['cancelled', 'sent']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_closing_difference(self, name):
        if self.client_closing_balance is None:
            return None
        return (self.closing_balance or ZERO) - self.client_closing_balance

    def get_rec_name(self, name):
        return '%s, %s — %s' % (self.client.rec_name,
            date_short(self.start_date), date_short(self.end_date))

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('client.rec_name',) + tuple(clause[1:])]

    @classmethod
    def copy(cls, acts, default=None):
        default = default.copy() if default else {}
        for name in ['lines', 'file', 'file_name', 'sent_date',
                'returned_date', 'run', 'client_closing_balance',
                'discrepancy_note']:
            default.setdefault(name, None)
        return super().copy(acts, default=default)

    @classmethod
    def delete(cls, acts):
        for act in acts:
            if act.state not in {'draft', 'cancelled'}:
                raise ActError(gettext(
                        'ric_settlement.msg_reconciliation_delete_sent',
                        act=act.rec_name))
        super().delete(acts)

    # the buttons

    @classmethod
    @ModelView.button
    def compute_button(cls, acts):
        cls.compute(acts)

    @classmethod
    @ModelView.button_action('ric_settlement.report_act_reconciliation')
    def print_(cls, acts):
        pass

    @classmethod
    @ModelView.button
    def send(cls, acts):
        cls.send_acts(acts)

    @classmethod
    @ModelView.button_action('ric_settlement.wizard_act_return')
    def register_return(cls, acts):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, acts):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, acts):
        cls.write(acts, {'sent_date': None, 'returned_date': None})

    @classmethod
    @Workflow.transition('signed')
    def set_signed(cls, acts):
        pass

    @classmethod
    @Workflow.transition('discrepancy')
    def set_discrepancy(cls, acts):
        pass

    @classmethod
    def create(cls, vlist):
        "Store the counterparty of the client valid on the end date"
        pool = Pool()
        Party = pool.get('party.party')
        vlist = [v.copy() for v in vlist]
        by_date = defaultdict(set)
        for values in vlist:
            if (not values.get('counterparty') and values.get('client')
                    and values.get('end_date')):
                by_date[values['end_date']].add(values['client'])
        found = {}
        for date, clients in by_date.items():
            for client, party in Party.get_counterparties(
                    clients, date).items():
                found[(client, date)] = party.id
        for values in vlist:
            key = (values.get('client'), values.get('end_date'))
            if not values.get('counterparty') and key in found:
                values['counterparty'] = found[key]
        return super().create(vlist)

    # the ledger

    @classmethod
    def compute(cls, acts):
        """Compute the balances and the lines of acts from the ledger

        The counterparty of each act is the one of its client on its end
        date.  The acts are grouped by entity, period and whether they are
        by contract; each group reads the ledger in a constant number of
        queries per slice of parties, so that the number of statements
        does not grow with the number of acts."""
        pool = Pool()
        Party = pool.get('party.party')
        Line = pool.get('ric.settlement.act.line')
        acts = [a for a in cls.browse(acts)]
        if not acts:
            return
        for act in acts:
            if act.state != 'draft':
                raise ActError(gettext(
                        'ric_settlement.msg_reconciliation_compute_draft',
                        act=act.rec_name))
        counterparties = {}
        by_date = defaultdict(list)
        for act in acts:
            by_date[act.end_date].append(act.client.id)
        for date, clients in by_date.items():
            for client, party in Party.get_counterparties(
                    clients, date).items():
                counterparties[(client, date)] = party.id
        groups = OrderedDict()
        for act in acts:
            groups.setdefault((act.company, act.start_date, act.end_date,
                    bool(act.contract)), []).append(act)
        results = {}
        for (company, start, end, by_contract), group in groups.items():
            parties = {a.id: counterparties[(a.client.id, a.end_date)]
                for a in group}
            results.update(cls._compute_group(
                    company, start, end, group, parties, by_contract))
        # the lines: the old ones deleted, the new ones created (an act
        # may have thousands: in slices, see ric_base.batch)
        delete_slices(Line, search_ids(Line, [
                    ('act', 'in', [a.id for a in acts])]))
        to_create = []
        for act in acts:
            for sequence, line in enumerate(results[act.id]['lines'], 1):
                to_create.append(dict(line, act=act.id,
                        sequence=sequence))
        create_slices(Line, to_create)
        cls._write_balances(results)

    @classmethod
    def line_values(cls, acts):
        """Return {act id: [values of its lines in order]} of acts: date,
        document, debit, credit, client_debit and client_credit

        Read in one query per slice of acts, without instantiating the
        lines: an act may have thousands and it is printed and returned
        as a whole."""
        pool = Pool()
        Line = pool.get('ric.settlement.act.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        names = ['date', 'document', 'debit', 'credit', 'client_debit',
            'client_credit']
        result = {a.id: [] for a in acts}
        for sub_ids in id_slices(acts):
            cursor.execute(*line.select(line.act,
                    *[getattr(line, n) for n in names],
                    where=in_ids(line.act, sub_ids),
                    order_by=[line.act, line.sequence, line.id]))
            for row in cursor:
                values = dict(zip(names, row[1:]))
                values['date'] = _date(values['date'])
                for name in names[2:]:
                    if values[name] is not None:
                        values[name] = cents(values[name])
                result[row[0]].append(values)
        return result

    @classmethod
    def _write_balances(cls, results):
        """Write the balances of results {act id: values} through the ORM:
        one write call, the acts of equal values in one UPDATE"""
        names = ['counterparty', 'opening_balance', 'debit', 'credit',
            'closing_balance']
        by_values = defaultdict(list)
        for id_, values in results.items():
            by_values[tuple(values[n] for n in names)].append(id_)
        args = []
        for values, ids in by_values.items():
            args.extend((cls.browse(ids), dict(zip(names, values))))
        if args:
            cls.write(*args)

    @classmethod
    def _ledger_accounts(cls, company, parties):
        """Return the ids of the accounts of the act for parties: their
        receivable accounts (their own or the default one) and the advance
        account of company"""
        pool = Pool()
        PartyAccount = pool.get('party.party.account')
        AccountConfiguration = pool.get('account.configuration')
        BankConfiguration = pool.get('ric.bank.configuration')
        cursor = Transaction().connection.cursor()
        accounts = set()
        default = AccountConfiguration(1).get_multivalue(
            'default_account_receivable', company=company.id)
        if default:
            accounts.add(default.id)
        advance = BankConfiguration(1).get_advance_account_used(company)
        if advance:
            accounts.add(advance.id)
        table = PartyAccount.__table__()
        for sub_ids in id_slices(parties):
            cursor.execute(*table.select(table.account_receivable,
                    where=in_ids(table.party, sub_ids)
                    & (table.company == company.id)
                    & (table.account_receivable != Null),
                    group_by=[table.account_receivable]))
            accounts.update(a for a, in cursor)
        return sorted(accounts)

    @classmethod
    def _compute_group(cls, company, start, end, acts, parties, by_contract):
        """Return {act id: values} of acts of one entity and period

        parties is {act id: counterparty id}."""
        party_ids = sorted(set(parties.values()))
        accounts = cls._ledger_accounts(company, party_ids)
        eligible = cls._contract_moves(
            [a.contract.id for a in acts if a.contract]) if by_contract else {}
        opening, documents = cls._ledger_documents(
            company, start, end, accounts, party_ids, by_contract)
        descriptions = cls._describe(
            [r for rows in documents.values() for r in rows])
        results = {}
        for act in acts:
            party = parties[act.id]
            balance = opening[party] if not by_contract else ZERO
            moves = eligible.get(act.contract.id, set()) if by_contract \
                else None
            results[act.id] = cls._act_values(
                party, documents[party], balance, moves, start, descriptions)
        return results

    @classmethod
    def _ledger_documents(
            cls, company, start, end, accounts, party_ids, by_contract):
        """Return the opening balances and the documents of the parties
        party_ids on accounts of company: their posted moves until end

        The opening balances are {party: debit - credit of the moves
        before start}; the documents {party: [(move id, date, origin,
        description, number, line origin, debit, credit)]}, one per move,
        from start.  by_contract: no opening balance, the documents of
        the moves before start too (the acts keep only their contract's)."""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Move = pool.get('account.move')
        cursor = Transaction().connection.cursor()
        line = MoveLine.__table__()
        move = Move.__table__()
        debit = MoveLine.debit.sql_cast(Sum(Coalesce(line.debit, 0)))
        credit = MoveLine.credit.sql_cast(Sum(Coalesce(line.credit, 0)))
        base = ((move.state == 'posted') & (move.company == company.id)
            & in_ids(line.account, accounts) & (move.date <= end))
        opening = defaultdict(lambda: ZERO)
        # {party: [(move id, date, origin, description, number, line
        # origin, debit, credit)]}
        documents = defaultdict(list)
        from_item = line.join(move, condition=line.move == move.id)
        for sub_ids in id_slices(party_ids):
            where = base & in_ids(line.party, sub_ids)
            if not by_contract:
                cursor.execute(*from_item.select(line.party, debit, credit,
                        where=where & (move.date < start),
                        group_by=[line.party]))
                for party, d, c in cursor:
                    opening[party] += cents(d) - cents(c)
                where &= move.date >= start
            cursor.execute(*from_item.select(line.party, move.id, move.date,
                    move.origin, move.description, move.number,
                    Max(line.origin), debit, credit,
                    where=where,
                    group_by=[line.party, move.id, move.date, move.origin,
                        move.description, move.number]))
            for row in cursor:
                documents[row[0]].append(row[1:])
        return opening, documents

    @classmethod
    def _act_values(cls, party, documents, balance, moves, start,
            descriptions):
        """Return the values of the act of party: its lines, totals and
        balances from its documents (see _ledger_documents)

        balance is the opening balance without the documents before
        start, which are added to it; moves the ids of the moves of the
        act (its contract's), None for all; descriptions {move id: text}."""
        lines = []
        total_debit = total_credit = ZERO
        for (move_id, date, _, _, _, _, d, c) in documents:
            if moves is not None and move_id not in moves:
                continue
            date = _date(date)
            net = cents(d) - cents(c)
            if date < start:
                balance += net
                continue
            if not net:
                # money carried between the accounts: no document
                continue
            line_debit = net if net > 0 else ZERO
            line_credit = -net if net < 0 else ZERO
            total_debit += line_debit
            total_credit += line_credit
            lines.append({
                    'date': date, 'move': move_id,
                    'document': descriptions.get(move_id, ''),
                    'debit': line_debit, 'credit': line_credit,
                    })
        lines.sort(key=lambda l: (l['date'], l['move']))
        return {
            'counterparty': party,
            'opening_balance': balance,
            'debit': total_debit,
            'credit': total_credit,
            'closing_balance': balance + total_debit - total_credit,
            'lines': lines,
            }

    @classmethod
    def _contract_moves(cls, contracts):
        """Return {contract id: {move id}} of the documents of contracts:
        the moves of their invoices (a line of whose distributive is of the
        contract), of the payments added to them and of the lines
        reconciled with them"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Distributive = pool.get('ric.distributive')
        PaymentLine = pool.get('account.invoice-account.move.line')
        MoveLine = pool.get('account.move.line')
        cursor = Transaction().connection.cursor()
        result = defaultdict(set)
        invoice_contract = {}
        invoice_move = {}
        invoice = Invoice.__table__()
        line = InvoiceLine.__table__()
        distributive = Distributive.__table__()
        for sub_ids in id_slices(contracts):
            cursor.execute(*line
                .join(distributive,
                    condition=line.ric_distributive == distributive.id)
                .join(invoice, condition=line.invoice == invoice.id)
                .select(invoice.id, invoice.move, distributive.ric_contract,
                    where=in_ids(distributive.ric_contract, sub_ids)
                    & (invoice.move != Null),
                    group_by=[invoice.id, invoice.move,
                        distributive.ric_contract]))
            for invoice_id, move_id, contract in cursor:
                invoice_contract[invoice_id] = contract
                invoice_move[invoice_id] = move_id
                result[contract].add(move_id)
        payment = PaymentLine.__table__()
        move_line = MoveLine.__table__()
        other = MoveLine.__table__()
        for sub_ids in id_slices(invoice_contract):
            cursor.execute(*payment
                .join(move_line, condition=payment.line == move_line.id)
                .select(payment.invoice, move_line.move,
                    where=in_ids(payment.invoice, sub_ids)))
            for invoice_id, move_id in cursor:
                result[invoice_contract[invoice_id]].add(move_id)
        move_contract = {m: invoice_contract[i]
            for i, m in invoice_move.items()}
        for sub_ids in id_slices(move_contract):
            cursor.execute(*move_line
                .join(other, condition=(
                        move_line.reconciliation == other.reconciliation))
                .select(move_line.move, other.move,
                    where=in_ids(move_line.move, sub_ids)
                    & (move_line.reconciliation != Null)))
            for move_id, other_move in cursor:
                result[move_contract[move_id]].add(other_move)
        return result

    @classmethod
    def _describe(cls, rows):
        """Return {move id: the text of its document} of rows (move id,
        date, move origin, description, number, line origin, …)

        The texts come from the origins, read model by model: the invoice
        (a credit note when it credits), the bank payment, the offset, the
        write-off; else the description of the move."""
        pool = Pool()
        by_model = defaultdict(set)
        for row in rows:
            for origin in (row[2], row[5]):
                if origin and ',' in origin:
                    model, id_ = origin.split(',', 1)
                    if id_.lstrip('-').isdigit() and int(id_) >= 0:
                        by_model[model].add(int(id_))
        read = {}
        wanted = {
            'account.invoice': ['number', 'invoice_date'],
            'account.statement.line': ['number', 'date'],
            'account.statement': ['name', 'date'],
            OFFSET_MODEL: ['number', 'date'],
            WRITEOFF_MODEL: ['number', 'date'],
            }
        with without_check_access():
            for model, ids in by_model.items():
                if model not in wanted:
                    continue
                try:
                    Model = pool.get(model)
                except KeyError:
                    continue
                names = [n for n in wanted[model] if n in Model._fields]
                for sub_ids in id_slices(ids):
                    for values in Model.read(sub_ids, names):
                        read[(model, values['id'])] = values
        result = {}
        for (move_id, date, origin, description, number, line_origin,
                d, c) in rows:
            result[move_id] = cls._document_text(read, _date(date), origin,
                description, number, line_origin, cents(d) - cents(c))
        return result

    @classmethod
    def _document_text(cls, read, date, origin, description, number,
            line_origin, net):
        def split(value):
            if value and ',' in value:
                model, id_ = value.split(',', 1)
                if id_.lstrip('-').isdigit():
                    return model, int(id_)
            return None, None

        def number_date(values, date_name='date'):
            text = ''
            if values.get('number'):
                text += ' № %s' % values['number']
            when = values.get(date_name) or date
            if when:
                text += ' от %s' % date_short(_date(when))
            return text

        model, id_ = split(origin)
        line_model, line_id = split(line_origin)
        if model == 'account.invoice' and (model, id_) in read:
            values = read[(model, id_)]
            title = ('Корректировка реализации' if net < 0
                else 'Реализация (акт)')
            return title + number_date(values, 'invoice_date')
        if (line_model == 'account.statement.line'
                and (line_model, line_id) in read):
            values = read[(line_model, line_id)]
            if values.get('number'):
                return 'Оплата (п/п № %s от %s)' % (values['number'],
                    date_short(_date(values.get('date')) or date))
            return 'Оплата от %s' % date_short(
                _date(values.get('date')) or date)
        if model == 'account.statement':
            return 'Оплата от %s' % date_short(date)
        if model == OFFSET_MODEL:
            return 'Взаимозачёт' + number_date(read.get((model, id_), {}))
        if model == WRITEOFF_MODEL:
            return 'Списание задолженности' + number_date(
                read.get((model, id_), {}))
        if description:
            return description
        return 'Операция' + number_date({'number': number})

    # the files and the e-mails

    @classmethod
    def render_odt(cls, acts):
        "Return the ODT of each act (the report rendered, not converted)"
        pool = Pool()
        ActReport = pool.get('ric.settlement.act', type='report')
        action = ActReport.get_action()
        # the texts of all the acts read at once, not act by act
        printed = dict(zip([a.id for a in acts], ActReport.printed(acts)))
        result = []
        for act in acts:
            records = ActReport._get_records(
                [act.id], 'ric.settlement.act', {})
            context = ActReport.get_context(
                records, {}, {'_printed': printed})
            result.append(ActReport.render(action, context))
        return result

    @classmethod
    def store_files(cls, acts, extension=None):
        """Render acts in the configured format and store them on the acts

        All the files are converted by one LibreOffice process."""
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        acts = cls.browse(acts)
        if not acts:
            return
        extension = extension or Configuration(1).act_format or 'pdf'
        files = cls.render_odt(acts)
        names = [cls.file_basename(a) for a in acts]
        if extension != 'odt':
            files = convert_many(list(zip(names, files)), extension)
        args = []
        for act, name, data in zip(acts, names, files):
            args.extend([[act], {
                        'file': bytes(data),
                        'file_name': '%s.%s' % (name, extension),
                        }])
        if args:
            cls.write(*args)

    def file_basename(self):
        return 'akt-sverki-%s-%s' % (
            slugify(self.client.rec_name)[:40] or self.client.id,
            self.end_date.strftime('%Y-%m-%d'))

    @classmethod
    def send_acts(cls, acts):
        """Store the files of acts and e-mail them to the accountants of
        their clients; return (sent acts, acts without an address)

        The addresses are those of ric_billing's e-mails (the chief
        accountant and accountant contacts, then the e-mails marked for
        invoices); the message leaves when the transaction commits."""
        pool = Pool()
        EmailLog = pool.get('ric.billing.email.log')
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        Date = pool.get('ir.date')
        acts = [a for a in cls.browse(acts)
            if a.state in {'draft', 'sent'}]
        if not acts:
            return [], []
        cls.store_files([a for a in acts if not a.file])
        acts = cls.browse(acts)
        addresses = EmailLog.get_addresses({a.client.id for a in acts})
        sent, missing = [], []
        emails = []
        for act in acts:
            to = addresses.get(act.client.id)
            if not to:
                missing.append(act)
                continue
            msg = cls._message(act, to)
            send_message_transactional(msg, strict=False)
            email = Email.from_message(msg, body=cls._body(act),
                resource=act)
            emails.append((email, act))
            sent.append(act)
        Email.save([e for e, _ in emails])
        Attachment.save([Attachment(resource=e, name=a.file_name,
                    data=a.file) for e, a in emails])
        if sent:
            cls.write(sent, {'sent_date': Date.today()})
            cls._mark_sent([a for a in sent if a.state == 'draft'])
        return sent, missing

    @classmethod
    @Workflow.transition('sent')
    def _mark_sent(cls, acts):
        pass

    @classmethod
    def _body(cls, act):
        return ('<p>Направляем акт сверки взаимных расчётов за период '
            'с %s по %s. Просим подписать его и вернуть экземпляр или '
            'сообщить о расхождениях.</p><p>%s</p>' % (
                date_short(act.start_date), date_short(act.end_date),
                act.company.rec_name))

    @classmethod
    def _message(cls, act, addresses):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        msg = EmailMessage()
        msg.set_content(cls._body(act), subtype='html')
        if act.file:
            extension = (act.file_name or '').rsplit('.', 1)[-1]
            maintype, subtype = MIME.get(
                extension, ('application', 'octet-stream'))
            msg.add_attachment(bytes(act.file), maintype=maintype,
                subtype=subtype, filename=('utf-8', '', act.file_name))
        from_ = config.get('email', 'from')
        set_from_header(msg, from_, user.email or from_)
        msg['To'] = [format_address(a, n) for n, a in addresses]
        msg['Subject'] = gettext('ric_settlement.msg_reconciliation_subject',
            company=act.company.rec_name, start=date_short(act.start_date),
            end=date_short(act.end_date))
        return msg

    # the cron

    @classmethod
    def create_acts(cls, clients, companies, start, end, per_contract=False):
        """Create and compute the acts of clients × companies for the
        period; per_contract makes one act per contract of the client and
        entity (the clients without contract get one for all)"""
        pool = Pool()
        Contract = pool.get('ric.billing.contract')
        client_ids = sorted({int(c) for c in clients})
        company_ids = sorted({int(c) for c in companies})
        contracts = defaultdict(list)
        if per_contract:
            for sub_ids in id_slices(client_ids):
                for contract in Contract.search([
                            ('client', 'in', sub_ids),
                            ('company', 'in', company_ids),
                            ], order=[('date', 'ASC'), ('id', 'ASC')]):
                    contracts[(contract.client.id,
                            contract.company.id)].append(contract.id)
        values = []
        for company in company_ids:
            for client in client_ids:
                for contract in contracts.get((client, company)) or [None]:
                    values.append({'company': company, 'client': client,
                            'contract': contract, 'start_date': start,
                            'end_date': end})
        acts = cls.create(values)
        cls.compute(acts)
        return acts

    @classmethod
    def period_clients(cls, company, start, end):
        """Return the ids of the clients with a balance at end or a
        turnover between start and end on the ledger of company"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Move = pool.get('account.move')
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        BankConfiguration = pool.get('ric.bank.configuration')
        AccountConfiguration = pool.get('account.configuration')
        Account = pool.get('account.account')
        cursor = Transaction().connection.cursor()
        line = MoveLine.__table__()
        move = Move.__table__()
        accounts = {a.id for a in Account.search([
                    ('company', '=', company.id),
                    ('type.receivable', '=', True),
                    ('party_required', '=', True),
                    ])}
        default = AccountConfiguration(1).get_multivalue(
            'default_account_receivable', company=company.id)
        if default:
            accounts.add(default.id)
        advance = BankConfiguration(1).get_advance_account_used(company)
        if advance:
            accounts.add(advance.id)
        amount = Coalesce(line.debit, 0) - Coalesce(line.credit, 0)
        turnover = Case(((move.date >= start),
                Coalesce(line.debit, 0) + Coalesce(line.credit, 0)),
            else_=Literal(0))
        cursor.execute(*line.join(move, condition=line.move == move.id)
            .select(line.party,
                where=(move.state == 'posted') & (move.company == company.id)
                & in_ids(line.account, sorted(accounts))
                & (move.date <= end) & (line.party != Null),
                group_by=[line.party],
                having=(Sum(amount) != 0) | (Sum(turnover) != 0)))
        parties = {p for p, in cursor}
        if not parties:
            return []
        history = History.__table__()
        party = Party.__table__()
        candidates = set()
        for sub_ids in id_slices(parties):
            cursor.execute(*history.select(history.client,
                    where=in_ids(history.counterparty, sub_ids)))
            candidates.update(c for c, in cursor)
            cursor.execute(*party.select(party.id,
                    where=in_ids(party.id, sub_ids)
                    & (party.is_client == Literal(True))))
            candidates.update(c for c, in cursor)
        counterparties = Party.get_counterparties(sorted(candidates), end)
        return sorted(c for c, p in counterparties.items()
            if p.id in parties)

    @classmethod
    def generate_period_acts(cls, date=None):
        """Make, store and e-mail the acts of the period ended before date
        (today) for every client with a balance or a turnover, per entity;
        return the runs (one per entity)

        The period is the configured one (a quarter by default).  A client
        that has an act of the period already (not cancelled) gets none."""
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        Company = pool.get('company.company')
        Run = pool.get('ric.settlement.act.run')
        Date = pool.get('ir.date')
        configuration = Configuration(1)
        date = date or Date.today()
        start, end = ended_period(configuration.act_period or 'quarter', date)
        context = Transaction().context
        if context.get('company'):
            companies = [Company(context['company'])]
        else:
            companies = Company.search([])
        runs = []
        for company in companies:
            clients = cls.period_clients(company, start, end)
            existing = set()
            for sub_ids in id_slices(clients):
                existing.update(a.client.id for a in cls.search([
                            ('company', '=', company.id),
                            ('client', 'in', sub_ids),
                            ('start_date', '=', start),
                            ('end_date', '=', end),
                            ('contract', '=', None),
                            ('state', '!=', 'cancelled'),
                            ]))
            clients = [c for c in clients if c not in existing]
            run = Run(company=company, start_date=start, end_date=end)
            run.save()
            acts = cls.create_acts(clients, [company], start, end)
            if acts:
                cls.write(acts, {'run': run.id})
            sent, missing = [], []
            if acts:
                if configuration.act_email:
                    sent, missing = cls.send_acts(acts)
                    cls.store_files([a for a in missing if not a.file])
                else:
                    cls.store_files(acts)
                    missing = list(acts)
            run.act_count = len(acts)
            run.sent_count = len(sent)
            run.summary = Run.summary_text(acts, sent, missing,
                configuration.act_email)
            run.save()
            runs.append(run)
        return runs


class ActLine(ModelSQL, ModelView):
    "Act of Reconciliation Line"
    __name__ = 'ric.settlement.act.line'
    __string__ = "Act of Reconciliation Line"

    act = fields.Many2One('ric.settlement.act', "Act", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence", readonly=True)
    date = fields.Date("Date", readonly=True)
    document = fields.Text("Document", readonly=True)
    move = fields.Many2One('account.move', "Move", readonly=True,
        ondelete='SET NULL')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'get_currency')
    # the amounts are in roubles and kopecks (KOPECKS, not the digits of
    # the currency): a line is created by the act's computation from the
    # rounded sums of the ledger, and the check of the digits of each
    # amount against the currency of its act cost more than the rest of
    # the act's computation (an act of 5 000 documents)
    debit = Monetary("Debit", currency='currency', digits=KOPECKS,
        readonly=True)
    credit = Monetary("Credit", currency='currency', digits=KOPECKS,
        readonly=True)
    act_state = fields.Function(fields.Selection(STATES, "Act State"),
        'on_change_with_act_state')
    client_debit = Monetary("Client's Debit", currency='currency',
        digits=KOPECKS,
        states={'readonly': Eval('act_state').in_(['signed', 'cancelled'])},
        help="The debit by the client's data (its debit is the entity's "
        "credit: a payment).")
    client_credit = Monetary("Client's Credit", currency='currency',
        digits=KOPECKS,
        states={'readonly': Eval('act_state').in_(['signed', 'cancelled'])},
        help="The credit by the client's data (its credit is the "
        "entity's debit: a sale).")
    difference = fields.Function(Monetary("Difference", currency='currency',
            digits=KOPECKS,
            help="The entity's debit less credit, less the client's credit "
            "less debit (empty until the client's figures are entered)."),
        'get_difference')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('act')
        cls._order = [('act', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_currency(cls, lines, name):
        """Return the currency of the entity of the act of lines, for all
        of them at once: the digits of the four amounts of each line
        created are checked against it"""
        return {l.id: l.act.company.currency.id for l in lines}

    @fields.depends('act', '_parent_act.state')
    def on_change_with_act_state(self, name=None):
        return self.act.state if self.act else None

    def get_difference(self, name):
        if self.client_debit is None and self.client_credit is None:
            return None
        return ((self.debit or ZERO) - (self.credit or ZERO)
            - ((self.client_credit or ZERO) - (self.client_debit or ZERO)))


class ActRun(ModelSQL, ModelView):
    "Acts of Reconciliation Run"
    __name__ = 'ric.settlement.act.run'
    __string__ = "Acts of Reconciliation Run"

    company = fields.Many2One('company.company', "Legal Entity",
        required=True, readonly=True, ondelete='CASCADE')
    start_date = fields.Date("Start Date", readonly=True)
    end_date = fields.Date("End Date", readonly=True)
    act_count = fields.Integer("Acts", readonly=True)
    sent_count = fields.Integer("Sent", readonly=True)
    summary = fields.Text("Summary", readonly=True)
    acts = fields.One2Many('ric.settlement.act', 'run', "Acts",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return '%s, %s — %s' % (self.company.rec_name,
            date_short(self.start_date), date_short(self.end_date))

    @staticmethod
    def summary_text(acts, sent, missing, email):
        "Return the text of what was sent and what could not be"
        lines = [gettext('ric_settlement.msg_reconciliation_run_made',
                count=len(acts))]
        if sent:
            lines.append(gettext('ric_settlement.msg_reconciliation_run_sent',
                    count=len(sent)))
            lines.extend('  %s' % a.client.rec_name for a in sent)
        if missing:
            key = ('msg_reconciliation_run_no_email' if email
                else 'msg_reconciliation_run_not_sent')
            lines.append(gettext('ric_settlement.' + key,
                    count=len(missing)))
            lines.extend('  %s' % a.client.rec_name for a in missing)
        return '\n'.join(lines)


class ActCreateStart(ModelView):
    "Create Acts of Reconciliation"
    __name__ = 'ric.settlement.act.create.start'
    __string__ = "Create Acts of Reconciliation"

    clients = fields.Many2Many('party.party', None, None, "Clients",
        required=True, domain=[('is_client', '=', True)])
    companies = fields.Many2Many('company.company', None, None,
        "Legal Entities", required=True)
    start_date = fields.Date("Start Date", required=True,
        domain=[('start_date', '<=', Eval('end_date', None))])
    end_date = fields.Date("End Date", required=True)
    per_contract = fields.Boolean("Per Contract",
        help="One act per contract of the client with the entity.")

    @classmethod
    def default_companies(cls):
        company = Transaction().context.get('company')
        return [company] if company else []

    @classmethod
    def default_start_date(cls):
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        Date = pool.get('ir.date')
        return ended_period(Configuration(1).act_period or 'quarter',
            Date.today())[0]

    @classmethod
    def default_end_date(cls):
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        Date = pool.get('ir.date')
        return ended_period(Configuration(1).act_period or 'quarter',
            Date.today())[1]


class ActCreate(Wizard):
    "Create Acts of Reconciliation"
    __name__ = 'ric.settlement.act.create'
    __string__ = "Create Acts of Reconciliation"

    start = StateView('ric.settlement.act.create.start',
        'ric_settlement.act_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateAction('ric_settlement.act_act_form')

    def default_start(self, fields):
        clients = []
        if self.model and self.model.__name__ == 'party.party':
            clients = [r.id for r in self.records]
        return {'clients': clients}

    def do_create_(self, action):
        Act = Pool().get('ric.settlement.act')
        acts = Act.create_acts(self.start.clients, self.start.companies,
            self.start.start_date, self.start.end_date,
            per_contract=self.start.per_contract)
        return action, {'res_id': [a.id for a in acts]}


class ActReturnStart(ModelView):
    "Register Act Return"
    __name__ = 'ric.settlement.act.return.start'
    __string__ = "Register Act Return"

    returned_date = fields.Date("Returned Date", required=True)
    closing_balance = fields.Numeric("Closing Balance", digits=(16, 2),
        readonly=True)
    client_closing_balance = fields.Numeric("Client's Closing Balance",
        digits=(16, 2),
        help="The closing balance by the client's data, in the sign of the "
        "entity (from the client's figures of the lines by default).")
    discrepancies = fields.Boolean("With Discrepancies",
        help="The client signed the act with discrepancies.")
    discrepancy_note = fields.Text("Discrepancy Note",
        states={'required': Bool(Eval('discrepancies'))})


class ActReturn(Wizard):
    "Register Act Return"
    __name__ = 'ric.settlement.act.return'
    __string__ = "Register Act Return"

    start = StateView('ric.settlement.act.return.start',
        'ric_settlement.act_return_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Register", 'register', 'tryton-ok', default=True),
            ])
    register = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        Act = pool.get('ric.settlement.act')
        act = self.record
        client = act.client_closing_balance
        lines = Act.line_values([act])[act.id]

        def filled(line):
            return (line['client_debit'] is not None
                or line['client_credit'] is not None)
        differences = [(l['debit'] or ZERO) - (l['credit'] or ZERO)
            - ((l['client_credit'] or ZERO) - (l['client_debit'] or ZERO))
            for l in lines if filled(l)]
        if client is None and differences:
            client = (act.opening_balance or ZERO) + sum(
                ((l['client_credit'] or ZERO) - (l['client_debit'] or ZERO)
                    for l in lines), ZERO)
            # a line without the client's figures is agreed
            client += sum(((l['debit'] or ZERO) - (l['credit'] or ZERO)
                    for l in lines if not filled(l)), ZERO)
        discrepancies = bool(any(differences) or (client is not None
                and client != act.closing_balance) or act.discrepancy_note)
        return {
            'returned_date': Date.today(),
            'closing_balance': act.closing_balance,
            'client_closing_balance': client,
            'discrepancies': discrepancies,
            'discrepancy_note': act.discrepancy_note,
            }

    def transition_register(self):
        Act = Pool().get('ric.settlement.act')
        act = self.record
        if act.state not in {'draft', 'sent', 'discrepancy'}:
            raise ActError(gettext(
                    'ric_settlement.msg_reconciliation_return_state',
                    act=act.rec_name))
        Act.write([act], {
                'returned_date': self.start.returned_date,
                'client_closing_balance': self.start.client_closing_balance,
                'discrepancy_note': self.start.discrepancy_note,
                })
        if self.start.discrepancies:
            Act.set_discrepancy([act])
        else:
            Act.set_signed([act])
        return 'end'


class ActLinePrint:
    "The printed texts of one line (the template's ``line``)"

    def __init__(self, date, document, debit, credit, client_debit=None,
            client_credit=None, client_filled=False, client_date='',
            client_document=''):
        self.date = date
        self.document = document
        self.debit = money(debit, blank='') if debit else ''
        self.credit = money(credit, blank='') if credit else ''
        self.client_date = client_date if client_filled else ''
        self.client_document = client_document if client_filled else ''
        self.client_debit = (money(client_debit, blank='')
            if client_filled and client_debit else '')
        self.client_credit = (money(client_credit, blank='')
            if client_filled and client_credit else '')


class ActPrint:
    "The texts the printed act shows (the template's ``act``)"

    def __init__(self, act, lines, company_requisites, client_requisites,
            signatories):
        "lines: the values of the act's lines (Act.line_values)"
        self.act = act
        company = printed_party(company_requisites)
        client = printed_party(client_requisites)
        self.company = company.name or act.company.rec_name
        self.company_inn_kpp = company.inn_kpp
        self.client = client.name or (act.counterparty or act.client).rec_name
        self.client_inn_kpp = client.inn_kpp
        self.start = date_short(act.start_date)
        self.end = date_short(act.end_date)
        self.period = 'за период с %s по %s' % (self.start, self.end)
        self.between = 'между %s и %s' % (self.company, self.client)
        self.contract = ('по договору № %s' % act.contract.rec_name
            if act.contract else '')
        head = signatories.get('head')
        accountant = signatories.get('chief_accountant')
        self.head = signer(head) if head else NO_SIGNER
        self.accountant = signer(accountant) if accountant else NO_SIGNER
        self.preamble = (
            'Мы, нижеподписавшиеся, %s %s %s, с одной стороны, и '
            '%s, с другой стороны, составили настоящий акт сверки в том, '
            'что состояние взаимных расчётов по данным учёта следующее:' % (
                (self.head.position or 'представитель').lower()
                if self.head.position else 'представитель',
                self.company, self.head.name,
                'представитель ' + self.client))
        self.company_data = 'По данным %s, руб.' % self.company
        self.client_data = 'По данным %s, руб.' % self.client
        opening = act.opening_balance or ZERO
        closing = act.closing_balance or ZERO
        filled = any(l['client_debit'] is not None
            or l['client_credit'] is not None for l in lines)
        self.opening = ActLinePrint('', 'Сальдо начальное',
            opening if opening > 0 else ZERO,
            -opening if opening < 0 else ZERO,
            -opening if opening < 0 else ZERO,
            opening if opening > 0 else ZERO, filled)
        self.lines = [ActLinePrint(date_short(l['date']),
                l['document'] or '', l['debit'], l['credit'],
                l['client_debit'], l['client_credit'],
                l['client_debit'] is not None
                or l['client_credit'] is not None,
                date_short(l['date']), l['document'] or '')
            for l in lines]
        client_debit = sum((l['client_debit'] or ZERO for l in lines), ZERO)
        client_credit = sum((l['client_credit'] or ZERO for l in lines),
            ZERO)
        self.turnover = ActLinePrint('', 'Обороты за период', act.debit,
            act.credit, client_debit, client_credit, filled)
        client_closing = act.client_closing_balance
        if client_closing is None:
            client_closing = opening + client_credit - client_debit
        self.closing = ActLinePrint('', 'Сальдо конечное',
            closing if closing > 0 else ZERO,
            -closing if closing < 0 else ZERO,
            -client_closing if client_closing < 0 else ZERO,
            client_closing if client_closing > 0 else ZERO, filled)
        self.conclusion = self.debt_sentence(act.end_date, closing,
            self.company, self.client)

    @staticmethod
    def debt_sentence(date, balance, company, client):
        "Return the closing sentence of the act"
        if not balance:
            return 'на %s задолженность отсутствует.' % date_short(date)
        creditor = company if balance > 0 else client
        amount = abs(balance)
        return ('на %s задолженность в пользу %s составляет %s руб. '
            '(%s).' % (date_short(date), creditor, money(amount),
                amount_in_words(amount, 'RUB')))


class ActReport(ConvertMixin, Report):
    "The printed act of reconciliation"
    __name__ = 'ric.settlement.act'
    __string__ = "Act of Reconciliation"

    @classmethod
    def get_action(cls):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', cls.__name__),
                ], limit=1)
        return action

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        "Convert to the format of the configuration (act_format)"
        pool = Pool()
        Configuration = pool.get('ric.settlement.configuration')
        extension = Configuration(1).act_format or 'pdf'
        if extension != (report.extension or report.template_extension):
            report.extension = extension
        return super().convert(report, data, timeout=timeout, retry=retry)

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        printed = (data or {}).get('_printed')
        if printed and all(r.id in printed for r in records):
            context['acts'] = [printed[r.id] for r in records]
        else:
            context['acts'] = cls.printed(records)
        return context

    @classmethod
    def printed(cls, acts):
        "Return the ActPrint of acts, the requisites read by end date"
        pool = Pool()
        Party = pool.get('party.party')
        Act = pool.get('ric.settlement.act')
        Signatory = pool.get('ric.billing.signatory')
        by_date = defaultdict(list)
        for act in acts:
            by_date[act.end_date].append(act)
        lines = Act.line_values(acts)
        printed = {}
        with without_check_access():
            for date, date_acts in by_date.items():
                requisites = Party.get_requisites(
                    {a.client.id for a in date_acts}
                    | {a.company.party.id for a in date_acts}, date)
                signatories = Signatory.get_signatories(
                    {a.company.id for a in date_acts}, date)
                for act in date_acts:
                    printed[act.id] = ActPrint(act, lines[act.id],
                        requisites.get(act.company.party.id),
                        requisites.get(act.client.id),
                        signatories.get(act.company.id, {}))
        return [printed[a.id] for a in acts]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    ric_acts = fields.One2Many('ric.settlement.act', 'client',
        "Acts of Reconciliation", readonly=True)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ric.settlement.act|generate_period_acts',
                "Make the Acts of Reconciliation"))
