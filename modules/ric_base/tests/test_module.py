# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.ric_base.tests.tools import ListViewTestMixin
from trytond.exceptions import UserError
from trytond.modules.ric_base import requisites, tools
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.tests.test_tryton import (
    ModuleTestCase, TestCase, with_transaction)

WEIGHTS = (7, 1, 3)


def make_account(bik, prefix='40702810', tail='00000012345'):
    "Return a valid settlement account for bik with the given parts"
    for key in range(10):
        account = prefix + str(key) + tail
        if requisites.is_valid_settlement_account(account, bik):
            return account


def make_ogrnip(body):
    "Return the OGRNIP made of 14 digits body and its control digit"
    return body + str(int(body) % 13 % 10)


class RequisitesTestCase(TestCase):
    "Validation of Russian requisites"

    def test_inn(self):
        self.assertTrue(requisites.is_valid_inn('7707083893'))
        self.assertTrue(requisites.is_valid_inn(' 7707 083893 '))
        self.assertTrue(requisites.is_valid_inn('500100732259'))
        self.assertFalse(requisites.is_valid_inn('7707083894'))
        self.assertFalse(requisites.is_valid_inn('500100732258'))
        self.assertFalse(requisites.is_valid_inn('770708389'))
        self.assertFalse(requisites.is_valid_inn('77070838AB'))
        self.assertFalse(requisites.is_valid_inn(None))

    @given(st.text(alphabet='0123456789', min_size=9, max_size=10))
    def test_complete_inn(self, body):
        "A completed INN is valid and a change of its last digit is not"
        inn = requisites.complete_inn(body)
        self.assertEqual(len(inn), 10 if len(body) == 9 else 12)
        self.assertTrue(inn.startswith(body))
        self.assertTrue(requisites.is_valid_inn(inn))
        wrong = inn[:-1] + str((int(inn[-1]) + 1) % 10)
        self.assertFalse(requisites.is_valid_inn(wrong))

    def test_kpp(self):
        self.assertTrue(requisites.is_valid_kpp('773601001'))
        self.assertTrue(requisites.is_valid_kpp('7736AB001'))
        self.assertFalse(requisites.is_valid_kpp('77360100'))
        self.assertFalse(requisites.is_valid_kpp('7736ab0011'))
        self.assertFalse(requisites.is_valid_kpp('000000000'))

    def test_ogrn(self):
        self.assertTrue(requisites.is_valid_ogrn('1027700132195'))
        self.assertFalse(requisites.is_valid_ogrn('1027700132194'))
        self.assertFalse(requisites.is_valid_ogrn('102770013219'))
        self.assertTrue(requisites.is_valid_ogrn_any('1027700132195'))

    def test_ogrnip(self):
        self.assertTrue(requisites.is_valid_ogrnip('304500116000157'))
        self.assertFalse(requisites.is_valid_ogrnip('304500116000158'))
        self.assertFalse(requisites.is_valid_ogrn('304500116000157'))

    def test_ogrnip_remainder_ten_to_twelve(self):
        "OGRNIP whose remainder mod 13 is 10, 11 or 12 is valid"
        found = set()
        for serial in range(1000, 2000):
            body = '3045001160%04d' % serial
            remainder = int(body) % 13
            if remainder >= 10:
                found.add(remainder)
                number = make_ogrnip(body)
                self.assertEqual(number[-1], str(remainder - 10))
                self.assertTrue(requisites.is_valid_ogrnip(number), number)
                wrong = body + str((remainder + 1) % 10)
                self.assertFalse(requisites.is_valid_ogrnip(wrong), wrong)
        self.assertEqual(found, {10, 11, 12})

    def test_bik(self):
        self.assertTrue(requisites.is_valid_bik('044525225'))
        self.assertFalse(requisites.is_valid_bik('144525225'))
        self.assertFalse(requisites.is_valid_bik('04452522'))

    def test_accounts(self):
        bik = '044525225'
        self.assertTrue(requisites.is_valid_correspondent_account(
                '30101810400000000225', bik))
        self.assertFalse(requisites.is_valid_correspondent_account(
                '30101810500000000225', bik))
        self.assertFalse(requisites.is_valid_correspondent_account(
                '30101810400000000225', '044525593'))
        account = make_account(bik)
        self.assertTrue(requisites.is_valid_settlement_account(account, bik))
        broken = account[:-1] + str((int(account[-1]) + 1) % 10)
        self.assertFalse(requisites.is_valid_settlement_account(broken, bik))
        self.assertFalse(
            requisites.is_valid_settlement_account(account, '044525593'))
        self.assertFalse(
            requisites.is_valid_settlement_account(account[:-1], bik))

    @given(st.text(alphabet='0123456789', min_size=9, max_size=9),
        st.text(alphabet='0123456789', min_size=19, max_size=19))
    @settings(max_examples=200, deadline=None)
    def test_account_single_digit_error_detected(self, bik_tail, digits):
        "A change of any one digit of an account breaks its control key"
        bik = '04' + bik_tail[:7]
        for key in range(10):
            account = digits[:8] + str(key) + digits[8:]
            if requisites.is_valid_settlement_account(account, bik):
                break
        else:
            self.fail("no control key found")
        for position in range(20):
            if position == 8:
                continue
            for delta in range(1, 10):
                digit = (int(account[position]) + delta) % 10
                changed = account[:position] + str(digit) + account[
                    position + 1:]
                self.assertFalse(
                    requisites.is_valid_settlement_account(changed, bik))

    @given(st.text(alphabet='0123456789', min_size=12, max_size=12)
        .filter(lambda s: s[0] != '0'))
    def test_ogrn_exactly_one_control_digit(self, body):
        valid = [d for d in '0123456789'
            if requisites.is_valid_ogrn(body + d)]
        self.assertEqual(valid, [str(int(body) % 11 % 10)])

    @given(st.text(alphabet='0123456789', min_size=14, max_size=14)
        .filter(lambda s: s[0] != '0'))
    def test_ogrnip_exactly_one_control_digit(self, body):
        valid = [d for d in '0123456789'
            if requisites.is_valid_ogrnip(body + d)]
        self.assertEqual(valid, [str(int(body) % 13 % 10)])


