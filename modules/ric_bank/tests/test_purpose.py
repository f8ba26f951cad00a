# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.ric_bank.purpose import invoice_numbers, number_key


class PurposeTestCase(unittest.TestCase):
    "The invoice numbers of the payment purposes"

    def test_forms(self):
        "The forms people write"
        for text, numbers in [
                ("оплата по счету № 123 от 01.03.2026", ['123']),
                ("Оплата по счёту №123от 01.03.2026г.", ['123']),
                ("сч.123", ['123']),
                ("по сч. № РИЦ-000123", ['РИЦ-000123']),
                ("по сч. № риц 000123 за ИО", ['РИЦ-000123']),
                ("счета 12, 15 и 17", ['12', '15', '17']),
                ("счета 12, 15, и 17", ['12', '15', '17']),
                ("опл. по счетам №12,№15; 17", ['12', '15', '17']),
                ("Счет № А-15 и Б-16", ['А-15', 'Б-16']),
                ("СЧЕТ N12", ['12']),
                ("счёт No 12", ['12']),
                ("по с/ф 45", ['45']),
                ("Счет-фактура №7 от 01.02.2026", ['7']),
                ("счет от 01.03.2026 № 55", ['55']),
                ("по счету № 2026/15", ['2026/15']),
                ("Оплата по сч. № 3 от 30.09.2026, № 35 от 31.10.2026",
                    ['3', '35']),
                ("по счетам № 1 от 01.10.2026 и № 33 от 02.10.2026г.",
                    ['1', '33']),
                ("сч. 5 от 01.10.26 г., 6 от 02.10.26", ['5', '6']),
                ("по счету-фактуре № 33", ['33']),
                ("Оплата по счёту-фактуре 34 от 01.10.2026", ['34']),
                ("сч. 12 от 01.03.2026, в т.ч. НДС 22% 1234.56", ['12']),
                ("сч. 12 от 01.03.2026 сумма 1000.00", ['12']),
                ]:
            with self.subTest(text=text):
                self.assertEqual(invoice_numbers(text), numbers)

    def test_typos(self):
        "The word mistyped, the number split by spaces or dashes"
        for text, numbers in [
                ("Оплата по cчету N 77", ['77']),  # a Latin c
                ("по счт 88", ['88']),
                ("по сч-т 89", ['89']),
                ("щет 90", ['90']),
                ("по сечту 91", ['91']),
                ("оплата по сч 12 345 за март", ['12345']),
                ("по счету РИЦ - 000 123", ['РИЦ-000123']),
                ("по счету 000-123", ['000123']),
                ("Оплата за ИО по сч.№ 000-777 НДС не облагается",
                    ['000777']),
                ]:
            with self.subTest(text=text):
                self.assertEqual(invoice_numbers(text), numbers)

    def test_ignored(self):
        "Dates, VAT, amounts, accounts and other documents are no invoice"
        for text, numbers in [
                ("Оплата по счету № 15 от 01.03.2026, 10 000 руб.", ['15']),
                ("по сч. №15 от 01.03.2026, 5000-00 руб.", ['15']),
                ("по счету № 12 от 01.03.2026, 1500 руб. 00 коп.", ['12']),
                ("по счету № 15 от 01.03.2026; 1 квартал 2026", ['15']),
                ("по счету 15 от 01.03.2026 года, 2026 год", ['15']),
                ("Оплата по счету 12,500 руб.", []),
                ("Оплата по счету 123,456", []),
                ("оплата сч 10 от 01.03.2026, сч 11 от 02.03.2026",
                    ['10', '11']),
                ("по счету № 12 от 01.03.2026, итого 12 000", ['12']),
                ("в т.ч. НДС 22% 1234.56", []),
                ("Оплата по счёту 45 в т.ч. НДС 22% 1234.56", ['45']),
                ("сч. 17 НДС 20% - 283.33", ['17']),
                ("сч 12.03.2026", []),
                ("оплата счета 123 от 1.3.26 сумма 1000.00", ['123']),
                ("счет 123 на сумму 1 000,00", ['123']),
                ("по договору № 12 от 01.01.2026, счет 123", ['123']),
                ("р/сч 40702810938000000001", []),
                ("по счету 12345678901", []),
                ("счетчик 5", []),
                ("Оплата за информационное обслуживание", []),
                ("", []),
                (None, []),
                ]:
            with self.subTest(text=text):
                self.assertEqual(invoice_numbers(text), numbers)

    def test_number_key(self):
        self.assertEqual(number_key('РИЦ-000123'), 'РИЦ123')
        self.assertEqual(number_key('PИЦ 00123'), 'РИЦ123')  # Latin P
        self.assertEqual(number_key('000123'), '123')
        self.assertEqual(number_key(' 12 345 '), '12345')

    numbers = st.builds(lambda prefix, n: prefix + str(n),
        st.sampled_from(['', 'РИЦ-']),
        st.integers(min_value=1, max_value=999999))
    noise = st.sampled_from([
            '', ' в т.ч. НДС 22% 1234.56', ' НДС не облагается',
            ' от 01.03.2026', ' от 1.3.2026г.', ' на сумму 12 400,00 руб.',
            ' за март 2026 г.', ' по договору № 77 от 01.01.2025',
            ' в т.ч. НДС (20%) 2066.67'])
    words = st.sampled_from([
            'счету №', 'счёту №', 'сч.', 'сч. №', 'счету N', 'счт', 'cчету',
            'счета №', 'с/ф'])

    @given(st.lists(numbers, min_size=1, max_size=4, unique=True), words,
        noise, noise)
    @settings(max_examples=400, deadline=None)
    def test_property(self, numbers, word, before, after):
        "The numbers after the word are found, the noise adds nothing"
        if len(numbers) == 1:
            listed = numbers[0]
        else:
            listed = ', '.join(numbers[:-1]) + ' и ' + numbers[-1]
        text = 'Оплата%s по %s %s%s' % (before, word, listed, after)
        self.assertEqual(invoice_numbers(text), numbers)

    @given(st.text(alphabet=st.sampled_from(
                list('0123456789 .,;-№%№сч.счетНДСотг/')), max_size=60))
    @settings(max_examples=400, deadline=None)
    def test_any_text(self, text):
        "Any text gives numbers; without prefix of at most nine characters"
        for number in invoice_numbers(text):
            self.assertTrue(any(c.isdigit() for c in number))
            if not any(c.isalpha() for c in number):
                self.assertLessEqual(len(number), 9)
