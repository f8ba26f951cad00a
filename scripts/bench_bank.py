#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of ric_bank: a month of payments imported and matched

Creates a PostgreSQL database with ric_bank activated, the RIC's company
(account_ru chart, fiscal year 2026 with the invoice sequence, VAT 22 %),
its settlement account and statement journal, and a base of clients as
untidy as a real one (see ``scripts/bench_bank_data.py``):

* organisations with a valid INN and KPP, entrepreneurs (12-digit INN);
* head offices whose branch (same INN, its own KPP) pays for them;
* clients whose invoices go to a new legal person while the earlier one
  still pays (``ric.party.counterparty`` history: client → old legal person
  from 2024, → new legal person from 2026; invoice party = the new one,
  RIC client = the client);
* private persons without INN paying from a bank account known to the
  books (``bank.account`` with a valid number for the BIK of its bank);
* payers unknown to the books.

Each client gets 1–3 posted customer invoices (January–March 2026), made
directly with ``account.invoice`` create and post in batches, as a billing
run makes them (``ric_client`` set, the VAT of the company's regime) but
without the distributives and price lists a run needs.  Then one bank file
of --payments incoming payments of March (1CClientBankExchange, cp1251,
CRLF, with a few outgoing documents) is written as payers write: numbers
in every form («оплата по счету № 123 от …», «сч.123», «счета 12, 15 и
17», typos «щет», «сч-т», «счт», numbers with zeros, spaces or dashes,
«РИЦ-000123» with --prefix), VAT phrases, no number, partial payments,
doplata, overpayments, several invoices per payment, the number of another
client's invoice, a number no invoice has.  Each payment keeps its truth:
the invoices an accountant allocates it to (see bench_bank_data) and the
parties it may be allocated to.

Timed on the same data, in the same run:

1. ours: the import wizard ``account.statement.import`` (format
   ``1c_clientbank``), then ``Statement.ric_match``; each in its own
   transaction, committed;
2. the stock peer: the lines and matches of the same payments (or of
   --peer-payments of them) are deleted, the best ``account.statement.rule``
   records stock features allow are created — an invoice number regex with
   the group ``invoice`` for the common forms, the payer's account
   (information ``ric_payer_account``, group ``bank_account``), the party
   found at import as fallback, all on 62.01 — and ``Statement.apply_rules``
   is timed.

Scoring, the same for both: a payment is *matched* when ours says
``matched`` (the stock: when a rule gave it lines); it is *right* when it
is matched, its lines pay exactly the invoices of its truth and no line is
of a party outside its family — or, when its truth pays no invoice (an
unknown payer, a client with nothing left to pay), when no line pays an
invoice and none is of a wrong party (left to the accountant, or kept as
an advance).  *Wrong party*: a matched payment with a line of a party
outside the payer's family.  The payments *naming their invoice* are
those whose purpose has the number of an invoice of the payer's family;
those quoting another client's number or a number no invoice has are
counted apart (their truth is the invoice of their amount, or the oldest).
Goals: import + matching < 20 s for 10 000 payments and ≥ 5× the stock
payments/s; right ≥ 98 % of the payments naming their invoice and ≥ 90 %
of all; wrong party 0.

    scripts/bench_bank.py                       # 500 clients, 1000 payments
    scripts/bench_bank.py --clients 5000 --payments 10000   # the issue's size

Creating and posting the invoices is the long part of the set-up (printed
apart from the measured times).  The stock rules take about 0.05 s a
payment: --peer-payments limits them to a random sample.
"""
import argparse
import os
import random
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal

from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_billing import retrying  # noqa: E402
from bench_orm import StockCalls  # noqa: E402

#: bench_bank_data, imported by main() once the database URI is in the
#: environment: trytond reads its configuration (the backend) at its first
#: import, which bench_bank_data does (ric_base.requisites)
data = None

MODULES = ['ric_bank']
#: the stock creations of the import and of the matching, timed
STOCK_CALLS = [
    ('account.statement', 'create'),
    ('account.statement.origin', 'create'),
    ('account.statement.line', 'create'),
    ('ric.bank.match', 'create'),
    ]
INVOICE_BATCH = 200
GOAL_SECONDS, GOAL_RATIO = 20, 5
GOAL_NUMBER, GOAL_ALL = 0.98, 0.90
#: the size the goal of 20 s is given for
GOAL_SIZE = 10000


def setup_company(database, args):
    "The RIC's company, chart, fiscal year and product, through proteus"
    from proteus import config as pconfig
    from trytond.modules.ric_billing.tests.tools import create_entity
    config = pconfig.set_trytond(database)
    company = create_entity(data.OWN_NAME, data.OWN_INN, data.OWN_KPP,
        'osno', years=[2026], config=config)
    return company.id


def setup_books(args, company_id):
    """The invoice numbering, banks, the settlement account and its
    journal; return their ids"""
    from trytond.pool import Pool
    pool = Pool()
    FiscalYear = pool.get('account.fiscalyear')
    Sequence = pool.get('ir.sequence.strict')
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    BankAccount = pool.get('bank.account')
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    StatementJournal = pool.get('account.statement.journal')
    Company = pool.get('company.company')
    company = Company(company_id)
    fiscalyear, = FiscalYear.search([('company', '=', company_id)])
    sequence = fiscalyear.invoice_sequences[0].out_invoice_sequence
    Sequence.write([Sequence(sequence.id)], {
            'prefix': args.prefix or None, 'padding': args.padding})
    data.check_banks()
    bank_parties = Party.create([{'name': b[0]} for b in data.BANKS])
    banks = Bank.create([{'party': p.id, 'bik': b[1],
                'correspondent_account': b[2]}
            for p, b in zip(bank_parties, data.BANKS)])
    own = data.own_account()
    bank_account, = BankAccount.create([{'bank': banks[0].id,
                'owners': [('add', [company.party.id])],
                'numbers': [('create', [{'type': 'ru_account',
                                'number': own}])]}])
    account_51, = Account.search([('company', '=', company_id),
            ('code', '=', '51')])
    journal, = Journal.search([('type', '=', 'statement')], limit=1)
    statement_journal, = StatementJournal.create([{
                'name': "Сбербанк, расчётный счёт", 'company': company_id,
                'journal': journal.id, 'account': account_51.id,
                'currency': company.currency.id,
                'bank_account': bank_account.id, 'validation': 'amount'}])
    return {
        'banks': {b.bik: b.id for b in banks},
        'journal': statement_journal.id,
        'own_account': own,
        }


def build_base(args, base, ids, company_id):
    """Create the parties, bank accounts and counterparty history of base;
    return {party key: id}"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    BankAccount = pool.get('bank.account')
    History = pool.get('ric.party.counterparty')
    party_ids = {}
    batch = 500
    parties = base.parties
    for start in tqdm(range(0, len(parties), batch), desc='parties',
            unit='batch', leave=False):
        vlist = []
        for party in parties[start:start + batch]:
            values = {'name': party.name, 'is_client': party.is_client}
            if party.is_client:
                values['client_status'] = 'served'
            if party.kpp:
                values['kpp'] = party.kpp
            if party.inn:
                values['identifiers'] = [('create', [{
                                'type': 'ru_vat', 'code': party.inn}])]
            if party.address:
                values['addresses'] = [('create', [{
                                'street': "ул. Победы, %s" % (
                                    party.key % 200 + 1),
                                'city': "Белгород",
                                'postal_code': '308%03d' % (
                                    party.key % 1000)}])]
            vlist.append(values)
        created = Party.create(vlist)
        for party, record in zip(parties[start:start + batch], created):
            party_ids[party.key] = record.id
        Transaction().commit()
    BankAccount.create([{'bank': ids['banks'][p.bik],
                'owners': [('add', [party_ids[p.key]])],
                # the type given: without it ric_party computes the
                # number_compact of a batch wrongly (see the report)
                'numbers': [('create', [{'type': 'ru_account',
                                'number': p.account}])]}
            for p in parties if p.registered])
    History.create([{'client': party_ids[c], 'counterparty': party_ids[o],
                'start_date': d} for c, o, d in base.history])
    Transaction().commit()
    return party_ids


def create_invoices(database, base, party_ids, company_id):
    """Create and post the invoices of base in batches, oldest first; set
    their number and total; return {invoice key: id}"""
    from trytond.pool import Pool
    context = {'company': company_id, '_skip_warnings': True}

    def setup():
        pool = Pool()
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        Journal = pool.get('account.journal')
        Configuration = pool.get('ric.billing.configuration')
        company = Company(company_id)
        product = Configuration(1).get_multivalue(
            'maintenance_product', company=company_id)
        product = pool.get('product.product')(product.id)
        journal, = Journal.search([('type', '=', 'revenue')], limit=1)
        receivable = Party(party_ids[0]).account_receivable_used
        addresses = {}
        for address in Address.search([
                    ('party', 'in', list(party_ids.values()))],
                order=[('id', 'DESC')]):
            addresses[address.party.id] = address.id
        tax = company.get_ric_maintenance_tax(data.INVOICE_DATES[0])
        return {'product': product.id, 'unit': product.default_uom.id,
            'revenue': product.account_revenue_used.id,
            'journal': journal.id, 'receivable': receivable.id,
            'currency': company.currency.id, 'addresses': addresses,
            'tax': tax.id}
    setup = retrying(database, context, setup)
    invoices = sorted(base.invoices, key=lambda i: (i.date, i.key))
    invoice_ids = {}

    def values(invoice):
        party = party_ids[invoice.party]
        return {
            'company': company_id, 'type': 'out', 'party': party,
            'invoice_address': setup['addresses'][party],
            'currency': setup['currency'], 'journal': setup['journal'],
            'account': setup['receivable'], 'invoice_date': invoice.date,
            'ric_client': party_ids[invoice.ric_client],
            'description': "Информационное обслуживание",
            'lines': [('create', [{
                            'type': 'line', 'invoice_type': 'out',
                            'company': company_id,
                            'currency': setup['currency'], 'party': party,
                            'product': setup['product'],
                            'account': setup['revenue'],
                            'unit': setup['unit'], 'quantity': 1,
                            'unit_price': invoice.untaxed,
                            'taxes': [('add', [setup['tax']])],
                            'description': "Информационное обслуживание "
                            "КонсультантПлюс",
                            }])],
            }

    def post():
        # one transaction, asking first for the locks posting takes (as
        # ric.billing.run does): Tryton restarts the transaction to take
        # them, better before the work than after the first batch
        pool = Pool()
        Invoice = pool.get('account.invoice')
        FiscalYear = pool.get('account.fiscalyear')
        JournalPeriod = pool.get('account.journal.period')
        Sequence = pool.get('ir.sequence.strict')
        JournalPeriod.lock()
        fiscalyear, = FiscalYear.search([('company', '=', company_id)])
        Sequence.lock(Sequence.browse(sorted({fiscalyear.move_sequence.id}
                    | {s.out_invoice_sequence.id
                        for s in fiscalyear.invoice_sequences})))
        result = []
        for start in tqdm(range(0, len(invoices), INVOICE_BATCH),
                desc='invoices', unit='batch', leave=False):
            created = Invoice.create([values(i)
                    for i in invoices[start:start + INVOICE_BATCH]])
            Invoice.post(created)
            read = {r['id']: r for r in Invoice.read(
                    [i.id for i in created], ['number', 'total_amount'])}
            result += [(i.id, read[i.id]['number'],
                    read[i.id]['total_amount']) for i in created]
        return result
    for invoice, (id_, number, total) in zip(
            invoices, retrying(database, context, post)):
        invoice_ids[invoice.key] = id_
        invoice.number = number
        invoice.total = total
    return invoice_ids


def import_file(database, company_id, journal_id, content):
    "Run the import wizard; return the ids of the statements"
    from trytond.pool import Pool

    def run():
        pool = Pool()
        Import = pool.get('account.statement.import', type='wizard')
        Statement = pool.get('account.statement')
        session_id, _, _ = Import.create()
        Import.execute(session_id, {'start': {
                    'company': company_id,
                    'file_format': '1c_clientbank',
                    'file_': content,
                    'file_name': 'kl_to_1c_%s.txt' % (
                        data.FILE_END.strftime('%d%m')),
                    }}, 'import_')
        Import.delete(session_id)
        return [s.id for s in Statement.search([
                    ('journal', '=', journal_id)])]
    return retrying(database, {'company': company_id}, run)


def match(database, company_id, statement_ids, profile=False):
    from trytond.pool import Pool

    def run():
        Statement = Pool().get('account.statement')
        statements = Statement.browse(statement_ids)
        if profile:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            prof.runcall(Statement.ric_match, statements)
            pstats.Stats(prof).sort_stats('cumulative').print_stats(40)
        else:
            Statement.ric_match(statements)
    retrying(database, {'company': company_id}, run)


def read_results(database, company_id, statement_ids):
    """Return {document number: result} of the incoming origins: state,
    score, methods, reason and lines [(party id, invoice id, amount)]"""
    from trytond.pool import Pool

    def run():
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        Line = pool.get('account.statement.line')
        Match = pool.get('ric.bank.match')
        origins = Origin.search_read([
                ('statement', 'in', statement_ids),
                ('amount', '>', 0)], fields_names=['number', 'amount'])
        results = {o['id']: {'number': o['number'], 'state': None,
                'score': None, 'reason': '', 'party_method': None,
                'invoice_method': None, 'lines': []} for o in origins}
        for match in Match.search_read([
                    ('origin', 'in', list(results))],
                fields_names=['origin', 'state', 'score', 'reason',
                    'party_method', 'invoice_method']):
            result = results[match['origin']]
            for name in ['state', 'score', 'reason', 'party_method',
                    'invoice_method']:
                result[name] = match[name]
        for line in Line.search_read([('origin', 'in', list(results))],
                fields_names=['origin', 'party', 'related_to', 'amount']):
            related = line['related_to']
            invoice = (int(related.split(',')[1])
                if related and related.startswith('account.invoice,')
                else None)
            results[line['origin']]['lines'].append(
                (line['party'], invoice, line['amount']))
        return {r['number']: r for r in results.values()}
    return retrying(database, {'company': company_id}, run)


def stock_rules(args, company_id, journal_id, numbers):
    """Drop our lines and matches of the payments numbered numbers and
    create the best stock rules"""
    from trytond.pool import Pool
    pool = Pool()
    Origin = pool.get('account.statement.origin')
    Line = pool.get('account.statement.line')
    Match = pool.get('ric.bank.match')
    Rule = pool.get('account.statement.rule')
    Information = pool.get('account.statement.origin.information')
    Account = pool.get('account.account')
    origins = []
    for start in range(0, len(numbers), 1000):
        origins += Origin.search([('statement.journal', '=', journal_id),
                ('number', 'in', numbers[start:start + 1000])])
    Line.delete(Line.search([('origin', 'in', [o.id for o in origins])]))
    Match.delete(Match.search([('origin', 'in', [o.id for o in origins])]))
    payer_account, = Information.search([('name', '=', 'ric_payer_account')])
    receivable, = Account.search([('company', '=', company_id),
            ('code', '=', '62.01')])
    information = [('create', [{'key': payer_account.id,
                    'char': r'(?P<bank_account>\d{20})'}])]
    line = [('create', [{'amount': 'pending', 'account': receivable.id}])]
    Rule.create([{
                'name': "Оплата по счёту", 'sequence': 10,
                'company': company_id, 'journal': journal_id,
                'amount_low': Decimal('0.01'),
                'description': stock_regex(args),
                'information_rules': information, 'lines': line,
                }, {
                'name': "Оплата известного плательщика", 'sequence': 20,
                'company': company_id, 'journal': journal_id,
                'amount_low': Decimal('0.01'),
                'information_rules': information, 'lines': line,
                }])


def stock_regex(args):
    """The regular expression of the invoice numbers for the stock rule:
    the number exactly as the invoice has it (the stock rule searches the
    invoice whose rec_name equals the group)"""
    import re
    if args.prefix:
        return r'(?P<invoice>%s\d{%s,})' % (
            re.escape(args.prefix), args.padding or 1)
    return (r'(?i)(?:сч[её]?т?[а-яё]*|с/ф|счет-фактур[а-яё]*)\.?\s*'
        r'(?:№|N|No)?\s*(?P<invoice>\d+)')


def apply_rules(database, company_id, statement_ids):
    from trytond.pool import Pool

    def run():
        Statement = Pool().get('account.statement')
        Statement.apply_rules(Statement.browse(statement_ids))
    retrying(database, {'company': company_id}, run)


def score(payments, results, invoice_ids, party_ids, ours):
    """Return the counts of the payments: total, with number, matched,
    right, right with number, wrong party (matched), wrong party (waiting)
    and the per kind {kind: [count, right]}, the failures"""
    invoice_keys = {v: k for k, v in invoice_ids.items()}
    party_keys = {v: k for k, v in party_ids.items()}
    counts = Counter()
    kinds = defaultdict(Counter)
    failures = []
    for payment in payments:
        result = results.get(payment.number)
        counts['lines'] += 1
        counts['number'] += payment.has_number
        counts['wrong number'] += payment.wrong_number
        kinds[payment.kind]['lines'] += 1
        if result is None:
            failures.append((payment, None, 'not imported'))
            continue
        lines = result['lines']
        matched = (result['state'] == 'matched') if ours else bool(lines)
        invoices = {invoice_keys.get(i) for _, i, _ in lines if i}
        wrong = any(p is not None and party_keys.get(p) not in payment.family
            for p, _, _ in lines)
        if payment.truth:
            right = matched and not wrong and invoices == set(payment.truth)
        else:
            # nothing to pay: left to the accountant or kept as an advance
            right = not invoices and not wrong
        counts['matched'] += matched
        counts['matched right'] += matched and right
        counts['right'] += right
        counts['right number'] += right and payment.has_number
        counts['right wrong number'] += right and payment.wrong_number
        if not matched and payment.truth and lines:
            # left for review: is what is proposed right?
            counts['review'] += 1
            counts['review right'] += not wrong and (
                invoices == set(payment.truth))
        counts['wrong party'] += matched and wrong
        counts['wrong party waiting'] += (not matched) and wrong
        kinds[payment.kind]['matched'] += matched
        kinds[payment.kind]['right'] += right
        kinds[payment.kind]['wrong party'] += matched and wrong
        if not right:
            failures.append((payment, result, 'wrong party' if wrong
                    else 'wrong invoices' if matched else 'not matched'))
    return counts, kinds, failures


def share(part, whole):
    return 100 * part / whole if whole else 0


def print_scores(name, counts, ours=True):
    print("  %s: matched automatically %s of %s payments (%.1f %%), %.1f %% "
        "of them right" % (name, counts['matched'], counts['lines'],
            share(counts['matched'], counts['lines']),
            share(counts['matched right'], counts['matched'])))
    print("    right invoices: %.1f %% of the %s payments naming their "
        "invoice (goal ≥ %.0f %%), %.1f %% of all (goal ≥ %.0f %%); "
        "%.1f %% of the %s quoting a wrong number" % (
            share(counts['right number'], counts['number']), counts['number'],
            100 * GOAL_NUMBER, share(counts['right'], counts['lines']),
            100 * GOAL_ALL, share(counts['right wrong number'],
                counts['wrong number']), counts['wrong number']))
    print("    wrong party: %s matched (%.1f %%, goal 0)%s" % (
            counts['wrong party'],
            share(counts['wrong party'], counts['lines']),
            "; %s proposed for review" % counts['wrong party waiting']
            if ours else ''))
    if ours:
        print("    left for review with a proposal: %s, %.1f %% of the "
            "proposals right" % (counts['review'],
                share(counts['review right'], counts['review'])))


def describe(payment, result, why, base, invoice_names, party_names):
    truth = ', '.join(base.invoices[k].number for k in payment.truth) or '-'
    got = '-'
    if result and result['lines']:
        got = ', '.join('%s %s %s' % (
                invoice_names.get(i, 'advance'), party_names.get(p, p), a)
            for p, i, a in result['lines'])
    state = '%s %s' % (result['state'], result['score']) if result else ''
    return ("  [%s/%s] %s: %r %s from %s; expected %s (%s), got %s %s" % (
            payment.kind, payment.form or '-', why, payment.purpose,
            payment.amount, payment.payer.name if payment.payer else '-',
            truth, ', '.join(sorted(base.parties[k].name
                    for k in payment.family)) or 'no party', state, got))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--clients', type=int, default=500)
    parser.add_argument('--payments', type=int, default=None,
        help="incoming payments of the file (default: 2 per client)")
    parser.add_argument('--peer-payments', type=int, default=0,
        help="payments the stock rules are run on (0: all)")
    parser.add_argument('--prefix', default='',
        help="prefix of the invoice numbers, e.g. РИЦ- (default: none)")
    parser.add_argument('--padding', type=int, default=0,
        help="digits of the invoice numbers (e.g. 6 with --prefix)")
    parser.add_argument('--seed', type=int, default=18)
    parser.add_argument('--show', type=int, default=10,
        help="failures of ours to print")
    parser.add_argument('--file', help="also write the bank file there")
    parser.add_argument('--database',
        help="name of the database to create (default: bench_bank_<pid>)")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    parser.add_argument('--profile', action='store_true',
        help="print the profile of the matching")
    args = parser.parse_args()
    payments_count = args.payments or 2 * args.clients
    database = args.database or 'bench_bank_%s' % os.getpid()
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond import backend
    global data
    import bench_bank_data as data
    assert backend.name == 'postgresql' or not args.uri.startswith(
        'postgresql'), "trytond was configured before the URI was set"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.database.create(transaction.connection, database)
    ok = True
    try:
        backend.Database(database).init()
        start = time.time()
        Pool(database).init(update=MODULES, lang=['en'], activatedeps=True)
        print("database %s ready in %.0f s" % (database, time.time() - start))

        start = time.time()
        rng = random.Random(args.seed)
        company_id = setup_company(database, args)
        with Transaction().start(database, 1, context={
                    'company': company_id}) as transaction:
            ids = setup_books(args, company_id)
            transaction.commit()
            base = data.make_base(rng, args.clients)
            party_ids = build_base(args, base, ids, company_id)
        print("base: %s clients, %s parties built in %.0f s" % (
                len(base.clients), len(base.parties), time.time() - start))
        start = time.time()
        invoice_ids = create_invoices(database, base, party_ids, company_id)
        duration = time.time() - start
        print("invoices: %s created and posted in %.0f s (%.1f/s)" % (
                len(invoice_ids), duration, len(invoice_ids) / duration))

        payments, outgoing = data.make_payments(rng, base, payments_count)
        content = data.clientbank_file(payments, outgoing,
            ids['own_account'], rng=rng)
        if args.file:
            with open(args.file, 'wb') as file:
                file.write(content)
        kinds = Counter(p.kind for p in payments)
        print("bank file: %s incoming payments (%s), %s outgoing, %.1f MB" % (
                len(payments), ', '.join('%s %s' % kv
                    for kv in kinds.most_common()), len(outgoing),
                len(content) / 1e6))

        count = len(payments)
        # after the set-up: proteus initialises the pool again
        stock = StockCalls(database, STOCK_CALLS)
        start = time.perf_counter()
        statement_ids = import_file(
            database, company_id, ids['journal'], content)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        match(database, company_id, statement_ids, profile=args.profile)
        matched = time.perf_counter() - start
        total = imported + matched
        ours = read_results(database, company_id, statement_ids)
        counts, by_kind, failures = score(
            payments, ours, invoice_ids, party_ids, ours=True)
        goal = GOAL_SECONDS * count / GOAL_SIZE
        rate = count / total if total else 0
        print("ric_bank, %s payments: import %.1f s (%.0f/s), matching "
            "%.1f s (%.0f/s), import + matching %.1f s: %.0f payments/s "
            "(goal < %.0f s for %s payments, %.1f s at this size)" % (
                count, imported, count / imported, matched,
                count / matched, total, rate, GOAL_SECONDS, GOAL_SIZE,
                goal))
        print(stock.describe(count, total, 'payments'))
        print_scores("ric_bank", counts)
        ok &= total < goal
        ok &= counts['right number'] >= GOAL_NUMBER * counts['number']
        ok &= counts['right'] >= GOAL_ALL * counts['lines']
        ok &= counts['wrong party'] == 0

        # the stock rules on the same payments
        peer = payments
        if args.peer_payments and args.peer_payments < len(payments):
            peer = random.Random(args.seed).sample(payments,
                args.peer_payments)
            peer.sort(key=lambda p: (p.date, p.number))
        with Transaction().start(database, 1, context={
                    'company': company_id}) as transaction:
            stock_rules(args, company_id, ids['journal'],
                [p.number for p in peer])
            transaction.commit()
        print("stock rules: invoice %s + payer account "
            "(?P<bank_account>\\d{20}) on 62.01, then payer account or "
            "party of the import on 62.01" % stock_regex(args))
        start = time.perf_counter()
        apply_rules(database, company_id, statement_ids)
        stock_duration = time.perf_counter() - start
        stock = read_results(database, company_id, statement_ids)
        stock_counts, stock_kinds, _ = score(
            peer, stock, invoice_ids, party_ids, ours=False)
        stock_rate = len(peer) / stock_duration if stock_duration else 0
        print("stock account_statement_rule, %s payments: apply_rules "
            "%.1f s: %.1f payments/s" % (len(peer), stock_duration,
                stock_rate))
        print_scores("stock", stock_counts, ours=False)
        if peer is not payments:
            peer_numbers = {p.number for p in peer}
            sample_counts, _, _ = score(peer, {n: r for n, r in ours.items()
                    if n in peer_numbers}, invoice_ids, party_ids, ours=True)
            print_scores("ric_bank on the same sample", sample_counts)
        ratio = rate / stock_rate if stock_rate else 0
        print("ratio ric_bank (import + matching) / stock rules: %.2f× "
            "(goal ≥ %s×); matching alone: %.2f×" % (ratio, GOAL_RATIO,
                (count / matched) / stock_rate if stock_rate else 0))
        ok &= ratio >= GOAL_RATIO

        print("by kind of payment (right: ric_bank / stock):")
        for kind, kind_counts in sorted(by_kind.items(),
                key=lambda kv: -kv[1]['lines']):
            stock_kind = stock_kinds.get(kind, Counter())
            print("  %-24s %5s payments, ric_bank matched %5.1f %%, right "
                "%5.1f %% / stock right %5.1f %% (wrong party %s / %s)" % (
                    kind, kind_counts['lines'],
                    share(kind_counts['matched'], kind_counts['lines']),
                    share(kind_counts['right'], kind_counts['lines']),
                    share(stock_kind['right'], stock_kind['lines']),
                    kind_counts['wrong party'], stock_kind['wrong party']))
        forms = Counter(p.form for p, _, _ in failures if p.has_number)
        if forms:
            print("ric_bank failures of the payments naming their invoice, "
                "by form: %s" % ', '.join('%s %s' % kv
                    for kv in forms.most_common()))
        if args.show and failures:
            invoice_names = {invoice_ids[i.key]: i.number
                for i in base.invoices}
            party_names = {party_ids[p.key]: p.name for p in base.parties}
            print("ric_bank failures (%s, the first %s; wrong party first):"
                % (len(failures), args.show))
            failures.sort(key=lambda f: (f[2] != 'wrong party',
                    not f[0].has_number))
            for payment, result, why in failures[:args.show]:
                print(describe(payment, result, why, base, invoice_names,
                        party_names))
    finally:
        if not args.keep:
            import psycopg
            with psycopg.connect(args.uri + 'postgres',
                    autocommit=True) as connection:
                connection.execute(
                    'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % database)
        else:
            print("database kept: %s" % database)
    print("goals met" if ok else "goals NOT met")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