class ToolsTestCase(TestCase):
    "Amount in words and working days"

    def test_amount_in_words(self):
        for amount, text in [
                (Decimal('1234.56'),
                    'Одна тысяча двести тридцать четыре рубля 56 копеек'),
                (Decimal('21.01'), 'Двадцать один рубль 01 копейка'),
                (Decimal('2.02'), 'Два рубля 02 копейки'),
                (Decimal('11.11'), 'Одиннадцать рублей 11 копеек'),
                (Decimal('0'), 'Ноль рублей 00 копеек'),
                (Decimal('1000000'), 'Один миллион рублей 00 копеек'),
                (Decimal('-5.5'), 'Минус пять рублей 50 копеек'),
                (Decimal('0.005'), 'Ноль рублей 01 копейка'),
                ]:
            self.assertEqual(tools.amount_in_words(amount), text)
        self.assertEqual(
            tools.amount_in_words(Decimal('1.21'), minor_in_words=True),
            'Один рубль двадцать одна копейка')

    @given(st.decimals(min_value=0, max_value=10 ** 12, places=2))
    def test_amount_in_words_kopecks(self, amount):
        text = tools.amount_in_words(amount)
        kopecks = int((amount * 100) % 100)
        self.assertIn(' %02d копе' % kopecks, text)
        self.assertTrue(text[0].isupper())

    def test_plural(self):
        forms = ('рубль', 'рубля', 'рублей')
        self.assertEqual(
            [tools.plural_ru(n, forms) for n in (1, 2, 5, 11, 12, 21, 104)],
            ['рубль', 'рубля', 'рублей', 'рублей', 'рублей', 'рубль',
                'рубля'])

    def test_working_days(self):
        # January 2026 has 15 working days, November 2025 has 19 (1st is a
        # working Saturday moved by decree)
        self.assertEqual(tools.month_working_days(2026, 1), 15)
        self.assertEqual(tools.month_working_days(2025, 11), 19)
        self.assertTrue(tools.is_working_day(dt.date(2025, 11, 1)))
        self.assertFalse(tools.is_working_day(dt.date(2026, 1, 7)))
        # 31 December 2025 is a day off moved from 4 January
        self.assertFalse(tools.is_working_day(dt.date(2025, 12, 31)))
        self.assertEqual(
            tools.add_working_days(dt.date(2025, 12, 30), 2),
            dt.date(2026, 1, 13))
        self.assertEqual(
            tools.add_working_days(dt.date(2026, 1, 12), -1),
            dt.date(2025, 12, 30))
        self.assertEqual(
            tools.add_working_days(dt.date(2026, 1, 3), 0),
            dt.date(2026, 1, 12))
        exceptions = {dt.date(2026, 1, 12): False}
        self.assertEqual(
            tools.add_working_days(dt.date(2025, 12, 30), 2, exceptions),
            dt.date(2026, 1, 14))

    @given(st.dates(min_value=dt.date(2020, 1, 1),
            max_value=dt.date(2030, 12, 1)),
        st.integers(min_value=1, max_value=60))
    @settings(deadline=None)
    def test_add_working_days_count(self, start, days):
        end = tools.add_working_days(start, days)
        self.assertTrue(tools.is_working_day(end))
        counted = tools.working_days_between(
            start + dt.timedelta(days=1), end)
        self.assertEqual(counted, days)


