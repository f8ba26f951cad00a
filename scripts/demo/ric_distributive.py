# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_distributive: catalogue, warehouse, distributives.

Creates the ConsultantPlus catalogue (systems, network types, kits), puts
distributives in the warehouse, connects distributives to the clients of
``ctx.data['clients']`` (creating a few clients when ric_party's demo did
not run) with a year of movements (connections, transfers, replacement
modules, disconnections), reserves demo distributives and plans
installations.  Stores ``ctx.data['systems']`` ({code: id}),
``ctx.data['network_types']`` ({code: id}) and
``ctx.data['distributives']`` (ids).
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

SYSTEMS = [
    # code, name, kind, weight, information banks
    ('PROF', "КонсультантПлюс: Версия Проф", 'main', '1.0',
        "Версия Проф\nЗаконопроекты\nМеждународное право"),
    ('BUH', "КонсультантПлюс: Бухгалтер", 'main', '0.6',
        "Бухгалтерская пресса и книги\nФинансист"),
    ('BUHK', "КонсультантПлюс: Бухгалтер и кадры", 'main', '0.7',
        "Бухгалтерская пресса и книги\nКадровые вопросы"),
    ('EXP', "КонсультантПлюс: Эксперт-приложение", 'additional', '0.3',
        "Эксперт-приложение"),
    ('JUR', "КонсультантПлюс: Юрист", 'main', '0.8',
        "Судебная практика\nКомментарии законодательства"),
    ('BO', "КонсультантПлюс: Бюджетные организации", 'main', '0.6',
        "Бюджетные организации\nГосзакупки"),
    ('QA', "Консультант Бухгалтер: Вопросы-ответы", 'additional', '0.2',
        "Вопросы-ответы"),
    ('ZAK', "КонсультантПлюс: Корпоративные закупки", 'additional', '0.3',
        "Корпоративные закупки"),
    ('RBEL', "КонсультантПлюс: Белгородский выпуск", 'regional', '0.2',
        "Законодательство Белгородской области"),
    ]

KITS = [
    ('KIT-BUH', "Комплект Бухгалтера", [('BUH', 'LOC', 1), ('QA', 'LOC', 1)]),
    ('KIT-JUR', "Комплект Юриста", [('JUR', 'LOC', 1), ('RBEL', 'LOC', 1)]),
    ('KIT-PROF-NET', "Проф для сети", [
            ('PROF', 'NET10', 1), ('EXP', 'NET10', 1), ('RBEL', 'NET10', 1)]),
    ]

CLIENTS = ["ООО «Белгородский мукомольный комбинат»", "АО «Оскольский завод»",
    "ООО «Губкинская строительная компания»", "ИП Сидоров Н. П.",
    "МБОУ «Средняя школа № 12»", "ООО «Шебекинский хлеб»"]


def _ids(records):
    return [r.id if hasattr(r, 'id') else r for r in records]


