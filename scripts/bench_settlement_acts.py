#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the acts of reconciliation of ric_settlement

Creates a PostgreSQL database with ric_settlement activated, the RIC's
company (account_ru chart, fiscal years 2024–2026) and the ledger of the
ageing benchmark (``scripts/bench_settlement_ageing.py``: invoices partly
without due date, partial and over-payments, payments on the day of an
invoice, advances on 62.02 and their offsets, skewed clients), then times:

1. the act of one client with --documents documents in its period
   (01.01.2024–30.06.2026): ``Act.create_acts`` (the ledger read and the
   lines written) and the printed act converted to PDF by LibreOffice;
2. the quarter-end cron ``Act.generate_period_acts`` for --clients clients
   with a balance or a turnover in the second quarter of 2026: every act
   computed, rendered, converted to PDF (one LibreOffice process for all)
   and stored, the e-mails of the clients with an address queued.

Goals: 1 under 3 s for 5 000 documents; 2 under 5 minutes for 2 000
clients.

    scripts/bench_settlement_acts.py --clients 200      # a quick run
    scripts/bench_settlement_acts.py                    # the issue's size
"""
import argparse
import cProfile
import datetime as dt
import os
import pstats
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_settlement_ageing as ageing  # noqa: E402
from bench_billing import retrying  # noqa: E402

GOAL_ACT, GOAL_CRON = 3, 5 * 60


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--documents', type=int, default=5000,
        help="documents of the one client's act")
    parser.add_argument('--clients', type=int, default=2000,
        help="clients of the quarter-end cron")
    parser.add_argument('--lines', type=int, default=None,
        help="ledger lines of the cron's clients (default 12 a client)")
    parser.add_argument('--database',
        help="name of the database to create (default: bench_acts_<pid>)")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    parser.add_argument('--profile', action='store_true',
        help="print the profile of the one act (cProfile)")
    parser.add_argument('--skip-cron', action='store_true',
        help="time the one act only")
    args = parser.parse_args()
    database = args.database or 'bench_acts_%s' % os.getpid()
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond import backend
    assert backend.name == 'postgresql', "a PostgreSQL URI is needed"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    ok = True
    with ageing.bench_database(args, database):
        company_id = ageing.setup_company(database)
        context = {'company': company_id}
        with Transaction().start(database, 1, context=context) as (
                transaction):
            big, = ageing.create_clients(1, company_id)
            clients = ageing.create_clients(args.clients, company_id)
            # the ledger of the one client: all its lines are documents of
            # the act (dates from 01.01.2024 to 30.06.2026)
            ageing.fill(types.SimpleNamespace(lines=args.documents),
                company_id, [big])
            ageing.fill(types.SimpleNamespace(
                    lines=args.lines or 12 * args.clients),
                company_id, clients)
            transaction.commit()
        with Transaction().start(database, 0, autocommit=True) as (
                transaction):
            cursor = transaction.connection.cursor()
            cursor.execute('ANALYZE account_move')
            cursor.execute('ANALYZE account_move_line')

        def one_act():
            pool = Pool()
            Act = pool.get('ric.settlement.act')
            Configuration = pool.get('ric.settlement.configuration')
            configuration = Configuration(1)
            configuration.act_format = 'pdf'
            configuration.save()
            Act.create_acts([big], [company_id], dt.date(2024, 1, 1),
                dt.date(2024, 1, 31))  # warm the caches of the ORM
            profile = cProfile.Profile() if args.profile else None
            if profile:
                profile.enable()
            begin = time.perf_counter()
            act, = Act.create_acts([big], [company_id],
                dt.date(2024, 1, 1), dt.date(2026, 6, 30))
            computed = time.perf_counter() - begin
            Act.store_files([act])
            seconds = time.perf_counter() - begin
            if profile:
                profile.disable()
                pstats.Stats(profile).sort_stats('cumulative').print_stats(40)
            act = Act(act.id)
            return len(act.lines), computed, len(act.file) // 1024, seconds

        # posting and numbering ask for their locks by restarting the
        # transaction, as the server's dispatcher and the cron do
        lines, computed, size, seconds = retrying(
            database, context, one_act)
        print("one act: %s documents, computed in %.2f s, with its PDF "
            "(%s kB) in %.2f s (goal < %s s)" % (
                lines, computed, size, seconds, GOAL_ACT))
        ok &= seconds < GOAL_ACT
        if args.skip_cron:
            print("quarter-end cron: not run (--skip-cron)")
            return 0 if ok else 1

        def cron():
            Act = Pool().get('ric.settlement.act')
            begin = time.perf_counter()
            runs = Act.generate_period_acts(dt.date(2026, 7, 1))
            seconds = time.perf_counter() - begin
            return sum(r.act_count for r in runs), seconds

        count, seconds = retrying(database, context, cron)
        print("quarter-end cron: %s acts made, converted and stored in "
            "%.0f s (%.1f acts/s; goal < %s s for 2000)" % (
                count, seconds, count / seconds, GOAL_CRON))
        ok &= seconds * 2000 / max(count, 1) < GOAL_CRON
    print("goals met" if ok else "goals NOT met")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
