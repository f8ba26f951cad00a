# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import threading
import time
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, _DBTestCase, with_transaction
from trytond.transaction import Transaction

HEADER = 'system;number;network_type;status;client_code;date\n'


def _file(*lines):
    return (HEADER + ''.join(l + '\n' for l in lines)).encode('utf-8')


class _RegistrationMixin:

    def _catalogue(self):
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        prof, = System.create([{'code': 'PROF', 'name': "Prof"}])
        local, = NetworkType.search([('code', '=', 'LOC')])
        net3, = NetworkType.search([('code', '=', 'NET3')])
        return prof, local, net3

    def _clients(self, *numbers):
        Party = Pool().get('party.party')
        return Party.create([{'name': "Client %s" % n, 'is_client': True,
                    'client_status': 'potential', 'client_number': n}
                for n in numbers])

    def _distributives(self, system, network_type, *numbers):
        Distributive = Pool().get('ric.distributive')
        return Distributive.create([{'number': n, 'system': system.id,
                    'network_type': network_type.id} for n in numbers])


class RegistrationTestCase(_RegistrationMixin, _DBTestCase):
    "Test the import of the registration files"
    module = 'ric_distributive'

    @with_transaction()
    def test_company_scope(self):
        "An import sees only the distributives of the current company"
        pool = Pool()
        Import = pool.get('ric.registration.import')
        Movement = pool.get('ric.distributive.movement')
        Distributive = pool.get('ric.distributive')
        company_a = create_company('A')
        company_b = create_company('B', currency=company_a.currency)
        with set_company(company_a):
            prof, local, net3 = self._catalogue()
            alpha, beta = self._clients('1001', '1002')
            a1, a2 = self._distributives(prof, local, 'A1', 'A2')
            Movement.create_and_do([{'kind': 'connection',
                        'distributive': d.id, 'client': alpha.id,
                        'date': dt.date(2024, 1, 1)} for d in [a1, a2]])
        with set_company(company_b):
            b1, = self._distributives(prof, local, 'B1')
            Movement.create_and_do([{'kind': 'connection',
                        'distributive': b1.id, 'client': beta.id,
                        'date': dt.date(2024, 1, 1)}])
        with set_company(company_a):
            record = Import.import_data(_file(
                    'PROF;A1;LOC;active;1001;2024-02-01',
                    # a distributive of company B registered to alpha
                    'PROF;B1;LOC;active;1001;2024-02-01',
                    ), 'a.csv', date=dt.date(2024, 2, 1))
            self.assertEqual(record.company, company_a)
            discrepancies = {(d.kind, d.number, d.distributive)
                for d in record.discrepancies}
            # a2 is missing; b1, connected in company B, is not
            self.assertEqual(discrepancies, {
                    ('missing', 'A2', a2),
                    ('other_company', 'B1', None),
                    })
            self.assertEqual(record.reregistration_count, 0)
            self.assertEqual(record.new_count, 0)
        with set_company(company_b):
            b1 = Distributive(b1.id)
            self.assertEqual((b1.state, b1.client), ('connected', beta))
            self.assertEqual(len(b1.movements), 1)

    @with_transaction()
    def test_digest_per_company(self):
        "A file is imported once per company; a second import is a no-op"
        pool = Pool()
        Import = pool.get('ric.registration.import')
        Movement = pool.get('ric.distributive.movement')
        company_a = create_company('A')
        company_b = create_company('B', currency=company_a.currency)
        data = _file('PROF;N1;LOC;active;1001;2024-02-01')
        with set_company(company_a):
            prof, local, net3 = self._catalogue()
            self._clients('1001')
            first = Import.import_data(data, 'a.csv')
            self.assertEqual(first.new_count, 1)
            movements = Movement.search([])
            self.assertEqual(Import.import_data(data, 'again.csv'), first)
            self.assertEqual(Movement.search([]), movements)
        with set_company(company_b):
            # the same content for company B: the number belongs to A
            other = Import.import_data(data, 'b.csv')
            self.assertNotEqual(other, first)
            self.assertEqual(other.company, company_b)
            self.assertEqual([d.kind for d in other.discrepancies],
                ['other_company'])
        with self.assertRaises(UserError) as cm:
            with Transaction().set_context(company=None):
                Import.import_data(_file(), 'none.csv')
        self.assertIn('none.csv', cm.exception.message)
        with set_company(company_a):
            # the database refuses a second import of the content
            with self.assertRaises(UserError) as cm:
                Import.create([{'filename': 'copy.csv',
                            'digest': first.digest}])
            self.assertIn('already imported', cm.exception.message)

    @with_transaction()
    def test_import_wizard_summary(self):
        "The wizard ends on a summary naming discrepancies by what they are"
        pool = Pool()
        Wizard = pool.get('ric.registration.import.wizard', type='wizard')
        Movement = pool.get('ric.distributive.movement')
        company = create_company()
        with set_company(company):
            prof, local, net3 = self._catalogue()
            alpha, beta = self._clients('1001', '1002')
            d1, d2, d3 = self._distributives(prof, local, 'D1', 'D2', 'D3')
            Movement.create_and_do([{'kind': 'connection',
                        'distributive': d.id, 'client': alpha.id,
                        'date': dt.date(2024, 1, 1)} for d in [d1, d2, d3]])
            session_id, _, _ = Wizard.create()
            wizard = Wizard(session_id)
            wizard.start.file = _file(
                'PROF;N1;LOC;active;1001;2024-02-01',
                'PROF;D1;LOC;active;1002;2024-02-01',
                'XXX;D9;LOC;active;1001;2024-02-01')
            wizard.start.filename = 'three.csv'
            self.assertEqual(wizard.transition_import_(), 'summary')
            summary = wizard.default_summary(None)
            self.assertEqual(summary, {
                    'filename': 'three.csv', 'rows': 3, 'created': 1,
                    'changed': 1, 'disconnected': 0, 'missing': 2,
                    'discrepancies': 1})
            names = sorted(
                d.rec_name for d in wizard.start.record.discrepancies)
            self.assertEqual(names, [
                    'Missing from the File: PROF D2',
                    'Missing from the File: PROF D3',
                    'Unknown System: XXX D9 (line 4)'])

    @with_transaction()
    def test_network_types_written_in_batch(self):
        "The new network types of the distributives are grouped writes"
        pool = Pool()
        Import = pool.get('ric.registration.import')
        Distributive = pool.get('ric.distributive')
        NetworkType = pool.get('ric.network.type')
        company = create_company()
        with set_company(company):
            prof, local, net3 = self._catalogue()
            net5, = NetworkType.search([('code', '=', 'NET5')])
            self._clients('1001')
            numbers = ['%s' % n for n in range(1, 9)]
            distributives = self._distributives(prof, local, *numbers)
            lines = ['PROF;%s;%s;active;1001;2024-02-01'
                % (n, 'NET3' if int(n) % 2 else 'NET5') for n in numbers]

            calls = []
            write = Distributive.write.__func__

            def counting_write(cls, *args):
                if any(set(v) == {'network_type'} for v in args[1::2]):
                    calls.append(len(args) // 2)
                return write(cls, *args)
            with patch.object(Distributive, 'write',
                    classmethod(counting_write)):
                record = Import.import_data(_file(*lines), 'nt.csv')

            self.assertEqual(record.new_count, 8)
            # one call for all, one (records, values) pair per network type
            self.assertEqual(calls, [2])
            self.assertEqual(
                {d.number: d.network_type.code
                    for d in Distributive.browse(distributives)},
                {n: 'NET3' if int(n) % 2 else 'NET5' for n in numbers})
            self.assertEqual({d.state for d in distributives}, {'connected'})


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite serializes the writing transactions of a database: two "
    "connections cannot import at the same time")
