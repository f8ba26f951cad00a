#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the client card over JSON-RPC on a base of the load script

It starts one trytond server on loopback (as ``load_rpc.py`` does) on the
PostgreSQL database of the load script (``scripts/load_rpc.py`` or
``load_fill.py`` fill it; ``--fill N`` fills a new one) and prints:

* the size (KB of JSON) and the time of ``fields_view_get`` of the client
  form (``party.party``) and of the distributive form
  (``ric.distributive``): the first call (the server computes it) and the
  median of the next calls (its cache);
* the time of opening one client card as the web client does once it has
  the view: ``read`` of the fields of the form, then, for each one-to-many
  shown on the first page of the form (``--lists all``: every one),
  ``read`` of the fields of its list for the first page of its records;
  p50 / p95 / max over ``--cards`` random clients, and the number of SQL
  queries of one card read in-process (``count_queries``).

    scripts/bench_form.py --database load_ric --cards 200
"""
import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import load_rpc  # noqa: E402
from load_client import Client  # noqa: E402

HOST = load_rpc.HOST
LIST_PAGE = load_rpc.LIST_PAGE


def _kb(value):
    return len(json.dumps(value, default=str).encode('utf-8')) / 1024


def view_fields(view):
    "The field names the client reads for the fields of a view"
    return load_rpc.form_fields(view['fields'])


def open_card(client, party, form_names, lists):
    "Open the card of party as the web client; return the time in ms"
    start = time.perf_counter()
    record, = client.call('model.party.party.read', [party], form_names)
    for name, model, names in lists:
        ids = record.get(name) or []
        if ids:
            client.call('model.%s.read' % model, ids[:LIST_PAGE], names)
    return (time.perf_counter() - start) * 1000


def count_card_queries(database, party, form_names, lists):
    "Return the SQL queries of one card read in-process"
    from trytond.modules.ric_base.tests.tools import count_queries
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True, context={
                'language': 'en'}):
        pool = Pool()
        Party = pool.get('party.party')
        with count_queries() as counter:
            record, = Party.read([party], form_names)
            for name, model, names in lists:
                ids = record.get(name) or []
                if ids:
                    pool.get(model).read(ids[:LIST_PAGE], names)
    return counter.value


def percentile(values, share):
    return load_rpc.percentile(values, share)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri',
        default='postgresql://postgres@127.0.0.1:5432/')
    parser.add_argument('--database', default='load_ric')
    parser.add_argument('--fill', type=int, default=0,
        help="create and fill the database with this many clients first "
        "(default: reuse it)")
    parser.add_argument('--cards', type=int, default=100)
    parser.add_argument('--views', type=int, default=5,
        help="cached fields_view_get calls timed after the first")
    parser.add_argument('--lists', choices=['first', 'all'], default='first',
        help="the one-to-many lists read with a card: of the first page "
        "of the form (default) or all of them")
    parser.add_argument('--language',
        help="language of the context of the calls (e.g. ru; default: the "
        "user's)")
    parser.add_argument('--port', type=int, default=8651)
    parser.add_argument('--seed', type=int, default=17)
    args = parser.parse_args(argv)

    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    import load_fill
    if args.fill:
        load_fill.create_database(args.database, load_rpc.MODULES)
        load_fill.fill(args.database, args.fill)
    else:
        load_fill.create_database(args.database, load_rpc.MODULES, True)
    tag = dt.datetime.now().strftime('B%H%M%S')
    plan = load_fill.prepare_run(args.database, 1, 0, tag)
    load_rpc._release_connections(args.database)

    workdir = tempfile.mkdtemp(prefix='bench_form_')
    server_args = SimpleNamespace(uri=args.uri, port=args.port,
        servers=1, database=args.database)
    servers = load_rpc.start_servers(server_args, workdir)
    rng = random.Random(args.seed)
    try:
        load_rpc.wait_servers(servers, args.database, 180)
        login, password = plan['users'][0]
        client = Client(HOST, args.port, args.database, timeout=120)
        client.login(login, password)
        if args.language:
            client.context['language'] = args.language
        print("%s clients in the base, user %s, language %s" % (
                len(plan['clients']), login,
                client.context.get('language')))
        views = {}
        for label, model in [('client form', 'party.party'),
                ('distributive form', 'ric.distributive')]:
            times = []
            for i in range(1 + args.views):
                start = time.perf_counter()
                view = client.call(
                    'model.%s.fields_view_get' % model, None, 'form')
                times.append((time.perf_counter() - start) * 1000)
            views[model] = view
            nested = sum(len(f.get('views') or {})
                for f in view['fields'].values())
            print("fields_view_get %-18s %7.0f KB  first %6.0f ms, cached "
                "median %5.0f ms  (%s fields, %s nested views)" % (
                    label, _kb(view), times[0],
                    statistics.median(times[1:]) if args.views else 0,
                    len(view['fields']), nested))
        form = views['party.party']
        form_names = view_fields(form)
        lists = load_rpc.form_lists(form, args.lists)
        print("card: read of %s fields, then the lists of %s" % (
                len(form_names), ', '.join(n for n, _, _ in lists) or 'none'))
        clients = plan['clients']
        # warm up the caches of the server
        for party in rng.sample(clients, min(5, len(clients))):
            open_card(client, party, form_names, lists)
        durations = [open_card(client, party, form_names, lists)
            for party in rng.sample(clients, min(args.cards, len(clients)))]
        print("open card (%s lists) over %s cards: p50 %.0f ms, p95 %.0f ms, "
            "max %.0f ms" % (args.lists, len(durations),
                percentile(durations, 0.5), percentile(durations, 0.95),
                max(durations)))
        client.logout()
        client.close()
    finally:
        load_rpc.stop_servers(servers)
    party = rng.choice(clients)
    print("SQL queries of one card read in-process: %s" % count_card_queries(
            args.database, party, form_names, lists))
    return 0


if __name__ == '__main__':
    sys.exit(main())
