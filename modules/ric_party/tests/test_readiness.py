# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.modules.ric_party.readiness import item_ready
from trytond.pool import Pool
from trytond.tests.test_tryton import _DBTestCase, with_transaction

ITEMS = ['name', 'industry', 'tax_regime', 'staff']


class ReadinessFreshnessTestCase(_DBTestCase):
    "Test the freshness of the readiness items stored on the party"
    module = 'ric_party'

    def _setup(self):
        "Return a client whose items were confirmed 100 days ago"
        pool = Pool()
        Stage = pool.get('ric.party.readiness.stage')
        Industry = pool.get('ric.party.industry')
        Party = pool.get('party.party')
        Confirmation = pool.get('ric.party.readiness.confirmation')
        Stage.write(Stage.search([]), {'active': False})
        stage, = Stage.create([{'name': "Fresh", 'requirements': [
                        ('create', [{'item': i, 'max_age': 30}
                                for i in ITEMS])]}])
        industry, = Industry.create([{'name': "Trade"}])
        client, = Party.create([{'name': "Alpha", 'is_client': True,
                    'client_status': 'potential', 'industry': industry.id,
                    'tax_regime': 'osno', 'accountants': 2, 'lawyers': 1}])
        today = pool.get('ir.date').today()
        # entering the values confirmed them today
        self.assertEqual(
            {c.item: c.date for c in client.readiness_confirmations},
            {i: today for i in ITEMS})
        self.assertEqual(Party(client.id).readiness_stage, stage)
        Confirmation.write(list(client.readiness_confirmations),
            {'date': today - dt.timedelta(days=100)})
        return Party(client.id), stage, today

    def _fresh(self, party, today):
        party = Pool().get('party.party')(party.id)
        confirmations = {c.item: c.date
            for c in party.readiness_confirmations}
        return {i for i in ITEMS
            if item_ready(party, i, 30, today, confirmations)}

    @with_transaction()
    def test_computed_writes_do_not_refresh(self):
        "Computed writes of the party leave its items stale"
        pool = Pool()
        Party = pool.get('party.party')
        client, stage, today = self._setup()
        self.assertEqual(self._fresh(client, today), set())
        self.assertIsNone(Party(client.id).readiness_stage)

        # the module's own recomputations write the party
        Party.ric_update_segments([client])
        Party.update_readiness([client])
        Party.update_client_status([client])
        # as the client status recomputation of ric_distributive writes it
        Party.write([client], {'client_status': 'served'})
        client = Party(client.id)
        self.assertEqual(client.sales_potential, 'medium')
        self.assertEqual(self._fresh(client, today), set())
        self.assertIsNone(client.readiness_stage)
        self.assertEqual({c.date for c in client.readiness_confirmations},
            {today - dt.timedelta(days=100)})

    @with_transaction()
    def test_user_change_refreshes(self):
        "A user changing an item confirms it, rewriting it does not"
        pool = Pool()
        Party = pool.get('party.party')
        client, stage, today = self._setup()
        # the same values written again change nothing
        Party.write([client], {'name': "Alpha", 'accountants': 2,
                'tax_regime': 'osno'})
        self.assertEqual(self._fresh(client, today), set())

        Party.write([client], {'name': "Alpha Ltd"})
        self.assertEqual(self._fresh(client, today), {'name'})
        Party.write([client], {'lawyers': 3}, [client], {'tax_regime': 'npd'})
        self.assertEqual(self._fresh(client, today),
            {'name', 'staff', 'tax_regime'})
        self.assertIsNone(Party(client.id).readiness_stage)
        Party.write([client], {'industry': None})
        self.assertEqual(self._fresh(client, today),
            {'name', 'staff', 'tax_regime'})

    @with_transaction()
    def test_confirmation_refreshes(self):
        "Confirming the data today refreshes every filled item"
        pool = Pool()
        Party = pool.get('party.party')
        client, stage, today = self._setup()
        Party.ric_confirm_readiness([client])
        client = Party(client.id)
        self.assertEqual(self._fresh(client, today), set(ITEMS))
        self.assertEqual(client.readiness_stage, stage)
        self.assertEqual(client.readiness_index, 100)


del _DBTestCase
