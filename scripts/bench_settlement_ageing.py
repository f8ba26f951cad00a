#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the receivables ageing of ric_settlement

Creates a PostgreSQL database with ric_settlement activated, the RIC's
company (account_ru chart, fiscal years 2024–2026) and --clients clients
through the ORM, then bulk-inserts --lines posted move lines on 62.01 and
62.02 (and as many counterpart lines on 90.01 and 51) with SQL
``INSERT … SELECT`` from ``generate_series``, of a messy realistic shape:

* invoices (55 %) of 500–60 000 ₽ due 10 days after their date, one in ten
  without a maturity date;
* payments (30 %) of a random part of an invoice's amount, partial or
  overpaying, some on the day of an invoice of the client;
* advances (8 %) credited to 62.02 and their offsets (7 %) debited to 62.02;
* the clients are skewed: a tenth of them carry half of the lines.

Then ``ANALYZE`` and the timings, as the client asks them, for an as-of
date (default 30.06.2026):

1. the first page of the list: ``Receivable.search`` (limit --page, the
   default order) and ``read`` of its columns;
2. the totals: the sums of the columns over all the rows (one SQL
   aggregate over the table query, what a total line costs);
3. ``Receivable.get_overdue`` of all the clients (days=30).

Each timing is repeated --repeat times, each in a new transaction, and
its median printed with the load average of the machine.

Goal: 1 and 2 each under 2 s for 1 000 000 lines.

    scripts/bench_settlement_ageing.py --lines 100000
    scripts/bench_settlement_ageing.py                  # 1 000 000 lines
    scripts/bench_settlement_ageing.py --keep --database bench_ageing
    scripts/bench_settlement_ageing.py --reuse bench_ageing   # measure only
