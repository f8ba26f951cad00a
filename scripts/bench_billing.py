#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of ric_billing: a month of maintenance billed, against stock

Creates a database with ric_billing and the stock ``sale_subscription``
activated, two legal entities (ООО on the general regime with VAT 22 %, an
entrepreneur on the simplified regime), a price list and a base of clients
with three distributives each, made as untidy as a real base:

* 2 % of the clients have no INN, 5 % are branches (the INN of another
  client, their own KPP), 1 % have a misspelt name, 0.5 % no address (the
  run logs them and bills the others);
* the distributives were connected last year through movements; in the
  billed month 3 % are connected mid-month, 2 % transferred to another
  client, 2 % replaced by another network type, 1 % disconnected, and
  0.5 % are of a system the price list does not price (logged);
* one client in ten is billed by the entrepreneur (individual rule), the
  others by the ООО (group rule).

Then it times, on the same data and in the same run:

1. ``ric.billing.run`` for one month of the first --checkpoint clients,
   then for the next month of every client (create and post the invoices,
   with the spine, prices, taxes, ledger and billed amounts): the
   throughput at both sizes;
2. the stock path: ``sale_subscription`` with one subscription per client
   (its three distributives as lines at the list price) generating the
   consumptions and the invoices of a third month, then ``Invoice.post``
   — on --peer-clients of the same clients;

and prints both throughputs and their ratio (goal: ≥ 100 invoices/s and
≥ 10× the stock path, not falling as the run grows).

    scripts/bench_billing.py --clients 5000 --checkpoint 1000
    scripts/bench_billing.py --clients 1500 --peer-clients 0 --keep
    scripts/bench_billing.py --reuse bench_billing_<pid> --checkpoint 300
