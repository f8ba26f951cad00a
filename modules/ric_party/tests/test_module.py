# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.modules.ric_base.tests.tools import ListViewTestMixin
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import CompanyTestMixin, create_company
from trytond.pool import Pool
from trytond.modules.ric_party.duplicate import Corpus, normalize_name
from trytond.modules.ric_party.segment import sales_potential
from trytond.tests.test_tryton import (
    ModuleTestCase, TestCase, with_transaction)

D = dt.date


class RicPartyTestCase(
        ListViewTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test RIC Party module"
    module = 'ric_party'

    def _client(self, name, **values):
        pool = Pool()
        Party = pool.get('party.party')
        values.setdefault('is_client', True)
        values.setdefault('client_status', 'potential')
        party, = Party.create([dict(name=name, **values)])
        return party

    @with_transaction()
    def test_counterparty_on_date(self):
        "Counterparty of clients on a date, in one call"
        pool = Pool()
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        client = self._client("Client")
        other = self._client("Other client")
        old = Party(name="Old payer")
        old.save()
        new = Party(name="New payer")
        new.save()
        History.create([
                {'client': client.id, 'counterparty': old.id,
                    'start_date': D(2024, 1, 1)},
                {'client': client.id, 'counterparty': new.id,
                    'start_date': D(2025, 3, 1)},
                ])

        def on(date):
            result = Party.get_counterparties([client, other], date)
            return result[client.id], result[other.id]

        self.assertEqual(on(D(2023, 12, 31)), (client, other))
        self.assertEqual(on(D(2024, 1, 1)), (old, other))
        self.assertEqual(on(D(2025, 2, 28)), (old, other))
        self.assertEqual(on(D(2025, 3, 1)), (new, other))
        self.assertEqual(on(D(2030, 1, 1)), (new, other))
        self.assertEqual(Party.get_counterparties([], D(2025, 1, 1)), {})

    @with_transaction()
    def test_counterparty_one_query(self):
        "get_counterparties does not query per client"
        pool = Pool()
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        payer = Party(name="Payer")
        payer.save()
        clients = Party.create([
                {'name': 'C%s' % i, 'is_client': True,
                    'client_status': 'served'} for i in range(50)])
        History.create([{'client': c.id, 'counterparty': payer.id,
                    'start_date': D(2024, 1, 1)} for c in clients[::2]])
        from trytond.transaction import Transaction
        cursor_class = type(Transaction().connection.cursor())
        calls = []
        original = cursor_class.execute

        def execute(self, *args, **kwargs):
            calls.append(args[0])
            return original(self, *args, **kwargs)
        try:
            cursor_class.execute = execute
        except (AttributeError, TypeError):
            self.skipTest("cursor can not be patched")
        try:
            result = Party.get_counterparties(clients, D(2025, 1, 1))
        finally:
            cursor_class.execute = original
        self.assertEqual(len(calls), 1, calls)
        self.assertEqual(
            sum(1 for c in clients if result[c.id] == payer), 25)

    @with_transaction()
    def test_requisites_on_date(self):
        "Requisites of the counterparty are historised"
        pool = Pool()
        Party = pool.get('party.party')
        History = pool.get('ric.party.counterparty')
        client = self._client("ООО «Ромашка»")
        payer = Party(name="ООО «Старое имя»", kpp='312301001')
        payer.save()
        History.create([{'client': client.id, 'counterparty': payer.id,
                    'start_date': D(2024, 1, 1)}])

        # without version the current data is used
        req = Party.get_requisites([client], D(2024, 6, 1))[client.id]
        self.assertEqual(req.name, "ООО «Старое имя»")
        self.assertEqual(req.kpp, '312301001')

        Party.change_requisites([payer], D(2025, 1, 1), {
                'name': "ООО «Новое имя»", 'kpp': '312301002'})
        old = Party.get_requisites([client], D(2024, 6, 1))[client.id]
        new = Party.get_requisites([client], D(2025, 1, 1))[client.id]
        self.assertEqual(
            (old.name, old.kpp), ("ООО «Старое имя»", '312301001'))
        self.assertEqual(
            (new.name, new.kpp), ("ООО «Новое имя»", '312301002'))
        # before the counterparty history, the client itself
        own = Party.get_requisites([client], D(2023, 6, 1))[client.id]
        self.assertEqual(own.name, "ООО «Ромашка»")
        with self.assertRaises(AttributeError):
            new.name = 'x'

    @with_transaction()
    def test_inn_identifier(self):
        "INN is the ru_vat identifier"
        pool = Pool()
        Party = pool.get('party.party')
        party = self._client("Sber", identifiers=[('create', [{
                            'type': 'ru_vat', 'code': '7707083893'}])])
        self.assertEqual(party.inn, '7707083893')
        self.assertEqual(Party.search([('inn', '=', '7707 083893')]), [party])

    @with_transaction()
    def test_client_status_contract(self):
        "update_client_status writes what _compute_client_status returns"
        pool = Pool()
        Party = pool.get('party.party')
        a = self._client("A")
        b = self._client("B", client_status='served')
        self.assertEqual(Party.update_client_status([a, b]), {})
        original = Party._compute_client_status.__func__
        try:
            Party._compute_client_status = classmethod(
                lambda cls, parties: {p.id: 'disconnected' for p in parties})
            written = Party.update_client_status([a, b])
        finally:
            Party._compute_client_status = classmethod(original)
        self.assertEqual(set(written), {'disconnected'})
        self.assertEqual(
            [a.client_status, b.client_status], ['disconnected'] * 2)

    @with_transaction()
    def test_responsibles_history(self):
        "A new responsible of a direction closes the previous one"
        pool = Pool()
        Party = pool.get('party.party')
        Responsible = pool.get('ric.party.responsible')
        Direction = pool.get('ric.activity.direction')
        Employee = pool.get('company.employee')
        company = create_company()
        sales = Direction.get_by_code('sales')
        employees = Employee.create([
                {'party': Party.create([{'name': n}])[0].id,
                    'company': company.id} for n in ['E1', 'E2']])
        client = self._client("Client")
        Responsible.create([{'party': client.id, 'direction': sales.id,
                    'employee': employees[0].id,
                    'date_from': D(2024, 1, 1)}])
        Responsible.create([{'party': client.id, 'direction': sales.id,
                    'employee': employees[1].id,
                    'date_from': D(2025, 1, 1)}])
        lines = Responsible.search([('party', '=', client.id)],
            order=[('date_from', 'ASC')])
        self.assertEqual(lines[0].date_to, D(2024, 12, 31))
        self.assertEqual(
            Party.get_responsibles([client], 'sales', D(2024, 6, 1)),
            {client.id: [employees[0]]})
        self.assertEqual(
            Party.get_responsibles([client], sales, D(2025, 6, 1)),
            {client.id: [employees[1]]})

    @with_transaction()
    def test_readiness_status(self):
        "The readiness status follows the configured stages"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('ric.party.contact')
        client = self._client("ООО «Ромашка»")
        self.assertIsNone(client.readiness_stage)
        client.contact_mechanisms = [
            {'type': 'phone', 'value': '+74722000000'}]
        client.save()
        self.assertIsNone(client.readiness_stage)
        Contact.create([{'party': client.id, 'name': "Иванова Мария Петровна",
                    'position_type': 'chief_accountant'}])
        client = Party(client.id)
        self.assertEqual(client.readiness_stage.code, 'calling')
        self.assertTrue(0 < client.readiness_index < 100)
        self.assertTrue(client.readiness_missing.startswith(
                "Ready for sales"))

    @with_transaction()
    def test_sales_potential_segments(self):
        "Computed segments follow the sales potential"
        pool = Pool()
        Party = pool.get('party.party')
        high = self._client("High", tax_regime='osno', accountants=3,
            lawyers=2)
        minimal = self._client("Minimal", tax_regime='npd', accountants=0,
            lawyers=0)
        Party.ric_update_segments()
        high, minimal = Party.browse([high.id, minimal.id])
        self.assertEqual(high.sales_potential, 'high')
        self.assertEqual(minimal.sales_potential, 'minimal')
        self.assertIn('sales_potential_high',
            [s.code for s in high.ric_segments])
        self.assertIn('sales_potential_minimal',
            [s.code for s in minimal.ric_segments])
        self.assertIn('consultation_line_paid',
            [s.code for s in high.ric_segments])

    @with_transaction()
    def test_find_duplicates(self):
        "Duplicates by INN, phone and fuzzy name and address"
        pool = Pool()
        Party = pool.get('party.party')
        Duplicate = pool.get('ric.party.duplicate')

        def client(name, street, **values):
            return self._client(name, addresses=[('create', [{
                                'city': "Белгород", 'street': street}])],
                **values)
        a = client("ООО «Ромашка»", "ул. Победы, 12")
        b = client("Ромашка ООО", "улица Победы 12")
        c = client("ООО «Василёк»", "ул. Щорса, 3",
            identifiers=[('create', [{'type': 'ru_vat',
                                'code': '7707083893'}])])
        d = client("ООО «Василек-Плюс»", "пр. Славы, 1",
            identifiers=[('create', [{'type': 'ru_vat',
                                'code': '7707083893'}])])
        client("ООО «Ромашка»", "ул. Щорса, 45")
        self.assertEqual(Duplicate.find_duplicates(), 2)
        pairs = {(p.party_a, p.party_b): p for p in Duplicate.search([])}
        self.assertEqual(set(pairs), {(a, b), (c, d)})
        self.assertEqual(pairs[(c, d)].reasons, 'inn')
        self.assertEqual(pairs[(a, b)].reasons, 'name_address')
        Duplicate.not_duplicate([pairs[(a, b)]])
        Duplicate.merge([pairs[(c, d)]])
        self.assertEqual(Duplicate.find_duplicates(), 0)
        d = Party(d.id)
        self.assertFalse(d.active)
        self.assertEqual(d.replaced_by, c)

    @with_transaction()
    def test_client_card_report(self):
        "The client card is printed as ODT on demand"
        pool = Pool()
        Report = pool.get('ric.party.card', type='report')
        Contact = pool.get('ric.party.contact')
        ModelData = pool.get('ir.model.data')
        client = self._client("ООО «Ромашка»", client_number='193254')
        Contact.create([{'party': client.id, 'name': "Иванов Иван",
                    'decision_maker': True}])
        oext, content, _, name = Report.execute([client.id], {
                'action_id': ModelData.get_id(
                    'ric_party', 'report_client_card_odt')})
        self.assertEqual(oext, 'odt')
        self.assertTrue(content)

    @with_transaction()
    def test_selection(self):
        "Saved selections list the matching clients"
        pool = Pool()
        Selection = pool.get('ric.party.selection')
        a = self._client("A", client_category='A')
        self._client("B", client_category='B')
        selection, = Selection.create([{'name': "Category A",
                    'domain': '[["client_category", "=", "A"]]'}])
        self.assertEqual(selection.get_records(), [a])
        self.assertEqual(selection.count, 1)
        action = Selection.open_records([selection])
        self.assertEqual(action['res_model'], 'party.party')
        with self.assertRaises(ValidationError):
            Selection.create([{'name': "Bad", 'domain': '[["nope", "=", 1]]'}])


class RulesTestCase(TestCase):
    "Rules that do not need a database"

    def test_sales_potential_thresholds(self):
        self.assertEqual(sales_potential('osno', 4, 1, None), ('high', 5))
        self.assertEqual(sales_potential('osno', 3, 1, None), ('medium', 4))
        self.assertEqual(sales_potential('usn_income', 2, 0, None),
            ('medium', 2))
        self.assertEqual(sales_potential('usn_income', 1, 0, None),
            ('low', 1))
        self.assertEqual(sales_potential('npd', 0, 0, None), ('minimal', 0))
        self.assertEqual(sales_potential('psn', 2, 0, ''), ('minimal', 2))
        self.assertEqual(sales_potential('psn', 0, 0, 'Гарант'), ('low', 1))
        self.assertEqual(sales_potential('psn', 0, 1, None), ('low', 1))
        self.assertEqual(sales_potential('osno', 0, 0, None), ('minimal', 0))
        self.assertEqual(
            sales_potential('osno', 3, 0, None, high=3, medium=2),
            ('high', 3))

    def test_normalize_name(self):
        self.assertEqual(normalize_name("ООО «Ромашка»"), 'ромашка')
        self.assertEqual(
            normalize_name("Общество с ограниченной ответственностью "
                "\"Ромашка-Плюс\""), 'ромашка плюс')
        self.assertEqual(
            normalize_name("Общество с ограниченной ответственостью Ромашка"),
            'ромашка')
        self.assertEqual(normalize_name("ИП Ёлкин И.И."), 'елкин и и')

    def test_duplicate_scoring(self):
        make = Corpus.make_record
        corpus = Corpus([
                make(1, "ООО «Ромашка»", "Белгород", "ул. Победы, 12"),
                make(2, "ООО \"Ромашкa\"", "Белгород", "Победы ул 12"),
                make(3, "ООО «Ромашка»", "Старый Оскол", "ул. Победы, 12"),
                make(4, "АО «Лютик»", "Белгород", "",
                    phones=['8 (4722) 33-22-11']),
                make(5, "ЗАО «Одуванчик»", "Белгород", "",
                    phones=['+7 4722 332211']),
                make(6, "Ромашка", "Белгород", "ул. Губкина, 1"),
                ])
        pairs = corpus.pairs()
        self.assertEqual(set(pairs), {(1, 2), (4, 5)})
        self.assertEqual(pairs[(4, 5)], (90, ['phone']))
        self.assertGreaterEqual(pairs[(1, 2)][0], 90)
        self.assertEqual(
            corpus.match(make(7, "Ромашка", "Белгород", "Победы 12"))[:2],
            (1, 'name_address'))
        self.assertIsNone(
            corpus.match(make(8, "Ромашка", "Белгород", "Щорса 8")))


del ModuleTestCase
