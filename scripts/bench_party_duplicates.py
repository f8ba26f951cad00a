#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the duplicate client search of ric_party

Creates a database with the module ric_party activated, inserts N generated
clients (bulk SQL) of which a known share are planted duplicates of another
client (same INN written differently, same phone written differently, same
e-mail in capitals, or a name with a typo or another spelling of its legal
form at the same address written differently), runs
``ric.party.duplicate.find_duplicates`` and prints the time, the recall and
the precision on the planted pairs.

    scripts/bench_party_duplicates.py \\
        --uri postgresql://postgres@127.0.0.1:5432/ --clients 100000

Targets (issue 3): under 60 s for 100 000 clients on PostgreSQL, recall
>= 0.95, precision >= 0.9.
"""
import argparse
import os
import random
import sys
import time


def inn_for(number):
    "Return a valid 10-digit INN from a 9-digit number"
    from trytond.modules.ric_base.requisites import complete_inn
    return complete_inn('%09d' % number)


CITIES = ['Белгород', 'Старый Оскол', 'Губкин', 'Шебекино', 'Алексеевка',
    'Валуйки', 'Строитель', 'Новый Оскол', 'Бирюч', 'Грайворон', 'Короча',
    'Новый Оскол', 'Чернянка', 'Ракитное', 'Ивня', 'Красная Яруга',
    'Прохоровка', 'Вейделевка', 'Ровеньки', 'Волоконовка']
STREETS = ['Победы', 'Щорса', 'Губкина', 'Садовая', 'Мичурина', 'Попова',
    'Народный', 'Богдана Хмельницкого', 'Везельская', 'Костюкова',
    'Есенина', 'Королёва', 'Преображенская', 'Белгородский', 'Чапаева',
    'Ленина', 'Октябрьская', 'Советская', 'Гагарина', 'Пушкина',
    'Лермонтова', 'Кирова', 'Калинина', 'Мира', 'Молодёжная', 'Школьная',
    'Заводская', 'Полевая', 'Лесная', 'Центральная', 'Строителей',
    'Железнодорожная', 'Комсомольская', 'Первомайская', 'Набережная',
    'Южная', 'Северная', 'Восточная', 'Западная', 'Луговая']
PREFIXES = ['Агро', 'Строй', 'Техно', 'Бел', 'Спец', 'Про', 'Мега', 'Гранд',
    'Альфа', 'Вектор', 'Оскол', 'Эко', 'Энерго', 'Мед', 'Авто', 'Транс',
    'Торг', 'Пром', 'Инвест', 'Сервис', 'Дор', 'Хим', 'Фарм', 'Лес', 'Металл',
    'Электро', 'Газ', 'Нефть', 'Кран', 'Быт', 'Дом', 'Сад', 'Мир', 'Союз',
    'Нова', 'Старт', 'Профи', 'Стандарт', 'Юг', 'Центр']
ROOTS = ['инвест', 'строй', 'торг', 'сервис', 'комплект', 'снаб', 'маркет',
    'трейд', 'групп', 'холдинг', 'пром', 'тех', 'альянс', 'ресурс', 'проект',
    'монтаж', 'логистик', 'капитал', 'консалт', 'продукт', 'агро', 'мех',
    'мастер', 'лайн', 'стиль', 'форм', 'плюс', 'стар', 'вест', 'ост']
WORDS = ['', '', '', ' Плюс', ' Групп', ' Сервис', ' Белгород', ' Регион',
    ' Центр', ' Юг', ' Инжиниринг', ' Трейд', ' Компани', ' Систем',
    ' Девелопмент', ' Логистика', ' Консалтинг', ' Маркет', ' Строй', ' Агро']
FORMS = [('ООО «%s»', 'Общество с ограниченной ответственностью "%s"'),
    ('АО «%s»', 'Акционерное общество "%s"'),
    ('ООО «%s»', '%s ООО'),
    ('ЗАО «%s»', 'ЗАО "%s"')]


def typo(rng, text):
    letters = 'абвгдежзиклмнопрстуфхцчшэюя'
    positions = [i for i, c in enumerate(text) if c.isalpha()]
    i = rng.choice(positions)
    return text[:i] + rng.choice(letters) + text[i + 1:]


def generate(rng, count, share):
    "Return (clients, planted pairs as (index, index))"
    clients = []
    originals = int(count / (1 + share))
    for i in range(originals):
        name = (rng.choice(PREFIXES) + rng.choice(ROOTS)
            + rng.choice(WORDS)).strip()
        form = rng.randrange(len(FORMS))
        city = rng.choice(CITIES)
        street = rng.choice(STREETS)
        number = rng.randint(1, 250)
        clients.append({
                'name': FORMS[form][0] % name,
                'base': name, 'form': form,
                'city': city, 'street': street, 'number': number,
                'address': 'ул. %s, д. %s' % (street, number),
                'inn': inn_for(100000000 + i) if rng.random() < 0.6 else None,
                'phone': ('+7 (4722) %03d-%02d-%02d' % (
                        i // 10000, i // 100 % 100, i % 100)
                    if rng.random() < 0.8 else None),
                'email': ('info%s@example.ru' % i
                    if rng.random() < 0.4 else None),
                })
    planted = []
    while len(clients) < count:
        index = rng.randrange(originals)
        original = clients[index]
        kinds = ['name']
        if original['inn']:
            kinds.append('inn')
        if original['phone']:
            kinds.append('phone')
        if original['email']:
            kinds.append('email')
        kind = rng.choice(kinds)
        duplicate = {
            'name': FORMS[original['form']][1] % original['base'],
            'base': original['base'], 'form': original['form'],
            'city': original['city'], 'street': original['street'],
            'number': original['number'],
            'address': 'улица %s %s' % (
                original['street'], original['number']),
            'inn': None, 'phone': None, 'email': None,
            }
        if kind == 'inn':
            inn = original['inn']
            duplicate['inn'] = '%s %s' % (inn[:4], inn[4:])
            duplicate['address'] = 'пр. Славы, %s' % rng.randint(1, 99)
            duplicate['name'] = typo(rng, duplicate['name'])
        elif kind == 'phone':
            duplicate['phone'] = '8' + ''.join(
                c for c in original['phone'] if c.isdigit())[1:]
            duplicate['address'] = ''
        elif kind == 'email':
            duplicate['email'] = original['email'].upper()
            duplicate['address'] = ''
        elif rng.random() < 0.5:
            duplicate['name'] = typo(rng, duplicate['name'])
        planted.append((index, len(clients)))
        clients.append(duplicate)
    return clients, planted


def insert(clients, batch=5000):
    "Insert the clients with bulk SQL; return their ids in order"
    from sql import Literal
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    Mechanism = pool.get('party.contact_mechanism')
    Address = pool.get('party.address')
    party = Party.__table__()
    identifier = Identifier.__table__()
    mechanism = Mechanism.__table__()
    address = Address.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*party.select(party.id, order_by=party.id.desc, limit=1))
    row = cursor.fetchone()
    next_id = (row[0] if row else 0) + 1
    ids = []
    for start in range(0, len(clients), batch):
        chunk = clients[start:start + batch]
        rows = []
        for offset, client in enumerate(chunk):
            id_ = next_id + start + offset
            ids.append(id_)
            rows.append([id_, client['name'], 'B%s' % id_, 'B%s' % id_,
                    True, True, 'potential', 0])
        cursor.execute(*party.insert(
                [party.id, party.name, party.code, party.code_alnum,
                    party.active, party.is_client, party.client_status,
                    party.create_uid],
                rows))
        rows = [[ids[start + o], 'ru_vat', c['inn'], c['inn'].replace(
                        ' ', ''), True, 0, 10]
            for o, c in enumerate(chunk) if c['inn']]
        if rows:
            cursor.execute(*identifier.insert(
                    [identifier.party, identifier.type, identifier.code,
                        identifier.code_compact, identifier.active,
                        identifier.create_uid, identifier.sequence], rows))
        rows = []
        for o, c in enumerate(chunk):
            if c['phone']:
                rows.append([ids[start + o], 'phone', c['phone'], True, 0])
            if c['email']:
                rows.append([ids[start + o], 'email', c['email'], True, 0])
        if rows:
            cursor.execute(*mechanism.insert(
                    [mechanism.party, mechanism.type, mechanism.value,
                        mechanism.active, mechanism.create_uid], rows))
        rows = [[ids[start + o], c['city'], c['address'] or None, True, 0]
            for o, c in enumerate(chunk)]
        cursor.execute(*address.insert(
                [address.party, address.city, address.street_unstructured,
                    address.active, address.create_uid], rows))
    if Transaction().database.has_sequence():
        cursor.execute("SELECT setval('party_party_id_seq', %s)"
            % (next_id + len(clients)))
    del Literal
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI',
            'postgresql://postgres@127.0.0.1:5432/'))
    parser.add_argument('--database', default='bench_ric_party')
    parser.add_argument('--clients', type=int, default=100000)
    parser.add_argument('--share', type=float, default=0.05,
        help="planted duplicates per original client")
    parser.add_argument('--seed', type=int, default=42)
    parser.add_argument('--keep', action='store_true',
        help="keep the database (it is dropped by default)")
    args = parser.parse_args()

    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        if args.database in transaction.database.list():
            transaction.database.drop(transaction.connection, args.database)
        transaction.database.create(transaction.connection, args.database)
    database = backend.Database(args.database)
    database.connect()
    database.init()
    start = time.time()
    pool = Pool(args.database)
    pool.init(update=['ric_party'], lang=['en'], activatedeps=True)
    print("database ready in %.1f s" % (time.time() - start))

    rng = random.Random(args.seed)
    clients, planted = generate(rng, args.clients, args.share)
    with Transaction().start(args.database, 0, context={}) as transaction:
        start = time.time()
        ids = insert(clients)
        transaction.commit()
        print("%s clients (%s planted duplicates) inserted in %.1f s"
            % (len(ids), len(planted), time.time() - start))
    with Transaction().start(args.database, 0, context={}) as transaction:
        Duplicate = Pool().get('ric.party.duplicate')
        start = time.time()
        created = Duplicate.find_duplicates()
        duration = time.time() - start
        transaction.commit()
        found = {(d.party_a.id, d.party_b.id)
            for d in Duplicate.search([])}
    # the duplicates of one original are duplicates between them too
    clusters = {}
    for a, b in planted:
        clusters.setdefault(a, {a}).add(b)
    expected = {tuple(sorted((ids[a], ids[b]))) for a, b in planted}
    correct = set()
    for members in clusters.values():
        members = sorted(ids[m] for m in members)
        correct.update((x, y) for i, x in enumerate(members)
            for y in members[i + 1:])
    recall = len(found & expected) / len(expected) if expected else 1
    precision = len(found & correct) / len(found) if found else 1
    print("duplicate search: %.1f s, %s pairs, recall %.3f, precision %.3f"
        % (duration, created, recall, precision))
    if not args.keep:
        from trytond.cache import Cache
        Pool.stop(args.database)
        Cache.drop(args.database)
        backend.Database(args.database).close()
        with Transaction().start(
                None, 0, close=True, autocommit=True) as transaction:
            transaction.database.drop(transaction.connection, args.database)
    ok = duration < 60 and recall >= 0.95 and precision >= 0.9
    print("targets (< 60 s, recall >= 0.95, precision >= 0.9): %s"
        % ('met' if ok else 'NOT met'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