class RicBaseTestCase(ListViewTestMixin, ModuleTestCase):
    "Test RIC Base module"
    module = 'ric_base'

    @with_transaction()
    def test_check_requisites_message(self):
        with self.assertRaises(UserError) as cm:
            requisites.check_requisites(
                inn='7707083894', record='ООО Ромашка')
        self.assertIn('7707083894', str(cm.exception))
        self.assertIn('ООО Ромашка', str(cm.exception))
        requisites.check_requisites(
            inn='7707083893', kpp='773601001', ogrn='1027700132195',
            bik='044525225',
            correspondent_account='30101810400000000225')

    @with_transaction()
    def test_default_directions(self):
        Direction = Pool().get('ric.activity.direction')
        codes = {d.code for d in Direction.search([])}
        self.assertEqual(codes, {
                'telemarketing', 'sales', 'service', 'training',
                'restoration', 'legal', 'e_reporting', 'remote_contact',
                'anti_competitor', 'upsell'})
        self.assertEqual(Direction.get_by_code('sales').name, 'Sales')

    @with_transaction()
    def test_calendar_exception(self):
        Exception_ = Pool().get('ric.calendar.exception')
        Exception_.create([{'date': dt.date(2026, 1, 12), 'working': False}])
        self.assertFalse(Exception_.is_working_day(dt.date(2026, 1, 12)))
        self.assertEqual(
            Exception_.add_working_days(dt.date(2025, 12, 30), 2),
            dt.date(2026, 1, 14))

    @with_transaction()
    def test_vies_check_hidden(self):
        "The EU VAT (VIES) check is not offered on the parties of a RIC"
        pool = Pool()
        Keyword = pool.get('ir.action.keyword')
        User = pool.get('res.user')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        vies = ModelData.get_id('party', 'wizard_check_vies')
        user, = User.create([{'login': 'clerk', 'name': "Clerk"}])

        def actions():
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                Keyword._get_keyword_cache.clear()
                return {k['id'] for k in Keyword.get_keyword(
                        'form_action', ('party.party', -1))}
        self.assertNotIn(vies, actions())
        group = Group(ModelData.get_id('ric_base', 'group_eu_vat'))
        User.write([user], {'groups': [('add', [group.id])]})
        self.assertIn(vies, actions())

    def test_code_name_rec_name(self):
        "Records of CodeNameMixin are named without their code"
        from trytond.modules.ric_base.model import CodeNameMixin

        class Record(CodeNameMixin):
            __slots__ = ('code', 'name')

            def __init__(self, code, name):
                self.code, self.name = code, name
        self.assertEqual(
            Record('MAIN', "Прейскурант РИЦ").get_rec_name(None),
            "Прейскурант РИЦ")
        self.assertEqual(Record('WH', None).get_rec_name(None), 'WH')


del ModuleTestCase