def create(ctx):
    config = ctx.config
    rng = ctx.rng
    today = ctx.today
    context = config.context
    System = Model.get('ric.system')
    NetworkType = Model.get('ric.network.type')
    Kit = Model.get('ric.kit')
    Location = Model.get('stock.location')
    Party = Model.get('party.party')
    Distributive = Model.get('ric.distributive')
    Movement = Model.get('ric.distributive.movement')
    Reservation = Model.get('ric.distributive.reservation')
    Installation = Model.get('ric.installation')
    Employee = Model.get('company.employee')
    SubHost = Model.get('ric.sub_host')
    Configuration = Model.get('ric.distributive.configuration')

    systems = {s.code: s.id for s in System.find([])}
    for code, name, kind, weight, banks in SYSTEMS:
        if code in systems:
            continue
        system = System(code=code, name=name, kind=kind,
            weight=Decimal(weight), information_banks=banks)
        system.save()
        systems[code] = system.id
    network_types = {n.code: n.id for n in NetworkType.find([])}
    for code, name, kit_lines in KITS:
        if Kit.find([('code', '=', code)]):
            continue
        kit = Kit(code=code, name=name)
        for system_code, network_code, quantity in kit_lines:
            kit.lines.new(system=systems[system_code],
                network_type=network_types[network_code], quantity=quantity)
        kit.save()
    ctx.data['systems'] = systems
    ctx.data['network_types'] = network_types

    warehouse, = Location.find([('type', '=', 'warehouse')], limit=1)
    configuration = Configuration(1)
    configuration.warehouse = warehouse
    configuration.save()

    clients = list(ctx.data.get('clients') or [])
    if not clients:
        for name in CLIENTS:
            party = Party(name=name, is_client=True)
            party.save()
            clients.append(party.id)
        ctx.data['clients'] = clients

    sub_host = SubHost(name="Представительство в Старом Осколе",
        code='SO', kind='representation')
    sub_host.save()
    partner = SubHost(name="РИЦ-партнёр «Регион-Консалт»", code='RK',
        kind='partner')
    partner.save()

    main_codes = ['PROF', 'BUH', 'BUHK', 'JUR', 'BO']
    extra_codes = ['EXP', 'QA', 'ZAK', 'RBEL']
    network_codes = ['LOC', 'LOC', 'LOC', 'NET3', 'NET5', 'NET10', 'FLASH',
        'OVP', 'OVM', 'OVS', 'OVK', 'OVPI']
    counter = 100000
    vlist, connections = [], []
    start = today - dt.timedelta(days=400)
    for client in clients:
        codes = [rng.choice(main_codes)]
        if rng.random() < 0.5:
            codes.append(rng.choice(extra_codes))
        for code in codes:
            counter += 1
            served_by = rng.random()
            vlist.append({
                    'number': str(counter),
                    'system': systems[code],
                    'network_type': network_types[rng.choice(network_codes)],
                    'series': str(today.year - rng.randint(0, 3)),
                    'type': 'regional' if code == 'RBEL' else rng.choice(
                        ['commercial'] * 8 + ['preferential']),
                    'sub_host': (sub_host.id if served_by < 0.1
                        else partner.id if served_by < 0.15 else None),
                    })
            connections.append((client,
                    start + dt.timedelta(days=rng.randint(0, 120))))
    ids = Distributive.create(vlist, context)
    ctx.data['distributives'] = ids
    Movement.do(Movement.create([{
                    'kind': 'connection', 'distributive': d,
                    'client': client, 'date': date}
                for d, (client, date) in zip(ids, connections)], context),
        context)

    # a year of life: replacements, transfers, disconnections
    later = []
    for d, values, (client, date) in zip(ids, vlist, connections):
        draw = rng.random()
        date = date + dt.timedelta(days=rng.randint(30, 200))
        if draw < 0.08:
            # a replacement module changes the network type
            choices = [network_types[c] for c in ['NET3', 'NET5', 'OVS']
                if network_types[c] != values['network_type']]
            later.append({'kind': 'replacement', 'distributive': d,
                    'date': date, 'network_type': rng.choice(choices)})
        elif draw < 0.12 and len(clients) > 1:
            other = rng.choice([c for c in clients if c != client])
            later.append({'kind': 'transfer', 'distributive': d,
                    'date': date, 'client': other})
        elif draw < 0.2:
            later.append({'kind': 'disconnection', 'distributive': d,
                    'date': date})
    if later:
        Movement.do(Movement.create(later, context), context)

    # warehouse: commercial stock and demo distributives
    stock = []
    for i in range(5 * max(ctx.scale, 1)):
        counter += 1
        stock.append({'number': str(counter),
                'system': systems[rng.choice(main_codes)],
                'network_type': network_types['LOC'],
                'series': str(today.year), 'type': 'commercial',
                'location': warehouse.id})
    for i in range(4):
        stock.append({'number': 'DEMO-%02d' % (i + 1),
                'system': systems[main_codes[i % len(main_codes)]],
                'network_type': network_types['OVP'],
                'type': 'demo', 'location': warehouse.id})
    stock_ids = Distributive.create(stock, context)
    Distributive.rotate_password(stock_ids[-4:], context)

    employees = Employee.find([], limit=2)
    if employees:
        Reservation.create([{
                    'distributive': stock_ids[-4],
                    'employee': employees[0].id,
                    'client': rng.choice(clients),
                    'date': today - dt.timedelta(days=40),
                    }, {
                    'distributive': stock_ids[-3],
                    'employee': employees[-1].id,
                    'date': today - dt.timedelta(days=5),
                    }, {
                    'distributive': stock_ids[0],
                    'client': clients[0],
                    'date': today,
                    }], context)
        installation = Installation(client=Party(clients[0]),
            installer=employees[-1],
            planned_date=today + dt.timedelta(days=2))
        installation.distributives.append(Distributive(stock_ids[0]))
        installation.documents.new(name="Договор сопровождения")
        installation.documents.new(name="Акт установки",
            direction='get_back')
        installation.works.new(name="Разнос ярлыков")
        installation.works.new(name="Антивирусная проверка")
        installation.save()
        installation.click('plan')
        late = Installation(client=Party(clients[-1]),
            installer=employees[0],
            order_date=today - dt.timedelta(days=10),
            planned_date=today - dt.timedelta(days=3))
        late.distributives.append(Distributive(stock_ids[1]))
        late.save()
        late.click('plan')

    # the reports of the current month open on data: two connections from
    # the stock this month and a registration file of the centre
    month_start = today.replace(day=1)
    Movement.do(Movement.create([{
                'kind': 'connection', 'distributive': d,
                'client': rng.choice(clients), 'date': month_start}
            for d in stock_ids[2:4]], context), context)
    _import_registration_file(config, Distributive, today)


def _import_registration_file(config, Distributive, today):
    """Import a registration file listing a few connected distributives and
    one of an unknown system: the others are reported missing (the file is
    the full state of the centre)"""
    from proteus import Wizard
    lines = ['system;number;network_type;status;client_code;date']
    code = ''
    for distributive in Distributive.find(
            [('state', '=', 'connected')], limit=3, order=[('id', 'ASC')]):
        client = distributive.client
        code = client.client_number or client.code or ''
        lines.append(';'.join([distributive.system.code, distributive.number,
                    distributive.network_type.code, 'active', code,
                    today.isoformat()]))
    lines.append('XXX;999999;LOC;active;%s;%s' % (code, today.isoformat()))
    wizard = Wizard('ric.registration.import.wizard', config=config)
    wizard.form.file = ('\r\n'.join(lines) + '\r\n').encode('utf-8')
    wizard.form.filename = 'orc_%s.csv' % today.strftime('%Y%m%d')
    wizard.execute('import_')
