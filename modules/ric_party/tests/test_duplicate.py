# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the duplicate client search and of the normalization"""
import unittest

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trytond.modules.ric_base.requisites import complete_inn
from trytond.modules.ric_base.tests.tools import count_queries
from trytond.modules.ric_party import duplicate as duplicate_module
from trytond.modules.ric_party.duplicate import Corpus
from trytond.modules.ric_party.exceptions import DuplicateMergeError
from trytond.modules.ric_party.normalize import (
    normalize_address, normalize_city, normalize_email, normalize_name,
    normalize_phone, phonenumbers, SETTLEMENT_WORDS)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, _DBTestCase, with_transaction)

make = Corpus.make_record
INN = complete_inn('312301234')
OTHER_INN = complete_inn('312309876')

_word = st.text(alphabet='абвгдеёжзийклмнопрстуфхцчшщыэюя', min_size=4,
    max_size=10)
_words = st.lists(_word, min_size=1, max_size=3).map(' '.join)
_any_text = st.text(max_size=40)


class NormalizeTestCase(TestCase):
    "Normalization of names, cities, addresses and phones"

    def test_normalize_name(self):
        for name in ["ООО «Ромашка»", 'ООО "Ромашка"', "Ромашка, ООО",
                "Общество с ограниченной ответственностью «Ромашка»",
                "общество с ограниченой ответственостью Ромашка",
                "РОМАШКА ооо", "Ромашкa"]:
            self.assertEqual(normalize_name(name), 'ромашка', name)
        for form in ['ОАО', 'ЗАО', 'ПАО', 'АО', 'ИП', 'НКО', 'ГУП', 'МУП',
                'ФГУП']:
            self.assertEqual(normalize_name('%s "Лютик"' % form), 'лютик')
        self.assertEqual(normalize_name("ИП Ёлкин И.И."), 'елкин и и')
        self.assertEqual(normalize_name("ООО «Ромашка-Плюс»"), 'ромашка плюс')

    def test_normalize_city(self):
        for city in ["г. Белгород", "Белгород", "г Белгород",
                "город Белгород", "гор. Белгород", "г.Белгород",
                "Белгород г.", "БЕЛГОРОД"]:
            self.assertEqual(normalize_city(city), 'белгород', city)
        for city in ["с. Стрелецкое", "село Стрелецкое", "пос. Стрелецкое",
                "п. Стрелецкое", "пгт Стрелецкое", "п.г.т. Стрелецкое",
                "д. Стрелецкое", "ст-ца Стрелецкое", "х. Стрелецкое",
                "Белгородская обл., Белгородский р-н, с. Стрелецкое"]:
            self.assertEqual(normalize_city(city), 'стрелецкое', city)
        self.assertEqual(normalize_city("г. Старый Оскол"), 'старый оскол')
        self.assertEqual(normalize_city("Ёлкино"), 'елкино')

    def test_normalize_address(self):
        self.assertEqual(
            normalize_address("ул. Победы, д. 12, оф. 3"), 'победы 12')
        self.assertEqual(
            normalize_address("Победы улица, дом 12"), 'победы 12')
        self.assertEqual(normalize_address("б-р Мира 5-а"),
            normalize_address("бульвар Мира, 5 а"))

    @unittest.skipUnless(phonenumbers, "phonenumbers is not installed")
    def test_normalize_phone(self):
        for phone in ['8 (4722) 33-44-55', '+7 4722 334455', '84722334455',
                '7 (4722) 33 44 55', '4722334455', '8-4722-33-44-55']:
            self.assertEqual(normalize_phone(phone), '+74722334455', phone)
        self.assertEqual(normalize_phone('+7 (903) 123-45-67'),
            '+79031234567')
        for phone in ['33-44-55', '', None, 'нет', '12']:
            self.assertIsNone(normalize_phone(phone), phone)

    def test_normalize_email(self):
        self.assertEqual(normalize_email(' Info@Example.RU '),
            'info@example.ru')
        self.assertIsNone(normalize_email('info'))

    @given(_any_text)
    @settings(max_examples=300, deadline=None)
    def test_idempotent(self, text):
        "Normalizing a normalized value changes nothing"
        for function in [normalize_name, normalize_city, normalize_address]:
            once = function(text)
            self.assertEqual(function(once), once, function.__name__)
        phone = normalize_phone(text)
        if phone:
            self.assertEqual(normalize_phone(phone), phone)

    @given(_words, st.sampled_from([
                '%s', 'ООО «%s»', 'ООО "%s"', '%s ООО', 'ооо %s',
                'Общество с ограниченной ответственностью «%s»',
                'АО %s', 'ИП %s', '"%s"', '  %s  ', 'ПАО «%s»', '%s, ЗАО']))
    @settings(max_examples=200, deadline=None)
    def test_name_forms_meet(self, name, form):
        "The spellings of the legal form of a name meet"
        assume(normalize_name(name) == ' '.join(
                name.replace('ё', 'е').split()))
        self.assertEqual(
            normalize_name(form % name), normalize_name(name))
        self.assertEqual(
            normalize_name((form % name).upper()), normalize_name(name))

    @given(_words, st.sampled_from([
                '%s', 'г. %s', 'г %s', 'город %s', 'гор. %s', 'г.%s',
                'с. %s', 'село %s', 'пос. %s', 'п. %s', 'пгт %s', 'д. %s',
                'ст-ца %s', 'х. %s', '%s г.', 'Белгородская обл., с. %s']))
    @settings(max_examples=200, deadline=None)
    def test_city_prefixes_meet(self, city, form):
        "The spellings of the kind of a settlement meet"
        assume(not set(city.split()) & SETTLEMENT_WORDS)
        self.assertEqual(normalize_city(form % city), normalize_city(city))
        self.assertEqual(
            normalize_city((form % city).upper()), normalize_city(city))

    @unittest.skipUnless(phonenumbers, "phonenumbers is not installed")
    @given(st.sampled_from(['4722', '4725', '903', '910', '920', '951']),
        st.integers(min_value=0, max_value=10 ** 7 - 1))
    @settings(max_examples=200, deadline=None)
    def test_phone_formats_meet(self, code, number):
        "The spellings of a Russian number give one E.164 number"
        digits = (code + '%07d' % number)[:10]
        spellings = ['8' + digits, '+7' + digits, '7' + digits,
            '8 (%s) %s-%s-%s' % (code, digits[len(code):-4], digits[-4:-2],
                digits[-2:]),
            '+7 %s %s' % (digits[:3], digits[3:])]
        results = {normalize_phone(s) for s in spellings}
        self.assertEqual(len(results), 1, spellings)
        result, = results
        if result:
            self.assertEqual(result, '+7' + digits)


