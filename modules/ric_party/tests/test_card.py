# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The client card: requisites typed on it, one client number, its tabs,
the size of its definition and the cost of reading it"""

from lxml import etree

from trytond.modules.company.tests import create_company
from trytond.modules.ric_base.tests.tools import count_queries
from trytond.modules.ric_party.exceptions import RequisitesValidationError
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONEncoder
from trytond.tests.test_tryton import _DBTestCase, with_transaction
from trytond.transaction import Transaction

INN = '7707083893'
KPP = '773601001'
OGRN = '1027700132195'


def _form_fields(view):
    "The field names the web client reads for a view"
    names = ['rec_name']
    for name, definition in view['fields'].items():
        names.append(name)
        if definition['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(name + '.rec_name')
    return names


def _read_counts(Party, clients, names):
    """Return ([queries to read the first client, queries to read all],
    the records of all) with an empty transaction cache each time"""
    counts = []
    for parties in [clients[:1], clients]:
        Transaction().cache.clear()
        with count_queries() as queries:
            records = Party.read([p.id for p in parties], names)
        counts.append(queries.value)
    return counts, records


#: the encoding of the answers of the server (JSON-RPC): what the web client
#: downloads
WIRE = JSONEncoder(separators=(',', ':'))


class ClientCardTestCase(_DBTestCase):
    "Test the client card"
    module = 'ric_party'

    def _client(self, name="ООО «Ромашка»", **values):
        Party = Pool().get('party.party')
        party, = Party.create([dict(name=name, is_client=True,
                    client_status='potential', **values)])
        return party

    @with_transaction()
    def test_requisites_stored_as_identifiers(self):
        "INN, KPP and OGRN typed on the card are identifiers of the party"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        client = self._client(inn=INN, kpp='7736 01 001', ogrn=OGRN)
        self.assertEqual(
            sorted((i.type, i.code_compact) for i in client.identifiers),
            [('ru_kpp', KPP), ('ru_ogrn', OGRN), ('ru_vat', INN)])
        client = Party(client.id)
        self.assertEqual((client.inn, client.kpp, client.ogrn),
            (INN, KPP, OGRN))
        self.assertEqual(Party.search([('kpp', '=', KPP)]), [client])
        self.assertEqual(Party.search([('ogrn', '=', OGRN)]), [client])

        # changing the value changes the identifier, emptying deletes it
        kpp, = Identifier.search([('type', '=', 'ru_kpp')])
        Party.write([client], {'kpp': '773601002', 'ogrn': None})
        self.assertEqual(Identifier(kpp.id).code_compact, '773601002')
        self.assertFalse(Identifier.search([('type', '=', 'ru_ogrn')]))
        self.assertEqual(Party(client.id).ogrn, None)

    @with_transaction()
    def test_requisites_one_query(self):
        "The requisites of many parties are read in one query"
        Party = Pool().get('party.party')
        clients = Party.create([{'name': 'C%s' % i, 'is_client': True,
                    'client_status': 'potential'} for i in range(20)])
        Party.write(clients[:10], {'inn': INN, 'kpp': KPP})
        Transaction().cache.clear()
        with count_queries() as queries:
            values = Party.read([c.id for c in clients],
                ['inn', 'kpp', 'ogrn'])
        self.assertEqual(sum(1 for v in values if v['inn'] == INN), 10)
        # the read of the parties and one query for the three requisites
        self.assertLessEqual(queries.value, 2, queries.value)

    @with_transaction()
    def test_requisites_refused_saying_why(self):
        "An invalid requisite is refused with the reason and the client"
        name = "ООО «Василёк»"
        cases = [
            ('inn', '770708389', "9 characters instead of 10 / 12"),
            ('inn', '7707083894', "wrong control digit"),
            ('inn', '77070838AB', "only digits"),
            ('kpp', '7736010', "7 characters instead of 9"),
            ('kpp', '77360100A', "4 digits, 2 digits"),
            ('ogrn', '1027700132196', "wrong control digit"),
            ('ogrn', '10277001321', "11 characters instead of 13 / 15"),
            ]
        for field, value, reason in cases:
            with self.subTest(field=field, value=value):
                with self.assertRaises(RequisitesValidationError) as cm:
                    self._client(name, **{field: value})
                message = str(cm.exception)
                self.assertIn(reason, message)
                self.assertIn(name, message)
                self.assertIn(value, message)
                Transaction().rollback()

    @with_transaction()
    def test_identifier_list_checked(self):
        "An identifier of a requisite type added in the list is checked"
        Party = Pool().get('party.party')
        with self.assertRaises(RequisitesValidationError):
            Party.create([{'name': "Test", 'identifiers': [('create', [{
                                'type': 'ru_kpp', 'code': '12345'}])]}])

    @with_transaction()
    def test_client_number_from_sequence(self):
        "New clients are numbered from the configured sequence"
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('ric.party.configuration')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(Configuration(1).client_sequence.id)
        sequence.prefix = 'К-'
        sequence.number_next = 7
        sequence.save()
        first = self._client("First")
        typed = self._client("Typed", client_number='193254')
        # a number already given is skipped
        self._client("Imported", client_number='К-8')
        second = self._client("Second")
        other, = Party.create([{'name': "Bank"}])
        self.assertEqual(first.client_number, 'К-7')
        self.assertEqual(typed.client_number, '193254')
        self.assertEqual(second.client_number, 'К-9')
        self.assertEqual(other.client_number, None)
        # a party becoming a client gets its number
        Party.write([other], {'is_client': True,
                'client_status': 'potential'})
        self.assertEqual(Party(other.id).client_number, 'К-10')
        # clients created together (an import) are numbered in one go
        many = Party.create([{'name': "C%s" % i, 'is_client': True,
                    'client_status': 'potential'} for i in range(3)])
        self.assertEqual([p.client_number for p in many],
            ['К-11', 'К-12', 'К-13'])

    @with_transaction()
    def test_default_language_russian(self):
        "A new party speaks Russian unless the configuration says otherwise"
        pool = Pool()
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        ru, = Lang.search([('code', '=', 'ru')])
        party, = Party.create([{'name': "Test"}])
        self.assertEqual(party.lang, ru)

    def _form(self):
        Party = Pool().get('party.party')
        return Party.fields_view_get(view_type='form')

    @with_transaction()
    def test_form_layout(self):
        "The tabs of the card are grouped as the staff work"
        view = self._form()
        arch = etree.fromstring(view['arch'])
        header = arch.xpath('/form/group[@id="header"]')[0]
        header_fields = [f.get('name') for f in header.iter('field')]
        self.assertNotIn('lang', header_fields)
        self.assertIn('client_number', header_fields)
        pages = [p.get('id') or p.get('name')
            for p in arch.xpath('/form/notebook/page')]
        self.assertEqual(pages[:6], ['ric_client', 'ric_requisites',
                'general', 'ric_responsibles', 'ric_segments', 'key_events'])
        self.assertNotIn('banking', pages)
        requisites = arch.xpath('//page[@id="ric_requisites"]')[0]
        self.assertEqual(
            {f.get('name') for f in requisites.iter('field')} >= {
                'inn', 'kpp', 'ogrn', 'bank_accounts', 'legal_address'},
            True)
        contacts = arch.xpath('//page[@id="general"]')[0]
        self.assertIn('ric_contacts',
            [f.get('name') for f in contacts.iter('field')])
        # a client shows its client number, not the code
        self.assertIn('is_client', view['fields']['code']['states'])
        self.assertIn('is_client', view['fields']['client_number']['states'])

    @with_transaction()
    def test_form_generic_pages_by_group(self):
        "The generic tabs are shown only to the groups that use them"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        sales, = User.create([{'login': 'sales', 'name': "Sales",
                    'groups': [('add', [ModelData.get_id(
                                    'ric_base', 'group_ric_sales')])]}])
        manager, = User.create([{'login': 'manager', 'name': "Manager",
                    'groups': [('add', [ModelData.get_id(
                                    'ric_base', 'group_ric_manager')])]}])

        def pages(user):
            with Transaction().set_user(user.id):
                arch = etree.fromstring(self._form()['arch'])
            return [p.get('id') or p.get('name')
                for p in arch.xpath('/form/notebook/page')]
        self.assertNotIn('relations', pages(sales))
        self.assertNotIn('identifiers', pages(sales))
        self.assertIn('ric_requisites', pages(sales))
        self.assertIn('relations', pages(manager))

    def _user(self, login, *groups):
        "Create a user in the groups given by their xml ids"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{'login': login, 'name': login,
                    'groups': [('add', [ModelData.get_id(*g.split('.'))
                                for g in groups])]}])
        return user

    def _pages(self, user):
        "The pages of the client form defined for user"
        with Transaction().set_user(user.id):
            arch = etree.fromstring(self._form()['arch'])
        return [p.get('id') or p.get('name')
            for p in arch.xpath('/form/notebook/page')]

    @with_transaction()
    def test_form_generic_pages_each_group(self):
        "Each generic tab is defined only for the users of its groups"
        # the pages of the modules activated in this database: accounting
        # (account), stock (stock) and sale (sale) are not
        group_pages = {
            'relations': ['ric_base.group_ric_admin',
                'ric_base.group_ric_manager', 'party.group_party_admin'],
            'identifiers': [
                'ric_base.group_ric_admin', 'party.group_party_admin'],
            }
        nobody = self._user('sales', 'ric_base.group_ric_sales')
        others = {
            'ric_base.group_ric_service', 'ric_base.group_ric_hotline',
            'ric_base.group_ric_accountant', 'ric_base.group_ric_sales'}
        seen = self._pages(nobody)
        self.assertIn('ric_requisites', seen)
        self.assertIn('general', seen)
        for page, groups in group_pages.items():
            with self.subTest(page=page):
                self.assertNotIn(page, seen)
            for group in groups:
                with self.subTest(page=page, group=group):
                    user = self._user('in %s %s' % (page, group), group)
                    self.assertIn(page, self._pages(user))
            for group in sorted(others):
                with self.subTest(page=page, other=group):
                    user = self._user('out %s %s' % (page, group), group)
                    self.assertNotIn(page, self._pages(user))

    @with_transaction()
    def test_form_pages_by_groups_only(self):
        """The tabs depend on the groups only: root and a user without
        group see the same form, whichever opens it first (trytond caches
        the view by the groups)"""
        nobody = self._user('nobody')
        with Transaction().set_user(0):
            root = [p.get('id') or p.get('name') for p in etree.fromstring(
                    self._form()['arch']).xpath('/form/notebook/page')]
        self.assertEqual(root, self._pages(nobody))
        self.assertNotIn('relations', root)

    @with_transaction()
    def test_form_definition_small(self):
        "The definition of the client form stays small"
        view = self._form()
        size = len(WIRE.encode(view))
        self.assertLess(size, 150 * 1024, size)

        def nested(fields):
            for definition in fields.values():
                for sub in (definition.get('views') or {}).values():
                    yield sub
                    yield from nested(sub['fields'])
        views = list(nested(view['fields']))
        self.assertTrue(views)
        for sub in views:
            for name, definition in sub['fields'].items():
                self.assertNotIn('relation_fields', definition,
                    "%s of %s" % (name, sub['model']))
        # the lists of the card do not repeat the client
        for name in ['ric_contacts', 'ric_responsibles']:
            sub, = view['fields'][name]['views'].values()
            self.assertNotIn('party', sub['fields'])
        # the list view of the contacts keeps them for its search bar
        Contact = Pool().get('ric.party.contact')
        self.assertIn('relation_fields',
            Contact.fields_view_get(view_type='tree')['fields']['party'])

    @with_transaction()
    def test_card_read_constant_queries(self):
        "Reading the card of 1 or 10 clients runs the same queries"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('ric.party.contact')
        Responsible = pool.get('ric.party.responsible')
        Direction = pool.get('ric.activity.direction')
        Employee = pool.get('company.employee')
        company = create_company()
        employee, = Employee.create([{'company': company.id,
                    'party': Party.create([{'name': "E"}])[0].id}])
        clients = []
        for i in range(10):
            clients.append(self._client("Client %s" % i, inn=INN,
                    contact_mechanisms=[('create', [
                                {'type': 'phone', 'value': '+74722000000'}])],
                    addresses=[('create', [{'city': "Белгород"}])]))
        Contact.create([{'party': c.id, 'name': "Иванова Мария Петровна",
                    'position_type': 'chief_accountant'} for c in clients])
        Responsible.create([{'party': c.id, 'employee': employee.id,
                    'direction': Direction.get_by_code('sales').id}
                for c in clients])
        view = self._form()
        names = _form_fields(view)
        # warm the caches of the pool (access rights, rules, translations)
        Party.read([clients[-1].id], names)
        counts, records = _read_counts(Party, clients, names)
        # no query per record (the first read may fill a cache more)
        self.assertLessEqual(counts[1], counts[0], counts)
        self.assertTrue(all(r['readiness_missing'] is not None
                for r in records))
        # the lists of the card are read at once too
        counts = []
        for parties in [clients[:1], clients]:
            Transaction().cache.clear()
            with count_queries() as queries:
                for name in ['ric_responsibles', 'ric_contacts']:
                    sub, = view['fields'][name]['views'].values()
                    Model = pool.get(view['fields'][name]['relation'])
                    ids = [i for r in Party.read(
                            [p.id for p in parties], [name]) for i in r[name]]
                    Model.read(ids, _form_fields(sub))
            counts.append(queries.value)
        self.assertLessEqual(counts[1], counts[0], counts)

    @with_transaction()
    def test_list_read_constant_queries(self):
        "Reading the list of 1 or 10 clients runs the same queries"
        pool = Pool()
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        russian, = Lang.search([('code', '=', 'ru')])
        russian.active = True
        russian.save()
        PartyLang = pool.get('party.party.lang')
        clients = [self._client("Client %s" % i) for i in range(10)]
        # clients loaded without a language (as the bulk loads do) read
        # the default one
        PartyLang.delete(PartyLang.search([]))
        view = Party.fields_view_get(view_type='tree')
        # the list shows the language: a MultiValue, whose default
        # (Russian) is computed for each client without a value
        self.assertIn('lang', view['fields'])
        names = _form_fields(view)
        Party.read([clients[-1].id], names)
        counts, records = _read_counts(Party, clients, names)
        self.assertLessEqual(counts[1], counts[0], counts)
        self.assertEqual({r['lang'] for r in records}, {russian.id})

    @with_transaction()
    def test_find_duplicates_wizard(self):
        "The duplicate search says what it searches and how many it found"
        pool = Pool()
        Party = pool.get('party.party')
        Find = pool.get('ric.party.duplicate.find', type='wizard')
        Party.create([{'name': "ООО «Ромашка»", 'is_client': True,
                    'client_status': 'potential', 'inn': INN}
                for _ in range(2)] + [{'name': "ООО «Лютик»",
                    'is_client': True, 'client_status': 'potential'}])
        session_id, start_state, _ = Find.create()
        self.assertEqual(start_state, 'start')
        result = Find.execute(session_id, {}, 'start')
        start = result['view']['defaults']
        self.assertEqual(start['clients'], 3)
        self.assertEqual(start['known'], 0)
        buttons = [b['state'] for b in result['view']['buttons']]
        self.assertEqual(buttons, ['end', 'find'])
        result = Find.execute(session_id, {'start': start}, 'find')
        self.assertEqual(result['view']['state'], 'result')
        self.assertEqual(result['view']['defaults'],
            {'created': 1, 'candidates': 1})
        # a second search finds nothing new
        result = Find.execute(session_id, {'start': start}, 'find')
        self.assertEqual(result['view']['defaults'],
            {'created': 0, 'candidates': 1})
        Find.delete(session_id)


del _DBTestCase
