# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The spine API of distributives: query counts, same-day movements, the
billing conventions and the access of restricted users."""
import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import (
    ModuleDBTestCase, count_queries, restart_on_lock)
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

D = dt.date
START = D(2024, 1, 1)
DAYS = 12
_numbers = itertools.count(1)


@st.composite
def movement_sequences(draw):
    """Draw valid movement sequences of one or two distributives

    A step is (distributive index, day offset, kind, client index, system
    index, network index); days never decrease per distributive and many
    steps share a day.  The sequence is built by simulating the state, so
    every step is valid for the state it meets.
    """
    count = draw(st.integers(min_value=1, max_value=2))
    state = [{'state': 'in_stock', 'client': None, 'system': 0,
            'network': 0, 'day': 0} for _ in range(count)]
    steps = []
    for _ in range(draw(st.integers(min_value=1, max_value=9))):
        index = draw(st.integers(min_value=0, max_value=count - 1))
        cur = state[index]
        day = cur['day'] + draw(st.sampled_from([0, 0, 1, 2, 3]))
        if day >= DAYS:
            continue
        if cur['state'] == 'connected':
            kinds = ['disconnection', 'transfer', 'replacement',
                'reregistration']
        else:
            kinds = ['connection', 'reregistration']
        kind = draw(st.sampled_from(kinds))
        client, system, network = cur['client'], cur['system'], cur['network']
        if kind in {'connection', 'reregistration'}:
            client = draw(st.integers(min_value=0, max_value=2))
        elif kind == 'transfer':
            client = draw(st.sampled_from(
                    [c for c in range(3) if c != cur['client']]))
        elif kind == 'replacement':
            system, network = draw(st.sampled_from(
                    [(s, n) for s in range(2) for n in range(2)
                        if (s, n) != (cur['system'], cur['network'])]))
        steps.append((index, day, kind, client, system, network))
        cur.update(day=day, client=client, system=system, network=network,
            state='disconnected' if kind == 'disconnection' else 'connected')
    return count, steps, draw(st.booleans())


def expected_days(count, steps):
    """Return {(distributive index, day): (client, system, network)} of the
    connected days: a movement dated D takes effect on D"""
    result = {}
    for index in range(count):
        mine = [s for s in steps if s[0] == index]
        state = None
        for day in range(DAYS):
            for _, s_day, kind, client, system, network in mine:
                if s_day == day:
                    state = (None if kind == 'disconnection'
                        else (client, system, network))
            if state:
                result[index, day] = state
    return result


class DistributiveSpineTestCase(ModuleDBTestCase):
    "Test the spine API of RIC Distributive"
    module = 'ric_distributive'

    def _catalogue(self):
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        systems = System.create([
                {'code': 'PROF', 'name': "Prof"},
                {'code': 'BUH', 'name': "Accountant"},
                ])
        local, = NetworkType.search([('code', '=', 'LOC')])
        net3, = NetworkType.search([('code', '=', 'NET3')])
        return systems, [local, net3]

    def _parties(self, count):
        Party = Pool().get('party.party')
        return Party.create([{'name': 'Client %s' % i, 'is_client': True,
                    'client_status': 'potential'} for i in range(count)])

    def _distributives(self, count, system, network_type):
        Distributive = Pool().get('ric.distributive')
        return Distributive.create([{
                    'number': 'N%s' % next(_numbers),
                    'system': system.id,
                    'network_type': network_type.id,
                    } for _ in range(count)])

    def _connect(self, distributives, clients, date):
        Movement = Pool().get('ric.distributive.movement')
        return Movement.create_and_do([{
                    'kind': 'connection', 'distributive': d.id,
                    'client': c.id, 'date': date,
                    } for d, c in zip(distributives, clients)])

    @with_transaction()
    def test_spine_query_counts(self):
        "The spine methods run as many statements for 10 as for 500 clients"
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            (prof, _), (local, _) = self._catalogue()
            clients = self._parties(500)
            distributives = self._distributives(500, prof, local)
            self._connect(distributives, clients, D(2024, 1, 1))
            few_clients, few_distributives = clients[:10], distributives[:10]

            calls = [
                lambda c, d: Distributive.get_client_distributives(
                    c, D(2024, 1, 1), D(2024, 1, 31)),
                lambda c, d: Distributive.get_on_date(D(2024, 1, 15), c),
                lambda c, d: Distributive.get_state_on(d, D(2024, 1, 15)),
                lambda c, d: Party._compute_client_status(c),
                lambda c, d: Party.update_client_status(c),
                ]
            for call in calls:
                with count_queries() as few:
                    call(few_clients, few_distributives)
                with count_queries() as many:
                    call(clients, distributives)
                self.assertEqual(many.value, few.value)
                self.assertLessEqual(many.value, 3)
            result = Distributive.get_client_distributives(
                [c.id for c in clients], D(2024, 1, 1), D(2024, 1, 31))
            self.assertEqual(len(result), 500)
            self.assertTrue(all(len(r) == 1 for r in result.values()))

    @with_transaction()
    def test_create_and_do_query_count(self):
        """Doing movements writes by groups of identical values: the same
        number of statements for 10 or 500 connections of one client and
        one more per other client"""
        company = create_company()
        with set_company(company):
            (prof, _), (local, _) = self._catalogue()
            client, = self._parties(1)
            others = self._parties(500)
            warm_up, ten, five_hundred, spread_out = (
                self._distributives(n, prof, local)
                for n in [2, 10, 500, 500])
            # fill the caches of the access rights, rules and models
            self._connect(warm_up, [client] * 2, D(2024, 2, 1))
            with count_queries() as few:
                self._connect(ten, [client] * 10, D(2024, 2, 1))
            with count_queries() as many:
                self._connect(five_hundred, [client] * 500, D(2024, 2, 1))
            # trytond's SQLite backend inserts one row per statement,
            # PostgreSQL many rows per statement
            if backend.name == 'sqlite':
                self.assertEqual(
                    many.without('INSERT'), few.without('INSERT'))
            else:
                self.assertEqual(many.value, few.value)
            with count_queries() as spread:
                self._connect(spread_out, others, D(2024, 2, 1))
            # one UPDATE of the distributives per other client (499 more)
            # and one of the status of the clients newly served
            self.assertEqual(
                spread.kinds['UPDATE'], few.kinds['UPDATE'] + 499 + 1)

    @with_transaction()
    def test_same_day_rows(self):
        """Movements on one day never give a row ending before it starts
        and the day goes to the last movement of the day"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        company = create_company()
        with set_company(company):
            (prof, buh), (local, net3) = self._catalogue()
            alpha, beta = self._parties(2)
            d1, d2 = self._distributives(2, prof, local)
            # connected then transferred on one day, in two calls
            self._connect([d1], [alpha], D(2024, 3, 5))
            Movement.create_and_do([{'kind': 'transfer',
                        'distributive': d1.id, 'client': beta.id,
                        'date': D(2024, 3, 5)}])
            # connection, re-registration and replacement in one batch
            Movement.create_and_do([
                    {'kind': 'connection', 'distributive': d2.id,
                        'date': D(2024, 3, 10), 'client': alpha.id},
                    {'kind': 'reregistration', 'distributive': d2.id,
                        'date': D(2024, 3, 10), 'client': beta.id},
                    {'kind': 'replacement', 'distributive': d2.id,
                        'date': D(2024, 3, 10), 'system': buh.id},
                    ])
            # disconnected the day it is connected: no day in service
            Movement.create_and_do([{'kind': 'disconnection',
                        'distributive': d2.id, 'date': D(2024, 3, 20)}])
            result = Distributive.get_client_distributives(
                None, D(2024, 3, 1), D(2024, 3, 31))
            self.assertEqual(result, {
                    beta.id: [
                        (d1.id, prof.id, local.id, D(2024, 3, 5),
                            D(2024, 3, 31)),
                        (d2.id, buh.id, local.id, D(2024, 3, 10),
                            D(2024, 3, 19)),
                        ]})
            for rows in result.values():
                for row in rows:
                    self.assertLessEqual(row[3], row[4])

    @with_transaction()
    def test_billing_conventions(self):
        """A disconnection dated D makes D the first day out of service;
        a transfer dated D gives D to the new client"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        company = create_company()
        with set_company(company):
            (prof, _), (local, _) = self._catalogue()
            alpha, beta = self._parties(2)
            d1, d2 = self._distributives(2, prof, local)
            self._connect([d1, d2], [alpha, alpha], D(2024, 4, 1))
            Movement.create_and_do([
                    {'kind': 'disconnection', 'distributive': d1.id,
                        'date': D(2024, 4, 10)},
                    {'kind': 'transfer', 'distributive': d2.id,
                        'client': beta.id, 'date': D(2024, 4, 20)},
                    ])
            april = Distributive.get_client_distributives(
                [alpha, beta], D(2024, 4, 1), D(2024, 4, 30))
            self.assertEqual(sorted(april[alpha.id]), [
                    (d1.id, prof.id, local.id, D(2024, 4, 1), D(2024, 4, 9)),
                    (d2.id, prof.id, local.id, D(2024, 4, 1),
                        D(2024, 4, 19)),
                    ])
            self.assertEqual(april[beta.id], [
                    (d2.id, prof.id, local.id, D(2024, 4, 20),
                        D(2024, 4, 30))])
            self.assertEqual(Distributive.get_on_date(D(2024, 4, 10),
                    [alpha])[alpha.id], [(d2.id, prof.id, local.id)])
            self.assertEqual(Distributive.get_state_on(
                    [d1], D(2024, 4, 10))[d1.id]['state'], 'disconnected')
            self.assertEqual(Distributive.get_state_on(
                    [d2], D(2024, 4, 20))[d2.id]['client'], beta.id)

    @with_transaction()
    def test_rows_match_states(self):
        """For any movements, the rows cover each day at most once, by the
        client and system get_state_on gives for that day"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        company = create_company()
        with set_company(company):
            systems, networks = self._catalogue()
            clients = self._parties(3)
            end = START + dt.timedelta(days=DAYS - 1)

            @restart_on_lock
            @given(movement_sequences())
            @settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
            def check(sequence):
                count, steps, batched = sequence
                distributives = self._distributives(
                    count, systems[0], networks[0])
                vlist = []
                for index, day, kind, client, system, network in steps:
                    values = {'kind': kind,
                        'distributive': distributives[index].id,
                        'date': START + dt.timedelta(days=day)}
                    if kind in {'connection', 'reregistration', 'transfer'}:
                        values['client'] = clients[client].id
                    if kind == 'replacement':
                        values['system'] = systems[system].id
                        values['network_type'] = networks[network].id
                    vlist.append(values)
                if batched:
                    Movement.create_and_do(vlist)
                else:
                    for values in vlist:
                        Movement.create_and_do([values])
                ids = {d.id: i for i, d in enumerate(distributives)}
                covered = {}
                rows = Distributive.get_client_distributives(
                    clients, START, end)
                for client, client_rows in rows.items():
                    for d_id, system, network, date_from, date_to in (
                            client_rows):
                        if d_id not in ids:
                            continue
                        self.assertLessEqual(date_from, date_to)
                        for day in range((date_from - START).days,
                                (date_to - START).days + 1):
                            key = (ids[d_id], day)
                            self.assertNotIn(key, covered)
                            covered[key] = (client, system, network)
                expected = {
                    key: (clients[c].id, systems[s].id, networks[n].id)
                    for key, (c, s, n) in expected_days(count, steps).items()}
                self.assertEqual(covered, expected)
                for day in range(DAYS):
                    date = START + dt.timedelta(days=day)
                    states = Distributive.get_state_on(distributives, date)
                    for d_id, index in ids.items():
                        state = states[d_id]
                        if (index, day) in expected:
                            self.assertEqual(state['state'], 'connected')
                            self.assertEqual(
                                (state['client'], state['system'],
                                    state['network_type']),
                                expected[index, day])
                        else:
                            self.assertNotEqual(state['state'], 'connected')
            check()

    @with_transaction()
    def test_rpc_restricted_to_readable_clients(self):
        """Called with access checked (RPC), the spine methods answer only
        for the clients the user may read"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        Group = pool.get('res.group')
        Employee = pool.get('company.employee')
        Department = pool.get('ric.department')
        Direction = pool.get('ric.activity.direction')
        Responsible = pool.get('ric.party.responsible')
        company = create_company()
        with set_company(company):
            (prof, _), (local, _) = self._catalogue()
            own, other = self._parties(2)
            d_own, d_other = self._distributives(2, prof, local)
            self._connect([d_own, d_other], [own, other], D(2024, 5, 1))
            north, south = Department.create([
                    {'name': "North", 'company': company.id},
                    {'name': "South", 'company': company.id}])
            anna_party, vera_party = Party.create(
                [{'name': "Anna"}, {'name': "Vera"}])
            anna, vera = Employee.create([
                    {'party': anna_party.id, 'company': company.id,
                        'department': north.id},
                    {'party': vera_party.id, 'company': company.id,
                        'department': south.id}])
            service, = Direction.search([], limit=1)
            Responsible.create([
                    {'party': own.id, 'employee': anna.id,
                        'direction': service.id,
                        'date_from': D(2024, 1, 1)},
                    {'party': other.id, 'employee': vera.id,
                        'direction': service.id,
                        'date_from': D(2024, 1, 1)}])
            group, = Group.search([('name', '=', "RIC Service Engineer")])
            user, = User.create([{'login': 'engineer', 'name': "Engineer",
                        'groups': [('add', [group.id])],
                        'employees': [('add', [anna.id])],
                        'employee': anna.id,
                        'companies': [('add', [company.id])],
                        'company': company.id}])
            everything = Distributive.get_client_distributives(
                None, D(2024, 5, 1), D(2024, 5, 31))
            self.assertEqual(set(everything), {own.id, other.id})
            with Transaction().set_user(user.id), \
                    Transaction().set_context(
                        _check_access=True, company=company.id):
                rows = Distributive.get_client_distributives(
                    None, D(2024, 5, 1), D(2024, 5, 31))
                self.assertEqual(set(rows), {own.id})
                rows = Distributive.get_client_distributives(
                    [own.id, other.id], D(2024, 5, 1), D(2024, 5, 31))
                self.assertEqual(set(rows), {own.id})
                self.assertEqual(
                    set(Distributive.get_on_date(D(2024, 5, 15))), {own.id})
                states = Distributive.get_state_on(
                    [d_own, d_other], D(2024, 5, 15))
                self.assertEqual(states[d_own.id]['client'], own.id)
                self.assertIsNone(
                    states.get(d_other.id, {}).get('client'))


del ModuleDBTestCase
