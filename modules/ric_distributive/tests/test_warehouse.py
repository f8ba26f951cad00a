# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction


class WarehouseTestCase(_DBTestCase):
    "Test the warehouse of distributives"
    module = 'ric_distributive'

    @with_transaction()
    def test_write_off_closes_reservation(self):
        "Writing off reserved distributives releases their reservations"
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Party = pool.get('party.party')
        Distributive = pool.get('ric.distributive')
        Reservation = pool.get('ric.distributive.reservation')
        company = create_company()
        with set_company(company):
            prof, = System.create([{'code': 'PROF', 'name': "Prof"}])
            local, = NetworkType.search([('code', '=', 'LOC')])
            alpha, = Party.create([{'name': "Alpha", 'is_client': True,
                        'client_status': 'potential'}])
            d1, d2, d3, d4 = Distributive.create([{
                        'number': str(n), 'system': prof.id,
                        'network_type': local.id} for n in range(1, 5)])
            r1, r2, r3 = Reservation.create([{
                        'distributive': d.id, 'client': alpha.id,
                        'date': dt.date(2024, 1, 1)} for d in [d1, d2, d3]])
            Reservation.issue([r3])

            Distributive.write_off([d1, d2, d3, d4])

            self.assertEqual(
                [d.state for d in Distributive.browse([d1, d2, d3, d4])],
                ['written_off'] * 4)
            self.assertEqual(
                [r.state for r in Reservation.browse([r1, r2, r3])],
                ['released', 'released', 'issued'])
            self.assertEqual(Reservation.search([
                        ('distributive', 'in', [d1.id, d2.id, d3.id, d4.id]),
                        ('state', '=', 'reserved'),
                        ]), [])

    @with_transaction()
    def test_close_for_distributives_nothing_open(self):
        "Closing the reservations of unreserved distributives does nothing"
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        Distributive = pool.get('ric.distributive')
        Reservation = pool.get('ric.distributive.reservation')
        company = create_company()
        with set_company(company):
            prof, = System.create([{'code': 'PROF', 'name': "Prof"}])
            local, = NetworkType.search([('code', '=', 'LOC')])
            d1, = Distributive.create([{'number': '1', 'system': prof.id,
                        'network_type': local.id}])
            self.assertEqual(Reservation.close_for_distributives([d1]), [])
            self.assertEqual(Reservation.close_for_distributives([]), [])
            self.assertEqual(d1.state, 'in_stock')


class LocationNameTestCase(_DBTestCase):
    "Test the names of the stock locations"
    module = 'ric_distributive'

    @with_transaction()
    def test_location_named_without_code(self):
        "A location is shown by its name and still found by its code"
        pool = Pool()
        Location = pool.get('stock.location')
        ModelData = pool.get('ir.model.data')
        warehouse = Location(ModelData.get_id('stock', 'location_warehouse'))
        self.assertEqual(warehouse.code, 'WH')
        self.assertEqual(warehouse.rec_name, warehouse.name)
        self.assertIn(warehouse, Location.search([('rec_name', '=', 'WH')]))


del _DBTestCase
