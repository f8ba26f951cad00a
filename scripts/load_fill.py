# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Database set-up of the load script (load_rpc.py).

* ``create_database`` makes a PostgreSQL database with the modules
  activated;
* ``fill`` puts the base in it: the company, the catalogue, and N clients
  with their mess (names written in several ways, addresses with or
  without street, INNs with or without spaces, phones in every format,
  e-mails, contact persons, connected and disconnected distributives with
  their history and movements).  The small records go through the ORM;
  the bulk tables are inserted with python-sql in batches, as this is the
  set-up of a benchmark, not application code;
* ``prepare_run`` is run before each load run, on a new or a reused base:
  one user per session (with a new password each run) and, for each
  session, its own distributives in stock, so that the final state of
  every distributive is known to the session that moved it.

Every function here runs in the load script's process, through the
trytond API, before the servers start.
"""
import datetime as dt
import random
import secrets
import time

from tqdm import tqdm

COMPANY_NAME = 'ООО «РИЦ Нагрузка»'
SYSTEM_COUNT = 10
BATCH = 5000

CITIES = ['Белгород', 'Старый Оскол', 'Губкин', 'Шебекино', 'Алексеевка',
    'Валуйки', 'Строитель', 'Новый Оскол', 'Короча', 'Чернянка',
    'Прохоровка', 'Ракитное', 'Бирюч', 'Ивня', 'Грайворон']
STREETS = ['Ленина', 'Мира', 'Советская', 'Гагарина', 'Щорса', 'Победы',
    'Садовая', 'Школьная', 'Кирова', 'Пушкина', 'Заводская', 'Есенина',
    'Молодёжная', 'Центральная', 'Строителей', 'Октябрьская', 'Луговая',
    'Набережная', 'Губкина', 'Преображенская', 'Студенческая', 'Лесная']
STEMS = ['Агро', 'Бел', 'Оскол', 'Строй', 'Техно', 'Мега', 'Транс', 'Торг',
    'Пром', 'Энерго', 'Дор', 'Хим', 'Фарм', 'Лес', 'Металл', 'Авто', 'Эко',
    'Спец', 'Нова', 'Вектор', 'Альфа', 'Гранд', 'Союз', 'Юг', 'Профи']
TAILS = ['инвест', 'строй', 'торг', 'сервис', 'комплект', 'снаб', 'трейд',
    'пром', 'ресурс', 'проект', 'монтаж', 'логистик', 'капитал', 'продукт',
    'мех', 'мастер', 'лайн', 'альянс', 'холдинг', 'маркет']
WORDS = ['', '', '', '', ' Плюс', ' Групп', ' Регион', ' Центр', ' М',
    ' Белогорье', ' 31', ' и К', ' Трейдинг', ' Системс']
ORG_FORMS = ['ООО «%s»', 'ООО "%s"', '%s ООО', 'ооо %s', 'АО «%s»',
    'Общество с ограниченной ответственностью «%s»', 'ЗАО "%s"',
    ' ООО  «%s» ', 'ПАО «%s»']
SURNAMES = ['Иванов', 'Петров', 'Сидоров', 'Кузнецов', 'Смирнов', 'Попов',
    'Волков', 'Соколов', 'Морозов', 'Новиков', 'Фёдоров', 'Лебедев',
    'Козлов', 'Егоров', 'Павлов', 'Семёнов', 'Голубев', 'Виноградов']
FIRST_NAMES = [('Александр', 'Анна'), ('Сергей', 'Елена'),
    ('Дмитрий', 'Ольга'), ('Андрей', 'Наталья'), ('Алексей', 'Ирина'),
    ('Игорь', 'Татьяна'), ('Михаил', 'Светлана'), ('Николай', 'Мария')]
PATRONYMICS = [('Иванович', 'Ивановна'), ('Петрович', 'Петровна'),
    ('Сергеевич', 'Сергеевна'), ('Викторович', 'Викторовна'),
    ('Николаевич', 'Николаевна'), ('Юрьевич', 'Юрьевна')]
POSITIONS = [('Директор', 'head'), ('Генеральный директор', 'head'),
    ('Главный бухгалтер', 'chief_accountant'),
    ('гл. бух.', 'chief_accountant'),
    ('Бухгалтер', 'accountant'), ('Юрист', 'lawyer'),
    ('Начальник отдела кадров', 'hr'), ('Секретарь', 'secretary'),
    ('Экономист', 'economist'), ('Системный администратор', 'it'),
    ('зам. директора', 'deputy_head'), ('', None)]
SCHOOLS = ['МБОУ «Средняя школа № %s»', 'МБДОУ «Детский сад № %s»',
    'ОГБУЗ «Городская поликлиника № %s»', 'МКУ «Управление № %s»']


def create_database(database, modules, reuse=False, extensions=True):
    """Create database with modules activated (drop it first unless reuse);
    return True when it was created.

    With extensions, the PostgreSQL extensions are created first (as
    scripts/create_database.py does): with pg_trgm trytond makes trigram
    indexes for the fields searched by similarity or ``ilike`` (the names
    of the parties), with unaccent it searches without accents, as in
    production."""
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        exists = database in transaction.database.list()
        if exists and not reuse:
            transaction.database.drop(transaction.connection, database)
        if not exists or not reuse:
            transaction.database.create(transaction.connection, database)
    if exists and reuse:
        Pool(database).init()
        return False
    db = backend.Database(database)
    db.connect()
    db.init()
    if extensions:
        _create_extensions(db)
    start = time.time()
    Pool(database).init(update=list(modules), lang=['en'], activatedeps=True)
    print("database %s: modules %s activated in %.0f s"
        % (database, ', '.join(modules), time.time() - start))
    return True


def _create_extensions(db):
    "The extensions of production, as scripts/create_database.py does"
    from create_database import create_extensions
    connection = db.get_connection()
    try:
        create_extensions(connection.cursor())
        connection.commit()
    finally:
        db.put_connection(connection)


def is_filled(database):
    "Return whether the base of the load script is in database"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        Party = Pool().get('party.party')
        # the clients are inserted in one transaction: all or none
        return bool(Party.search([('code', '=', 'L%07d' % 0)]))


def _name(rng, index):
    roll = rng.random()
    if roll < 0.05:
        surname = rng.choice(SURNAMES)
        first, patronymic = rng.randrange(8), rng.randrange(6)
        return 'ИП %s %s. %s.' % (surname, FIRST_NAMES[first][0][0],
            PATRONYMICS[patronymic][0][0])
    if roll < 0.08:
        return rng.choice(SCHOOLS) % rng.randint(1, 60)
    base = (rng.choice(STEMS) + rng.choice(TAILS) + rng.choice(WORDS))
    return rng.choice(ORG_FORMS) % base


def _person(rng):
    female = rng.random() < 0.55
    surname = rng.choice(SURNAMES) + ('а' if female else '')
    first = rng.choice(FIRST_NAMES)[female]
    patronymic = rng.choice(PATRONYMICS)[female]
    roll = rng.random()
    if roll < 0.15:
        return '%s %s.%s.' % (surname, first[0], patronymic[0])
    if roll < 0.2:
        return surname
    return '%s %s %s' % (surname, first, patronymic)


def _phone(rng):
    "Return (value as typed, compact value or None)"
    number = '4722%06d' % rng.randrange(10 ** 6)
    if rng.random() < 0.3:
        number = '9%09d' % rng.randrange(10 ** 9)
    style = rng.randrange(5)
    if style == 0:
        value = '+7 (%s) %s-%s-%s' % (
            number[:4], number[4:6], number[6:8], number[8:])
    elif style == 1:
        value = '8' + number
    elif style == 2:
        value = '%s-%s-%s' % (number[4:6], number[6:8], number[8:])
        return value, None
    elif style == 3:
        value = '+7%s' % number
    else:
        value = '8 (%s) %s %s' % (number[:3], number[3:6], number[6:])
    return value, '+7' + number


def _street(rng):
    street = rng.choice(STREETS)
    number = rng.randint(1, 180)
    style = rng.randrange(6)
    if style == 0:
        return 'ул. %s, д. %s' % (street, number)
    if style == 1:
        return 'улица %s %s' % (street, number)
    if style == 2:
        return '%s ул., %s-%s' % (street, number, rng.choice('абв'))
    if style == 3:
        return 'пр-т %s, %s, оф. %s' % (street, number, rng.randint(1, 40))
    if style == 4:
        return ''
    return None


def _next_ids(cursor, table, count):
    "Reserve count ids of the table from its sequence"
    cursor.execute("SELECT nextval('%s_id_seq') FROM generate_series(1, %s)"
        % (table, int(count)))
    return [i for i, in cursor]


def _insert(cursor, table, columns, rows):
    "Insert rows in queries of at most 30 000 parameters"
    from sql import Column
    size = max(1, 30000 // len(columns))
    for start in range(0, len(rows), size):
        cursor.execute(*table.insert(
                [Column(table, c) for c in columns],
                rows[start:start + size]))


def _base(rng):
    "Create the company and the catalogue (once); return the company id"
    from trytond.pool import Pool
    pool = Pool()
    companies = pool.get('company.company').search(
        [('party.name', '=', COMPANY_NAME)])
    if companies:
        return companies[0].id
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    System = pool.get('ric.system')
    Industry = pool.get('ric.party.industry')
    Source = pool.get('ric.party.source')
    Location = pool.get('stock.location')
    Configuration = pool.get('ric.distributive.configuration')
    User = pool.get('res.user')

    currency, = Currency.create([{'name': 'Российский рубль', 'code': 'RUB',
                'symbol': '₽', 'numeric_code': '643'}])
    party, = Party.create([{'name': COMPANY_NAME}])
    company, = Company.create([{'party': party.id,
                'currency': currency.id}])
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {'companies': [('add', [company.id])],
            'company': company.id})
    System.create([{'code': 'LS%s' % i, 'name': 'Система %s' % i}
            for i in range(SYSTEM_COUNT)])
    Industry.create([{'name': name} for name in ['Торговля', 'Строительство',
                'Сельское хозяйство', 'Образование', 'Медицина',
                'Промышленность', 'Транспорт', 'Государственное управление']])
    Source.create([{'name': name} for name in ['Звонок', 'Сайт',
                'Рекомендация', 'Выставка', 'Импорт']])
    warehouse, = Location.search([('type', '=', 'warehouse')], limit=1)
    config = Configuration(1)
    config.warehouse = warehouse
    config.save()
    return company.id


def fill(database, clients, seed=502):
    """Fill database with the company, the catalogue and clients
    (with addresses, INNs, phones, contacts, distributives, movements)"""
    from sql.functions import CurrentTimestamp
    from trytond.modules.ric_base.requisites import complete_inn
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from trytond.transaction import TransactionError

    rng = random.Random(seed)
    extras = {}
    while True:
        # the singletons lock their table: start again with the lock
        with Transaction().start(
                database, 0, context={}, **extras) as transaction:
            try:
                company = _base(rng)
            except TransactionError as exc:
                transaction.rollback()
                exc.fix(extras)
                continue
            transaction.commit()
            break
    with Transaction().start(database, 0,
            context={'company': company}) as transaction:
        pool = Pool()
        cursor = transaction.connection.cursor()
        tables = {name: pool.get(name).__table__() for name in [
                'party.party', 'party.address', 'party.identifier',
                'party.contact_mechanism', 'ric.party.contact',
                'ric.distributive', 'ric.distributive.history',
                'ric.distributive.movement']}
        systems = [s.id for s in pool.get('ric.system').search([])]
        network_types = [n.id for n in pool.get('ric.network.type').search(
                [])]
        industries = [i.id for i in pool.get('ric.party.industry').search(
                [])]
        sources = [s.id for s in pool.get('ric.party.source').search([])]
        now = CurrentTimestamp()
        numbers = iter(range(10 ** 6, 10 ** 7))
        counts = dict.fromkeys(['parties', 'addresses', 'identifiers',
                'mechanisms', 'contacts', 'distributives', 'movements'], 0)
        progress = tqdm(total=clients, unit='client', desc='fill')
        for start in range(0, clients, BATCH):
            size = min(BATCH, clients - start)
            party_ids = _next_ids(cursor, 'party_party', size)
            parties, addresses, identifiers, mechanisms = [], [], [], []
            contacts, distributives, history, movements = [], [], [], []
            for offset, party_id in enumerate(party_ids):
                index = start + offset
                is_client = rng.random() < 0.95
                status = 'potential' if is_client else None
                city = rng.choice(CITIES)
                if rng.random() < 0.2:
                    city = 'г. ' + city
                for _ in range(1 if rng.random() < 0.75 else 2):
                    addresses.append([party_id, city, _street(rng),
                            rng.choice(['', '308000', '309500', None]),
                            True, 0, now])
                if rng.random() < 0.6:
                    inn = complete_inn('%09d' % (300000000 + index))
                    code = inn if rng.random() < 0.8 else (
                        '%s %s' % (inn[:4], inn[4:]))
                    identifiers.append(
                        [party_id, 'ru_vat', code, inn, True, 10, 0, now])
                for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                    value, compact = _phone(rng)
                    mechanisms.append([party_id, 'phone', value, compact,
                            True, 0, now])
                if rng.random() < 0.4:
                    email = 'office%s@example.ru' % index
                    if rng.random() < 0.2:
                        email = email.upper()
                    mechanisms.append(
                        [party_id, 'email', email, email.lower(), True, 0,
                            now])
                if is_client and rng.random() < 0.5:
                    for _ in range(rng.randint(1, 3)):
                        position, position_type = rng.choice(POSITIONS)
                        phone = _phone(rng)[0] if rng.random() < 0.7 else None
                        contacts.append([party_id, _person(rng), position,
                                position_type, phone,
                                rng.random() < 0.3, True, 0, now])
                if is_client and rng.random() < 0.25:
                    status = 'served'
                    for _ in range(rng.choice([1, 1, 1, 2, 3])):
                        date = dt.date(2019, 1, 1) + dt.timedelta(
                            days=rng.randrange(6 * 365))
                        disconnected = rng.random() < 0.1
                        distributives.append([party_id, rng.choice(systems),
                                rng.choice(network_types),
                                'B%s' % next(numbers), date, disconnected])
                    if all(d[-1] for d in distributives
                            if d[0] == party_id):
                        status = 'disconnected'
                parties.append([party_id, _name(rng, index),
                        'L%07d' % index, 'L%07d' % index, index,
                        rng.random() > 0.02, is_client, status,
                        'L%s' % index if is_client else None,
                        rng.choice([None, None, 'A', 'B', 'C']),
                        rng.choice([None, 'osno', 'usn_income',
                                'usn_profit']),
                        rng.choice(industries + [None] * 4),
                        rng.choice(sources + [None] * 2),
                        0, now])
            _insert(cursor, tables['party.party'],
                ['id', 'name', 'code', 'code_alnum', 'code_digit', 'active',
                    'is_client', 'client_status', 'client_number',
                    'client_category', 'tax_regime', 'industry',
                    'record_source', 'create_uid', 'create_date'], parties)
            _insert(cursor, tables['party.address'],
                ['party', 'city', 'street_unstructured', 'postal_code',
                    'active', 'create_uid', 'create_date'], addresses)
            _insert(cursor, tables['party.identifier'],
                ['party', 'type', 'code', 'code_compact', 'active',
                    'sequence', 'create_uid', 'create_date'], identifiers)
            _insert(cursor, tables['party.contact_mechanism'],
                ['party', 'type', 'value', 'value_compact', 'active',
                    'create_uid', 'create_date'], mechanisms)
            _insert(cursor, tables['ric.party.contact'],
                ['party', 'name', 'position', 'position_type', 'phone',
                    'decision_maker', 'active', 'create_uid',
                    'create_date'], contacts)
            _fill_distributives(cursor, tables, company, distributives,
                history, movements, now)
            counts['parties'] += len(parties)
            counts['addresses'] += len(addresses)
            counts['identifiers'] += len(identifiers)
            counts['mechanisms'] += len(mechanisms)
            counts['contacts'] += len(contacts)
            counts['distributives'] += len(distributives)
            counts['movements'] += len(movements)
            progress.update(size)
        progress.close()
        cursor.execute('ANALYZE')
        transaction.commit()
    print("base: %s" % ', '.join('%s %s' % (v, k) for k, v in counts.items()))
    return company


def _fill_distributives(cursor, tables, company, distributives, history,
        movements, now):
    "Insert the distributives with their movements and history periods"
    if not distributives:
        return
    ids = _next_ids(cursor, 'ric_distributive', len(distributives))
    rows = []
    for d_id, (party, system, network_type, number, date,
            disconnected) in zip(ids, distributives):
        last = date + dt.timedelta(days=200) if disconnected else date
        rows.append([d_id, number, system, network_type, 'commercial',
                'disconnected' if disconnected else 'connected', party,
                company, last, 0, now])
        movements.append([d_id, 'connection', party, None, date, system,
                network_type])
        if disconnected:
            movements.append([d_id, 'disconnection', party, party, last,
                    system, network_type])
    _insert(cursor, tables['ric.distributive'],
        ['id', 'number', 'system', 'network_type', 'type', 'state', 'client',
            'company', 'last_movement_date', 'create_uid', 'create_date'],
        rows)
    movement_ids = _next_ids(
        cursor, 'ric_distributive_movement', len(movements))
    rows = []
    for m_id, movement in zip(movement_ids, movements):
        d, kind, client, from_client, date, system, network_type = movement
        rows.append([m_id, company, d, kind, client, from_client, date,
                system, network_type, 'done', False, 0, now])
    _insert(cursor, tables['ric.distributive.movement'],
        ['id', 'company', 'distributive', 'kind', 'client', 'from_client',
            'date', 'from_system', 'from_network_type', 'state', 'exported',
            'create_uid', 'create_date'], rows)
    by_distributive = {}
    for m_id, movement in zip(movement_ids, movements):
        by_distributive.setdefault(movement[0], []).append((m_id, movement))
    for d_id, items in by_distributive.items():
        for n, (m_id, (_, kind, client, _, date, system,
                    network_type)) in enumerate(items):
            date_to = items[n + 1][1][4] if n + 1 < len(items) else None
            history.append([d_id, 'connected' if kind == 'connection'
                    else 'disconnected', client, system, network_type, date,
                    date_to, m_id, 0, now])
    _insert(cursor, tables['ric.distributive.history'],
        ['distributive', 'state', 'client', 'system', 'network_type',
            'date_from', 'date_to', 'movement', 'create_uid', 'create_date'],
        history)


def prepare_run(database, sessions, distributives, tag):
    """Create (or update) one user per session and each session's
    distributives in stock.

    Return {'company', 'users': [(login, password)], 'distributives':
    [[ids] per session], 'clients': [client ids]}.
    """
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(database, 0, context={}) as transaction:
        pool = Pool()
        Company = pool.get('company.company')
        company, = Company.search([('party.name', '=', COMPANY_NAME)])
    with Transaction().start(database, 0, context={
                'company': company.id}) as transaction:
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Distributive = pool.get('ric.distributive')
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Party = pool.get('party.party')
        groups = [ModelData.get_id(*x.split('.')) for x in [
                'ric_base.group_ric_manager', 'party.group_party_admin',
                'stock.group_stock']]
        logins = ['load%02d' % i for i in range(1, sessions + 1)]
        existing = {u.login: u for u in User.search([
                    ('login', 'in', logins)])}
        users = [(login, 'Load-%s' % secrets.token_hex(8))
            for login in logins]
        to_create, to_write = [], []
        for login, password in users:
            values = {'password': password, 'company': company.id,
                'companies': [('add', [company.id])],
                'groups': [('add', groups)]}
            if login in existing:
                to_write.extend([[existing[login]], values])
            else:
                to_create.append(dict(values, login=login,
                        name='Load user %s' % login[4:]))
        if to_create:
            User.create(to_create)
        if to_write:
            User.write(*to_write)
        rng = random.Random(tag)
        systems = System.search([('code', 'like', 'LS%')])
        network_types = NetworkType.search([])
        vlist = []
        for session in range(sessions):
            for i in range(distributives):
                vlist.append({
                        'number': 'R%s-%02d-%03d' % (tag, session, i),
                        'system': rng.choice(systems).id,
                        'network_type': rng.choice(network_types).id,
                        'type': 'commercial',
                        'company': company.id,
                        })
        created = Distributive.create(vlist)
        # {distributive id: its network type} of each session: a
        # replacement must change it, so the session has to know it
        per_session = [{d.id: d.network_type.id for d in created[
                    s * distributives:(s + 1) * distributives]}
            for s in range(sessions)]
        party = Party.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*party.select(party.id, where=party.is_client
                & (party.active == True)))  # noqa: E712
        clients = [i for i, in cursor]
        transaction.commit()
    return {
        'company': company.id,
        'users': users,
        'distributives': per_session,
        'network_types': [n.id for n in network_types],
        'clients': clients,
        }
