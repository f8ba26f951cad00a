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
   (01.01.2024–30.06.2026), --repeat times (the medians are printed with
   the load average): ``Act.create_acts`` (the ledger read and the lines
   written), the ODT rendered (``Act.render_odt``), its conversion to PDF
   (``convert_many``, as ``Act.store_files`` does, by the LibreOffice
   kept running, started at the warm-up) and the PDF stored; then
   the printing of the act as the client asks for it (``Report.execute``)
   as ODT and as PDF (the act computed);
2. the quarter-end cron ``Act.generate_period_acts`` for --clients clients
   with a balance or a turnover in the second quarter of 2026: every act
   computed, rendered, converted to PDF (all by one LibreOffice) and
   stored, the e-mails of the clients with an address queued.

Goals: 1 under 3 s for 5 000 documents (the median of the total); 2 under
5 minutes for 2 000 clients.

    scripts/bench_settlement_acts.py --clients 200      # a quick run
    scripts/bench_settlement_acts.py                    # the issue's size
    scripts/bench_settlement_acts.py --skip-cron --keep --database acts
    scripts/bench_settlement_acts.py --reuse acts --skip-cron  # measure only
"""
import argparse
import contextlib
import cProfile
import datetime as dt
import os
import pstats
import statistics
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_settlement_ageing as ageing  # noqa: E402
from bench_billing import retrying  # noqa: E402

GOAL_ACT, GOAL_CRON = 3, 5 * 60


def fill(database, args):
    """Create the company, the clients and their ledger; return the company
    id and the id of the client of the one act"""
    from trytond.transaction import Transaction
    company_id = ageing.setup_company(database)
    with Transaction().start(database, 1, context={
                'company': company_id}) as transaction:
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
    with Transaction().start(database, 0, autocommit=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('ANALYZE account_move')
        cursor.execute('ANALYZE account_move_line')
    return company_id, big


def existing(database):
    """Return the company id and the client of the one act of a kept
    database (the client with the most move lines)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    with Transaction().start(database, 0, readonly=True) as transaction:
        Company = Pool().get('company.company')
        company, = Company.search([], limit=1, order=[('id', 'ASC')])
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT party FROM account_move_line '
            'WHERE party IS NOT NULL GROUP BY party '
            'ORDER BY count(*) DESC LIMIT 1')
        big, = cursor.fetchone()
    return company.id, big


def set_format(extension):
    "Set the format of the acts of the configuration"
    from trytond.pool import Pool
    Configuration = Pool().get('ric.settlement.configuration')
    configuration = Configuration(1)
    if configuration.act_format != extension:
        configuration.act_format = extension
        configuration.save()


def warm(big, company_id):
    """Warm the caches of the ORM and of the template with a small act and
    time LibreOffice with its conversion"""
    from trytond.modules.ric_base.office import convert_many
    from trytond.pool import Pool
    Act = Pool().get('ric.settlement.act')
    set_format('pdf')
    act, = Act.create_acts([big], [company_id], dt.date(2024, 1, 1),
        dt.date(2024, 1, 31))
    odt, = Act.render_odt([act])
    begin = time.perf_counter()
    convert_many([('warm', odt)], 'pdf')
    print("LibreOffice started (kept running) and an act of %s documents "
        "converted in %.2f s" % (len(act.lines), time.perf_counter() - begin))


def one_act(big, company_id, profile=False, save=None):
    """Time the one act: computed, rendered, converted and stored as
    Act.store_files does, then printed as ODT and as PDF; return the
    figures (seconds, the lines and the kB of the PDF)"""
    from trytond.modules.ric_base.office import convert_many
    from trytond.pool import Pool
    pool = Pool()
    Act = pool.get('ric.settlement.act')
    ActReport = pool.get('ric.settlement.act', type='report')
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    figures = {}
    begin = lap = time.perf_counter()

    def timed(name):
        nonlocal lap
        now = time.perf_counter()
        figures[name] = now - lap
        lap = now
    act, = Act.create_acts([big], [company_id],
        dt.date(2024, 1, 1), dt.date(2026, 6, 30))
    timed('compute')
    odt, = Act.render_odt([act])
    timed('odt')
    if save:
        with open(save, 'wb') as file:
            file.write(odt)
    name = act.file_basename()
    pdf, = convert_many([(name, odt)], 'pdf')
    timed('pdf')
    Act.write([act], {'file': pdf, 'file_name': name + '.pdf'})
    timed('store')
    figures['total'] = time.perf_counter() - begin
    for extension in ['odt', 'pdf']:
        set_format(extension)
        lap = time.perf_counter()
        result = ActReport.execute([act.id], {})
        assert result[0] == extension, result[0]
        timed('print_' + extension)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats('cumulative').print_stats(40)
    figures['lines'] = len(act.lines)
    figures['size'] = len(pdf) // 1024
    return figures


def figures_text(figures):
    return ("computed %(compute).2f s + ODT %(odt).2f s + PDF %(pdf).2f s "
        "+ stored %(store).2f s = %(total).2f s; the act printed as ODT "
        "%(print_odt).2f s, as PDF %(print_pdf).2f s" % figures)


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
    parser.add_argument('--reuse', metavar='DATABASE',
        help="measure only, on a database kept by an earlier --keep run")
    parser.add_argument('--repeat', type=int, default=3,
        help="measures of the one act; the medians are shown")
    parser.add_argument('--profile', action='store_true',
        help="print the profile of the one act (cProfile)")
    parser.add_argument('--save-odt', metavar='FILE',
        help="write the ODT of the one act to FILE (to study LibreOffice)")
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

    ok = True
    if args.reuse:
        database = args.reuse
        reuse = contextlib.nullcontext()
    else:
        reuse = ageing.bench_database(args, database)
    with reuse:
        if args.reuse:
            company_id, big = existing(database)
        else:
            company_id, big = fill(database, args)
        context = {'company': company_id}
        # posting and numbering ask for their locks by restarting the
        # transaction, as the server's dispatcher and the cron do
        retrying(database, context, lambda: warm(big, company_id))
        runs = []
        for number in range(1, max(args.repeat, 1) + 1):
            runs.append(retrying(database, context,
                    lambda: one_act(big, company_id, args.profile,
                        args.save_odt)))
            print("run %s: %s" % (number, figures_text(runs[-1])))
        median = {k: statistics.median(r[k] for r in runs)
            for k in runs[0]}
        print("one act: %s documents (PDF %s kB), medians of %s runs: %s "
            "(goal < %s s; load %.2f %.2f %.2f)" % (
                median['lines'], median['size'], len(runs),
                figures_text(median), GOAL_ACT, *os.getloadavg()))
        ok &= median['total'] < GOAL_ACT
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
