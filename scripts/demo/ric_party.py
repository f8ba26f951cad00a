# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_party: clients, contact persons, responsibles

Creates ``300 * scale`` clients of the Belgorod region (organisations,
state institutions and individual entrepreneurs with valid INN), their
contacts with positions and roles, responsibles among the demo employees,
a few counterparty changes and planted duplicates, banks (Tryton's
``bank`` with BIK and correspondent account) and the settlement accounts
of most clients and payers, then computes the segments and the readiness.
Stores the client ids in ``ctx.data['clients']`` and the bank ids in
``ctx.data['banks']``.
"""
import datetime as dt

from proteus import Model

from trytond.modules.ric_base.requisites import (
    complete_inn, is_valid_settlement_account)

CITIES = [
    ('Белгород', '308000', '4722'), ('Старый Оскол', '309500', '4725'),
    ('Губкин', '309180', '47241'), ('Шебекино', '309290', '47248'),
    ('Алексеевка', '309850', '47234'), ('Валуйки', '309990', '47236'),
    ('Строитель', '309070', '47244')]


def city_phone(code, rng):
    "A Russian number of the area code: 10 digits with the code"
    local = str(rng.randint(2, 7)) + ''.join(
        str(rng.randint(0, 9)) for _ in range(9 - len(code)))
    return '+7 (%s) %s-%s-%s' % (code, local[:-4], local[-4:-2], local[-2:])


STREETS = ['ул. Победы', 'ул. Щорса', 'пр. Славы', 'Народный б-р',
    'ул. Преображенская', 'ул. Попова', 'пр. Богдана Хмельницкого',
    'ул. Костюкова', 'ул. Мичурина', 'ул. Садовая', 'ул. Ленина',
    'ул. Октябрьская', 'мкр. Жукова', 'ул. Губкина']
COMPANY_WORDS = ['Ромашка', 'Белагро', 'Оскольский хлеб', 'СтройДом',
    'Техносервис', 'Белэнерго', 'Агроинвест', 'Меридиан', 'Вектор',
    'Гранит', 'Альянс', 'Оскол-Металл', 'Белгородские окна', 'Медтехника',
    'Северный ветер', 'Черноземье', 'Белый город', 'Продсервис',
    'Автотранс', 'Центр учёта', 'ЭкоПром', 'Торговый дом Белогорье',
    'Лесные дали', 'Мастер', 'Профи', 'Консалт-Белгород', 'Нива',
    'Приоскольская птица', 'Сокол', 'Светлый путь']
STATE_NAMES = ['ГБУЗ «Городская больница № %s»',
    'МБОУ «Средняя общеобразовательная школа № %s»',
    'МБДОУ «Детский сад № %s»', 'ОГБУ «Центр социальной помощи № %s»']
SURNAMES = [('Иванов', 'Иванова'), ('Петров', 'Петрова'),
    ('Сидоров', 'Сидорова'), ('Кузнецов', 'Кузнецова'),
    ('Смирнов', 'Смирнова'), ('Попов', 'Попова'), ('Волков', 'Волкова'),
    ('Лебедев', 'Лебедева'), ('Козлов', 'Козлова'),
    ('Новиков', 'Новикова'), ('Морозов', 'Морозова'),
    ('Соколов', 'Соколова')]
FIRST = [('Иван', 'm'), ('Пётр', 'm'), ('Сергей', 'm'), ('Андрей', 'm'),
    ('Мария', 'f'), ('Елена', 'f'), ('Ольга', 'f'), ('Наталья', 'f'),
    ('Татьяна', 'f'), ('Алексей', 'm')]
PATRONYMIC = {'m': ['Иванович', 'Петрович', 'Сергеевич'],
    'f': ['Ивановна', 'Петровна', 'Сергеевна']}
POSITIONS = [
    ('Генеральный директор', 'head', True), ('Главный бухгалтер',
        'chief_accountant', True), ('Бухгалтер', 'accountant', False),
    ('Юрисконсульт', 'lawyer', False), ('Специалист по кадрам', 'hr', False),
    ('Экономист', 'economist', False)]
#: banks of the region: name, BIK, correspondent account
BANKS = [
    ("Белгородское отделение № 8592 ПАО Сбербанк", '041403633',
        '30101810100000000633'),
    ("АО «Альфа-Банк»", '044525593', '30101810200000000593'),
    ("АО «ТБанк»", '044525974', '30101810145250000974'),
    ]
REGIMES = ['osno', 'osno', 'usn_income', 'usn_profit', 'eshn', 'psn',
    'npd', None]


def inn10(rng, region='31'):
    return complete_inn(region + ''.join(
            str(rng.randint(0, 9)) for _ in range(7)))


def inn12(rng, region='31'):
    return complete_inn(region + ''.join(
            str(rng.randint(0, 9)) for _ in range(8)))


def settlement_account(rng, bik, prefix='40702810'):
    "A random settlement account at the bank of bik with a valid key"
    body = '%011d' % rng.randint(0, 10 ** 11 - 1)
    for key in range(10):
        number = '%s%d%s' % (prefix, key, body)
        if is_valid_settlement_account(number, bik):
            return number


def create_bank_accounts(ctx, parties):
    """Give most parties (dicts with their id and name) a settlement
    account at one of the BANKS"""
    config, rng = ctx.config, ctx.rng
    Party = Model.get('party.party', config=config)
    Bank = Model.get('bank', config=config)
    Account = Model.get('bank.account', config=config)
    banks = []
    for name, bik, correspondent in BANKS:
        party = Party(name=name)
        party.save()
        banks.append(Bank(party=party, bik=bik,
                correspondent_account=correspondent))
    Bank.save(banks)
    ctx.data['banks'] = [b.id for b in banks]
    accounts = []
    for party in parties:
        if rng.random() < 0.2:
            continue
        bank = rng.choice(banks)
        prefix = '40802810' if party['name'].startswith('ИП') else '40702810'
        accounts.append({'bank': bank.id,
                'owners': [('add', [party['id']])],
                'numbers': [('create', [{'type': 'ru_account',
                                'number': settlement_account(
                                    rng, bank.bik, prefix)}])],
                })
    for start in range(0, len(accounts), 100):
        Account._proxy.create(accounts[start:start + 100], config.context)


def person(rng):
    first, sex = rng.choice(FIRST)
    surname = rng.choice(SURNAMES)[0 if sex == 'm' else 1]
    return '%s %s %s' % (surname, first, rng.choice(PATRONYMIC[sex]))


def create(ctx):
    config, rng, today = ctx.config, ctx.rng, ctx.today
    Party = Model.get('party.party', config=config)
    Contact = Model.get('ric.party.contact', config=config)
    Employee = Model.get('company.employee', config=config)
    Direction = Model.get('ric.activity.direction', config=config)
    Source = Model.get('ric.party.source', config=config)
    Industry = Model.get('ric.party.industry', config=config)

    sources = [Source(name=n, code=c) for n, c in [
            ("2GIS", '2gis'), ("Росстат", 'rosstat'),
            ("Сайт КонсультантПлюс", 'website'), ("Рекомендация", 'referral')]]
    Source.save(sources)
    industries = [Industry(name=n) for n in [
            "Торговля", "Строительство", "Сельское хозяйство",
            "Здравоохранение", "Образование", "Производство", "Услуги",
            "Транспорт"]]
    Industry.save(industries)
    employees = Employee.find([])
    directions = {d.code: d for d in Direction.find([])}

    count = 300 * max(ctx.scale, 1)
    # the records are created from their values, a hundred at a time: a
    # proteus record would ask the server for its defaults and the
    # on_change of every field set
    context = config.context
    employee_ids = [e.id for e in employees]
    parties, used_inn = [], set()
    for i in range(count):
        kind = rng.random()
        if kind < 0.6:
            name = 'ООО «%s»' % rng.choice(COMPANY_WORDS)
            if rng.random() < 0.7:
                name = 'ООО «%s-%s»' % (rng.choice(COMPANY_WORDS), i)
            inn = inn10(rng)
        elif kind < 0.75:
            name = rng.choice(STATE_NAMES) % (i % 60 + 1)
            inn = inn10(rng)
        else:
            surname = rng.choice(SURNAMES)[0]
            name = 'ИП %s %s.%s.' % (surname, rng.choice('АВГДЕИКМНОПС'),
                rng.choice('АВГДЕИКМНОПС'))
            inn = inn12(rng)
        if inn in used_inn:
            continue
        used_inn.add(inn)
        city, postal, code = rng.choice(CITIES)
        party = {'name': name, 'is_client': True}
        party['client_status'] = rng.choice(
            ['served', 'served', 'potential', 'potential', 'disconnected'])
        party['client_number'] = str(193000 + i)
        party['client_category'] = rng.choice(['A', 'B', 'C', 'C'])
        party['tax_regime'] = rng.choice(REGIMES)
        party['industry'] = rng.choice(industries).id
        party['record_source'] = rng.choice(sources).id
        party['accountants'] = rng.choice([0, 1, 1, 2, 3, 5, 8])
        party['lawyers'] = rng.choice([0, 0, 0, 1, 2])
        if rng.random() < 0.2:
            party['competitor_systems'] = rng.choice(['Гарант', 'Кодекс'])
        party['key_client'] = rng.random() < 0.05
        address = {'city': city, 'postal_code': postal,
            'street': '%s, д. %s' % (rng.choice(STREETS),
                rng.randint(1, 150))}
        party['addresses'] = [('create', [address])]
        party['identifiers'] = [('create', [
                    {'type': 'ru_vat', 'code': inn}])]
        mechanisms = [{'type': 'phone', 'value': city_phone(code, rng)}]
        if rng.random() < 0.6:
            mechanisms.append(
                {'type': 'email', 'value': 'office%s@example.ru' % i})
        party['contact_mechanisms'] = [('create', mechanisms)]
        if employee_ids:
            responsibles = []
            for code_ in ['sales', 'service']:
                if code_ in directions and rng.random() < 0.8:
                    responsibles.append({
                            'direction': directions[code_].id,
                            'employee': rng.choice(employee_ids),
                            'date_from': today - dt.timedelta(
                                days=rng.randint(30, 900)),
                            })
            if responsibles:
                party['ric_responsibles'] = [('create', responsibles)]
            if party['key_client']:
                party['key_client_responsible'] = rng.choice(employee_ids)
        parties.append(party)
    for start in range(0, len(parties), 100):
        chunk = parties[start:start + 100]
        for party, id_ in zip(chunk, Party._proxy.create(chunk, context)):
            party['id'] = id_

    contacts = []
    for party in parties:
        for title, type_, main in rng.sample(POSITIONS, rng.randint(1, 3)):
            contact = {'party': party['id'], 'name': person(rng),
                'position': title, 'position_type': type_}
            contact['decision_maker'] = main and type_ == 'head'
            contact['decision_influencer'] = type_ == 'chief_accountant'
            contact['key_user'] = type_ in {'accountant', 'lawyer'}
            contact['stop_list'] = rng.random() < 0.03
            contact['phone'] = '+7 9%02d %03d-%02d-%02d' % (
                rng.randint(0, 99), rng.randint(0, 999),
                rng.randint(0, 99), rng.randint(0, 99))
            contact['birthday'] = dt.date(rng.randint(1960, 1998),
                rng.randint(1, 12), rng.randint(1, 28))
            contacts.append(contact)
    for start in range(0, len(contacts), 200):
        Contact._proxy.create(contacts[start:start + 200], context)

    # planted duplicates: the same client entered again by hand
    duplicates = []
    for original in rng.sample(parties, min(5 * max(ctx.scale, 1),
                len(parties))):
        address, = original['addresses'][0][1]
        duplicates.append({
                'name': original['name'].replace('ООО «', 'ООО "')
                .replace('»', '"'),
                'is_client': True, 'client_status': 'potential',
                'addresses': [('create', [{'city': address['city'],
                                'street': address['street'].replace(
                                    'ул.', 'улица')}])],
                })
    if duplicates:
        for twin, id_ in zip(duplicates,
                Party._proxy.create(duplicates, context)):
            twin['id'] = id_

    # a few clients pay through another legal person since this year
    History = Model.get('ric.party.counterparty', config=config)
    payers, history = [], []
    for client in rng.sample(parties, min(5, len(parties))):
        payers.append({
                'name': 'ООО «%s плюс»' % rng.choice(COMPANY_WORDS),
                'addresses': [('create', [{}])],
                'identifiers': [('create', [
                            {'type': 'ru_vat', 'code': inn10(rng)}])],
                })
        history.append({'client': client['id'],
                'start_date': today.replace(month=1, day=1)})
    if payers:
        for payer, values, id_ in zip(payers, history,
                Party._proxy.create(payers, context)):
            payer['id'] = values['counterparty'] = id_
        History._proxy.create(history, context)
    create_bank_accounts(ctx, parties + payers)

    ids = [p['id'] for p in parties] + [p['id'] for p in duplicates]
    ctx.data['clients'] = [p['id'] for p in parties]
    ctx.data['party_duplicates'] = [p['id'] for p in duplicates]

    from proteus import Wizard
    Wizard('ric.party.update_segments', config=config)
    Wizard('ric.party.duplicate.find', config=config)
    return ids