class CorpusTestCase(TestCase):
    "The matching rules of the duplicate search (without database)"

    def test_branch_is_not_duplicate(self):
        "Same INN and another KPP: a branch, never a duplicate"
        corpus = Corpus([
                make(1, "ООО «Ромашка»", "Белгород", "ул. Победы, 12",
                    inn=INN, kpp='312301001', phones=['+7 4722 334455']),
                make(2, "ООО «Ромашка»", "Губкин", "ул. Мира, 5",
                    inn=INN, kpp='312702001', phones=['8 (4722) 33-44-55']),
                make(3, "Ромашка", "Старый Оскол", "ул. Ленина, 1",
                    inn=INN, kpp='312843001'),
                ])
        self.assertEqual(corpus.pairs(), {})
        self.assertEqual(set(corpus.branches()), {(1, 2), (1, 3)})
        self.assertEqual(corpus.branches()[(1, 2)], (100, ['inn_kpp']))

    def test_same_kpp_or_no_kpp_is_duplicate(self):
        corpus = Corpus([
                make(1, "ООО «Ромашка»", "Белгород", "", inn=INN,
                    kpp='312301001'),
                make(2, "Ромашка", "Белгород", "", inn=INN,
                    kpp='3123 01 001'),
                make(3, "Лютик", "Белгород", "", inn=OTHER_INN),
                make(4, "Лютик", "Белгород", "", inn=OTHER_INN,
                    kpp='312301001'),
                ])
        self.assertEqual(set(corpus.pairs()), {(1, 2), (3, 4)})
        self.assertEqual(corpus.branches(), {})

    def test_no_kpp_matches_head_office_only(self):
        "A record without KPP is the duplicate of the head office"
        corpus = Corpus([
                make(1, "ООО «Ромашка»", "Белгород", "ул. Победы, 12",
                    inn=INN, kpp='312301001', phones=['+7 4722 334455']),
                make(2, "ООО «Ромашка»", "Губкин", "ул. Мира, 5",
                    inn=INN, kpp='312702001', phones=['+7 4722 334455']),
                make(3, "Ромашка", "Белгород", "", inn=INN,
                    phones=['8 4722 334455']),
                make(4, "Ромашка ООО", "Белгород", "",
                    phones=['8 4722 334455']),
                make(5, "Ромашка", "г. Губкин", "Мира ул, д. 5", inn=INN),
                ])
        pairs = set(corpus.pairs())
        self.assertIn((1, 3), pairs)
        self.assertIn((1, 4), pairs)
        self.assertIn((2, 5), pairs)
        self.assertNotIn((2, 3), pairs)
        self.assertNotIn((2, 4), pairs)
        self.assertNotIn((1, 5), pairs)
        self.assertNotIn((3, 5), pairs)
        self.assertEqual(set(corpus.branches()), {(1, 2)})

    def test_short_name_typo(self):
        "One typo in a short name at the same address"
        corpus = Corpus([
                make(1, "ООО «Лютик»", "Белгород", "ул. Победы, 12"),
                make(2, "ООО «Лютек»", "Белгород", "улица Победы, д. 12"),
                make(3, "Лютик", "Белгород", "ул. Победы, 14"),
                ])
        self.assertEqual(set(corpus.pairs()), {(1, 2)})

    def test_transposition(self):
        "Two swapped letters are one edit"
        corpus = Corpus([
                make(1, "ООО «Ромашка»", "Белгород", "ул. Победы, 12"),
                make(2, "ООО «Рмоашка»", "Белгород", "ул. Победы, 12"),
                make(3, "ООО «Ромшака»", "Белгород", "ул. Победы, 12"),
                ])
        # 2 and 3 are two edits apart
        self.assertEqual(set(corpus.pairs()), {(1, 2), (1, 3)})

    def test_two_typos_long_name(self):
        corpus = Corpus([
                make(1, "Народный Остров", "Белгород", "ул. Победы, 12"),
                make(2, "Наародный Острдв", "Белгород", "Победы ул., 12"),
                ])
        self.assertEqual(set(corpus.pairs()), {(1, 2)})

    def test_city_prefixes(self):
        corpus = Corpus([
                make(1, "Ромашка", "г. Белгород", "ул. Победы, 12"),
                make(2, "Ромашка", "Белгород", "Победы 12"),
                make(3, "Ромашка", "г Белгород", "Победы, 12"),
                make(4, "Лютик", "с. Стрелецкое", "ул. Мира, 1"),
                make(5, "Лютик", "село Стрелецкое", "Мира, 1"),
                make(6, "Ромашка", "г. Губкин", "ул. Победы, 12"),
                ])
        self.assertEqual(set(corpus.pairs()),
            {(1, 2), (1, 3), (2, 3), (4, 5)})

    def test_other_person(self):
        "Different valid INN: two legal persons even with a shared phone"
        corpus = Corpus([
                make(1, "Ромашка", "Белгород", "ул. Победы, 12", inn=INN,
                    phones=['+7 4722 334455']),
                make(2, "Ромашка", "Белгород", "ул. Победы, 12",
                    inn=OTHER_INN, phones=['8 4722 334455']),
                ])
        self.assertEqual(corpus.pairs(), {})

    def test_without_address(self):
        "The same name in the same city without address: only if unique"
        corpus = Corpus([
                make(1, "Ромашка", "Белгород", "ул. Победы, 12"),
                make(2, "ООО Ромашка", "г. Белгород", ""),
                make(3, "Лютик", "Белгород", "ул. Победы, 12"),
                make(4, "Лютик", "Белгород", "ул. Мира, 3"),
                make(5, "Лютик", "Белгород", ""),
                make(6, "Лютик", "Губкин", ""),
                ])
        self.assertEqual(corpus.pairs(), {(1, 2): (85.0, ['name'])})

    def test_large_block(self):
        "A common name in a large city is not skipped"
        records = [make(i, "Ромашка", "Белгород", "ул. Победы, %s" % i)
            for i in range(1, 5200)]
        records.append(make(9999, "Ромашкa", "Белгород", "Победы ул, 77"))
        corpus = Corpus(records)
        self.assertEqual(set(corpus.pairs()), {(77, 9999)})

    def test_huge_block_logged(self):
        "A block too large even when split is logged"
        records = [make(i, "Ромашка", "Белгород", "ул. Победы, 1")
            for i in range(1, duplicate_module._BLOCK_MAX + 2)]
        corpus = Corpus(records, max_group=10)
        with self.assertLogs(duplicate_module.logger, 'WARNING'):
            corpus.pairs()
        self.assertTrue(corpus.skipped['block'])

    def test_match_branch(self):
        "The import does not take a branch for its head office"
        corpus = Corpus([
                make(1, "ООО «Ромашка»", "Белгород", "ул. Победы, 12",
                    inn=INN, kpp='312301001'),
                ])
        self.assertIsNone(corpus.match(make(-2, "ООО «Ромашка»", "Губкин",
                    "ул. Мира, 5", inn=INN, kpp='312702001')))
        self.assertEqual(corpus.match(make(-3, "Ромашка", "", "",
                    inn=INN)), (1, 'inn', 100))
        self.assertEqual(corpus.match(make(-4, "Рмоашка", "г. Белгород",
                    "Победы 12"))[:2], (1, 'name_address'))

    def test_phones(self):
        corpus = Corpus([
                make(1, "Лютик", "Белгород", "",
                    phones=['8 (4722) 33-22-11']),
                make(2, "Одуванчик", "Белгород", "",
                    phones=['+7 4722 332211']),
                make(3, "Василек", "Белгород", "", phones=['33-22-11']),
                ])
        self.assertEqual(corpus.pairs(), {(1, 2): (90, ['phone'])})


