# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cash desk: the cash orders of the statements of a cash journal.

A statement journal flagged *Cash Desk* (``ric_cash``) keeps the cash of a
company (account 50 «Касса» of the Russian chart); each line of its
statements is a cash order: a receipt order (приходный кассовый ордер,
unified form КО-1) when it brings cash in, an expense order (расходный
кассовый ордер, КО-2) when it pays cash out.  The order number comes from
the strict sequence of the journal for its kind, once, when the statement
is validated; the printed forms are the reports
``ric.bank.cash.receipt_order`` and ``ric.bank.cash.expense_order`` on
``account.statement.line``.  The payment itself is Tryton's: the stock
``account.statement`` creates the move and reconciles the invoice.
"""
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal

from sql.functions import CharLength

from trytond.i18n import gettext
from trytond.model import Unique, fields
from trytond.model.exceptions import AccessError
from trytond.modules.ric_base.office import ConvertMixin
from trytond.modules.ric_base.tools import amount_in_words
from trytond.modules.ric_billing.report import (
    DASH, NBSP, NO_SIGNER, date_short, date_text, money, printed_party,
    rate_text, signer)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, Id
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .exceptions import CashOrderError

#: the kinds of cash orders
ORDER_KINDS = [
    (None, ''),
    ('receipt', "Receipt Order"),
    ('expense', "Expense Order"),
    ]
#: the unified forms of the kinds: (form, OKUD code)
FORMS = {
    'receipt': ('КО-1', '0310001'),
    'expense': ('КО-2', '0310002'),
    }
#: the codes of the cash account of the Russian chart, the sub-account of
#: the company's cash desk first
CASH_ACCOUNT_CODES = ['50.01', '50']
#: the party identifier of the OKPO code (Общероссийский классификатор
#: предприятий и организаций) printed on the cash orders
OKPO = 'ru_okpo'


def order_kind(amount):
    "Return the kind of the cash order of an amount (None for zero)"
    if not amount:
        return None
    return 'receipt' if amount > 0 else 'expense'


class PartyConfiguration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = list(cls.identifier_types.selection)
        if OKPO not in dict(selection):
            cls.identifier_types.selection = selection + [
                (OKPO, "Russian Classifier of Enterprises (OKPO)")]


class Signatory(metaclass=PoolMeta):
    __name__ = 'ric.billing.signatory'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        if 'cashier' not in dict(cls.role.selection):
            cls.role.selection = list(cls.role.selection) + [
                ('cashier', "Cashier")]


class Journal(metaclass=PoolMeta):
    __name__ = 'account.statement.journal'

    ric_cash = fields.Boolean("Cash Desk",
        help="The journal keeps the cash of the company: its lines are cash "
        "orders, numbered when the statement is validated and printed as "
        "the unified forms КО-1 and КО-2.")
    ric_receipt_sequence = fields.Many2One(
        'ir.sequence.strict', "Receipt Order Sequence",
        domain=[
            ('sequence_type', '=', Id('ric_bank', 'sequence_type_cash_order')),
            ('company', 'in', [Eval('company', -1), None]),
            ],
        states={
            'invisible': ~Eval('ric_cash'),
            'required': Bool(Eval('ric_cash')),
            },
        help="The sequence of the numbers of the receipt orders (ПКО).")
    ric_expense_sequence = fields.Many2One(
        'ir.sequence.strict', "Expense Order Sequence",
        domain=[
            ('sequence_type', '=', Id('ric_bank', 'sequence_type_cash_order')),
            ('company', 'in', [Eval('company', -1), None]),
            ],
        states={
            'invisible': ~Eval('ric_cash'),
            'required': Bool(Eval('ric_cash')),
            },
        help="The sequence of the numbers of the expense orders (РКО).")

    @classmethod
    def default_ric_cash(cls):
        return False

    @fields.depends('ric_cash', 'company', 'account')
    def on_change_ric_cash(self):
        if self.ric_cash and self.company and not self.account:
            self.account = self.ric_cash_account(self.company)

    @classmethod
    def ric_cash_account(cls, company):
        "Return the cash account of company: 50.01, else 50 (or None)"
        Account = Pool().get('account.account')
        accounts = Account.search([
                ('company', '=', company.id),
                ('code', 'in', CASH_ACCOUNT_CODES),
                ('type', '!=', None),
                ('closed', '!=', True),
                ])
        by_code = {a.code: a for a in accounts}
        for code in CASH_ACCOUNT_CODES:
            if code in by_code:
                return by_code[code]
        return None

    def ric_order_sequence(self, kind):
        "Return the strict sequence of the cash orders of kind"
        return {
            'receipt': self.ric_receipt_sequence,
            'expense': self.ric_expense_sequence,
            }[kind]


class Statement(metaclass=PoolMeta):
    __name__ = 'account.statement'

    @classmethod
    def validate_statement(cls, statements):
        pool = Pool()
        Line = pool.get('account.statement.line')
        Sequence = pool.get('ir.sequence.strict')
        drafts = [s for s in statements if s.state == 'draft']
        # the locks the numbering needs, taken before the moves are made
        cash = [s for s in drafts if s.journal.ric_cash]
        Line.lock([l for s in cash for l in s.lines])
        Sequence.lock(list({q for s in cash for q in [
                        s.journal.ric_receipt_sequence,
                        s.journal.ric_expense_sequence] if q}))
        super().validate_statement(statements)
        validated = cls.browse([s.id for s in drafts])
        Line.ric_number_cash_orders([l for s in validated
                if s.state == 'validated' and s.journal.ric_cash
                for l in s.lines])


class Line(metaclass=PoolMeta):
    __name__ = 'account.statement.line'

    ric_cash = fields.Function(
        fields.Boolean("Cash Desk"), 'on_change_with_ric_cash',
        searcher='search_ric_cash')
    ric_order_kind = fields.Function(
        fields.Selection(ORDER_KINDS, "Cash Order",
            states={
                'invisible': ~Eval('ric_cash'),
                }),
        'on_change_with_ric_order_kind')
    ric_order_number = fields.Char("Order Number", readonly=True,
        states={
            'invisible': ~Eval('ric_cash'),
            },
        help="The number of the cash order, given once from the sequence "
        "of the cash journal when the statement is validated.")
    ric_order_sequence = fields.Many2One(
        'ir.sequence.strict', "Order Sequence", readonly=True,
        ondelete='RESTRICT',
        states={
            'invisible': True,
            })
    ric_order_person = fields.Char("Person",
        states={
            'invisible': ~Eval('ric_cash'),
            'readonly': Eval('statement_state').in_(['posted', 'cancelled']),
            },
        help="«Принято от» of a receipt order, «Выдать» of an expense "
        "order: the person who brings or receives the cash (the name of the "
        "party by default).")
    ric_order_basis = fields.Char("Basis",
        states={
            'invisible': ~Eval('ric_cash'),
            'readonly': Eval('statement_state').in_(['posted', 'cancelled']),
            },
        help="«Основание» of the cash order: why the cash is received or "
        "paid (the description of the line by default).")
    ric_order_attachment = fields.Char("Attachment",
        states={
            'invisible': ~Eval('ric_cash'),
            'readonly': Eval('statement_state').in_(['posted', 'cancelled']),
            },
        help="«Приложение» of the cash order: the documents attached to it.")
    ric_order_identity = fields.Char("Identity Document",
        states={
            'invisible': Eval('ric_order_kind') != 'expense',
            'readonly': Eval('statement_state').in_(['posted', 'cancelled']),
            },
        help="The identity document of the recipient of the cash printed "
        "after «По» on the expense order: its name, number, date and place "
        "of issue.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ric_order_number_unique',
                Unique(t, t.ric_order_sequence, t.ric_order_number),
                'ric_bank.msg_cash_order_number_unique'),
            ]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//group[@id="ric_cash_order"]', 'states', {
                    'invisible': ~Eval('ric_cash'),
                    }),
            ]

    @classmethod
    def order_ric_order_number(cls, tables):
        table, _ = tables[None]
        return [CharLength(table.ric_order_number), table.ric_order_number]

    @fields.depends('statement', '_parent_statement.journal')
    def on_change_with_ric_cash(self, name=None):
        return bool(self.statement and self.statement.journal
            and self.statement.journal.ric_cash)

    @classmethod
    def search_ric_cash(cls, name, clause):
        _, operator, value = clause[:3]
        return [('statement.journal.ric_cash', operator, value)]

    @fields.depends('amount', methods=['on_change_with_ric_cash'])
    def on_change_with_ric_order_kind(self, name=None):
        if self.on_change_with_ric_cash():
            return order_kind(self.amount)

    @fields.depends('party', 'ric_order_person')
    def on_change_party(self):
        super().on_change_party()
        if self.party and not self.ric_order_person:
            self.ric_order_person = self.party.rec_name

    @fields.depends('description', 'ric_order_basis')
    def on_change_description(self):
        parent = getattr(super(), 'on_change_description', None)
        if parent:
            parent()
        if self.description and not self.ric_order_basis:
            self.ric_order_basis = self.description

    @fields.depends('ric_order_basis', methods=['ric_default_basis'])
    def on_change_related_to(self):
        super().on_change_related_to()
        if not self.ric_order_basis:
            self.ric_order_basis = self.ric_default_basis()

    @fields.depends('description', methods=['invoice'])
    def ric_default_basis(self):
        "Return the basis of the order: the description, else the invoice"
        if self.description:
            return self.description
        invoice = self.invoice
        if invoice and invoice.number:
            return gettext('ric_bank.msg_cash_order_basis_invoice',
                number=invoice.number,
                date=date_short(invoice.invoice_date))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'delete':
            for line in lines:
                if line.ric_order_number:
                    raise AccessError(gettext(
                            'ric_bank.msg_cash_order_delete_numbered',
                            number=line.ric_order_number,
                            statement=line.statement.rec_name))
        elif mode == 'write':
            if external and values.keys() & {
                    'ric_order_number', 'ric_order_sequence'}:
                raise AccessError(gettext(
                        'ric_bank.msg_cash_order_number_readonly'))
            if 'amount' in values:
                kind = order_kind(values['amount'])
                for line in lines:
                    if (line.ric_order_number
                            and order_kind(line.amount) != kind):
                        raise AccessError(gettext(
                                'ric_bank.msg_cash_order_kind_numbered',
                                number=line.ric_order_number,
                                statement=line.statement.rec_name))

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ric_order_number')
        default.setdefault('ric_order_sequence')
        return super().copy(lines, default=default)

    @classmethod
    def ric_number_cash_orders(cls, lines):
        """Give their number to the cash orders of lines that have none

        The lines of a cash journal with an amount get, in the order of
        their date, statement and sequence, the next number of the strict
        sequence of the journal for their kind; a line keeps the number it
        has (a statement validated again gives no new number).  The lines
        are locked first, so that two validations of one statement do not
        both number it, and the unique key (sequence, number) makes sure no
        number is given twice.
        """
        lines = [l for l in lines
            if l.ric_order_kind and not l.ric_order_number]
        if not lines:
            return
        cls.lock(lines)
        # a concurrent validation numbered them while we waited
        lines = [l for l in cls.browse([l.id for l in lines])
            if not l.ric_order_number]
        groups = OrderedDict()
        for line in sorted(lines, key=lambda l: (
                    l.date, l.statement.id, l.sequence or 0, l.id)):
            journal = line.statement.journal
            kind = line.ric_order_kind
            sequence = journal.ric_order_sequence(kind)
            if not sequence:
                raise CashOrderError(gettext(
                        'ric_bank.msg_cash_journal_no_sequence',
                        journal=journal.rec_name,
                        kind=dict(cls.fields_get(['ric_order_kind'])[
                                'ric_order_kind']['selection'])[kind]))
            groups.setdefault((sequence, line.date), []).append(line)
        to_write = []
        for (sequence, date), group in groups.items():
            with Transaction().set_context(date=date):
                numbers = list(sequence.get_many(len(group)))
            for line, number in zip(group, numbers):
                values = {
                    'ric_order_number': number,
                    'ric_order_sequence': sequence.id,
                    }
                if not line.ric_order_person and line.party:
                    values['ric_order_person'] = line.party.rec_name
                if not line.ric_order_basis:
                    basis = line.ric_default_basis()
                    if basis:
                        values['ric_order_basis'] = basis
                to_write.extend(([line], values))
        # the numbers are the system's: a user cannot write them
        with without_check_access():
            cls.write(*to_write)


class CashOrder:
    "The texts of the printed cash order of a line (the template's ``order``)"

    def __init__(self, line, company, okpo, signers):
        self.line = line
        self.kind = order_kind(line.amount)
        self.form, self.okud = FORMS[self.kind]
        self.company = company.name
        self.okpo = okpo or ''
        self.number = line.ric_order_number
        self.date = date_short(line.date)
        self.date_text = date_text(line.date)
        self.day = '%02d' % line.date.day
        cash = line.statement.journal.account.code or ''
        other = line.account.code or ''
        if self.kind == 'receipt':
            self.debit, self.credit = cash, other
        else:
            self.debit, self.credit = other, cash
        amount = abs(line.amount)
        currency = line.currency or line.company.currency
        self.amount = money(amount)
        self.amount_words = amount_in_words(amount, currency.code)
        rubles, kopecks = self.amount.split(',')
        self.rubles = rubles
        self.kopecks = kopecks
        self.vat = vat_text(line, amount)
        self.person = (line.ric_order_person
            or (line.party.rec_name if line.party else ''))
        self.basis = line.ric_order_basis or line.description or ''
        self.attachment = line.ric_order_attachment or ''
        self.identity = line.ric_order_identity or ''
        self.head = signers.get('head') or NO_SIGNER
        self.accountant = signers.get('chief_accountant') or self.head
        self.cashier = signers.get('cashier') or NO_SIGNER


def vat_text(line, amount):
    """Return the VAT of the amount of line as printed after «В том числе»

    The VAT of the invoice of the line in the proportion of the amount to
    the invoice total («НДС (22 %) 2 200,00 руб.»), «Без налога (НДС)» for
    a line without an invoice with VAT."""
    invoice = line.invoice
    if not invoice or not invoice.tax_amount or not invoice.total_amount:
        return 'Без налога (НДС)'
    taxes = [t.tax for t in invoice.taxes if t.tax and t.amount]
    rates = ', '.join(sorted({rate_text(t) for t in taxes}))
    tax = invoice.currency.round(
        (amount * abs(invoice.tax_amount) / abs(invoice.total_amount)
            ).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))
    return 'НДС%s%s%s руб.' % (
        ' (%s)' % rates if rates else '', NBSP, money(tax))


class CashOrderReport(ConvertMixin, Report):
    "The printed cash orders of statement lines of a cash journal"
    __slots__ = ()
    #: the kind of the orders of the report (see ORDER_KINDS)
    kind = None

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Line = pool.get('account.statement.line')
        context = super().get_context(records, header, data)
        lines = Line.browse([r.id for r in records])
        for line in lines:
            cls.check_line(line)
        context['orders'] = cls.orders(lines)
        context['order'] = (
            context['orders'][0] if context['orders'] else None)
        context['DASH'] = DASH
        return context

    @classmethod
    def check_line(cls, line):
        "Raise CashOrderError when line has no order of the report's kind"
        Lang = Pool().get('ir.lang')
        statement = line.statement.rec_name
        amount = Lang.get().currency(line.amount, line.currency)
        if not line.ric_cash:
            raise CashOrderError(gettext('ric_bank.msg_cash_order_not_cash',
                    statement=statement, amount=amount,
                    journal=line.statement.journal.rec_name))
        kind = order_kind(line.amount)
        if kind != cls.kind:
            raise CashOrderError(gettext(
                    'ric_bank.msg_cash_order_not_%s' % cls.kind,
                    statement=statement, amount=amount))
        if not line.ric_order_number:
            raise CashOrderError(gettext(
                    'ric_bank.msg_cash_order_no_number',
                    statement=statement, amount=amount))

    @classmethod
    def orders(cls, lines):
        "Return the CashOrder of lines (the requisites read once by date)"
        pool = Pool()
        Party = pool.get('party.party')
        Signatory = pool.get('ric.billing.signatory')
        result = {}
        by_date = OrderedDict()
        for line in lines:
            by_date.setdefault(line.date, []).append(line)
        with without_check_access():
            for date, group in by_date.items():
                parties = {l.company.party.id for l in group}
                requisites = Party.get_requisites(parties, date)
                signatories = Signatory.get_signatories(
                    {l.company.id for l in group}, date)
                for line in group:
                    party = line.company.party
                    company = printed_party(requisites.get(party.id))
                    if not company.name:
                        company = company._replace(name=party.rec_name)
                    signers = {role: signer(s) for role, s in
                        signatories.get(line.company.id, {}).items()}
                    result[line.id] = CashOrder(
                        line, company, okpo_of(party), signers)
        return [result[l.id] for l in lines]


def okpo_of(party):
    "Return the OKPO code of party (its identifier ru_okpo) or None"
    for identifier in party.identifiers:
        if identifier.type == OKPO and identifier.active:
            return identifier.code
    return None


class ReceiptOrder(CashOrderReport):
    "Cash Receipt Order"
    __name__ = 'ric.bank.cash.receipt_order'
    __string__ = "Cash Receipt Order"
    kind = 'receipt'


class ExpenseOrder(CashOrderReport):
    "Cash Expense Order"
    __name__ = 'ric.bank.cash.expense_order'
    __string__ = "Cash Expense Order"
    kind = 'expense'
