# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Automatic matching of the incoming payments of bank statements

For each incoming origin of a draft statement the matching finds

* the payer: by INN (+ KPP for a branch), by the number of a bank account
  (``bank.account``), by the earlier confirmed payments from the same
  account or INN; the payer's *family* is then the parties sharing its INN
  (head office and branches) and the clients it pays or paid for (the
  counterparty history of ric_party);
* the invoices: the open invoices of the family named in the purpose (see
  :mod:`purpose`), else the only one of the exact amount, else (configured)
  the oldest ones;

and proposes the statement lines: one per invoice paid, the rest as an
advance of the payer on the advance account.  Each origin gets a score
(0-100) and the reasons of the match; below the threshold of the
configuration it waits for the accountant's confirmation.

Everything is loaded for all the origins at once: a constant number of
searches whatever the number of payments (see :class:`Matcher`).
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base.batch import (
    browse_slices, create_slices, in_max, search_ids)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .exceptions import MatchError
from .purpose import invoice_numbers, number_key

#: the score of each way of finding the payer
PARTY_SCORES = {
    'inn_kpp': 100,
    'inn': 100,
    'branch': 95,
    'account': 95,
    'history': 90,
    }
#: the score of each way of finding the invoices
INVOICE_SCORES = {
    'number': 100,
    'number_partial': 100,
    'number_advance': 95,
    'amount': 95,
    'amount_oldest': 80,
    'oldest': 70,
    'advance': 60,
    }


def digits_key(number):
    "Return the digits of an invoice number without its leading zeros"
    digits = ''.join(c for c in str(number) if c.isdigit())
    return digits.lstrip('0') or digits


class Payer:
    "The parties a payment may be from and the invoices they may pay"
    __slots__ = ('parties', 'party', 'how', 'invoices')

    def __init__(self, parties, party, how):
        self.parties = set(parties)
        self.party = party
        self.how = how
        self.invoices = []