class DuplicateTestCase(_DBTestCase):
    "The duplicate search in the database"
    module = 'ric_party'

    def _client(self, name, city="Белгород", street=None, **values):
        pool = Pool()
        Party = pool.get('party.party')
        values.setdefault('is_client', True)
        values.setdefault('client_status', 'potential')
        if street is not None:
            values['addresses'] = [('create', [{
                            'city': city, 'street': street}])]
        party, = Party.create([dict(name=name, **values)])
        return party

    def _inn(self, code):
        return [('create', [{'type': 'ru_vat', 'code': code}])]

    @with_transaction()
    def test_branch_linked_as_subdivision(self):
        "A branch is proposed to be linked, not merged"
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')
        Relation = pool.get('party.relation')
        head = self._client("ООО «Ромашка»", street="ул. Победы, 12",
            identifiers=self._inn(INN), kpp='312301001')
        branch = self._client("ООО «Ромашка»", city="Губкин",
            street="ул. Мира, 5", identifiers=self._inn(INN),
            kpp='312702001')
        twin = self._client("Ромашка", street="Победы ул, д. 12",
            identifiers=self._inn(INN))
        self.assertEqual(Duplicate.find_duplicates(), 2)
        pairs = {(p.party_a, p.party_b): p for p in Duplicate.search([])}
        self.assertEqual(set(pairs), {(head, branch), (head, twin)})
        pair = pairs[(head, branch)]
        self.assertEqual(pair.kind, 'branch')
        self.assertEqual(pair.reasons, 'inn_kpp')
        self.assertEqual(pairs[(head, twin)].kind, 'duplicate')
        with self.assertRaises(DuplicateMergeError):
            Duplicate.merge([pair])
        Duplicate.link_subdivision([pair])
        self.assertEqual(pair.state, 'linked')
        relation, = Relation.search([])
        self.assertEqual((relation.from_, relation.to), (branch, head))
        self.assertEqual(Duplicate.find_duplicates(), 0)

    @with_transaction()
    def test_phone_compact(self):
        "Phones without +7 are Russian and stored in E.164 form"
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        Duplicate = pool.get('ric.party.duplicate')
        a = self._client("Лютик", contact_mechanisms=[('create', [{
                            'type': 'phone',
                            'value': '8 (4722) 33-44-55'}])])
        b = self._client("Одуванчик", contact_mechanisms=[('create', [{
                            'type': 'mobile', 'value': '89031234567'}, {
                            'type': 'phone', 'value': '+7 4722 334455'}])])
        if phonenumbers:
            self.assertEqual(
                {m.value_compact for m in Mechanism.search([])},
                {'+74722334455', '+79031234567'})
        self.assertEqual(Duplicate.find_duplicates(), 1)
        pair, = Duplicate.search([])
        self.assertEqual((pair.party_a, pair.party_b, pair.reasons),
            (a, b, 'phone'))

    @with_transaction()
    def test_queries_constant(self):
        "The number of queries does not depend on the number of clients"
        pool = Pool()
        Duplicate = pool.get('ric.party.duplicate')

        def create(count, start):
            for i in range(start, start + count):
                self._client("Клиент %s" % i, street="ул. Мира, %s" % i,
                    contact_mechanisms=[('create', [{
                                    'type': 'phone',
                                    'value': '8 4722 33%04d' % (i // 2)}])])
        Duplicate.find_duplicates()  # warm the caches (configuration)
        create(4, 0)
        with count_queries() as few:
            Duplicate.find_duplicates()
        create(40, 100)
        with count_queries() as many:
            created = Duplicate.find_duplicates()
        self.assertEqual(created, 20)
        self.assertEqual(many.value, few.value)
