# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from unittest.mock import patch

from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.ric_base.tests.tools import (
    ListViewTestMixin, count_queries)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from ..exceptions import StateRequiredFieldError, TransitionError

KINDS = ['no_decision_maker_contact', 'readiness_below', 'demo_expiring',
    'reservation_overdue', 'key_client_no_event', 'no_responsible']


def _employee(company, name, login=None):
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    User = pool.get('res.user')
    party, = Party.create([{'name': name}])
    employee, = Employee.create([{'party': party.id, 'company': company.id}])
    user = None
    if login:
        user, = User.create([{'login': login, 'name': name,
                    'email': '%s@ric.example' % login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id}])
    return employee, user


def _clients(count, prefix='Client'):
    Party = Pool().get('party.party')
    with Transaction().set_context(_ric_no_readiness=True,
            _ric_no_changelog=True):
        return Party.create([{'name': '%s %s' % (prefix, i),
                    'is_client': True, 'client_status': 'served'}
                for i in range(count)])


class RicTaskTestCase(
        ListViewTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test RIC Task module"
    module = 'ric_task'

    def _setup(self):
        pool = Pool()
        Direction = pool.get('ric.activity.direction')
        company = create_company()
        self.company = company
        self.service = Direction.get_by_code('service')
        return company

    def _rules(self, company, employee):
        pool = Pool()
        Rule = pool.get('ric.task.rule')
        Stage = pool.get('ric.party.readiness.stage')
        stage, = Stage.search([('code', '=', 'calling')])
        return Rule.create([{
                    'name': kind, 'kind': kind, 'company': company.id,
                    'days': 30, 'stage': stage.id,
                    'client_statuses': ['served', 'potential'],
                    'item_type': 'prize', 'prize_kind': 'problem',
                    'item_name': kind, 'direction': self.service.id,
                    'default_assignee': employee.id, 'due_days': 7,
                    } for kind in KINDS])

    @with_transaction()
    def test_lifecycle_transitions(self):
        "A transition outside the lifecycle is refused, required fields"
        pool = Pool()
        Assignment = pool.get('ric.task.assignment')
        company = self._setup()
        with set_company(company):
            employee, _ = _employee(company, "Executor")
            client, = _clients(1)
            assignment, = Assignment.create([{
                        'party': client.id, 'direction': self.service.id,
                        'executor': employee.id}])
            self.assertEqual(assignment.state.code, 'planned')
            with self.assertRaises(TransitionError):
                Assignment.move_to([assignment], 'done')
            Assignment.move_to([assignment], 'in_progress')
            with self.assertRaises(StateRequiredFieldError):
                Assignment.move_to([assignment], 'done')
            assignment.result = "Done"
            assignment.actual_end = dt.date.today()
            assignment.save()
            Assignment.move_to([assignment], 'done')
            self.assertTrue(Assignment(assignment.id).closed)

    @with_transaction()
    def test_rules_bounded_queries_and_idempotent(self):
        "Every kind: same statements for 10 and 500 clients, no duplicate"
        pool = Pool()
        Rule = pool.get('ric.task.rule')
        Prize = pool.get('ric.task.prize')
        company = self._setup()
        with set_company(company):
            employee, _ = _employee(company, "Head")
            rules = self._rules(company, employee)
            _clients(3, 'Warm')
            Rule.run(rules)  # warm the caches (messages, models)
            _clients(10, 'Small')
            rules = Rule.browse(rules)
            with count_queries() as few:
                first = Rule.run(rules)
            self.assertGreater(sum(first.values()), 0)
            _clients(490, 'Large')
            rules = Rule.browse(rules)
            with count_queries() as many:
                second = Rule.run(rules)
            if many.value != few.value and few.log:
                import difflib
                print('\n'.join(difflib.unified_diff(
                            [q[:150] for q in few.log],
                            [q[:150] for q in many.log], lineterm='')))
            self.assertEqual(many.value, few.value)
            by_kind = {r.kind: second[r.id] for r in rules}
            # the 490 new clients have no contact, no stage, a responsible
            # nowhere: three kinds fire for each of them once
            for kind in ['no_decision_maker_contact', 'readiness_below',
                    'no_responsible']:
                self.assertEqual(by_kind[kind], 490, kind)
            self.assertEqual(Rule.run(rules), {r.id: 0 for r in rules})

            # closing an item lets its rule fire again for the client
            rule = [r for r in rules if r.kind == 'readiness_below'][0]
            prize = Prize.search([('rule', '=', rule.id)], limit=1)[0]
            Prize.move_to([prize], 'in_work')
            prize.result = "Called"
            prize.save()
            Prize.move_to([prize], 'resolved')
            self.assertIsNone(Prize(prize.id).rule_key)
            self.assertEqual(Rule.run([rule]), {rule.id: 1})

    @with_transaction()
    def test_rule_key_unique_in_database(self):
        "Two open items of a rule for a client are refused by the database"
        pool = Pool()
        Rule = pool.get('ric.task.rule')
        Prize = pool.get('ric.task.prize')
        company = self._setup()
        with set_company(company):
            employee, _ = _employee(company, "Head")
            rule = [r for r in self._rules(company, employee)
                if r.kind == 'no_responsible'][0]
            client, = _clients(1)
            Rule.run([rule])
            prize, = Prize.search([('rule', '=', rule.id)])
            with self.assertRaises(SQLConstraintError):
                Prize.copy([prize], default={
                        'rule': rule.id, 'rule_key': prize.rule_key})

    @with_transaction()
    def test_reminder_email(self):
        "A reminder notifies the executor and sends an e-mail"
        pool = Pool()
        Assignment = pool.get('ric.task.assignment')
        Work = pool.get('ric.task.work')
        Notification = pool.get('ric.task.notification')
        ResNotification = pool.get('res.notification')
        company = self._setup()
        with set_company(company):
            employee, user = _employee(company, "Engineer", 'engineer')
            client, = _clients(1)
            assignment, = Assignment.create([{
                        'party': client.id, 'direction': self.service.id,
                        'executor': employee.id}])
            now = dt.datetime.now().replace(microsecond=0)
            work, = Work.create([{
                        'assignment': assignment.id, 'executor': employee.id,
                        'planned_datetime': now + dt.timedelta(minutes=10),
                        'remind_before': dt.timedelta(minutes=30),
                        'remind_email': True, 'goal': "Present the hotline"}])
            self.assertEqual(work.remind_at, now - dt.timedelta(minutes=20))
            with patch('trytond.modules.ric_task.diary.'
                    'send_message_transactional') as send:
                self.assertEqual(Notification.send_reminders(now), [work])
                self.assertEqual(Notification.send_reminders(now), [])
            self.assertEqual(send.call_count, 1)
            msg, _, to = send.call_args[0]
            self.assertEqual(to, ['engineer@ric.example'])
            self.assertIn("Present the hotline", msg.get_content())
            labels = [n.label for n in ResNotification.search([
                        ('user', '=', user.id)])]
            self.assertEqual(len(labels), 2)  # new assignment, reminder

    @with_transaction()
    def test_reminder_default_delay(self):
        """A work created without a delay is reminded the default delay
        before and ends the default duration after its start"""
        pool = Pool()
        Assignment = pool.get('ric.task.assignment')
        Work = pool.get('ric.task.work')
        company = self._setup()
        with set_company(company):
            employee, _ = _employee(company, "Engineer", 'engineer')
            client, = _clients(1)
            assignment, = Assignment.create([{
                        'party': client.id, 'direction': self.service.id,
                        'executor': employee.id}])
            start = dt.datetime(2026, 12, 7, 10, 0)
            work, no_reminder = Work.create([{
                        'assignment': assignment.id, 'executor': employee.id,
                        'planned_datetime': start, 'goal': "Call"}, {
                        'assignment': assignment.id, 'executor': employee.id,
                        'planned_datetime': start, 'remind_before': None,
                        'goal': "Visit"}])
            self.assertEqual(work.remind_before, dt.timedelta(minutes=15))
            self.assertEqual(work.remind_at, dt.datetime(2026, 12, 7, 9, 45))
            self.assertEqual(work.planned_end,
                dt.datetime(2026, 12, 7, 10, 30))
            self.assertIsNone(no_reminder.remind_at)

    @with_transaction()
    def test_department_visibility(self):
        """An engineer sees the documents of the clients of the department
        and the ones executed by them, a manager sees all"""
        pool = Pool()
        Party = pool.get('party.party')
        Department = pool.get('ric.department')
        Employee = pool.get('company.employee')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Assignment = pool.get('ric.task.assignment')
        Work = pool.get('ric.task.work')
        Prize = pool.get('ric.task.prize')
        company = self._setup()
        with set_company(company):
            north, south = Department.create([
                    {'name': "North", 'company': company.id},
                    {'name': "South", 'company': company.id}])
            people = {}
            for name, department, group in [
                    ('eng1', north, 'group_ric_service'),
                    ('eng2', north, 'group_ric_service'),
                    ('eng3', south, 'group_ric_service'),
                    ('head', None, 'group_ric_manager')]:
                employee, user = _employee(company, name, login=name)
                if department:
                    Employee.write([employee], {'department': department.id})
                User.write([user], {'groups': [('add', [
                                    ModelData.get_id('ric_base', group)])]})
                people[name] = employee, user
            clients = _clients(4)
            for client, owner in zip(
                    clients, ['eng1', 'eng2', 'eng3', 'eng3']):
                Party.write([client], {'ric_responsibles': [('create', [{
                                    'direction': self.service.id,
                                    'employee': people[owner][0].id}])]})
            # the last client of the South is given to an engineer of the
            # North
            assignments = Assignment.create([{
                        'party': client.id, 'direction': self.service.id,
                        'executor': people[executor][0].id,
                        'author': people['head'][0].id,
                        'works': [('create', [{
                                        'executor': people[executor][0].id,
                                        'planned_datetime': dt.datetime(
                                            2026, 12, 7, 10 + i),
                                        }])],
                        } for i, (client, executor) in enumerate(zip(
                            clients, ['eng1', 'eng2', 'eng3', 'eng1']))])
            prizes = Prize.create([{
                        'party': client.id, 'name': "Problem",
                        'responsible': people[responsible][0].id,
                        } for client, responsible in zip(
                            clients, ['eng1', 'eng2', 'eng3', 'eng3'])])

            def visible(login):
                user = people[login][1]
                with Transaction().set_user(user.id), \
                        Transaction().set_context(_check_access=True,
                            company=company.id):
                    return ([clients.index(a.party) for a in
                            Assignment.search([], order=[('id', 'ASC')])],
                        [clients.index(w.party) for w in
                            Work.search([], order=[('id', 'ASC')])],
                        [clients.index(p.party) for p in
                            Prize.search([], order=[('id', 'ASC')])],
                        [clients.index(p) for p in Party.search([
                                    ('id', 'in', [c.id for c in clients]),
                                    ], order=[('id', 'ASC')])])

            self.assertEqual(visible('eng1'),
                ([0, 1, 3], [0, 1, 3], [0, 1], [0, 1, 3]))
            self.assertEqual(visible('eng3'),
                ([2, 3], [2, 3], [2, 3], [2, 3]))
            self.assertEqual(visible('head'),
                ([0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]))

            # the executor reads the client of the assignment; not others'
            with Transaction().set_user(people['eng1'][1].id), \
                    Transaction().set_context(_check_access=True,
                        company=company.id):
                self.assertEqual(
                    Assignment.read([assignments[3].id], ['party.rec_name'])
                    [0]['party.']['rec_name'], clients[3].rec_name)
                with self.assertRaises(AccessError):
                    Assignment.read([assignments[2].id], ['description'])
                with self.assertRaises(AccessError):
                    Prize.read([prizes[2].id], ['name'])

    @with_transaction()
    def test_diary_bounded_queries(self):
        """The diary reads its view fields (direction, department, overdue,
        closed…) in the same number of queries for 10 and 200 works"""
        pool = Pool()
        Assignment = pool.get('ric.task.assignment')
        Work = pool.get('ric.task.work')
        Department = pool.get('ric.department')
        Employee = pool.get('company.employee')
        company = self._setup()
        with set_company(company):
            employee, _ = _employee(company, "Engineer")
            department, = Department.create([
                    {'name': "Service", 'company': company.id}])
            Employee.write([employee], {'department': department.id})
            names = set()
            for view_type in ['calendar', 'tree', 'form']:
                names |= set(
                    Work.fields_view_get(view_type=view_type)['fields'])
            names = sorted(names)
            monday = dt.datetime(2026, 11, 30, 9)
            counts = []
            for count in [10, 200]:
                clients = _clients(count, 'Client %s' % count)
                assignment, = Assignment.create([{
                            'party': clients[0].id,
                            'direction': self.service.id,
                            'executor': employee.id}])
                works = Work.create([{
                            'assignment': assignment.id,
                            'executor': employee.id,
                            'planned_datetime': monday + dt.timedelta(
                                minutes=10 * i),
                            } for i in range(count)])
                ids = [w.id for w in works]
                Work.read(ids, names)  # warm the caches
                with count_queries() as queries:
                    rows = Work.read(ids, names)
                counts.append(queries.value)
                self.assertEqual({r['direction'] for r in rows},
                    {self.service.id})
                self.assertEqual({r['department'] for r in rows},
                    {department.id})
                # planned in the past, open: overdue
                self.assertEqual({r['overdue'] for r in rows}, {True})
                self.assertEqual({r['contact_method_label'] for r in rows},
                    {"Phone Call"})
            self.assertEqual(counts[0], counts[1])

    @with_transaction()
    def test_change_log(self):
        "The change log keeps the old and new values of a client"
        pool = Pool()
        Party = pool.get('party.party')
        Change = pool.get('ric.task.change')
        company = self._setup()
        with set_company(company):
            client, = Party.create([{'name': "Alpha", 'is_client': True,
                        'client_status': 'potential'}])
            Party.write([client], {'name': "Beta", 'client_status': 'served'})
            changes = Change.search([
                    ('model', '=', 'party.party'),
                    ('record_id', '=', client.id),
                    ('action', '=', 'write'),
                    ], order=[('field', 'ASC')])
            self.assertEqual(
                [(c.field, c.old_value, c.new_value) for c in changes],
                [('client_status', "Potential", "Served"),
                    ('name', "Alpha", "Beta")])


del ModuleTestCase
