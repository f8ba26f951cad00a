# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_task: a month of assignments and works, rules

For every demo employee, assignments on the clients they are responsible
for (or any client), each with two to four works spread over the three
weeks before and the ten days after today: the past works are done with a
result, a few are overdue, the coming ones are planned with a reminder.
Then one auto-generation rule of each shipped kind is created and run.
Stores the assignment ids in ``ctx.data['assignments']``.
"""
import datetime as dt

from proteus import Model

GOALS = [
    "Выяснить информацию о продлении системы",
    "Обучить бухгалтера работе с системой",
    "Пригласить на вебинар и озвучить инфоповод",
    "Презентовать Горячую линию",
    "Уточнить, приходят ли ссылки на вебинары",
    "Выяснить ФИО специалиста по охране труда",
    "Провести сравнение с системой конкурента",
    ]
COMMENTS = [
    "Зашли в видеосеминары, договорились на обучение",
    "Переносит звонок, продолжаю дозвон",
    "Озвучила инфоповод, пригласила на вебинары",
    "Было мало времени, показала ГЛ и проверку контрагентов",
    ]
DIRECTIONS = ['service', 'remote_contact', 'sales', 'training',
    'anti_competitor', 'upsell']


def create(ctx):
    config, rng, today = ctx.config, ctx.rng, ctx.today
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    Direction = Model.get('ric.activity.direction', config=config)
    Responsible = Model.get('ric.party.responsible', config=config)
    Contact = Model.get('ric.party.contact', config=config)
    Assignment = Model.get('ric.task.assignment', config=config)
    Result = Model.get('ric.task.work.result', config=config)
    Rule = Model.get('ric.task.rule', config=config)
    Stage = Model.get('ric.party.readiness.stage', config=config)

    employees = Employee.find([])
    if not employees:
        return
    directions = {d.code: d for d in Direction.find([])}
    results = {r.code: r for r in Result.find([])}
    client_ids = ctx.data.get('clients') or [
        p.id for p in Party.find([('is_client', '=', True)], limit=300)]
    if not client_ids:
        return
    responsible = {}
    for line in Responsible.find([('party', 'in', client_ids)]):
        responsible.setdefault(line.employee.id, []).append(
            (line.party.id, line.direction.code))
    context = config.context
    contacts = {}
    # in the order of Contact.find
    for contact in Contact._proxy.search_read([('party', 'in', client_ids)],
            0, None, None, ['party', 'position'], context):
        contacts.setdefault(contact['party'], []).append(contact)

    start = today - dt.timedelta(days=21)
    count = 12 * max(ctx.scale, 1)
    # the assignments are created from their values (a work gets the
    # client of its assignment): a proteus record would ask the server
    # for its defaults and the on_change of every field set
    assignments = []
    for employee in employees:
        own = responsible.get(employee.id) or [
            (rng.choice(client_ids), rng.choice(DIRECTIONS))
            for _ in range(count)]
        for _ in range(count):
            party_id, code = rng.choice(own)
            direction = directions.get(code) or directions['service']
            planned = start + dt.timedelta(days=rng.randint(0, 20))
            assignment = {'party': party_id, 'direction': direction.id,
                'executor': employee.id, 'planned_start': planned,
                'planned_end': planned + dt.timedelta(
                    days=rng.randint(5, 20)),
                'description': rng.choice(GOALS)}
            works = []
            for n in range(rng.randint(2, 4)):
                when = dt.datetime.combine(
                    planned + dt.timedelta(days=n * rng.randint(2, 6)),
                    dt.time(rng.randint(9, 17), rng.choice([0, 15, 30])))
                # the default reminder given: Work.create computes the
                # time to remind at from the values it is given
                work = {'executor': employee.id, 'planned_datetime': when,
                    'remind_before': dt.timedelta(minutes=15)}
                work['contact_method'] = rng.choice(
                    ['phone', 'phone', 'phone', 'visit', 'email', 'remote'])
                work['goal'] = rng.choice(GOALS)
                work['duration'] = dt.timedelta(minutes=rng.choice(
                        [5, 10, 15, 20, 30, 45, 60]))
                people = contacts.get(party_id)
                if people:
                    contact = rng.choice(people)
                    work['contact'] = contact['id']
                    work['contact_position'] = contact['position']
                if when.date() < today and rng.random() < 0.85:
                    work['done_datetime'] = when + dt.timedelta(minutes=10)
                    work['result'] = results[rng.choice(
                            ['contact_logged_in', 'contact_made',
                                'contact_made', 'not_reached',
                                'postponed'])].id
                    work['comment'] = rng.choice(COMMENTS)
                elif when.date() >= today:
                    work['remind_email'] = rng.random() < 0.3
                works.append(work)
            assignment['works'] = [('create', works)]
            assignments.append(assignment)
    assignment_ids = []
    for i in range(0, len(assignments), 50):
        assignment_ids += Assignment._proxy.create(
            assignments[i:i + 50], context)

    # move the done works and their finished assignments through the
    # lifecycle (root may make every transition)
    Work = Model.get('ric.task.work', config=config)
    done = [w.id for w in Work.find([('done_datetime', '!=', None)])]
    for i in range(0, len(done), 200):
        Work.move_to(done[i:i + 200], 'done', context)
    # read the saved assignments and their works at once (the proteus
    # records would read them one by one)
    values = Assignment._proxy.read(assignment_ids,
        ['planned_start', 'planned_end', 'works'], context)
    work_done = {w['id']: w['done_datetime'] for w in Work._proxy.read(
            [i for v in values for i in v['works']], ['done_datetime'],
            context)}
    started = [v for v in values if v['planned_start'] <= today]
    if started:
        Assignment.move_to([v['id'] for v in started], 'in_progress',
            context)
    finished = [v for v in started if all(work_done[w] for w in v['works'])
        and v['planned_end'] < today]
    to_write = []
    for value in finished:
        to_write.append([value['id']])
        to_write.append({
                'result': "Выполнено",
                'actual_start': value['planned_start'],
                'actual_end': max(
                    work_done[w].date() for w in value['works']),
                })
    if finished:
        Assignment._proxy.write(*to_write, context)
        Assignment.move_to([v['id'] for v in finished], 'done', context)
    ctx.data['assignments'] = assignment_ids

    # one auto-generation rule of each kind, run once
    head = employees[0]
    stage = Stage.find([('code', '=', 'calling')], limit=1)
    service = directions['service']
    rules = [
        ("Нет контакта с ЛПР 30 дней", 'no_decision_maker_contact',
            {'days': 30}, "Связаться с ЛПР"),
        ("Готовность ниже «Готов к обзвону»", 'readiness_below',
            {'stage': stage[0] if stage else None},
            "Дополнить данные клиента"),
        ("Демо заканчивается через 7 дней", 'demo_expiring', {'days': 7},
            "Предложить покупку после демо"),
        ("Просроченный резерв", 'reservation_overdue', {},
            "Вернуть или выдать зарезервированный дистрибутив"),
        ("Ключевой клиент без события 90 дней", 'key_client_no_event',
            {'days': 90}, "Провести ключевое событие"),
        ("Нет ответственного по обслуживанию", 'no_responsible', {},
            "Назначить ответственного"),
        ]
    records = []
    for name, kind, values, item in rules:
        if kind == 'readiness_below' and not values['stage']:
            continue
        records.append(Rule(name=name, kind=kind, item_type='prize',
                prize_kind='task', item_name=item, direction=service,
                default_assignee=head, due_days=7, **values))
    Rule.save(records)
    Rule.click(records, 'run_button')