class RegistrationConcurrencyTestCase(_RegistrationMixin, _DBTestCase):
    "Test two concurrent imports of one registration file"
    module = 'ric_distributive'

    def _setup(self):
        "Commit a company, its clients and distributives in stock"
        with Transaction().start(DB_NAME, 1) as transaction:
            User = Pool().get('res.user')
            company = create_company()
            User.write([User(1)], {
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    })
            with set_company(company):
                prof, local, net3 = self._catalogue()
                self._clients('1001')
                distributives = self._distributives(
                    prof, local, *['%s' % n for n in range(1, 21)])
            transaction.commit()
            return company.id, [d.id for d in distributives]

    def _lock_waiters(self):
        "Return the number of the connections of the database waiting a lock"
        database = backend.Database(DB_NAME).connect()
        connection = database.get_connection(autocommit=True)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity "
                "WHERE datname = %s AND wait_event_type = 'Lock'",
                (DB_NAME,))
            return cursor.fetchone()[0]
        finally:
            database.put_connection(connection)

    def _race(self, company, data):
        """Import data in two transactions at the same time

        The first transaction commits only once the second one waits on
        it.  Return {name: (result, value)} and if the second waited."""
        first_done = threading.Event()
        results = {}

        def import_(name, before_commit=None, wait=None):
            try:
                if wait is not None:
                    wait.wait(30)
                with Transaction().start(DB_NAME, 1,
                        context={'company': company}) as transaction:
                    Import = Pool().get('ric.registration.import')
                    record = Import.import_data(data, name + '.csv')
                    results[name] = ('imported', record.id)
                    if before_commit:
                        before_commit()
                    transaction.commit()
            except UserError as exception:
                results[name] = ('error', exception.message)
            except Exception as exception:
                results[name] = ('crash', repr(exception))

        def let_second_block():
            first_done.set()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if self._lock_waiters():
                    break
                time.sleep(0.1)
            results['second waited'] = bool(self._lock_waiters())

        first = threading.Thread(target=import_,
            args=('first', let_second_block))
        second = threading.Thread(target=import_,
            args=('second', None, first_done))
        first.start()
        second.start()
        first.join(120)
        second.join(120)
        return results

    def _check_one_applied(self, results):
        self.assertEqual(results['first'][0], 'imported', results)
        self.assertIn(results['second'][0], {'error', 'imported'}, results)
        if results['second'][0] == 'error':
            # the translated message of the unique digest
            self.assertIn('already imported', results['second'][1])
            self.assertTrue(results['second waited'], results)
        else:
            # a no-op: the import of the first transaction
            self.assertEqual(results['second'], results['first'])

    def test_concurrent_imports(self):
        "Of two concurrent imports of one file exactly one applies"
        company, distributive_ids = self._setup()

        # a file of discrepancies only: the imports write no common row
        results = self._race(company, _file(
                'XYZ;1;LOC;active;1001;2024-02-01',
                'PROF;1;LOC;active;9999;2024-02-01'))
        self._check_one_applied(results)
        with Transaction().start(DB_NAME, 1, context={'company': company}):
            Import = Pool().get('ric.registration.import')
            record, = Import.search([])
            self.assertEqual(len(record.discrepancies), 2)

        # a file of connections: the imports would connect twice
        results = self._race(company, _file(
                *('PROF;%s;LOC;active;1001;2024-02-01' % n
                    for n in range(1, 21))))
        self._check_one_applied(results)
        with Transaction().start(DB_NAME, 1, context={'company': company}):
            pool = Pool()
            Import = pool.get('ric.registration.import')
            Movement = pool.get('ric.distributive.movement')
            Distributive = pool.get('ric.distributive')
            self.assertEqual(len(Import.search([])), 2)
            movements = Movement.search([])
            self.assertEqual(len(movements), 20)
            self.assertEqual(
                sorted(m.distributive.id for m in movements),
                sorted(distributive_ids))
            self.assertEqual(
                {d.state for d in Distributive.browse(distributive_ids)},
                {'connected'})


del _DBTestCase
