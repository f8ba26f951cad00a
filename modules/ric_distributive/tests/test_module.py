# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import os
import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trytond.modules.ric_base.tests.tools import ListViewTestMixin
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.ric_distributive.regformat import (
    CsvFormat, Row, decode)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase, with_transaction)

D = dt.date

code_text = st.text(
    alphabet=string.ascii_uppercase + string.digits + '-_', min_size=1,
    max_size=12)
name_text = st.text(
    alphabet=st.characters(
        codec='cp1251', exclude_categories=('Cc', 'Cs', 'Zl', 'Zp')),
    max_size=40).map(str.strip)


@st.composite
def rows(draw):
    count = draw(st.integers(min_value=0, max_value=20))
    keys = draw(st.lists(st.tuples(code_text, code_text), min_size=count,
            max_size=count, unique=True))
    result = []
    for line, (system, number) in enumerate(keys, start=2):
        status = draw(st.sampled_from(['active', 'disconnected']))
        result.append(Row(
                line=line, system=system, number=number,
                network_type=draw(code_text), status=status,
                client_code=draw(code_text) if status == 'active'
                else draw(st.one_of(st.just(''), code_text)),
                client_inn=draw(st.sampled_from(
                        ['', '7707083893', '500100732259'])),
                client_name=draw(name_text),
                date=draw(st.one_of(st.none(), st.dates(
                            min_value=D(2000, 1, 1),
                            max_value=D(2099, 12, 31)))),
                series=draw(st.one_of(st.just(''), code_text)),
                type=draw(st.sampled_from(
                        ['', 'commercial', 'demo', 'regional']))))
    return result


class RegistrationFormatMixin:
    "Registration file format"

    @given(rows(), st.sampled_from(['utf-8', 'cp1251']))
    @settings(max_examples=60, deadline=None)
    def test_round_trip(self, rows, encoding):
        "Generated files parse back into the same rows"
        fmt = CsvFormat()
        data = fmt.generate(rows, encoding=encoding)
        if encoding == 'cp1251':
            # valid UTF-8 is read as UTF-8 (regformat.decode): a Windows-1251
            # text whose bytes all happen to be UTF-8 («В¤», «ПЁ»…) is not
            # the encoding's round trip
            try:
                data.decode('utf-8')
            except UnicodeDecodeError:
                pass
            else:
                assume(data.isascii())
        self.assertEqual(fmt.parse(data, 'x.csv'), rows)

    def test_sample_file(self):
        """The sample file shipped with the documentation parses, both date
        formats and a row without INN, series and type included"""
        path = os.path.join(os.path.dirname(__file__), '..', 'doc',
            'registration_sample.csv')
        with open(path, 'rb') as file:
            rows = CsvFormat().parse(file.read(), 'registration_sample.csv')
        self.assertEqual(
            [(r.line, r.system, r.number, r.network_type, r.status)
                for r in rows],
            [(2, 'PROF', '100231', 'LOC', 'active'),
                (3, 'BUH', '100232', 'NET3', 'disconnected'),
                (4, 'PROF', '100240', 'FLASH', 'active')])
        self.assertEqual({r.date for r in rows}, {dt.date(2024, 3, 1)})
        self.assertEqual(rows[1].client_inn, '')

    def test_decode(self):
        "UTF-8 with or without BOM and Windows-1251 are recognised"
        text = 'Версия Проф'
        self.assertEqual(decode(text.encode('utf-8')), text)
        self.assertEqual(decode(b'\xef\xbb\xbf' + text.encode('utf-8')),
            text)
        self.assertEqual(decode(text.encode('cp1251')), text)

    @with_transaction()
    def test_malformed(self):
        "Malformed lines are rejected naming file, line and field"
        fmt = CsvFormat()
        header = 'system;number;network_type;status;client_code;date\n'
        cases = [
            ('', 'empty'),
            ('number;status\n', 'system'),
            (header + 'PROF;1;LOC;active;C1;2024-01-01\n'
                + 'PROF;2;LOC;sleeping;C1;2024-01-01\n', 'line 3'),
            (header + 'PROF;1;LOC;active;C1;31.02.2024\n', 'date'),
            (header + 'PROF;1;LOC;active;;2024-01-01\n', 'client_code'),
            (header + 'PROF;1;LOC;active;C1\n', 'line 2'),
            (header + 'PROF;1;LOC;active;C1;\n'
                + 'PROF;1;LOC;active;C2;\n', 'number'),
            ]
        for data, expected in cases:
            with self.assertRaises(UserError) as cm:
                fmt.parse(data.encode('utf-8'), 'reg.csv')
            self.assertIn('reg.csv', cm.exception.message)
            self.assertIn(expected, cm.exception.message)

    @given(st.lists(st.text(alphabet='abc;"\n\r 12', max_size=30),
            max_size=5))
    @settings(max_examples=80, deadline=None)
    @with_transaction()
    def test_garbage(self, lines):
        "Garbage either parses or raises UserError, never anything else"
        data = ('system;number;network_type;status;client_code\n'
            + '\n'.join(lines)).encode('utf-8')
        try:
            result = CsvFormat().parse(data, 'g.csv')
        except UserError:
            return
        for row in result:
            self.assertIn(row.status, {'active', 'disconnected'})


