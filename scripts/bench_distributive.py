#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of ric_distributive: registration file and spine API

Creates a database with ric_distributive activated, inserts a base of N
connected distributives (bulk SQL: clients, distributives and their open
history periods), builds the registration file of the same distributives
with a share of changes (new registrations, re-registrations to another
client, replacements of the network type, disconnections), then times:

* ``ric.registration.import.import_data`` reconciling the file with the base
  (target: under 60 s for 100 000 distributives and 2 % changes on
  PostgreSQL);
* ``ric.distributive.get_on_date`` answering "the distributives of every
  client on a date" in one query (target: under 2 s for 30 000
  distributives), on a base of --on-date distributives and on the full one.

    scripts/bench_distributive.py \\
        --uri postgresql://postgres@127.0.0.1:5432/ --distributives 100000
"""
import argparse
import datetime as dt
import os
import random
import sys
import time

from tqdm import tqdm


def insert_base(count, clients, start_date, rng, batch=5000):
    "Insert count connected distributives of clients; return keys"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    System = pool.get('ric.system')
    NetworkType = pool.get('ric.network.type')
    Distributive = pool.get('ric.distributive')
    History = pool.get('ric.distributive.history')
    party = Party.__table__()
    distributive = Distributive.__table__()
    history = History.__table__()
    cursor = Transaction().connection.cursor()
    company = Transaction().context['company']

    systems = System.create([{'code': 'S%02d' % i, 'name': 'System %s' % i}
            for i in range(10)])
    network_types = NetworkType.search([])
    cursor.execute(*party.select(party.id, limit=1,
            where=party.client_number == 'C0'))
    for start in tqdm(range(0, clients if not cursor.fetchone() else 0, batch),
            desc='clients', unit='batch', leave=False):
        cursor.execute(*party.insert(
                [party.name, party.code, party.code_alnum, party.active,
                    party.is_client, party.client_status,
                    party.client_number, party.create_uid],
                [['Client %s' % i, 'BD%s' % i, 'BD%s' % i, True, True,
                  'served', 'C%s' % i, 0]
                    for i in range(start, min(start + batch, clients))]))
    cursor.execute(*party.select(party.client_number, party.id,
            where=party.client_number.like('C%')))
    party_ids = dict(cursor)
    rows = []
    for i in range(count):
        system = systems[i % len(systems)]
        network_type = rng.choice(network_types)
        client = 'C%s' % rng.randrange(clients)
        rows.append((system.code, str(100000 + i), network_type.code,
                client, system.id, network_type.id, party_ids[client]))
    for start in tqdm(range(0, count, batch), desc='distributives',
            unit='batch', leave=False):
        chunk = rows[start:start + batch]
        cursor.execute(*distributive.insert(
                [distributive.number, distributive.system,
                    distributive.network_type, distributive.type,
                    distributive.state, distributive.client,
                    distributive.company, distributive.last_movement_date,
                    distributive.create_uid],
                [[r[1], r[4], r[5], 'commercial', 'connected', r[6],
                    company, start_date, 0] for r in chunk]))
    cursor.execute(*distributive.select(
            distributive.id, distributive.system, distributive.number))
    ids = {(s, n): i for i, s, n in cursor}
    for start in tqdm(range(0, count, batch), desc='history',
            unit='batch', leave=False):
        chunk = rows[start:start + batch]
        cursor.execute(*history.insert(
                [history.distributive, history.state, history.client,
                    history.system, history.network_type, history.date_from,
                    history.create_uid],
                [[ids[(r[4], r[1])], 'connected', r[6], r[4], r[5],
                    start_date, 0] for r in chunk]))
    return rows, [n.code for n in network_types]


def build_file(rows, network_types, clients, share, date, rng):
    "Return the file content and the expected numbers of movements"
    from trytond.modules.ric_distributive.regformat import CsvFormat
    changes = rng.sample(range(len(rows)), int(len(rows) * share))
    kinds = ['reregistration', 'replacement', 'disconnection', 'new']
    plan = {index: kinds[n % 4] for n, index in enumerate(changes)}
    out = []
    expected = dict.fromkeys(kinds, 0)
    for index, (system, number, network_type, client, *_) in enumerate(
            rows):
        status = 'active'
        kind = plan.get(index)
        if kind == 'reregistration':
            client = 'C%s' % ((int(client[1:]) + 1) % clients)
        elif kind == 'replacement':
            network_type = rng.choice(
                [n for n in network_types if n != network_type])
        elif kind == 'disconnection':
            status = 'disconnected'
        elif kind == 'new':
            out.append({'system': system, 'number': 'N' + number,
                    'network_type': network_type, 'status': 'active',
                    'client_code': client, 'date': date})
        if kind:
            expected[kind] += 1
        out.append({'system': system, 'number': number,
                'network_type': network_type, 'status': status,
                'client_code': client, 'date': date})
    return CsvFormat().generate(out, encoding='cp1251'), expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--database', default='bench_ric_distributive')
    parser.add_argument('--distributives', type=int, default=100000)
    parser.add_argument('--clients', type=int, default=30000)
    parser.add_argument('--share', type=float, default=0.02,
        help="share of the distributives changed in the file")
    parser.add_argument('--on-date', type=int, default=30000,
        help="distributives of the base timed first for get_on_date")
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    args = parser.parse_args()

    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        if args.database in transaction.database.list():
            transaction.database.drop(transaction.connection, args.database)
        transaction.database.create(transaction.connection, args.database)
    backend.Database(args.database).init()
    start = time.time()
    pool = Pool(args.database)
    pool.init(update=['ric_distributive'], lang=['en'], activatedeps=True)
    print("database ready in %.1f s" % (time.time() - start))

    rng = random.Random(args.seed)
    start_date = dt.date(2024, 1, 1)
    file_date = dt.date(2024, 3, 1)
    with Transaction().start(args.database, 0, context={}) as transaction:
        pool = Pool()
        Currency = pool.get('currency.currency')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        currency, = Currency.create([{'name': 'Rouble', 'code': 'RUB',
                    'symbol': '₽'}])
        party, = Party.create([{'name': 'RIC'}])
        company, = Company.create([{'party': party.id,
                    'currency': currency.id}])
        transaction.commit()
        company_id = company.id
    ok = True
    with Transaction().start(args.database, 0,
            context={'company': company_id}) as transaction:
        start = time.time()
        rows, network_types = insert_base(
            args.on_date, args.clients, start_date, rng)
        transaction.commit()
        print("base of %s distributives inserted in %.1f s"
            % (len(rows), time.time() - start))
        Distributive = Pool().get('ric.distributive')
        start = time.time()
        result = Distributive.get_on_date(file_date)
        duration = time.time() - start
        print("get_on_date on %s distributives: %.2f s, %s clients, "
            "%s distributives" % (len(rows), duration, len(result),
                sum(map(len, result.values()))))
        ok &= duration < 2
    with Transaction().start(args.database, 0,
            context={'company': company_id}) as transaction:
        # grow the base to the full size with another set of systems
        cursor = transaction.connection.cursor()
        Distributive = Pool().get('ric.distributive')
        History = Pool().get('ric.distributive.history')
        table = Distributive.__table__()
        history = History.__table__()
        cursor.execute(*history.delete())
        cursor.execute(*table.delete())
        System = Pool().get('ric.system')
        cursor.execute(*System.__table__().delete())
        start = time.time()
        rows, network_types = insert_base(
            args.distributives, args.clients, start_date, rng)
        transaction.commit()
        print("base of %s distributives inserted in %.1f s"
            % (len(rows), time.time() - start))
    data, expected = build_file(rows, network_types, args.clients,
        args.share, file_date, rng)
    print("registration file: %s bytes, expected %s" % (len(data), expected))
    with Transaction().start(args.database, 0,
            context={'company': company_id}) as transaction:
        Import = Pool().get('ric.registration.import')
        start = time.time()
        record = Import.import_data(data, 'bench.csv', date=file_date)
        duration = time.time() - start
        transaction.commit()
        print("registration import: %.1f s, new %s, re-registrations %s, "
            "replacements %s, disconnections %s, discrepancies %s" % (
                duration, record.new_count, record.reregistration_count,
                record.replacement_count, record.disconnection_count,
                record.discrepancy_count))
        ok &= duration < 60
        ok &= (record.new_count == expected['new']
            and record.reregistration_count == expected['reregistration']
            and record.replacement_count == expected['replacement']
            and record.disconnection_count == expected['disconnection'])
    with Transaction().start(args.database, 0,
            context={'company': company_id}) as transaction:
        Import = Pool().get('ric.registration.import')
        Movement = Pool().get('ric.distributive.movement')
        count = Movement.search([], count=True)
        start = time.time()
        record = Import.import_data(
            data.replace(b'\r\n', b'\n'), 'again.csv', date=file_date)
        duration = time.time() - start
        transaction.commit()
        again = Movement.search([], count=True) - count
        print("same file imported again: %.1f s, %s new movements"
            % (duration, again))
        ok &= again == 0
        Distributive = Pool().get('ric.distributive')
        start = time.time()
        result = Distributive.get_on_date(file_date)
        duration = time.time() - start
        print("get_on_date on %s distributives: %.2f s, %s clients, "
            "%s distributives" % (len(rows), duration, len(result),
                sum(map(len, result.values()))))
    if not args.keep:
        Pool.stop(args.database)
        backend.Database(args.database).close()
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            transaction.database.drop(transaction.connection, args.database)
    print("targets (import < 60 s, get_on_date < 2 s, counts match, "
        "idempotent): %s" % ('met' if ok else 'NOT met'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