class Matcher:
    """The matching of a set of origins of one company

    ``run()`` returns the values of the statement lines to create and
    ``{origin: (state, score, reason)}``."""

    def __init__(self, company, origins, configuration):
        pool = Pool()
        self.pool = pool
        self.company = company
        self.origins = sorted(origins, key=lambda o: (o.date, o.id))
        self.threshold = configuration.get_multivalue(
            'match_threshold', company=company.id)
        self.oldest = configuration.get_multivalue(
            'match_oldest', company=company.id)
        self.advance_account = configuration.get_advance_account_used(
            company)
        self.due = {}
        self.parties = {}

    def run(self):
        """Return the values of the statement lines and of the matches
        (``ric.bank.match``) of the origins"""
        payers = self._payers()
        self._open_invoices(payers)
        lines, matches = [], []
        for origin in self.origins:
            payer = payers.get(origin.id)
            if payer is None:
                matches.append(self._match(origin, 'unmatched', 0, None,
                        None, [gettext('ric_bank.msg_match_no_payer')]))
                continue
            origin_lines, how, reasons = self._allocate(origin, payer)
            reasons.insert(0, self._payer_reason(origin, payer))
            if sum(l['amount'] for l in origin_lines) != origin.amount:
                # no advance account: the rest is left to the accountant
                reasons.append(gettext(
                        'ric_bank.msg_match_no_advance_account'))
                matches.append(self._match(origin, 'review', 0, payer, how,
                        reasons))
            else:
                score = min(PARTY_SCORES[payer.how], INVOICE_SCORES[how])
                state = 'matched' if score >= self.threshold else 'review'
                matches.append(self._match(origin, state, score, payer, how,
                        reasons))
            lines.extend(origin_lines)
        return lines, matches

    @staticmethod
    def _match(origin, state, score, payer, how, reasons):
        return {
            'origin': origin.id,
            'state': state,
            'score': score,
            'party': payer.party if payer else None,
            'party_method': payer.how if payer else None,
            'invoice_method': how,
            'reason': '\n'.join(reasons),
            }

    # --- the payers ---

    def _payers(self):
        """Return {origin id: Payer} of the origins whose payer is found"""
        Party = self.pool.get('party.party')
        by_inn = self._parties_by_inn()
        by_account = self._parties_by_account()
        by_history = self._parties_by_history()
        payers = {}
        for origin in self.origins:
            inn = origin.ric_counterparty_inn
            kpp = origin.ric_counterparty_kpp
            account = origin.ric_counterparty_account
            candidates = by_inn.get(inn, [])
            if candidates:
                family = [p for p, _ in candidates]
                same_kpp = [p for p, kpps in candidates if kpp in kpps]
                if len(candidates) == 1:
                    payer = Payer(family, family[0], 'inn')
                elif len(same_kpp) == 1:
                    payer = Payer(family, same_kpp[0], 'inn_kpp')
                else:
                    payer = Payer(family, self._head_office(candidates),
                        'branch')
            elif len(by_account.get(account, ())) == 1:
                party, = by_account[account]
                payer = Payer([party], party, 'account')
            elif len(by_history.get(account or inn, ())) == 1:
                party, = by_history[account or inn]
                payer = Payer([party], party, 'history')
            else:
                continue
            payers[origin.id] = payer
        self._extend_families(payers.values())
        self.parties = {p.id: p for p in Party.browse(list(
                    {i for p in payers.values() for i in p.parties}))}
        return payers

    @staticmethod
    def _head_office(candidates):
        "Return the head office of the parties sharing an INN"
        for party, kpps in candidates:
            if any(k[4:6] in {'01', '50'} for k in kpps):
                return party
        return candidates[0][0]

    def _parties_by_inn(self):
        "Return {inn: [(party id, kpps)]} of the active parties"
        Identifier = self.pool.get('party.identifier')
        inns = sorted({o.ric_counterparty_inn for o in self.origins
                if o.ric_counterparty_inn})
        found = defaultdict(set)
        for sub in grouped_slice(inns, in_max()):
            for identifier in Identifier.search_read([
                        ('type', '=', 'ru_vat'),
                        ('code', 'in', list(sub)),
                        ('party.active', '=', True),
                        ], order=[('party', 'ASC')],
                    fields_names=['code', 'party']):
                found[identifier['code']].add(identifier['party'])
        kpps = defaultdict(set)
        party_ids = sorted({i for ids in found.values() for i in ids})
        for sub in grouped_slice(party_ids, in_max()):
            for identifier in Identifier.search_read([
                        ('type', '=', 'ru_kpp'),
                        ('party', 'in', list(sub)),
                        ], fields_names=['code', 'party']):
                kpps[identifier['party']].add(identifier['code'])
        return {inn: [(i, kpps[i]) for i in sorted(ids)]
            for inn, ids in found.items()}

    def _parties_by_account(self):
        "Return {account number: {party id}} of the owners of bank accounts"
        Number = self.pool.get('bank.account.number')
        numbers = sorted({o.ric_counterparty_account for o in self.origins
                if o.ric_counterparty_account})
        found = defaultdict(set)
        for sub in grouped_slice(numbers, in_max()):
            for number in browse_slices(Number, search_ids(Number, [
                            ('number_compact', 'in', list(sub)),
                            ('account.active', '=', True),
                            ])):
                found[number.number_compact].update(
                    o.id for o in number.account.owners if o.active)
        return found

    def _parties_by_history(self):
        """Return {account number or INN: {party id}} of the payers of the
        earlier confirmed matches of payments from the account (or the INN
        when the payment has no account)"""
        Match = self.pool.get('ric.bank.match')
        keys = sorted({o.ric_counterparty_account or o.ric_counterparty_inn
                for o in self.origins} - {None, ''})
        found = defaultdict(set)
        for sub in grouped_slice(keys, in_max()):
            sub = list(sub)
            for match in browse_slices(Match, search_ids(Match, [
                            ('state', '=', 'confirmed'),
                            ('party', '!=', None),
                            ('origin.statement.company', '=',
                                self.company.id),
                            ['OR',
                                ('origin.ric_counterparty_account', 'in',
                                    sub),
                                [('origin.ric_counterparty_account',
                                  '=', None),
                                    ('origin.ric_counterparty_inn', 'in',
                                        sub)],
                                ],
                            ])):
                origin = match.origin
                key = (origin.ric_counterparty_account
                    or origin.ric_counterparty_inn)
                found[key].add(match.party.id)
        return found

    def _extend_families(self, payers):
        """Add to each family the clients its parties pay or paid for and
        the counterparties of those clients"""
        History = self.pool.get('ric.party.counterparty')
        party_ids = sorted({i for p in payers for i in p.parties})
        clients = defaultdict(set)
        for sub in grouped_slice(party_ids, in_max()):
            for line in History.search_read([
                        ('counterparty', 'in', list(sub)),
                        ], fields_names=['counterparty', 'client']):
                clients[line['counterparty']].add(line['client'])
        for payer in payers:
            for party in list(payer.parties):
                payer.parties |= clients.get(party, set())

    def _payer_reason(self, origin, payer):
        party = self.parties[payer.party]
        return gettext('ric_bank.msg_match_payer_' + payer.how,
            party=party.rec_name, inn=origin.ric_counterparty_inn or '',
            kpp=origin.ric_counterparty_kpp or '',
            account=origin.ric_counterparty_account or '')

    # --- the invoices ---

    def _open_invoices(self, payers):
        """Fill the invoices of each payer: the posted customer invoices of
        its family (as party or as RIC client), oldest first, and their
        amount due in self.due"""
        Invoice = self.pool.get('account.invoice')
        party_ids = sorted({i for p in payers.values() for i in p.parties})
        invoice_ids = set()
        for sub in grouped_slice(party_ids, in_max() // 2):
            sub = list(sub)
            invoice_ids.update(search_ids(Invoice, [
                        ('company', '=', self.company.id),
                        ('type', '=', 'out'),
                        ('state', '=', 'posted'),
                        ['OR',
                            ('party', 'in', sub),
                            ('ric_client', 'in', sub),
                            ],
                        ]))
        invoices = sorted(browse_slices(Invoice, sorted(invoice_ids)),
            key=lambda i: (i.invoice_date, i.number or '', i.id))
        self.due = {i.id: i.amount_to_pay for i in invoices}
        for invoice_id, amount in self._pending_lines(invoices).items():
            self.due[invoice_id] -= amount
        by_party = defaultdict(list)
        for invoice in invoices:
            if self.due[invoice.id] > 0:
                by_party[invoice.party.id].append(invoice)
                if invoice.ric_client and (
                        invoice.ric_client.id != invoice.party.id):
                    by_party[invoice.ric_client.id].append(invoice)
        for payer in payers.values():
            seen = set()
            for party in sorted(payer.parties):
                for invoice in by_party.get(party, []):
                    if invoice.id not in seen:
                        seen.add(invoice.id)
                        payer.invoices.append(invoice)
            payer.invoices.sort(
                key=lambda i: (i.invoice_date, i.number or '', i.id))

    def _pending_lines(self, invoices):
        """Return {invoice id: amount} of the lines of the draft statements
        already allocated to the invoices"""
        Line = self.pool.get('account.statement.line')
        result = defaultdict(Decimal)
        references = ['account.invoice,%s' % i.id for i in invoices]
        for sub in grouped_slice(references, in_max()):
            for line in Line.search_read([
                        ('statement.state', '=', 'draft'),
                        ('related_to', 'in', list(sub)),
                        ], fields_names=['related_to', 'amount']):
                invoice_id = int(line['related_to'].split(',')[1])
                result[invoice_id] += line['amount']
        return result

    def _allocate(self, origin, payer):
        """Return the values of the lines of the origin, how its invoices
        were found and the reasons"""
        invoices, how, reasons = self._named_invoices(origin, payer)
        if not invoices:
            exact = [i for i in payer.invoices
                if self.due[i.id] == origin.amount]
            if exact:
                invoices = exact[:1]
                how = 'amount' if len(exact) == 1 else 'amount_oldest'
            elif self.oldest and payer.invoices:
                invoices, how = payer.invoices, 'oldest'
            else:
                how = 'advance'
        lines, remaining = [], origin.amount
        position = len(reasons)
        for invoice in invoices:
            if remaining <= 0:
                break
            amount = min(remaining, self.due[invoice.id])
            if amount <= 0:
                continue
            self.due[invoice.id] -= amount
            remaining -= amount
            lines.append(self._line(origin, amount, invoice.party.id,
                    invoice.account.id, invoice))
            reasons.append(gettext(
                    'ric_bank.msg_match_invoice_paid'
                    if not self.due[invoice.id]
                    else 'ric_bank.msg_match_invoice_partial',
                    invoice=invoice.rec_name, amount=amount))
        if remaining > 0:
            if how == 'number':
                how = 'number_advance'
            if self.advance_account:
                lines.append(self._line(origin, remaining, payer.party,
                        self.advance_account.id, None))
            reasons.append(gettext('ric_bank.msg_match_advance',
                    amount=remaining))
        reasons.insert(position, gettext('ric_bank.msg_match_how_' + how))
        return lines, how, reasons

    def _named_invoices(self, origin, payer):
        """Return the open invoices of the payer named in the purpose, how
        and the reasons"""
        numbers = invoice_numbers(origin.description)
        if not numbers:
            return [], None, []
        by_key, by_digits = defaultdict(list), defaultdict(list)
        for invoice in payer.invoices:
            if invoice.number:
                by_key[number_key(invoice.number)].append(invoice)
                by_digits[digits_key(invoice.number)].append(invoice)
        invoices, unknown = [], []
        for number in numbers:
            found = by_key.get(number_key(number))
            if not found and not any(c.isalpha() for c in number):
                found = by_digits.get(digits_key(number))
            found = [i for i in (found or []) if i not in invoices]
            if len(found) == 1:
                invoices.extend(found)
            else:
                unknown.append(number)
        reasons = []
        if unknown:
            reasons.append(gettext('ric_bank.msg_match_number_unknown',
                    numbers=', '.join(unknown)))
        if not invoices:
            return [], None, reasons
        total = sum(self.due[i.id] for i in invoices)
        how = 'number' if origin.amount >= total else 'number_partial'
        return invoices, how, reasons

    def _line(self, origin, amount, party, account, invoice):
        return {
            'statement': origin.statement.id,
            'origin': origin.id,
            'date': origin.date,
            'number': origin.number,
            'description': origin.description,
            'amount': amount,
            'party': party,
            'account': account,
            'related_to': str(invoice) if invoice else None,
            }


STATES = [
    ('matched', "Matched"),
    ('review', "To Review"),
    ('unmatched', "Unmatched"),
    ('confirmed', "Confirmed"),
    ]
PARTY_METHODS = [
    (None, ""),
    ('inn', "By INN"),
    ('inn_kpp', "By INN and KPP"),
    ('branch', "By INN of a Head Office or Branch"),
    ('account', "By Bank Account"),
    ('history', "By Earlier Payments"),
    ]
INVOICE_METHODS = [
    (None, ""),
    ('number', "By Invoice Number"),
    ('number_partial', "By Invoice Number, Partial Payment"),
    ('number_advance', "By Invoice Number, With an Advance"),
    ('amount', "By Amount"),
    ('amount_oldest', "By Amount, the Oldest of Several"),
    ('oldest', "The Oldest Invoices"),
    ('advance', "Advance"),
    ]


class Match(ModelSQL, ModelView):
    "Payment Match"
    __name__ = 'ric.bank.match'
    __string__ = "Payment Match"

    origin = fields.Many2One('account.statement.origin', "Payment",
        required=True, readonly=True, ondelete='CASCADE')
    state = fields.Selection(STATES, "State", readonly=True, sort=False)
    score = fields.Integer("Score", readonly=True,
        help="How sure the matching is, from 0 to 100.")
    party = fields.Many2One('party.party', "Payer", readonly=True,
        ondelete='SET NULL', context={
            'company': Eval('company', -1),
            }, depends={'company'})
    party_method = fields.Selection(
        PARTY_METHODS, "Payer Found", readonly=True, sort=False)
    invoice_method = fields.Selection(
        INVOICE_METHODS, "Invoices Found", readonly=True, sort=False)
    reason = fields.Text("Reason", readonly=True)
    company = fields.Function(
        fields.Many2One('company.company', "Company"), 'get_origin_field',
        searcher='search_origin_field')
    statement = fields.Function(
        fields.Many2One('account.statement', "Statement"),
        'get_origin_field', searcher='search_origin_field')
    date = fields.Function(fields.Date("Date"), 'get_origin_field',
        searcher='search_origin_field')
    amount = fields.Function(Monetary("Amount", currency='currency',
            digits='currency'), 'get_origin_field')
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_origin_field')
    description = fields.Function(
        fields.Char("Purpose"), 'get_origin_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('origin_unique', Unique(t, t.origin),
                'ric_bank.msg_match_origin_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(['review', 'unmatched'])),
                Index(t, (t.party, Index.Range())),
                })
        cls._order = [('origin', 'DESC'), ('id', 'DESC')]
        cls.__access__.add('origin')

    def get_origin_field(self, name):
        value = getattr(self.origin, name)
        return value.id if isinstance(value, ModelSQL) else value

    @classmethod
    def search_origin_field(cls, name, clause):
        return [('origin.' + clause[0],) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return self.origin.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('origin.rec_name',) + tuple(clause[1:])]