class RicDistributiveTestCase(
        ListViewTestMixin, RegistrationFormatMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test RIC Distributive module"
    module = 'ric_distributive'

    def _catalogue(self):
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        prof, buh = System.create([
                {'code': 'PROF', 'name': "Prof"},
                {'code': 'BUH', 'name': "Accountant"},
                ])
        local, = NetworkType.search([('code', '=', 'LOC')])
        net3, = NetworkType.search([('code', '=', 'NET3')])
        return prof, buh, local, net3

    def _parties(self, *names):
        Party = Pool().get('party.party')
        return Party.create([{'name': n, 'is_client': True,
                    'client_status': 'potential'} for n in names])

    def _move(self, kind, distributive, date, **values):
        Movement = Pool().get('ric.distributive.movement')
        values.update(kind=kind, distributive=distributive.id, date=date)
        movement, = Movement.create_and_do([values])
        return movement

    @with_transaction()
    def test_system_product(self):
        "A system gets a service product"
        company = create_company()
        with set_company(company):
            prof, buh, local, net3 = self._catalogue()
            self.assertEqual(prof.product.type, 'service')
            self.assertEqual(prof.product.name, "Prof")

    @with_transaction()
    def test_history_api(self):
        "Movements answer the spine API on any date"
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            prof, buh, local, net3 = self._catalogue()
            alpha, beta, gamma = self._parties('Alpha', 'Beta', 'Gamma')
            d1, d2 = Distributive.create([
                    {'number': '100', 'system': prof.id,
                        'network_type': local.id},
                    {'number': '101', 'system': buh.id,
                        'network_type': local.id},
                    ])
            self._move('connection', d1, D(2024, 1, 10), client=alpha.id)
            self._move('connection', d2, D(2024, 3, 1), client=alpha.id)
            self._move('replacement', d1, D(2024, 3, 11),
                network_type=net3.id)
            self._move('transfer', d2, D(2024, 3, 21), client=beta.id)
            self._move('disconnection', d1, D(2024, 4, 1))

            self.assertEqual(d1.state, 'disconnected')
            self.assertEqual(d2.client, beta)
            self.assertEqual(Distributive.get_on_date(D(2024, 3, 15)), {
                    alpha.id: [(d1.id, prof.id, net3.id),
                        (d2.id, buh.id, local.id)],
                    })
            self.assertEqual(
                Distributive.get_on_date(D(2024, 3, 25), [alpha, gamma]), {
                    alpha.id: [(d1.id, prof.id, net3.id)],
                    gamma.id: [],
                    })
            march = Distributive.get_client_distributives(
                [alpha.id, beta.id], D(2024, 3, 1), D(2024, 3, 31))
            self.assertEqual(sorted(march[alpha.id], key=lambda r: r[3]), [
                    (d1.id, prof.id, local.id, D(2024, 3, 1),
                        D(2024, 3, 10)),
                    (d2.id, buh.id, local.id, D(2024, 3, 1),
                        D(2024, 3, 20)),
                    (d1.id, prof.id, net3.id, D(2024, 3, 11),
                        D(2024, 3, 31)),
                    ])
            self.assertEqual(march[beta.id], [
                    (d2.id, buh.id, local.id, D(2024, 3, 21),
                        D(2024, 3, 31))])
            states = Distributive.get_state_on([d1, d2], D(2024, 1, 5))
            self.assertEqual(states[d1.id]['state'], 'in_stock')
            states = Distributive.get_state_on(None, D(2024, 4, 2))
            self.assertEqual(states[d1.id]['state'], 'disconnected')
            self.assertEqual(states[d1.id]['client'], alpha.id)
            self.assertEqual(states[d2.id]['client'], beta.id)

            statuses = Party._compute_client_status([alpha, beta, gamma])
            self.assertEqual(statuses, {
                    alpha.id: 'disconnected', beta.id: 'served',
                    gamma.id: 'potential'})
            self.assertEqual(Party(beta.id).client_status, 'served')
            self.assertEqual(Party(alpha.id).client_status, 'disconnected')

    @with_transaction()
    def test_movement_rules(self):
        "Movements refuse impossible changes and done ones are immutable"
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        company = create_company()
        with set_company(company):
            prof, buh, local, net3 = self._catalogue()
            alpha, beta = self._parties('Alpha', 'Beta')
            d1, = Distributive.create([{'number': '1', 'system': prof.id,
                        'network_type': local.id}])
            with self.assertRaises(UserError):
                self._move('disconnection', d1, D(2024, 1, 1))
            movement = self._move('connection', d1, D(2024, 2, 1),
                client=alpha.id)
            with self.assertRaises(UserError):
                self._move('connection', d1, D(2024, 2, 2), client=beta.id)
            with self.assertRaises(UserError):
                self._move('transfer', d1, D(2024, 2, 2), client=alpha.id)
            with self.assertRaises(UserError):
                self._move('replacement', d1, D(2024, 2, 2),
                    network_type=local.id)
            with self.assertRaises(UserError):
                self._move('transfer', d1, D(2024, 1, 15), client=beta.id)
            with self.assertRaises(AccessError):
                Movement.write([movement], {'date': D(2024, 2, 3)})
            with self.assertRaises(AccessError):
                Movement.delete([movement])
            with self.assertRaises(AccessError):
                Distributive.delete([d1])

    @with_transaction()
    def test_batch_same_day(self):
        "Several movements of one distributive in a batch"
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Movement = pool.get('ric.distributive.movement')
        company = create_company()
        with set_company(company):
            prof, buh, local, net3 = self._catalogue()
            alpha, beta = self._parties('Alpha', 'Beta')
            d1, = Distributive.create([{'number': '1', 'system': prof.id,
                        'network_type': local.id}])
            Movement.create_and_do([
                    {'kind': 'connection', 'distributive': d1.id,
                        'date': D(2024, 5, 1), 'client': alpha.id},
                    {'kind': 'reregistration', 'distributive': d1.id,
                        'date': D(2024, 5, 1), 'client': beta.id},
                    {'kind': 'replacement', 'distributive': d1.id,
                        'date': D(2024, 5, 1), 'system': buh.id},
                    ])
            self.assertEqual(Distributive.get_on_date(D(2024, 5, 1)), {
                    beta.id: [(d1.id, buh.id, local.id)]})
            self.assertEqual(len([h for h in d1.history
                        if h.date_to is None]), 1)

    @with_transaction()
    def test_reservation_expiry(self):
        "Demo reservations expire and are flagged"
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        Reservation = pool.get('ric.distributive.reservation')
        company = create_company()
        with set_company(company):
            prof, buh, local, net3 = self._catalogue()
            alpha, = self._parties('Alpha')
            demo, = Distributive.create([{'number': 'D1', 'system': prof.id,
                        'network_type': local.id, 'type': 'demo'}])
            reservation, = Reservation.create([{
                        'distributive': demo.id, 'client': alpha.id,
                        'date': D(2024, 1, 1)}])
            self.assertEqual(reservation.end_date, D(2024, 1, 31))
            self.assertEqual(demo.state, 'reserved')
            with self.assertRaises(UserError):
                Reservation.create([{'distributive': demo.id,
                            'client': alpha.id}])
            self.assertEqual(Reservation.flag_expired(D(2024, 1, 31)), [])
            self.assertEqual(
                Reservation.flag_expired(D(2024, 2, 1)), [reservation])
            Distributive.rotate_demo_passwords()
            self.assertEqual(len(Distributive(demo.id).password), 10)
            Reservation.release([reservation])
            self.assertEqual(Distributive(demo.id).state, 'in_stock')

    @with_transaction()
    def test_report_selections_translatable(self):
        "The selections of the reports are lists: Tryton translates them"
        pool = Pool()
        for name, field in [
                ('ric.distributive.report.warehouse', 'type'),
                ('ric.distributive.report.movement', 'kind'),
                ('ric.registration.report.discrepancy', 'kind')]:
            Model = pool.get(name)
            self.assertIsInstance(
                getattr(Model, field).selection, list, (name, field))


del ModuleTestCase
