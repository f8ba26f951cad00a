# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import (
    ListViewTestMixin, count_queries)
from trytond.modules.ric_price_list import parser, pricing
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    ModuleTestCase, TestCase, with_transaction)
from trytond.transaction import Transaction

D = Decimal
JAN, JUL = dt.date(2026, 1, 1), dt.date(2026, 7, 1)


class PricingTestCase(TestCase):
    "Pure rules of the price lists"

    def test_round_amount(self):
        self.assertEqual(pricing.round_amount(D('10349.425'), D('1')),
            D('10349'))
        self.assertEqual(pricing.round_amount(D('10349.5'), D('1')),
            D('10350'))
        self.assertEqual(pricing.round_amount(D('10349.425'), D('0.01')),
            D('10349.43'))
        self.assertEqual(pricing.round_amount(D('10344'), D('10')),
            D('10340'))
        self.assertEqual(pricing.round_amount(D('1.234'), None), D('1.234'))
        self.assertIsNone(pricing.round_amount(None, D('1')))

    @given(st.decimals(min_value=0, max_value=10 ** 7, places=4),
        st.sampled_from([D('0.01'), D('1'), D('10'), D('0.05')]))
    def test_round_amount_multiple(self, value, rounding):
        result = pricing.round_amount(value, rounding)
        self.assertEqual(result % rounding, 0)
        self.assertLessEqual(abs(result - value), rounding / 2)

    def test_select_period(self):
        periods = [
            (1, JAN, None),
            (2, JUL, None),
            (3, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            ]
        self.assertEqual(pricing.select_period(periods, dt.date(2026, 3, 1)),
            1)
        self.assertEqual(pricing.select_period(periods, JUL), 2)
        self.assertEqual(pricing.select_period(periods, dt.date(2025, 6, 1)),
            3)
        self.assertIsNone(pricing.select_period(periods, dt.date(2024, 1, 1)))
        self.assertIsNone(pricing.select_period(
                [(1, JAN, dt.date(2026, 1, 31))], dt.date(2026, 2, 1)))

    def test_overlaps(self):
        self.assertTrue(pricing.overlaps((JAN, None), (JUL, None)))
        self.assertFalse(pricing.overlaps(
                (JAN, dt.date(2026, 6, 30)), (JUL, None)))
        self.assertTrue(pricing.overlaps((None, None), (JUL, JUL)))

    def test_ratio(self):
        self.assertEqual(pricing.ratio(D('90'), D('100')), D('0.9000'))
        self.assertIsNone(pricing.ratio(D('90'), D('0')))
        self.assertIsNone(pricing.ratio(None, D('1')))

    def test_describe_formula(self):
        "A formula in words: names described, decimal comma, signs"
        names = {'local_price': "цена локальной версии",
            'coefficient': "коэффициент"}
        self.assertEqual(
            pricing.describe_formula('local_price * coefficient', names),
            "цена локальной версии × коэффициент")
        self.assertEqual(
            pricing.describe_formula('(local_price+100)*1.15', names),
            "(цена локальной версии + 100) × 1,15")
        self.assertEqual(pricing.describe_formula('', names), '')
        self.assertEqual(
            pricing.describe_formula('other / 2', names), "other ÷ 2")

    @given(st.lists(st.sampled_from(
                ['base_price', 'local_price', 'coefficient', '*', '/', '+',
                    '-', '(', ')', '1.5', '10']), max_size=12))
    def test_describe_formula_names_replaced(self, tokens):
        "No name of a formula is left in its description"
        names = {n: 'N' for n in pricing.FORMULA_NAMES}
        text = pricing.describe_formula(' '.join(tokens), names)
        for name in pricing.FORMULA_NAMES:
            self.assertNotIn(name, text)


HEADER = ['name', 'system', 'network_type', 'kit', 'product',
    'maintenance_price', 'sale_price']
codes = st.text(alphabet='ABCDEFGHKLMNPQRSTUVWXYZ0123456789_-', min_size=1,
    max_size=8)
prices = st.one_of(st.none(), st.decimals(
        min_value=0, max_value=10 ** 7, places=2))


class ParserTestCase(TestCase):
    "Reading and writing price list files"

    def test_parse_decimal(self):
        for text, value in [
                ('12 345,67', D('12345.67')),
                ('12\u00a0345.5', D('12345.5')),
                ('9000 ₽', D('9000')),
                ('', None),
                ('0', D('0')),
                ]:
            self.assertEqual(parser.parse_decimal(text), value)
        for text in ['12,345.67', 'abc', '1e5', '--1', '1.2.3']:
            with self.assertRaises(ValueError):
                parser.parse_decimal(text)

    def test_csv(self):
        data = ('system;network_type;maintenance_price;sale_price\r\n'
            'PROF;LOC;10 349,00;52000\r\n'
            ';;;\r\n'
            'BUH;NET5;8 100;\r\n').encode('cp1251')
        rows = parser.read_rows(data, 'csv', encoding='cp1251')
        records = parser.parse_rows(rows)
        self.assertEqual([(r['row'], r['system'], r['network_type'],
                    r['maintenance_price'], r['sale_price'])
                for r in records], [
                (2, 'PROF', 'LOC', D('10349.00'), D('52000')),
                (4, 'BUH', 'NET5', D('8100'), None),
                ])

    def test_errors(self):
        def error(text):
            rows = parser.read_rows(text.encode(), 'csv')
            with self.assertRaises(parser.ParseError) as cm:
                parser.parse_rows(rows)
            return cm.exception.code, cm.exception.row, cm.exception.column
        self.assertEqual(error(''), ('empty_file', 1, None))
        self.assertEqual(error('foo;bar\n1;2\n'),
            ('missing_column', 1, 'system'))
        self.assertEqual(
            error('system;network_type;maintenance_price\nA;L;1\nB;L;x\n'),
            ('invalid_number', 3, 'maintenance_price'))
        self.assertEqual(
            error('system;network_type;maintenance_price\nA;L;-1\n'),
            ('negative_price', 2, 'maintenance_price'))
        self.assertEqual(
            error('system;network_type;maintenance_price\nA;L;1\nA;L;2\n'),
            ('duplicate_key', 3, 'system'))
        self.assertEqual(
            error('system;network_type;maintenance_price\nA;;1\n'),
            ('missing_key', 2, 'network_type'))
        self.assertEqual(
            error('system;network_type;maintenance_price\nA;L;\n'),
            ('missing_price', 2, 'maintenance_price'))
        self.assertEqual(
            error('system;network_type;kit;maintenance_price\nA;L;K;1\n'),
            ('ambiguous_key', 2, 'kit'))
        with self.assertRaises(parser.ParseError) as cm:
            parser.read_rows(b'\xff\xfe\x00', 'csv')
        self.assertEqual(cm.exception.code, 'unreadable')
        with self.assertRaises(parser.ParseError) as cm:
            parser.read_rows(b'not a zip', 'xlsx')
        self.assertEqual(cm.exception.code, 'unreadable')

    def _rows(self, items):
        return [[code, code, network, '', '', maintenance, sale]
            for code, network, maintenance, sale in items]

    @given(st.lists(st.tuples(codes, codes, prices, prices),
            max_size=15, unique_by=lambda t: (t[0], t[1])),
        st.sampled_from(['csv', 'xlsx']),
        st.sampled_from(['utf-8', 'cp1251']))
    @settings(max_examples=40, deadline=None)
    def test_round_trip(self, items, file_format, encoding):
        "A written file reads back to the same prices"
        items = [i for i in items if i[2] is not None or i[3] is not None]
        rows = self._rows(items)
        if file_format == 'xlsx':
            data = parser.write_xlsx(HEADER, rows)
        else:
            data = parser.write_csv(HEADER, rows, encoding=encoding)
        read = parser.read_rows(data, file_format, encoding=encoding)
        if not items:
            self.assertEqual(parser.parse_rows(read), [])
            return
        records = parser.parse_rows(read)
        self.assertEqual(
            [(r['system'], r['network_type'], r['maintenance_price'],
                r['sale_price']) for r in records],
            [(c, n, m, s) for c, n, m, s in items])
        for record, number in zip(records, range(2, len(items) + 2)):
            self.assertEqual(record['row'], number)

    @given(st.lists(st.lists(st.text(max_size=12), max_size=8),
            max_size=10))
    @settings(max_examples=100, deadline=None)
    def test_never_crashes(self, rows):
        "Any table is either parsed or rejected with a located ParseError"
        try:
            records = parser.parse_rows(rows)
        except parser.ParseError as error:
            self.assertIsNotNone(error.row)
            self.assertGreaterEqual(error.row, 1)
        else:
            for record in records:
                self.assertTrue(any(record[k] for k in parser.KEY_TARGETS))

    @given(st.lists(st.tuples(codes, codes, prices, st.decimals(
                    min_value=0, max_value=10 ** 7, places=2)),
            min_size=1, max_size=10, unique_by=lambda t: (t[0], t[1])),
        st.integers(min_value=0, max_value=9),
        st.sampled_from(['abc', '-5', '1,2.3']))
    @settings(max_examples=40, deadline=None)
    def test_bad_cell_located(self, items, index, bad):
        "A bad price is reported on its row and column"
        rows = self._rows(items)
        index %= len(rows)
        rows[index][5] = bad
        data = parser.write_csv(HEADER, rows)
        with self.assertRaises(parser.ParseError) as cm:
            parser.parse_rows(parser.read_rows(data, 'csv'))
        self.assertEqual(cm.exception.row, index + 2)
        self.assertEqual(cm.exception.column, 'maintenance_price')


class RicPriceListTestCase(ListViewTestMixin, ModuleTestCase):
    "Test RIC Price List module"
    module = 'ric_price_list'

    def _catalogue(self):
        pool = Pool()
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        prof, buh = System.create([
                {'code': 'PROF', 'name': "Версия Проф"},
                {'code': 'BUH', 'name': "Бухгалтер", 'kind': 'additional'},
                ])
        # the network types are data of ric_distributive
        local, = NetworkType.search([('code', '=', 'LOC')])
        net, = NetworkType.search([('code', '=', 'NET5')])
        self.assertEqual(net.coefficient, D('2'))
        return prof, buh, local, net

    def _price_list(self, company, name, code, **values):
        PriceList = Pool().get('product.price_list')
        price_list, = PriceList.create([dict({
                        'name': name, 'code': code, 'ric_type': 'main',
                        'company': company.id,
                        'currency': company.currency.id,
                        }, **values)])
        return price_list

    def _version(self, price_list, start, lines, approve=True):
        Version = Pool().get('ric.price_list.version')
        version, = Version.create([{
                    'price_list': price_list.id, 'name': str(start),
                    'start_date': start,
                    'lines': [('create', lines)],
                    }])
        if approve:
            Version.approve([version])
        return version

    @with_transaction()
    def test_formula_and_rounding(self):
        "Formula lines use local price, coefficient and base price"
        pool = Pool()
        Version = pool.get('ric.price_list.version')
        company = create_company()
        with set_company(company):
            company, main, (prof, buh, local, net) = self._setup_in(company)
            version, = main.versions
            line, = [l for l in version.lines if l.network_type == net
                and l.system == prof]
            self.assertEqual(line.maintenance_price, D('20000'))
            self.assertEqual(line.sale_price, D('100000'))
            budget = self._price_list(company, "Бюджет", 'BUDGET',
                ric_type='budget', base_price_list=main.id,
                derive_formula='base_price * 1.15', rounding=D('1'))
            derived = self._version(budget, JAN, [], approve=False)
            Version.derive([derived])
            prices = {(l.system.code, l.network_type.code):
                (l.maintenance_price, l.sale_price) for l in derived.lines}
            self.assertEqual(prices, {
                    ('PROF', 'LOC'): (D('11500'), D('57500')),
                    ('PROF', 'NET5'): (D('23000'), D('115000')),
                    ('BUH', 'LOC'): (D('8050'), None),
                    })
            self.assertEqual(budget.round_price(D('8050.5')), D('8051'))

    def _setup_in(self, company):
        prof, buh, local, net = self._catalogue()
        main = self._price_list(company, "Основной", 'MAIN',
            rounding=D('1'))
        self._version(main, JAN, [
                {'system': prof.id, 'network_type': local.id,
                    'maintenance_price': D('10000'),
                    'sale_price': D('50000')},
                {'system': prof.id, 'network_type': net.id,
                    'price_type': 'formula',
                    'formula': 'local_price * coefficient'},
                {'system': buh.id, 'network_type': local.id,
                    'maintenance_price': D('7000')},
                ])
        return company, main, (prof, buh, local, net)

    @with_transaction()
    def test_version_immutable(self):
        "An approved version and its lines cannot be changed"
        pool = Pool()
        Version = pool.get('ric.price_list.version')
        Line = pool.get('product.price_list.line')
        company = create_company()
        with set_company(company):
            _, main, _ = self._setup_in(company)
            version, = main.versions
            with self.assertRaises(AccessError):
                Line.write(list(version.lines), {'maintenance_price': D(1)})
            with self.assertRaises(AccessError):
                Version.write([version], {'name': "Other"})
            with self.assertRaises(AccessError):
                Version.delete([version])
            Version.write([version], {'end_date': dt.date(2026, 12, 31)})

    @with_transaction()
    def test_version_by_date_and_assignment(self):
        "A new version applies from its date, the old one before"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        Party = pool.get('party.party')
        Assignment = pool.get('ric.price_list.assignment')
        Configuration = pool.get('ric.configuration')
        company = create_company()
        with set_company(company):
            _, main, (prof, buh, local, net) = self._setup_in(company)
            self._version(main, JUL, [
                    {'system': prof.id, 'network_type': local.id,
                        'maintenance_price': D('11000')},
                    ])
            partner = self._price_list(company, "Партнёрский", 'PARTNER',
                ric_type='partner')
            self._version(partner, JAN, [
                    {'system': prof.id, 'network_type': local.id,
                        'maintenance_price': D('9000')},
                    ])
            alpha, beta = Party.create([{'name': "Альфа"}, {'name': "Бета"}])
            config = Configuration(1)
            config.default_price_list = main
            config.save()
            Assignment.create([{
                        'party': beta.id, 'price_list': partner.id,
                        'start_date': dt.date(2026, 3, 1),
                        'end_date': dt.date(2026, 8, 31)}])
            march, august = dt.date(2026, 3, 15), dt.date(2026, 8, 15)
            requests = [
                (alpha.id, prof.id, local.id, march, 'maintenance'),
                (alpha.id, prof.id, local.id, august, 'maintenance'),
                (beta.id, prof.id, local.id, dt.date(2026, 2, 1),
                    'maintenance'),
                (beta.id, prof.id, local.id, march, 'maintenance'),
                (beta.id, prof.id, local.id, dt.date(2026, 9, 1),
                    'maintenance'),
                (alpha.id, prof.id, local.id, march, 'sale'),
                (alpha.id, buh.id, net.id, march, 'maintenance'),
                (alpha.id, prof.id, local.id, dt.date(2025, 1, 1),
                    'maintenance'),
                ]
            prices = PriceList.get_prices(requests)
            self.assertEqual([prices[r] for r in requests], [
                    D('10000'), D('11000'), D('10000'), D('9000'),
                    D('11000'), D('50000'), None, None])
            self.assertEqual(PriceList.compute_price(
                    beta, prof, local, march), D('9000'))
            with self.assertRaises(UserError):
                Assignment.create([{
                            'party': beta.id, 'price_list': main.id,
                            'start_date': dt.date(2026, 8, 1)}])

    @with_transaction()
    def test_api_bounded_queries(self):
        "get_prices uses the same number of queries for 1 or 300 requests"
        pool = Pool()
        PriceList = pool.get('product.price_list')
        Party = pool.get('party.party')
        Configuration = pool.get('ric.configuration')
        company = create_company()
        with set_company(company):
            _, main, (prof, buh, local, net) = self._setup_in(company)
            config = Configuration(1)
            config.default_price_list = main
            config.save()
            parties = Party.create([{'name': str(i)} for i in range(300)])

            def count(requests):
                with count_queries() as queries:
                    PriceList.get_prices(requests)
                return queries.value
            one = count([(parties[0].id, prof.id, local.id, JUL,
                        'maintenance')])
            many = count([(p.id, s.id, n.id, JUL, k) for p in parties
                    for s in (prof, buh) for n in (local, net)
                    for k in ('maintenance', 'sale')])
            self.assertLessEqual(many, one + 1)

    @with_transaction()
    def test_import_all_or_nothing(self):
        "A bad row rejects the whole file; a second import changes nothing"
        pool = Pool()
        Mapping = pool.get('ric.price_list.import.mapping')
        company = create_company()
        with set_company(company):
            _, main, (prof, buh, local, net) = self._setup_in(company)
            version = self._version(main, JUL, [], approve=False)
            mapping = Mapping.get_default_mapping()
            good = ('system;network_type;maintenance_price;sale_price\n'
                'PROF;LOC;11000;55000\nBUH;LOC;7 700,50;\n'
                'PROF;NET5;;\n').encode()
            with self.assertRaises(UserError) as cm:
                mapping.import_lines(version, good, 'kc.csv')
            self.assertIn('kc.csv', str(cm.exception))
            self.assertIn('4', str(cm.exception))
            self.assertEqual(len(version.lines), 0)
            bad = good.replace(b'PROF;NET5;;', b'XXX;NET5;1;')
            with self.assertRaises(UserError) as cm:
                mapping.import_lines(version, bad, 'kc.csv')
            self.assertIn('XXX', str(cm.exception))
            data = good.replace(b'PROF;NET5;;', b'PROF;NET5;19800;')
            self.assertEqual(
                mapping.import_lines(version, data, 'kc.csv'), (3, 0, 0))
            self.assertEqual(
                mapping.import_lines(version, data, 'kc.csv'), (0, 0, 0))
            export, name = mapping.export_file(version, 'xlsx')
            self.assertTrue(name.endswith('.xlsx'))
            other = self._version(main, dt.date(2026, 9, 1), [],
                approve=False)
            self.assertEqual(
                mapping.import_lines(other, export, name), (3, 0, 0))
            self.assertEqual(
                sorted((l.system.code, l.network_type.code,
                        l.maintenance_price) for l in other.lines),
                [('BUH', 'LOC', D('7700.50')), ('PROF', 'LOC', D('11000')),
                    ('PROF', 'NET5', D('19800'))])

    @with_transaction()
    def test_control_and_coefficient(self):
        "Prices above the list need an approval; the coefficient"
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('ric.configuration')
        Control = pool.get('ric.price_list.control')
        Approval = pool.get('ric.price.approval')
        Billed = pool.get('ric.billed.amount')
        Coefficient = pool.get('ric.price_list.coefficient')
        company = create_company()
        with set_company(company):
            _, main, (prof, buh, local, net) = self._setup_in(company)
            config = Configuration(1)
            config.default_price_list = main
            config.save()
            client, = Party.create([{'name': "Гамма"}])
            date = dt.date(2026, 2, 1)
            item = (client.id, prof.id, local.id, date, 'maintenance',
                D('12000'))
            cheap = (client.id, prof.id, local.id, date, 'maintenance',
                D('9000'))
            exceedings = Control.get_exceedings([item, cheap])
            self.assertEqual(list(exceedings), [item])
            self.assertFalse(exceedings[item]['approved'])
            with self.assertRaises(UserWarning):
                Control.check([item], 'test_control')
            approval, = Approval.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id, 'date': JAN,
                        'proposed_price': D('12000')}])
            Approval.request([approval])
            self.assertEqual(approval.list_price, D('10000'))
            self.assertEqual(approval.percent, D('20.00'))
            Approval.approve([approval])
            self.assertTrue(Control.get_exceedings([item])[item]['approved'])
            Control.check([item], 'test_control')

            Billed.create([{
                        'client': client.id, 'system': prof.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 2, 10),
                        'billed_amount': D('9000')}, {
                        'client': client.id, 'system': buh.id,
                        'network_type': local.id,
                        'date': dt.date(2026, 2, 10),
                        'billed_amount': D('7000')}])
            with Transaction().set_context(group_by='client'):
                row, = Coefficient.search([])
                self.assertEqual(row.billed_amount, D('16000.00'))
                self.assertEqual(row.list_amount, D('17000.00'))
                self.assertEqual(row.coefficient, D('0.9412'))

    @with_transaction()
    def test_prices_in_currency_digits(self):
        "Prices show and round to the digits of the currency"
        pool = Pool()
        Line = pool.get('product.price_list.line')
        self.assertEqual(Line.maintenance_price.digits, 'currency')
        self.assertEqual(Line.sale_price.digits, 'currency')
        for name in ['ric.price_list.comparison',
                'ric.price_list.control.report', 'ric.price_list.coefficient',
                'ric.price.approval']:
            Model = pool.get(name)
            self.assertIn('currency', Model._fields, name)
        company = create_company()
        with set_company(company):
            price_list = self._price_list(
                company, "Прейскурант", 'MAIN', rounding=None)
            self.assertEqual(
                price_list.round_price(D('12680.4567')), D('12680.46'))
            self.assertEqual(price_list.rec_name, "Прейскурант")
            prof, buh, local, net = self._catalogue()
            version = self._version(price_list, dt.date(2026, 1, 1), [{
                        'item_type': 'system', 'system': prof.id,
                        'network_type': net.id, 'price_type': 'formula',
                        'formula': 'local_price * coefficient'}],
                approve=False)
            line, = version.lines
            self.assertEqual(line.currency, company.currency)
            self.assertEqual(line.formula_description,
                "the price of the local version of the system"
                " × the coefficient of the network type")


del ModuleTestCase