class Origin(metaclass=PoolMeta):
    __name__ = 'account.statement.origin'

    ric_matches = fields.One2Many(
        'ric.bank.match', 'origin', "Matches", readonly=True)
    ric_match = fields.Function(fields.Many2One('ric.bank.match', "Match"),
        'get_ric_match', searcher='search_ric_match')
    ric_match_state = fields.Function(
        fields.Selection([(None, "")] + STATES, "Match State"),
        'get_ric_match', searcher='search_ric_match')
    ric_match_score = fields.Function(
        fields.Integer("Match Score"), 'get_ric_match')
    ric_match_reason = fields.Function(
        fields.Text("Match Reason"), 'get_ric_match')
    ric_candidates = fields.Function(fields.Many2Many(
            'account.invoice', None, None, "Open Invoices of the Payer",
            help="The open invoices of the payer, its branches and the "
            "clients it pays for."), 'get_ric_candidates')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ric_confirm': {
                    'invisible': ~Eval('ric_match_state').in_(
                        ['review', 'unmatched']),
                    'readonly': Eval('statement_state') != 'draft',
                    'depends': ['ric_match_state', 'statement_state'],
                    },
                'ric_rematch': {
                    'invisible': Eval('statement_state') != 'draft',
                    'readonly': Eval('amount', 0) <= 0,
                    'depends': ['statement_state', 'amount'],
                    },
                })

    @classmethod
    def get_ric_match(cls, origins, names):
        pool = Pool()
        Match = pool.get('ric.bank.match')
        result = {n: {o.id: None for o in origins} for n in names}
        for sub in grouped_slice([o.id for o in origins], in_max()):
            for match in browse_slices(Match, search_ids(Match, [
                            ('origin', 'in', list(sub))])):
                origin = match.origin.id
                for name in names:
                    if name == 'ric_match':
                        result[name][origin] = match.id
                    else:
                        result[name][origin] = getattr(
                            match, name[len('ric_match_'):])
        return result

    @classmethod
    def search_ric_match(cls, name, clause):
        field = 'id' if name == 'ric_match' else name[len('ric_match_'):]
        _, operator, value = clause[:3]
        if value is None and operator in {'=', '!='}:
            return [('ric_matches', operator, None)]
        return [('ric_matches.' + field,) + tuple(clause[1:])]

    @classmethod
    def get_ric_candidates(cls, origins, name):
        result = {o.id: [] for o in origins}
        incoming = [o for o in origins if (o.amount or 0) > 0
            and o.statement and o.statement.company]
        by_company = defaultdict(list)
        for origin in incoming:
            by_company[origin.statement.company].append(origin)
        configuration = Pool().get('ric.bank.configuration')(1)
        for company, company_origins in by_company.items():
            with Transaction().set_context(company=company.id):
                matcher = Matcher(company, company_origins, configuration)
                payers = matcher._payers()
                matcher._open_invoices(payers)
            for origin_id, payer in payers.items():
                result[origin_id] = [i.id for i in payer.invoices]
        return result

    @classmethod
    @ModelView.button
    def ric_confirm(cls, origins):
        "Confirm the lines of the payments waiting for review"
        pool = Pool()
        Match = pool.get('ric.bank.match')
        Statement = pool.get('account.statement')
        for origin in origins:
            if origin.pending_amount:
                raise MatchError(gettext('ric_bank.msg_match_confirm_pending',
                        origin=origin.rec_name,
                        amount=origin.pending_amount))
        missing = [o for o in origins if not o.ric_match]
        to_write = []
        by_party = defaultdict(list)
        for origin in origins:
            parties = {l.party for l in origin.lines if l.party}
            party = parties.pop() if len(parties) == 1 else None
            if origin.ric_match:
                by_party[party].append(origin.ric_match)
        for party, sub in by_party.items():
            to_write.extend((sub, {
                        'state': 'confirmed',
                        'party': party.id if party else None,
                        }))
        if to_write:
            Match.write(*to_write)
        if missing:
            Match.create([{
                        'origin': o.id,
                        'state': 'confirmed',
                        'score': 100,
                        'party': next((l.party.id for l in o.lines
                                if l.party), None),
                        } for o in missing])
        Statement.ric_validate_matched(list({o.statement for o in origins}))

    @classmethod
    @ModelView.button
    def ric_rematch(cls, origins):
        "Drop the lines and the match of the payments and match them again"
        pool = Pool()
        Line = pool.get('account.statement.line')
        Match = pool.get('ric.bank.match')
        origins = [o for o in origins
            if o.statement.state == 'draft' and (o.amount or 0) > 0]
        Line.delete([l for o in origins for l in o.lines])
        Match.delete([m for o in origins for m in o.ric_matches])
        match(cls.browse(origins))