"""
import argparse
import contextlib
import datetime as dt
import os
import statistics
import sys
import time

from tqdm import tqdm

MODULES = ['ric_settlement']
GOAL_SECONDS = 2
CHUNK = 100_000


def setup_company(database):
    "The RIC's company, chart and fiscal years, through proteus"
    from proteus import config as pconfig
    from trytond.modules.ric_billing.tests.tools import create_entity
    config = pconfig.set_trytond(database)
    company = create_entity("ООО «РИЦ»", '3123456783', '312301001', 'osno',
        years=[2024, 2025, 2026], config=config)
    return company.id


def create_clients(count, company_id):
    "Create count clients through the ORM; return their ids"
    from trytond.pool import Pool
    Party = Pool().get('party.party')
    ids = []
    for start in tqdm(range(0, count, 1000), desc="clients", unit="k"):
        ids += [p.id for p in Party.create([{
                        'name': "Клиент %s" % i, 'is_client': True,
                        'client_status': 'served'}
                    for i in range(start, min(start + 1000, count))])]
    return ids


def fill(args, company_id, client_ids):
    "Insert args.lines lines of the ledger and their counterparts by SQL"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')
    cursor = Transaction().connection.cursor()

    def account(code):
        return Account.search([('company', '=', company_id),
                ('code', '=', code)])[0].id
    receivable, advance = account('62.01'), account('62.02')
    revenue, bank = account('90.01'), account('51')
    revenue_journal = Journal.search([('type', '=', 'revenue')])[0].id
    cash_journal = Journal.search([('type', '=', 'cash')])[0].id
    cursor.execute('DROP TABLE IF EXISTS bench_client')
    cursor.execute('CREATE TEMP TABLE bench_client (n integer, party '
        'integer)')
    cursor.execute('INSERT INTO bench_client SELECT ordinality - 1, id '
        'FROM unnest(%s::integer[]) WITH ORDINALITY AS t(id)',
        (client_ids,))
    clients = len(client_ids)
    done = 0
    with tqdm(total=args.lines, desc="lines", unit="line") as progress:
        while done < args.lines:
            size = min(CHUNK, args.lines - done)
            cursor.execute('DROP TABLE IF EXISTS bench_event')
            # one event a line of the ledger: its client (skewed), kind,
            # date, amount and due date
            cursor.execute('''
                CREATE TEMP TABLE bench_event AS
                SELECT nextval('account_move_id_seq') AS move,
                    c.party, e.kind, e.date, e.amount,
                    CASE WHEN e.kind = 'invoice' AND random() > 0.1
                        THEN e.date + 10 END AS due
                FROM (
                    SELECT
                        CASE WHEN random() < 0.5
                            THEN floor(random() * %(few)s)
                            ELSE floor(random() * %(clients)s) END AS n,
                        CASE WHEN r < 0.55 THEN 'invoice'
                            WHEN r < 0.85 THEN 'payment'
                            WHEN r < 0.93 THEN 'advance'
                            ELSE 'offset' END AS kind,
                        DATE '2024-01-01'
                            + floor(random() * 912)::integer AS date,
                        round((500 + random() * 59500)::numeric, 2)
                            AS amount
                    FROM (SELECT g, random() AS r
                        FROM generate_series(1, %(size)s) AS g) AS s
                    ) AS e
                JOIN bench_client AS c ON c.n = e.n''', {
                    'few': max(clients // 10, 1), 'clients': clients,
                    'size': size})
            cursor.execute('''
                INSERT INTO account_move (id, company, journal, period,
                    date, post_date, state, create_uid, create_date)
                SELECT e.move, %(company)s,
                    CASE WHEN e.kind = 'invoice' THEN %(revenue_journal)s
                        ELSE %(cash_journal)s END,
                    p.id, e.date, e.date, 'posted', 0, now()
                FROM bench_event AS e
                JOIN account_period AS p ON p.type = 'standard'
                    AND e.date BETWEEN p.start_date AND p.end_date
                    AND p.fiscalyear IN (SELECT id FROM account_fiscalyear
                        WHERE company = %(company)s)''', {
                    'company': company_id,
                    'revenue_journal': revenue_journal,
                    'cash_journal': cash_journal})
            cursor.execute('''
                INSERT INTO account_move_line (move, account, party,
                    debit, credit, maturity_date, state, create_uid,
                    create_date)
                SELECT e.move,
                    CASE WHEN e.kind IN ('invoice', 'payment')
                        THEN %(receivable)s ELSE %(advance)s END,
                    e.party,
                    CASE WHEN e.kind IN ('invoice', 'offset')
                        THEN e.amount ELSE 0 END,
                    CASE WHEN e.kind IN ('invoice', 'offset')
                        THEN 0 ELSE e.amount END,
                    e.due, 'valid', 0, now()
                FROM bench_event AS e
                UNION ALL
                SELECT e.move,
                    CASE WHEN e.kind = 'invoice' THEN %(revenue)s
                        WHEN e.kind = 'offset' THEN %(receivable)s
                        ELSE %(bank)s END,
                    CASE WHEN e.kind = 'offset' THEN e.party END,
                    CASE WHEN e.kind IN ('invoice', 'offset')
                        THEN 0 ELSE e.amount END,
                    CASE WHEN e.kind IN ('invoice', 'offset')
                        THEN e.amount ELSE 0 END,
                    NULL, 'valid', 0, now()
                FROM bench_event AS e''', {
                    'receivable': receivable, 'advance': advance,
                    'revenue': revenue, 'bank': bank})
            done += size
            progress.update(size)
    cursor.execute('DROP TABLE IF EXISTS bench_event')


@contextlib.contextmanager
def bench_database(args, database):
    """Create the PostgreSQL database with MODULES activated; drop it at the
    end unless args.keep"""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.database.create(transaction.connection, database)
    try:
        backend.Database(database).init()
        start = time.time()
        Pool(database).init(update=MODULES, lang=['en'], activatedeps=True)
        print("database %s ready in %.0f s" % (database, time.time() - start))
        yield
    finally:
        if not args.keep:
            import psycopg
            with psycopg.connect(args.uri + 'postgres',
                    autocommit=True) as connection:
                connection.execute(
                    'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % database)
        else:
            print("database kept: %s" % database)


def timed(func):
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def measure(database, company_id, client_ids, date, page):
    "Time the first page, the totals and get_overdue; return the figures"
    from sql.aggregate import Count, Sum

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 1, context={
                'company': company_id, 'date': date}) as transaction:
        pool = Pool()
        Receivable = pool.get('ric.settlement.receivable')
        fields = ['party', 'balance', 'current', 'days_30', 'days_60',
            'days_90', 'days_over_90', 'advance']
        cursor = transaction.connection.cursor()

        def first_page():
            records = Receivable.search([], limit=page)
            return Receivable.read([r.id for r in records], fields)

        def totals():
            query = Receivable.table_query()
            cursor.execute(*query.select(Count(query.id),
                    *[Sum(getattr(query, f)) for f in fields[1:]]))
            return cursor.fetchone()

        # warm the caches of the ORM (not of the database) once
        Receivable.search([], limit=1)
        rows, page_seconds = timed(first_page)
        total, totals_seconds = timed(totals)
        overdue, overdue_seconds = timed(
            lambda: Receivable.get_overdue(client_ids, date, 30))
    return {
        'rows': rows, 'page': page_seconds, 'total': total,
        'totals': totals_seconds, 'overdue': overdue,
        'overdue_seconds': overdue_seconds,
        }


def existing(database):
    "Return the company id and the client ids of a kept database"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    with Transaction().start(database, 0, readonly=True) as transaction:
        Company = Pool().get('company.company')
        cursor = transaction.connection.cursor()
        company, = Company.search([], limit=1, order=[('id', 'ASC')])
        cursor.execute('SELECT id FROM party_party '
            'WHERE is_client AND name LIKE %s ORDER BY id', ('Клиент %',))
        return company.id, [i for i, in cursor]


def report(database, company_id, client_ids, args):
    """Measure args.repeat times, print the figures and their medians;
    return whether the goal is met"""
    runs = []
    for i in range(args.repeat):
        figures = measure(database, company_id, client_ids, args.date,
            args.page)
        runs.append(figures)
        print("run %s: page %.2f s, totals %.2f s, get_overdue %.2f s "
            "(load %.2f %.2f %.2f)" % (i + 1, figures['page'],
                figures['totals'], figures['overdue_seconds'],
                *os.getloadavg()))
    figures = runs[-1]
    total = figures['total']
    print("as of %s: %s parties with a balance, balance %s, current "
        "%s, 1-30 %s, 31-60 %s, 61-90 %s, over 90 %s, advances %s" % (
            args.date, *total))
    page = statistics.median(f['page'] for f in runs)
    totals = statistics.median(f['totals'] for f in runs)
    overdue_seconds = statistics.median(f['overdue_seconds'] for f in runs)
    print("median of %s runs:" % len(runs))
    print("first page (%s rows): search + read %.2f s" % (
            len(figures['rows']), page))
    print("totals: %.2f s" % totals)
    overdue = figures['overdue']
    print("get_overdue of %s clients (> 30 days): %.2f s, %s overdue, "
        "%s" % (len(overdue), overdue_seconds,
            sum(1 for v in overdue.values() if v),
            sum(overdue.values())))
    print("load average: %.2f %.2f %.2f" % os.getloadavg())
    print("goal: first page and totals each under %s s" % GOAL_SECONDS)
    return page < GOAL_SECONDS and totals < GOAL_SECONDS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--lines', type=int, default=1_000_000,
        help="move lines on 62.01/62.02 (as many counterparts are added)")
    parser.add_argument('--clients', type=int, default=2000,
        help="clients created through the ORM (about 40 s a thousand)")
    parser.add_argument('--date', type=dt.date.fromisoformat,
        default=dt.date(2026, 6, 30), help="the as-of date")
    parser.add_argument('--page', type=int, default=80,
        help="rows of the first page")
    parser.add_argument('--repeat', type=int, default=3,
        help="measures (each in a new transaction); the median is shown")
    parser.add_argument('--database',
        help="name of the database to create (default: bench_ageing_<pid>)")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    parser.add_argument('--reuse', metavar='DATABASE',
        help="measure only, on a database kept by an earlier --keep run")
    args = parser.parse_args()
    database = args.reuse or args.database or 'bench_ageing_%s' % os.getpid()
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond import backend
    assert backend.name == 'postgresql', "a PostgreSQL URI is needed"
    from trytond.transaction import Transaction

    if args.reuse:
        company_id, client_ids = existing(database)
        ok = report(database, company_id, client_ids, args)
        print("goal met" if ok else "goal NOT met")
        return 0 if ok else 1

    with bench_database(args, database):
        start = time.time()
        company_id = setup_company(database)
        with Transaction().start(database, 1, context={
                    'company': company_id}) as transaction:
            client_ids = create_clients(args.clients, company_id)
            transaction.commit()
        print("company and %s clients in %.0f s" % (
                len(client_ids), time.time() - start))
        start = time.time()
        with Transaction().start(database, 1, context={
                    'company': company_id}) as transaction:
            fill(args, company_id, client_ids)
            transaction.commit()
        with Transaction().start(database, 0, autocommit=True) as (
                transaction):
            cursor = transaction.connection.cursor()
            cursor.execute('ANALYZE account_move')
            cursor.execute('ANALYZE account_move_line')
            cursor.execute('SELECT count(*) FROM account_move_line')
            count, = cursor.fetchone()
        print("%s move lines inserted and analyzed in %.0f s" % (
                count, time.time() - start))
        ok = report(database, company_id, client_ids, args)
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