"""
import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal

from tqdm import tqdm

from bench_orm import StockCalls

#: print the profile of the billing runs (--profile)
PROFILE = False
LEGAL_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8]


def legal_inn(rng, valid=True):
    "A 10-digit INN of a legal entity, with a right or wrong check digit"
    digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(8)]
    check = sum(w * d for w, d in zip(LEGAL_WEIGHTS, digits)) % 11 % 10
    if not valid:
        check = (check + 1) % 10
    return ''.join(map(str, digits)) + str(check)


def month_after(date):
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def setup_books(database, months):
    "Entities, charts, price list and rules, as a user does with proteus"
    from proteus import Model
    from proteus import config as pconfig
    from trytond.modules.ric_billing.tests.tools import (
        create_entity, switch_company)
    config = pconfig.set_trytond(database)
    years = sorted({m.year for m in months})
    ooo = create_entity("ООО «РИЦ Бенч»", '3123456783', '312301001',
        'osno', years=years, config=config)
    ip = create_entity("ИП Петров Пётр Петрович", '312300144001', None,
        'usn', years=years, config=config)
    switch_company(ooo, config)
    System = Model.get('ric.system')
    NetworkType = Model.get('ric.network.type')
    systems = []
    for code, name, kind in [('PROF', "Версия Проф", 'main'),
            ('BUH', "Бухгалтер", 'main'), ('YUR', "Юрист", 'main'),
            ('KORP', "Корпоративная", 'main'),
            ('FIN', "Финансист", 'additional'),
            ('KADR', "Кадры", 'additional'),
            ('OLD', "Снятая система", 'additional')]:
        system = System(code=code, name=name, kind=kind)
        system.save()
        systems.append(system)
    network_types = NetworkType.find([])
    PriceList = Model.get('product.price_list')
    main = PriceList(name="Прейскурант РИЦ", code='MAIN', ric_type='main')
    main.save()
    Version = Model.get('ric.price_list.version')
    version = Version(price_list=main, name="Бенч",
        start_date=dt.date(years[0], 1, 1))
    rng = random.Random(7)
    for system in systems:
        if system.code == 'OLD':
            continue  # not priced: its distributives are logged
        for network_type in network_types:
            version.lines.new(item_type='system', system=system,
                network_type=network_type,
                maintenance_price=Decimal(rng.randrange(3000, 30000, 50)))
    version.save()
    version.click('approve')
    RicConfiguration = Model.get('ric.configuration')
    ric_configuration = RicConfiguration(1)
    ric_configuration.default_price_list = main
    ric_configuration.save()
    Rule = Model.get('ric.billing.rule')
    Rule(name="Все клиенты", company=ooo, kind='group',
        document_set='invoice_act_vat', period='monthly',
        grouping='client').save()
    return ooo.id, ip.id, [s.id for s in systems], [
        n.id for n in network_types], main.id


def build_base(args, rng, ids, months):
    """Clients, distributives and their movements through the ORM; return
    the client ids"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    Distributive = pool.get('ric.distributive')
    Movement = pool.get('ric.distributive.movement')
    Rule = pool.get('ric.billing.rule')
    ooo_id, ip_id, system_ids, network_type_ids, _ = ids
    priced = system_ids[:-1]
    connected = months[0] - dt.timedelta(days=200)
    billed = months[1]
    batch = 500
    inns = []
    client_ids = []
    for start in tqdm(range(0, args.clients, batch), desc='clients',
            unit='batch', leave=False):
        vlist = []
        for i in range(start, min(start + batch, args.clients)):
            draw = rng.random()
            kpp = None
            if draw < 0.02:
                inn = None
            elif draw < 0.07 and inns:
                inn = rng.choice(inns)  # a branch
                kpp = '31%02d%05d' % (rng.randrange(1, 99), i % 100000)
            else:
                inn = legal_inn(rng)
                inns.append(inn)
                kpp = '%s01001' % inn[:4]
            values = {
                'name': rng.choice(["ООО «%s»", "АО «%s»", "ИП %s",
                        "МБОУ «%s»", "ооо %s"]) % (
                    "Клиент %s" % i if rng.random() > 0.01
                    else "Клиетн %s" % i),
                'is_client': True,
                'client_status': 'served',
                'kpp': kpp,
                }
            if rng.random() > 0.005:  # a few clients have no address
                values['addresses'] = [('create', [{
                                'street': "ул. Победы, %s" % (i % 200 + 1),
                                'city': rng.choice(["Белгород",
                                        "Старый Оскол", "белгород"]),
                                'postal_code': '308%03d' % (i % 1000)}])]
            if inn:
                values['identifiers'] = [('create', [{
                                'type': 'ru_vat', 'code': inn}])]
            vlist.append(values)
        client_ids += [p.id for p in Party.create(vlist)]
    rule, = Rule.create([{'name': "Бюджетные организации",
                'company': ip_id, 'kind': 'individual',
                'document_set': 'invoice_act', 'period': 'monthly',
                'grouping': 'client',
                'clients': [('add', client_ids[::10])]}])
    Transaction().commit()

    number = 100000
    for start in tqdm(range(0, len(client_ids), batch),
            desc='distributives', unit='batch', leave=False):
        dvalues, movements = [], []
        for client in client_ids[start:start + batch]:
            for _ in range(args.distributives):
                number += 1
                system = (system_ids[-1] if rng.random() < 0.005
                    else rng.choice(priced))
                dvalues.append({'number': str(number), 'system': system,
                        'network_type': rng.choice(network_type_ids),
                        'company': ooo_id})
        distributives = Distributive.create(dvalues)
        clients = client_ids[start:start + batch]
        for index, distributive in enumerate(distributives):
            client = clients[index // args.distributives]
            draw = rng.random()
            day = billed.replace(day=rng.randrange(2, 28))
            date = day if draw < 0.03 else connected
            movements.append({'kind': 'connection', 'date': date,
                    'distributive': distributive.id, 'client': client,
                    'company': ooo_id})
            if 0.03 <= draw < 0.05:
                movements.append({'kind': 'transfer', 'date': day,
                        'distributive': distributive.id,
                        'client': rng.choice(client_ids),
                        'company': ooo_id})
            elif 0.05 <= draw < 0.07:
                movements.append({'kind': 'replacement', 'date': day,
                        'distributive': distributive.id,
                        'network_type': rng.choice([n for n in
                                network_type_ids
                                if n != distributive.network_type.id]),
                        'company': ooo_id})
            elif 0.07 <= draw < 0.08:
                movements.append({'kind': 'disconnection', 'date': day,
                        'distributive': distributive.id,
                        'company': ooo_id})
        movements.sort(key=lambda m: (m['date'], m['kind'] != 'connection'))
        Movement.do(Movement.create(movements))
        Transaction().commit()
    return client_ids


def retrying(database, context, func):
    """Call func in a transaction started again, with the tables it asked
    for locked, as the server's dispatcher and the cron do"""
    from trytond.transaction import TransactionError
    from trytond.transaction import Transaction
    extras = {}
    while True:
        try:
            with Transaction().start(database, 1, context=context,
                    **extras) as transaction:
                result = func()
                transaction.commit()
                return result
        except TransactionError as exception:
            # the work done so far is lost: say so, it costs throughput
            print("transaction restarted to take a lock: %r" % vars(
                    exception), file=sys.stderr)
            exception.fix(extras)


#: the stock calls of the runs, timed (bench_orm.StockCalls)
STOCK = None
STOCK_CALLS = [('account.invoice', 'create'), ('account.invoice', 'post')]


def print_stock_share(count, duration):
    line = STOCK.describe(count, duration, 'invoices') if STOCK else ''
    if line:
        print(line)


def bill(database, company_id, month, client_ids):
    "Run the billing of month; return (invoices, errors, seconds)"
    from trytond.pool import Pool
    context = {'company': company_id}

    def create():
        Run = Pool().get('ric.billing.run')
        run, = Run.create([{'month': month, 'invoice_date': month_after(
                        month) - dt.timedelta(days=1),
                    'clients': [('add', client_ids)] if client_ids else []}])
        return run.id
    run_id = retrying(database, context, create)
    STOCK.clear()
    start = time.perf_counter()

    def process():
        Run = Pool().get('ric.billing.run')
        if PROFILE:
            import cProfile
            import pstats
            profile = cProfile.Profile()
            profile.runcall(Run.process, Run.browse([run_id]))
            pstats.Stats(profile).sort_stats('cumulative').print_stats(45)
        else:
            Run.process(Run.browse([run_id]))
    retrying(database, context, process)
    duration = time.perf_counter() - start

    def read():
        run = Pool().get('ric.billing.run')(run_id)
        return run.invoice_count, run.error_count
    return retrying(database, context, read) + (duration,)


def bill_again(database, month, count):
    """Bill month for the first count clients of a kept database in one
    transaction and roll it back; return (invoices, errors, seconds)

    The month must not be billed yet: with --keep the first run leaves the
    third month of --month free, and the rollback leaves it so."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    while True:
        try:
            with Transaction().start(database, 1, **extras) as transaction:
                pool = Pool()
                Run = pool.get('ric.billing.run')
                Distributive = pool.get('ric.distributive')
                Company = pool.get('company.company')
                company = Company.search([], order=[('id', 'ASC')])[0]
                with transaction.set_context(company=company.id):
                    clients = sorted(Distributive.get_client_distributives(
                            None, month, month_after(month)
                            - dt.timedelta(days=1)))[:count]
                    run, = Run.create([{'month': month,
                                'invoice_date': month_after(month)
                                - dt.timedelta(days=1),
                                'clients': [('add', clients)]}])
                    STOCK.clear()
                    start = time.perf_counter()
                    Run.process([run])
                    duration = time.perf_counter() - start
                    run = Run(run.id)
                    result = (run.invoice_count, run.error_count, duration)
                transaction.rollback()
                return result
        except TransactionError as exception:
            exception.fix(extras)


def peer(database, company_id, month, client_ids, product_id):
    """The stock path: a subscription per client, consumptions and invoices
    generated for month, then posted; return (invoices, seconds)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 1, context={
                'company': company_id}) as transaction:
        pool = Pool()
        RuleSet = pool.get('sale.subscription.recurrence.rule.set')
        Service = pool.get('sale.subscription.service')
        Subscription = pool.get('sale.subscription')
        Line = pool.get('sale.subscription.line')
        Invoice = pool.get('account.invoice')
        Distributive = pool.get('ric.distributive')
        Product = pool.get('product.product')
        Party = pool.get('party.party')
        monthly, = RuleSet.create([{'name': "Monthly",
                    'rules': [('create', [{'freq': 'monthly',
                                    'interval': 1}])]}])
        service, = Service.create([{'product': product_id,
                    'consumption_recurrence': monthly.id}])
        product = Product(product_id)
        # the same distributives, at the price the run billed them
        prices = {}
        InvoiceLine = pool.get('account.invoice.line')
        for line in InvoiceLine.search([
                    ('invoice.party', 'in', client_ids),
                    ('invoice.company', '=', company_id),
                    ('ric_distributive', '!=', None)]):
            prices.setdefault(line.invoice.party.id, {})[
                line.ric_distributive.id] = line.ric_monthly_price
        names = {d.id: d.rec_name for d in Distributive.browse(
                sorted({d for p in prices.values() for d in p}))}
        vlist = []
        for party in Party.browse(client_ids):
            client = party.id
            lines = [{'service': service.id, 'quantity': 1,
                    'unit_price': price, 'unit': product.default_uom.id,
                    'start_date': month, 'description': names[d]}
                for d, price in sorted(prices.get(client, {}).items())]
            address = party.address_get(type='invoice')
            if lines and address:
                vlist.append({'party': client, 'company': company_id,
                        'invoice_address': address.id,
                        'start_date': month, 'invoice_start_date': month,
                        'invoice_recurrence': monthly.id,
                        'lines': [('create', lines)]})
        subscriptions = Subscription.create(vlist)
        Subscription.quote(subscriptions)
        Subscription.run(subscriptions)
        transaction.commit()
        start = time.perf_counter()
        Line.generate_consumption(date=month_after(month))
        Subscription.generate_invoice(date=month_after(month))
        invoices = Invoice.search([('state', '=', 'draft'),
                ('company', '=', company_id),
                ('party', 'in', client_ids), ('ric_run', '=', None)])
        for batch in tqdm(range(0, len(invoices), 500), desc='stock post',
                unit='batch', leave=False):
            Invoice.post(invoices[batch:batch + 500])
        transaction.commit()
        return len(invoices), time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--clients', type=int, default=5000)
    parser.add_argument('--distributives', type=int, default=3,
        help="distributives per client")
    parser.add_argument('--checkpoint', type=int, default=1000,
        help="clients of the first, smaller run")
    parser.add_argument('--peer-clients', type=int, default=1000,
        help="clients billed by the stock path (0: none)")
    parser.add_argument('--month', default='2026-03-01')
    parser.add_argument('--seed', type=int, default=14)
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    parser.add_argument('--profile', action='store_true',
        help="print the profile of the billing runs")
    parser.add_argument('--reuse', metavar='DATABASE',
        help="a database kept by --keep: bill the third month for the "
        "first --checkpoint clients in one transaction, roll it back and "
        "print the throughput (repeatable: to compare two versions of the "
        "code on the same data)")
    args = parser.parse_args()
    global PROFILE, STOCK
    PROFILE = args.profile
    if args.reuse:
        return reuse(args)
    database = 'bench_billing_%s' % os.getpid()
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    first = dt.date.fromisoformat(args.month)
    months = [first, month_after(first), month_after(month_after(first))]
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.database.create(transaction.connection, database)
    ok = True
    try:
        backend.Database(database).init()
        start = time.time()
        Pool(database).init(update=['ric_billing', 'sale_subscription'],
            lang=['en'], activatedeps=True)
        print("database %s ready in %.0f s" % (database, time.time() - start))
        start = time.time()
        ids = setup_books(database, months)
        rng = random.Random(args.seed)
        with Transaction().start(database, 1, context={
                    'company': ids[0]}):
            client_ids = build_base(args, rng, ids, months)
        print("base: %s clients × %s distributives built in %.0f s" % (
                len(client_ids), args.distributives, time.time() - start))

        # after the set-up: proteus initialises the pool again
        STOCK = StockCalls(database, STOCK_CALLS)
        results = []
        for month, clients in [
                (months[0], rng.sample(client_ids, args.checkpoint)),
                (months[1], None)]:
            count, errors, duration = bill(database, ids[0], month, clients)
            rate = count / duration if duration else 0
            results.append(rate)
            print("ric_billing %s: %s clients, %s invoices, %s client "
                "errors logged in %.1f s: %.1f invoices/s" % (
                    month.strftime('%Y-%m'),
                    len(clients) if clients else len(client_ids), count,
                    errors, duration, rate))
            print_stock_share(count, duration)
        # a second run of the month bills nothing
        count, errors, duration = bill(database, ids[0], months[1], None)
        print("second run of %s: %s invoices in %.1f s" % (
                months[1].strftime('%Y-%m'), count, duration))
        ok &= count == 0
        ok &= min(results) >= 100 and results[-1] >= 0.8 * results[0]

        if args.peer_clients:
            with Transaction().start(database, 1):
                Configuration = Pool().get('ric.billing.configuration')
                product_id = Configuration(1).get_multivalue(
                    'maintenance_product', company=ids[0]).id
            sample = client_ids[:args.peer_clients]
            sample = [c for i, c in enumerate(sample) if i % 10]
            count, duration = peer(
                database, ids[0], months[1], sample, product_id)
            stock = count / duration if duration else 0
            print("stock sale_subscription %s: %s invoices generated and "
                "posted in %.1f s: %.1f invoices/s" % (
                    months[1].strftime('%Y-%m'), count, duration, stock))
            ratio = results[-1] / stock if stock else 0
            print("ratio ric_billing / stock: %.1f× (goal ≥ 10×)" % ratio)
            ok &= ratio >= 10
    finally:
        if not args.keep:
            import psycopg
            with psycopg.connect(args.uri + 'postgres',
                    autocommit=True) as connection:
                connection.execute(
                    'DROP DATABASE "%s" WITH (FORCE)' % database)
    print("goals met" if ok else "goals NOT met")
    return 0 if ok else 1


def reuse(args):
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    from trytond.pool import Pool
    first = dt.date.fromisoformat(args.month)
    month = month_after(month_after(first))
    Pool(args.reuse).init()
    global STOCK
    STOCK = StockCalls(args.reuse, STOCK_CALLS)
    count, errors, duration = bill_again(args.reuse, month, args.checkpoint)
    print("ric_billing %s on %s (rolled back): %s clients, %s invoices, %s "
        "client errors logged in %.1f s: %.1f invoices/s" % (
            month.strftime('%Y-%m'), args.reuse, args.checkpoint, count,
            errors, duration, count / duration if duration else 0))
    print_stock_share(count, duration)
    return 0


if __name__ == '__main__':
    sys.exit(main())