class Statement(metaclass=PoolMeta):
    __name__ = 'account.statement'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ric_match': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def ric_match(cls, statements):
        """Match the incoming payments of the statements without lines,
        then apply the statement rules to the others"""
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        Rule = pool.get('account.statement.rule')
        statements = [s for s in statements if s.state == 'draft']
        origins = []
        for sub in grouped_slice([s.id for s in statements], in_max()):
            # ids: a search instantiates all its records at once
            origins.extend(search_ids(Origin, [
                        ('statement', 'in', list(sub)),
                        ('amount', '>', 0),
                        ('lines', '=', None),
                        ('ric_matches', '=', None),
                        ]))
        match(origins)
        if Rule.search([], limit=1):
            cls.apply_rules(statements)
        cls.ric_validate_matched(statements)

    @classmethod
    def ric_validate_matched(cls, statements):
        """Validate the draft statements whose payments are all allocated
        and none waits for review, where the configuration says so"""
        pool = Pool()
        Configuration = pool.get('ric.bank.configuration')
        configuration = Configuration(1)
        to_validate = []
        for statement in statements:
            if statement.state != 'draft' or not (
                    configuration.get_multivalue('validate_matched',
                        company=statement.company.id)):
                continue
            # the outgoing documents have no match: the statement rules
            # gave them their lines
            if all(not o.pending_amount and (o.amount < 0
                        or o.ric_match_state in {'matched', 'confirmed'})
                    for o in statement.origins):
                to_validate.append(statement)
        if to_validate:
            cls.validate_statement(to_validate)

    @classmethod
    def validate_statement(cls, statements):
        pool = Pool()
        Match = pool.get('ric.bank.match')
        waiting = Match.search([
                ('origin.statement', 'in', [s.id for s in statements]),
                ('state', '=', 'review'),
                ], limit=1)
        if waiting:
            match, = waiting
            raise MatchError(gettext('ric_bank.msg_match_waiting_review',
                    statement=match.origin.statement.rec_name,
                    origin=match.origin.rec_name))
        super().validate_statement(statements)


def match(origins):
    """Match the incoming origins of draft statements (without lines):
    create their lines and their matches; return the matches"""
    pool = Pool()
    Configuration = pool.get('ric.bank.configuration')
    Line = pool.get('account.statement.line')
    Match = pool.get('ric.bank.match')
    Origin = pool.get('account.statement.origin')
    configuration = Configuration(1)
    by_company = defaultdict(list)
    for origin in browse_slices(Origin, origins):
        by_company[origin.statement.company].append(origin)
    lines, matches = [], []
    for company, company_origins in by_company.items():
        with Transaction().set_context(company=company.id):
            matcher = Matcher(company, company_origins, configuration)
            company_lines, company_matches = matcher.run()
        lines.extend(company_lines)
        matches.extend(company_matches)
    # trytond 8.0 checks every id of a batch when it makes each record of
    # it: small batches keep the validation of the created lines linear
    create_slices(Line, lines)
    return create_slices(Match, matches)
