#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of ric_task: auto-generation rules and the diary

Creates a PostgreSQL database ``bench_task_<pid>`` with ric_task activated,
inserts (bulk SQL, for the set-up only) a messy base: N clients of every
status (some key clients, a part without contact persons, without
decision maker, without responsible, with a readiness stage or none),
demo distributives reserved to clients with end dates around today, and
assignments with W works spread over a year among the employees (some done
with the decision maker).  Then times:

* the cron of the rules with one rule of each shipped kind active, twice
  (target: under 60 s for 100 000 clients; the second run creates nothing);
* the diary of one employee for a week: the search and the read of the
  fields of its calendar and list views, first in-process on the model
  methods the RPC ``model.ric.task.work.search_read`` runs, then over
  JSON-RPC: a trytond server on loopback, the employee's user (a service
  engineer: the department visibility rules apply) logged in as the web
  client does (target: under 300 ms with 200 000 works).

The database is dropped at the end unless --keep.

    scripts/bench_task.py --clients 100000 --works 200000
"""
import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from types import SimpleNamespace

from tqdm import tqdm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_client import Client  # noqa: E402
from load_rpc import (  # noqa: E402
    HOST, start_servers, stop_servers, wait_servers)

BATCH = 4000


def insert(cursor, table, columns, rows, desc):
    for start in tqdm(range(0, len(rows), BATCH), desc=desc, unit='batch',
            leave=False):
        cursor.execute(*table.insert(
                [getattr(table, c) for c in columns],
                rows[start:start + BATCH]))


def ids_of(cursor, table, where=None):
    cursor.execute(*table.select(table.id, where=where,
            order_by=[table.id.asc]))
    return [r[0] for r in cursor]


def build(args, company_id, rng, today):
    "Insert the base; return the employee ids"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Direction = pool.get('ric.activity.direction')
    Stage = pool.get('ric.party.readiness.stage')
    Contact = pool.get('ric.party.contact')
    Responsible = pool.get('ric.party.responsible')
    KeyEvent = pool.get('ric.party.key_event')
    System = pool.get('ric.system')
    NetworkType = pool.get('ric.network.type')
    Distributive = pool.get('ric.distributive')
    Reservation = pool.get('ric.distributive.reservation')
    Assignment = pool.get('ric.task.assignment')
    Work = pool.get('ric.task.work')
    Result = pool.get('ric.task.work.result')
    cursor = Transaction().connection.cursor()

    employees = Employee.create([{
                'party': Party.create([{'name': 'Employee %s' % i}])[0].id,
                'company': company_id} for i in range(args.employees)])
    employee_ids = [e.id for e in employees]
    service = Direction.get_by_code('service')
    stages = [s.id for s in Stage.search([])]
    results = {r.code: r.id for r in Result.search([])}

    party = Party.__table__()
    statuses = ['served'] * 50 + ['potential'] * 35 + ['disconnected'] * 15
    rows = []
    for i in range(args.clients):
        key = rng.random() < 0.05
        stage = rng.choice(stages) if stages and rng.random() < 0.4 else None
        rows.append(['Client %s' % i, 'BT%s' % i, 'BT%s' % i, True, True,
                rng.choice(statuses), 'T%s' % i, key,
                rng.choice(employee_ids) if key and rng.random() < 0.8
                else None, stage, 0])
    insert(cursor, party, ['name', 'code', 'code_alnum', 'active',
            'is_client', 'client_status', 'client_number', 'key_client',
            'key_client_responsible', 'readiness_stage', 'create_uid'],
        rows, 'clients')
    client_ids = ids_of(cursor, party, party.client_number.like('T%'))
    key_ids = ids_of(cursor, party, party.key_client == True)  # noqa: E712

    # contacts: a third of the clients has none, decision makers are rare
    contact = Contact.__table__()
    rows = []
    for client in client_ids:
        if rng.random() < 0.33:
            continue
        for n in range(rng.randint(1, 3)):
            rows.append([client, 'Контакт %s-%s' % (client, n),
                    rng.choice(['Главный бухгалтер', 'Директор', 'Юрист',
                            None]),
                    n == 0 and rng.random() < 0.5, True, today, 0])
    insert(cursor, contact, ['party', 'name', 'position', 'decision_maker',
            'active', 'confirmed_date', 'create_uid'], rows, 'contacts')
    cursor.execute(*contact.select(contact.party, contact.id,
            where=contact.decision_maker == True))  # noqa: E712
    decision_makers = dict(cursor)

    # responsibles in the service for most clients, some ended
    responsible = Responsible.__table__()
    rows = []
    for client in client_ids:
        if rng.random() < 0.8:
            ended = rng.random() < 0.1
            rows.append([client, service.id, rng.choice(employee_ids),
                    today - dt.timedelta(days=rng.randint(30, 900)),
                    today - dt.timedelta(days=5) if ended else None, 0])
    insert(cursor, responsible, ['party', 'direction', 'employee',
            'date_from', 'date_to', 'create_uid'], rows, 'responsibles')

    event = KeyEvent.__table__()
    rows = [[client, today - dt.timedelta(days=rng.randint(0, 400)),
            'Событие', 0] for client in key_ids if rng.random() < 0.7]
    insert(cursor, event, ['party', 'date', 'name', 'create_uid'], rows,
        'key events')

    # demo distributives reserved to clients, ends around today
    system, = System.create([{'code': 'DEMO', 'name': 'Demo'}])
    network_type = NetworkType.search([], limit=1)[0]
    distributive = Distributive.__table__()
    demo_count = max(args.clients // 30, 1)
    insert(cursor, distributive, ['number', 'system', 'network_type', 'type',
            'state', 'company', 'create_uid'],
        [['DM%s' % i, system.id, network_type.id, 'demo', 'reserved',
            company_id, 0] for i in range(demo_count)], 'demos')
    demo_ids = ids_of(cursor, distributive, distributive.system == system.id)
    reservation = Reservation.__table__()
    rows = []
    for demo in demo_ids:
        start = today - dt.timedelta(days=rng.randint(0, 40))
        rows.append([demo, rng.choice(client_ids),
                rng.choice(employee_ids), start,
                start + dt.timedelta(days=14), True, False,
                rng.choice(['reserved', 'reserved', 'issued']), 0])
    insert(cursor, reservation, ['distributive', 'client', 'employee', 'date',
            'end_date', 'demo', 'expired', 'state', 'create_uid'], rows,
        'reservations')

    # assignments and their works over a year
    assignment_state = Assignment._lifecycle().initial_state.id
    work_states = {s.code: s.id
        for s in Work._lifecycle().states}
    assignment = Assignment.__table__()
    per_assignment = 4
    count = max(args.works // per_assignment, 1)
    owners = [(rng.choice(client_ids), rng.choice(employee_ids))
        for _ in range(count)]
    insert(cursor, assignment, ['company', 'party', 'direction', 'executor',
            'planned_start', 'state', 'create_uid'],
        [[company_id, c, service.id, e,
            today - dt.timedelta(days=rng.randint(0, 300)),
            assignment_state, 0] for c, e in owners], 'assignments')
    assignment_ids = ids_of(cursor, assignment)[-count:]
    work = Work.__table__()
    rows = []
    year_start = dt.datetime.combine(today - dt.timedelta(days=300),
        dt.time(9))
    for assignment_id, (client, employee) in zip(assignment_ids, owners):
        for n in range(per_assignment):
            when = year_start + dt.timedelta(
                days=rng.randint(0, 364), hours=rng.randint(0, 8),
                minutes=rng.choice([0, 15, 30, 45]))
            done = when.date() < today and rng.random() < 0.8
            maker = decision_makers.get(client) if rng.random() < 0.5 \
                else None
            duration = dt.timedelta(minutes=rng.choice([5, 15, 30]))
            rows.append([assignment_id, company_id, client, employee, when,
                    when + duration, duration,
                    rng.choice(['phone', 'phone', 'visit', 'email']),
                    maker,
                    results[rng.choice(['contact_made', 'not_reached'])]
                    if done else None,
                    when if done else None,
                    work_states['done' if done else 'planned'],
                    when - dt.timedelta(minutes=15), done, done, 0])
    insert(cursor, work, ['assignment', 'company', 'party', 'executor',
            'planned_datetime', 'planned_end', 'duration', 'contact_method',
            'contact', 'result', 'done_datetime', 'state', 'remind_at',
            'reminder_sent', 'overdue_notified', 'create_uid'], rows, 'works')
    cursor.execute('ANALYZE')
    return employee_ids, service.id


PASSWORD = 'bench-diary-2026'


def diary_user(database, employee_id):
    "Create the user of employee_id, a service engineer"
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Employee = pool.get('company.employee')
    employee = Employee(employee_id)
    User.create([{
                'login': 'diary', 'name': employee.rec_name,
                'password': PASSWORD,
                'groups': [('add', [ModelData.get_id(
                                'ric_base', 'group_ric_service')])],
                'companies': [('add', [employee.company.id])],
                'company': employee.company.id,
                'employees': [('add', [employee_id])],
                'employee': employee_id,
                }])


def diary_over_rpc(args, database, week):
    """Open the diary of the week as the web client: log in, read the
    view fields, search_read the works of the user's employee 5 times;
    return (first, best, count)"""
    server_args = SimpleNamespace(uri=args.uri, port=args.port, servers=1,
        database=database)
    with tempfile.TemporaryDirectory(prefix='bench_task_') as workdir:
        servers = start_servers(server_args, workdir)
        try:
            wait_servers(servers, database, timeout=120)
            client = Client(HOST, args.port, database)
            client.login('diary', PASSWORD)
            employee = client.context['employee']
            names = set()
            for view_type in ['calendar', 'tree']:
                view = client.call('model.ric.task.work.fields_view_get',
                    None, view_type)
                names |= set(view['fields'])
            timings = []
            for _ in range(5):
                start = time.perf_counter()
                works = client.call('model.ric.task.work.search_read', [
                        ('executor', '=', employee),
                        ('planned_datetime', '>=', week[0]),
                        ('planned_datetime', '<', week[1]),
                        ], 0, None, None, sorted(names))
                timings.append(time.perf_counter() - start)
            client.logout()
            client.close()
        finally:
            stop_servers(servers)
    return timings[0], min(timings), len(works)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--clients', type=int, default=100000)
    parser.add_argument('--works', type=int, default=200000)
    parser.add_argument('--employees', type=int, default=20)
    parser.add_argument('--seed', type=int, default=16)
    parser.add_argument('--port', type=int, default=8260,
        help="loopback port of the trytond server of the RPC diary")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    args = parser.parse_args()
    database = 'bench_task_%s' % os.getpid()

    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.database.create(transaction.connection, database)
    ok = True
    try:
        backend.Database(database).init()
        start = time.time()
        pool = Pool(database)
        pool.init(update=['ric_task'], lang=['en'], activatedeps=True)
        print("database %s ready in %.1f s" % (database, time.time() - start))

        rng = random.Random(args.seed)
        with Transaction().start(database, 0, context={}) as transaction:
            pool = Pool()
            Currency = pool.get('currency.currency')
            Company = pool.get('company.company')
            Party = pool.get('party.party')
            Date = pool.get('ir.date')
            currency, = Currency.create([{'name': 'Rouble', 'code': 'RUB',
                        'symbol': '₽'}])
            party, = Party.create([{'name': 'RIC'}])
            company, = Company.create([{'party': party.id,
                        'currency': currency.id}])
            transaction.commit()
            company_id = company.id
            today = Date.today()
        context = {'company': company_id}
        with Transaction().start(database, 0, context=context) as transaction:
            start = time.time()
            employee_ids, direction_id = build(args, company_id, rng, today)
            pool = Pool()
            Rule = pool.get('ric.task.rule')
            Stage = pool.get('ric.party.readiness.stage')
            stage = Stage.search([], order=[('sequence', 'DESC')], limit=1)
            Rule.create([{
                        'name': kind, 'kind': kind, 'company': company_id,
                        'days': days, 'stage': stage[0].id if stage else None,
                        'item_type': 'prize', 'prize_kind': 'problem',
                        'item_name': kind, 'direction': direction_id,
                        'default_assignee': employee_ids[0], 'due_days': 7}
                    for kind, days in [
                        ('no_decision_maker_contact', 90),
                        ('readiness_below', None),
                        ('demo_expiring', 7),
                        ('reservation_overdue', None),
                        ('key_client_no_event', 90),
                        ('no_responsible', None)]])
            transaction.commit()
            print("base of %s clients and %s works inserted in %.1f s"
                % (args.clients, args.works, time.time() - start))

        for run in (1, 2):
            with Transaction().start(database, 0,
                    context=context) as transaction:
                Rule = Pool().get('ric.task.rule')
                start = time.time()
                result = Rule.run_cron()
                duration = time.time() - start
                transaction.commit()
                rules = Rule.browse(list(result))
                print("rules run %s: %.1f s, created %s (%s)" % (
                        run, duration, sum(result.values()), ', '.join(
                            '%s %s' % (r.kind, result[r.id])
                            for r in rules)))
                if run == 1:
                    ok &= duration < 60
                else:
                    ok &= sum(result.values()) == 0

        with Transaction().start(database, 0,
                context=context) as transaction:
            pool = Pool()
            Work = pool.get('ric.task.work')
            names = set()
            for view_type in ['calendar', 'tree']:
                view = Work.fields_view_get(view_type=view_type)
                names |= set(view['fields'])
            names = sorted(names)
            employee = employee_ids[len(employee_ids) // 2]
            monday = today - dt.timedelta(days=today.weekday())
            week = (dt.datetime.combine(monday, dt.time()),
                dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()))
            timings = []
            for _ in range(5):
                start = time.time()
                works = Work.search_read([
                        ('executor', '=', employee),
                        ('planned_datetime', '>=', week[0]),
                        ('planned_datetime', '<', week[1]),
                        ], fields_names=names)
                timings.append(time.time() - start)
            count = Work.search([], count=True)
            best, first = min(timings), timings[0]
            print("diary of a week: %s works of %s, first %.0f ms, best "
                "%.0f ms (in-process search_read of the view fields)" % (
                    len(works), count, first * 1000, best * 1000))
            diary_user(database, employee)
            transaction.commit()
        Pool.stop(database)
        backend.Database(database).close()
        rpc_first, rpc_best, count = diary_over_rpc(args, database, week)
        print("diary of a week over JSON-RPC (service engineer, record "
            "rules): %s works, first %.0f ms, best %.0f ms" % (
                count, rpc_first * 1000, rpc_best * 1000))
        ok &= rpc_first < 0.3
    finally:
        Pool.stop(database)
        backend.Database(database).close()
        if not args.keep:
            with Transaction().start(
                    None, 0, close=True, autocommit=True) as transaction:
                transaction.database.drop(transaction.connection, database)
    print("OK" if ok else "SLOWER THAN THE TARGETS")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
