# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import unittest
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.ric_bank import clientbank as cb
from trytond.modules.ric_bank.exceptions import ClientBankFileError
from trytond.modules.ric_bank.statement import (
    account_identities, file_error, information)
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

D = dt.date
OWN = '40702810938000000001'
OTHER = '40702810238000000002'

#: a morning's file with the quirks of real banks
QUIRKS = """\
1CClientBankExchange
ВерсияФормата=1.03
Кодировка=Windows
Отправитель=Сбербанк Бизнес Онлайн
Получатель=Бухгалтерия предприятия, редакция 3.0
ДатаСоздания=03.03.2026
ВремяСоздания=08:05:11
ДатаНачала=02.03.2026
ДатаКонца=02.03.2026
РасчСчет=40702810938000000001
РасчСчет=40702810938000000001
Документ=Платежное поручение
Документ=Банковский ордер

СекцияРасчСчет
ДатаНачала=02.03.2026
ДатаКонца=02.03.2026
РасчСчет=40702810938000000001
НачальныйОстаток=  10 000,50
ВсегоПоступило=15 300.00
ВсегоСписано=1200,00
КонечныйОстаток=24100.50
КонецРасчСчет
СекцияДокумент=Платежное поручение
Номер=  123
Дата=02.03.2026
Сумма=12 400,00
ПлательщикСчет=40702810238000000002
Плательщик=ИНН 7707083893 ООО «Ромашка»
ПлательщикИНН=
ПлательщикКПП=770701001
ПлательщикБИК=044525225
ПлательщикБанк1=ПАО Сбербанк
ПлательщикБанк2=г. Москва
ПлательщикКорсчет=30101810400000000225
ПолучательСчет=40702810938000000001
ДатаПоступило=02.03.2026
Получатель1=ООО «РИЦ»
ПолучательИНН=3123456783
ПолучательКПП
ВидПлатежа=электронно
ВидОплаты=01
Очередность=5
НазначениеПлатежа=Оплата по счету № 123 от 01.03.2026 за
НазначениеПлатежа1=информационное обслуживание
НазначениеПлатежа2=В т.ч. НДС 22% = 2236.07
=без ключа
КодНазПлатежа=2
КонецДокумента
СекцияДокумент=Платежное поручение
Номер=17
Дата=01.03.2026
Сумма=2900
ПлательщикСчет=40702810538000000003
Плательщик=ИНН 7736050003 КПП 773601001 ООО «Василёк»
ПолучательСчет=40702810938000000001
Получатель=ООО «РИЦ»
ДатаПоступило=02.03.2026
НазначениеПлатежа=сч.45 оплата
КонецДокумента
СекцияДокумент=Банковский ордер
Номер=9
Дата=02.03.2026
Сумма=1200.00
ПлательщикСчет=40702810938000000001
Плательщик=ООО «РИЦ»
ПолучательСчет=70601810000000000001
Получатель=ПАО Сбербанк
ДатаСписано=02.03.2026
НазначениеПлатежа=Комиссия за ведение счета
НазначениеПлатежа1=Комиссия за ведение счета
КонецДокумента
КонецФайла
"""


def encode(text, encoding='cp1251', newline='\r\n'):
    return text.replace('\n', newline).encode(encoding)


def error_of(data, filename='bank.txt'):
    "Return the ParseError of data"
    try:
        cb.parse(data, filename)
    except cb.ParseError as exception:
        return exception
    raise AssertionError('no ParseError')


class ClientBankParserTestCase(unittest.TestCase):
    "The reader of the 1CClientBankExchange files"

    def test_quirks(self):
        "A file with the quirks of real banks is read"
        exchange = cb.parse(encode(QUIRKS), 'bank.txt')
        self.assertEqual(exchange.version, '1.03')
        self.assertEqual(exchange.encoding, 'cp1251')
        self.assertEqual(exchange.getall('Документ'),
            ['Платежное поручение', 'Банковский ордер'])
        account, = exchange.accounts
        self.assertEqual(account.number, OWN)
        self.assertEqual(account.line, 15)
        self.assertEqual(account.start_date, D(2026, 3, 2))
        self.assertEqual(account.start_balance, Decimal('10000.50'))
        self.assertEqual(account.total_incoming, Decimal('15300.00'))
        self.assertEqual(account.total_outgoing, Decimal('1200.00'))
        self.assertEqual(account.end_balance, Decimal('24100.50'))
        self.assertEqual(len(account.documents), 3)
        first, second, fee = account.documents

        self.assertEqual(first.line, 24)
        self.assertEqual(first.kind, 'Платежное поручение')
        self.assertEqual(first.number, '123')
        self.assertEqual(first.date, D(2026, 3, 2))
        self.assertEqual(first.amount, Decimal('12400.00'))
        self.assertEqual(first.direction(OWN), 'incoming')
        self.assertEqual(first.signed_amount(OWN), Decimal('12400.00'))
        self.assertEqual(first.payer, cb.Counterparty(
                name="ООО «Ромашка»", inn='7707083893', kpp='770701001',
                account=OTHER, bik='044525225',
                bank="ПАО Сбербанк г. Москва",
                correspondent_account='30101810400000000225'))
        self.assertEqual(first.recipient.name, "ООО «РИЦ»")
        self.assertEqual(first.recipient.inn, '3123456783')
        self.assertEqual(first.recipient.kpp, '')
        self.assertEqual(first.received_date, D(2026, 3, 2))
        self.assertIsNone(first.debited_date)
        self.assertEqual(first.purpose,
            "Оплата по счету № 123 от 01.03.2026 за информационное "
            "обслуживание В т.ч. НДС 22% = 2236.07")
        self.assertEqual(
            (first.payment_kind, first.payment_type, first.priority),
            ('электронно', '01', '5'))
        # unknown keys are kept, a line without key is ignored
        self.assertEqual(first.values['КодНазПлатежа'], '2')
        self.assertNotIn('', first.values)
        self.assertEqual(first.identity(OWN),
            '%s|2026-03-02|123|12400.00|%s' % (OWN, OTHER))

        self.assertEqual(second.payer.inn, '7736050003')
        self.assertEqual(second.payer.kpp, '773601001')
        self.assertEqual(second.payer.name, "ООО «Василёк»")
        self.assertEqual(second.value_date(OWN), D(2026, 3, 2))
        self.assertEqual(second.date, D(2026, 3, 1))

        self.assertEqual(fee.direction(OWN), 'outgoing')
        self.assertEqual(fee.signed_amount(OWN), Decimal('-1200.00'))
        self.assertEqual(fee.counterparty(OWN).name, "ПАО Сбербанк")
        self.assertEqual(fee.value_date(OWN), D(2026, 3, 2))
        # the continuation repeating the whole text is not appended
        self.assertEqual(fee.purpose, "Комиссия за ведение счета")

    def test_encodings_and_line_ends(self):
        "DOS (cp866) and Windows files with CRLF, LF or CR"
        expected = cb.parse(encode(QUIRKS), 'bank.txt').documents
        for data in [encode(QUIRKS, newline='\n'),
                encode(QUIRKS, newline='\r'),
                b'\xef\xbb\xbf' + encode(QUIRKS)]:
            exchange = cb.parse(data, 'bank.txt')
            self.assertEqual(exchange.documents, expected)
        # DOS has no French quotes
        text = QUIRKS.replace('«', '"').replace('»', '"')
        dos = text.replace('Кодировка=Windows', 'Кодировка=DOS')
        expected = cb.parse(encode(text), 'bank.txt').documents
        for data in [encode(dos, 'cp866'), encode(dos, 'cp866', '\n'),
                encode(dos, 'cp866', '\r')]:
            exchange = cb.parse(data, 'bank.txt')
            self.assertEqual(exchange.documents, expected)
        self.assertEqual(cb.parse(encode(dos, 'cp866')).encoding, 'cp866')

    def test_utf8_with_byte_order_mark(self):
        "A file an editor saved in UTF-8 with its byte order mark"
        expected = cb.parse(encode(QUIRKS), 'bank.txt').documents
        exchange = cb.parse(b'\xef\xbb\xbf' + encode(QUIRKS, 'utf-8'))
        self.assertEqual(exchange.encoding, 'utf-8')
        self.assertEqual(exchange.documents, expected)

    def test_sections_of_one_account_merged(self):
        "One section a day for the same account gives one account"
        lines = QUIRKS.splitlines()
        start = lines.index('СекцияРасчСчет')
        end = lines.index('КонецРасчСчет')
        second = [l.replace('02.03.2026', '03.03.2026') for l in
            lines[start:end + 1]]
        second = [('НачальныйОстаток=24100.50'
                if l.startswith('НачальныйОстаток') else
                'КонечныйОстаток=30000.00'
                if l.startswith('КонечныйОстаток') else
                'ВсегоПоступило=5899.50'
                if l.startswith('ВсегоПоступило') else
                'ВсегоСписано=0' if l.startswith('ВсегоСписано') else l)
            for l in second]
        text = '\n'.join(lines[:end + 1] + second + lines[end + 1:]) + '\n'
        exchange = cb.parse(encode(text))
        account, = exchange.accounts
        self.assertEqual(account.start_date, D(2026, 3, 2))
        self.assertEqual(account.end_date, D(2026, 3, 3))
        self.assertEqual(account.start_balance, Decimal('10000.50'))
        self.assertEqual(account.end_balance, Decimal('30000.00'))
        self.assertEqual(account.total_incoming, Decimal('21199.50'))
        self.assertEqual(len(account.documents), 3)

    def test_equal_documents_told_apart(self):
        "Two equal fees of a day get two identities, the same each time"
        lines = QUIRKS.splitlines()
        start = lines.index('СекцияДокумент=Банковский ордер')
        end = len(lines) - 1 - lines[::-1].index('КонецДокумента')
        fee = lines[start:end + 1]
        text = '\n'.join(lines[:end + 1] + fee + lines[end + 1:]) + '\n'
        account, = cb.parse(encode(text)).accounts
        identities = account_identities(account)
        self.assertEqual(len(identities), 4)
        self.assertEqual(len(set(identities)), 4)
        self.assertEqual(identities[-1], identities[-2] + '|2')
        self.assertEqual(
            account_identities(cb.parse(encode(text)).accounts[0]),
            identities)

    def test_without_encoding_key(self):
        "A file without Кодировка is Windows-1251"
        text = QUIRKS.replace('Кодировка=Windows\n', '')
        exchange = cb.parse(encode(text))
        self.assertEqual(exchange.encoding, 'cp1251')
        self.assertEqual(len(exchange.documents), 3)

    def test_amounts(self):
        for text, amount in [('1500', '1500'), ('1500.5', '1500.5'),
                ('1 500,50', '1500.50'), (' 12\u00a0400,00 ', '12400.00'),
                ('-3,10', '-3.10')]:
            self.assertEqual(cb.parse_amount(text), Decimal(amount))
        for text in ['', '12,3,4', '1.234', 'abc', '1e5', '12.', 'NaN']:
            with self.assertRaises(ValueError):
                cb.parse_amount(text)

    def test_dates(self):
        self.assertEqual(cb.parse_date(' 2.3.2026 '), D(2026, 3, 2))
        for text in ['', '31.02.2026', '2026-03-02', '02.03.26', 'x']:
            with self.assertRaises(ValueError):
                cb.parse_date(text)

    def test_purpose(self):
        join = cb.join_purpose
        self.assertEqual(join('a b', []), 'a b')
        self.assertEqual(join('', ['a', 'b']), 'a b')
        self.assertEqual(join('a', ['b', 'c']), 'a b c')
        self.assertEqual(join('a  b c', ['a b', 'c']), 'a b c')
        self.assertEqual(join('abc de', ['ab', 'c de']), 'abc de')
        self.assertEqual(join('a', ['a b']), 'a a b')

    def test_no_account_section(self):
        "The accounts named only by the header get the documents"
        lines = QUIRKS.splitlines()
        start = lines.index('СекцияРасчСчет')
        end = lines.index('КонецРасчСчет')
        text = '\n'.join(lines[:start] + lines[end + 1:]) + '\n'
        exchange = cb.parse(encode(text))
        account, = exchange.accounts
        self.assertIsNone(account.line)
        self.assertIsNone(account.start_balance)
        self.assertEqual(len(account.documents), 3)

    def test_errors(self):
        "Each error names its line and its field"
        lines = QUIRKS.splitlines()

        def without(*prefixes):
            return '\n'.join(l for l in lines
                if not l.startswith(prefixes)) + '\n'

        def replace(old, new, count=1):
            return QUIRKS.replace(old, new, count)

        cases = [
            # broken encoding: 0x98 is no character of Windows-1251
            (encode(QUIRKS).replace('Ромашка'.encode('cp1251'),
                    b'\x98\x98'), 'encoding', 29, ''),
            (encode(replace('Кодировка=Windows', 'Кодировка=KOI8')),
                'encoding_name', 3, 'Кодировка'),
            (encode(QUIRKS).replace(b'\r\n', b'\x00', 1), 'encoding', 1, ''),
            (encode('Выписка\n' + QUIRKS), 'magic', 1, ''),
            (b'', 'magic', 1, ''),
            (encode(without('КонецФайла')), 'end_of_file', 72,
                'КонецФайла'),
            (encode('\n'.join(lines[:40]) + '\n'), 'document_end', 24,
                'КонецДокумента'),
            (encode(replace('КонецДокумента\nСекцияДокумент',
                        'СекцияДокумент')), 'document_end', 24,
                'КонецДокумента'),
            (encode(without('КонецДокумента')), 'document_end', 24,
                'КонецДокумента'),
            (encode(without('КонецРасчСчет')), 'account_end', 15,
                'КонецРасчСчет'),
            (encode(replace('СекцияРасчСчет\n', '')), 'unexpected', 22,
                'КонецРасчСчет'),
            (encode(QUIRKS + 'Номер=1\n'), 'after_end', 74, 'Номер'),
            (encode(replace('Сумма=12 400,00\n', '')), 'required', 24,
                'Сумма'),
            (encode(replace('Сумма=12 400,00', 'Сумма=')), 'required', 27,
                'Сумма'),
            (encode(replace('Дата=02.03.2026\nСумма=12',
                        'Сумма=12')), 'required', 24, 'Дата'),
            (encode(replace('Сумма=12 400,00', 'Сумма=12.400,00')),
                'amount', 27, 'Сумма'),
            (encode(replace('Сумма=12 400,00', 'Сумма=0')),
                'amount', 27, 'Сумма'),
            (encode(replace('Дата=02.03.2026\nСумма=12',
                        'Дата=32.03.2026\nСумма=12')), 'date', 26, 'Дата'),
            (encode(replace('ДатаПоступило=02.03.2026',
                        'ДатаПоступило=вчера')), 'date', 37,
                'ДатаПоступило'),
            (encode(replace('НачальныйОстаток=  10 000,50',
                        'НачальныйОстаток=много')), 'amount', 19,
                'НачальныйОстаток'),
            (encode(replace('ПолучательСчет=40702810938000000001',
                        'ПолучательСчет=40702810000000000000')),
                'direction', 24, 'ПлательщикСчет'),
            ]
        for data, reason, line, field in cases:
            with self.subTest(reason=reason, line=line):
                exception = error_of(data)
                self.assertEqual(
                    (exception.reason, exception.line, exception.field),
                    (reason, line, field))
                self.assertIn(exception.reason, cb.REASONS)


# -- property tests ---------------------------------------------------------

ACCOUNTS = [OWN, '40702810540000000003']
COUNTERPARTY_ACCOUNTS = [OTHER, '40702810538000000003',
    '40817810099910004312', '']
WORDS = st.sampled_from(['оплата', 'по', 'счету', '№', '123', 'от',
        '01.03.2026', 'сч.45', 'НДС', '22%', '=', 'x=y', 'Ромашка', 'ё',
        'за', 'март', '"ИО"', 'Version;1'])
NAMES = st.sampled_from(['ООО "Ромашка"', "ИП Петров П. П.", "АО Зелёный=мыс",
        "ПАО Сбербанк", ''])
INNS = st.sampled_from(['7707083893', '773601001234', ''])
dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))
amounts = st.decimals(min_value=Decimal('0.01'), max_value=10 ** 9,
    places=2)
texts = st.lists(WORDS, min_size=0, max_size=12).map(' '.join)


@st.composite
def documents(draw, accounts):
    own = draw(st.sampled_from(accounts))
    incoming = draw(st.booleans())
    other = draw(st.sampled_from(COUNTERPARTY_ACCOUNTS))
    own_side = cb.Counterparty(name='ООО "РИЦ"', inn='3123456783',
        account=own)
    other_side = cb.Counterparty(name=draw(NAMES), inn=draw(INNS),
        kpp=draw(st.sampled_from(['', '770701001'])), account=other,
        bik=draw(st.sampled_from(['', '044525225'])))
    date = draw(dates)
    return cb.Document(
        line=0,
        kind=draw(st.sampled_from(
                ['Платежное поручение', 'Банковский ордер'])),
        number=draw(st.from_regex(r'[0-9]{0,6}', fullmatch=True)),
        date=date,
        amount=draw(amounts),
        payer=other_side if incoming else own_side,
        recipient=own_side if incoming else other_side,
        received_date=date if incoming else None,
        debited_date=None if incoming else date,
        purpose=' '.join(draw(texts).split()),
        payment_kind=draw(st.sampled_from(['', 'электронно'])),
        payment_type='01',
        priority=draw(st.sampled_from(['', '5'])),
        )


def pad(draw, value):
    "Surround a value with the spaces some banks write"
    return draw(st.sampled_from(['', ' ', '  '])) + value + draw(
        st.sampled_from(['', ' ', '\t']))


def write_amount(draw, amount):
    text = '%.2f' % amount
    style = draw(st.sampled_from(['point', 'comma', 'spaces', 'plain']))
    if style == 'plain' and amount == amount.to_integral_value():
        return '%d' % amount
    if style in {'comma', 'spaces'}:
        text = text.replace('.', ',')
    if style == 'spaces':
        whole, cents = text.split(',')
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        text = ' '.join(groups) + ',' + cents
    return text


def serialize(draw, exchange_accounts, docs, encoding):
    "Write a 1CClientBankExchange text of the documents"
    out = ['1CClientBankExchange', 'ВерсияФормата=1.03',
        'Кодировка=%s' % ('DOS' if encoding == 'cp866' else 'Windows'),
        'Отправитель=Банк=Онлайн', 'Получатель=']
    for account in exchange_accounts:
        out.append('РасчСчет=%s' % account)
    for account in exchange_accounts:
        out += ['СекцияРасчСчет', 'РасчСчет=' + pad(draw, account),
            'ДатаНачала=01.01.2020', 'ДатаКонца=31.12.2030',
            'НачальныйОстаток=' + pad(draw, write_amount(draw, Decimal(0))),
            'КонецРасчСчет']
    for doc in docs:
        out.append('СекцияДокумент=' + doc.kind)
        out.append('Номер=' + pad(draw, doc.number))
        out.append('Дата=' + doc.date.strftime('%d.%m.%Y'))
        out.append('Сумма=' + pad(draw, write_amount(draw, doc.amount)))
        for prefix, side in [('Плательщик', doc.payer),
                ('Получатель', doc.recipient)]:
            out.append(prefix + 'Счет=' + side.account)
            if side.inn and draw(st.booleans()):
                out.append('%s=ИНН %s %s' % (prefix, side.inn, side.name))
                out.append(prefix + 'ИНН=')
            else:
                out.append('%s=%s' % (prefix, side.name))
                out.append(prefix + 'ИНН=' + side.inn)
            if side.kpp:
                out.append(prefix + 'КПП=' + side.kpp)
            else:
                out.append(prefix + 'КПП')
            if side.bik:
                out.append(prefix + 'БИК=' + side.bik)
        if doc.received_date:
            out.append('ДатаПоступило=' + doc.received_date.strftime(
                    '%d.%m.%Y'))
        if doc.debited_date:
            out.append('ДатаСписано=' + doc.debited_date.strftime(
                    '%d.%m.%Y'))
        for key, value in [('ВидПлатежа', doc.payment_kind),
                ('ВидОплаты', doc.payment_type),
                ('Очередность', doc.priority)]:
            out.append('%s=%s' % (key, value))
        words = doc.purpose.split(' ') if doc.purpose else []
        cut = draw(st.integers(min_value=0, max_value=len(words)))
        if cut and ''.join(words[:cut]) == ''.join(words[cut:]):
            # the continuations repeating the whole text are not appended
            cut = len(words)
        out.append('НазначениеПлатежа=' + ' '.join(words[:cut]))
        rest = words[cut:]
        n = 1
        while rest:
            size = draw(st.integers(min_value=1, max_value=len(rest)))
            out.append('НазначениеПлатежа%d=%s' % (n, ' '.join(rest[:size])))
            rest = rest[size:]
            n += 1
        if draw(st.booleans()):
            out.append('НеизвестныйКлюч=значение')
        if draw(st.booleans()):
            out.append('')
        out.append('КонецДокумента')
    out.append('КонецФайла')
    newline = draw(st.sampled_from(['\r\n', '\n']))
    return newline.join(out).encode(encoding) + newline.encode()


@st.composite
def exchange_files(draw):
    accounts = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=1,
            max_size=2, unique=True))
    docs = draw(st.lists(documents(accounts), max_size=6))
    encoding = draw(st.sampled_from(['cp1251', 'cp866']))
    return accounts, docs, serialize(draw, accounts, docs, encoding)


def comparable(doc):
    "The values of a document the round trip keeps"
    return (doc.kind, doc.number, doc.date, doc.amount, doc.payer,
        doc.recipient, doc.received_date, doc.debited_date, doc.purpose,
        doc.payment_kind, doc.payment_type, doc.priority)


MUTATIONS = st.sampled_from(['drop', 'truncate', 'flip', 'duplicate',
        'swap'])


class ClientBankPropertyTestCase(unittest.TestCase):
    "Property tests of the reader"

    @given(exchange_files())
    @settings(max_examples=200, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    def test_round_trip(self, generated):
        "Any valid file gives back the documents it was written from"
        accounts, docs, data = generated
        exchange = cb.parse(data, 'generated.txt')
        self.assertEqual([a.number for a in exchange.accounts], accounts)
        self.assertEqual([comparable(d) for d in exchange.documents],
            [comparable(d) for d in docs])
        for account in exchange.accounts:
            for doc in account.documents:
                self.assertIn(doc.direction(account.number),
                    {'incoming', 'outgoing'})
        self.assertEqual(
            sum(len(a.documents) for a in exchange.accounts), len(docs))

    @given(exchange_files(), MUTATIONS, st.data())
    @settings(max_examples=300, deadline=None,
        suppress_health_check=[HealthCheck.too_slow])
    def test_mutation(self, generated, mutation, data):
        "A damaged file is read or refused with a ParseError naming a line"
        _, _, content = generated
        lines = content.splitlines(keepends=True)
        if mutation == 'drop':
            index = data.draw(st.integers(0, len(lines) - 1))
            del lines[index]
            content = b''.join(lines)
        elif mutation == 'truncate':
            content = content[:data.draw(st.integers(0, len(content) - 1))]
        elif mutation == 'flip':
            content = bytearray(content)
            for _ in range(data.draw(st.integers(1, 4))):
                position = data.draw(st.integers(0, len(content) - 1))
                content[position] = data.draw(st.integers(0, 255))
            content = bytes(content)
        elif mutation == 'duplicate':
            index = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(index, lines[index])
            content = b''.join(lines)
        else:
            i = data.draw(st.integers(0, len(lines) - 1))
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            content = b''.join(lines)
        try:
            exchange = cb.parse(content, 'damaged.txt')
        except cb.ParseError as exception:
            self.assertIn(exception.reason, cb.REASONS)
            self.assertIsInstance(exception.line, int)
            self.assertGreaterEqual(exception.line, 1)
            self.assertLessEqual(exception.line, len(lines) + 1)
        else:
            for doc in exchange.documents:
                self.assertGreater(doc.amount, 0)
                self.assertIsInstance(doc.date, dt.date)


class RicBankTestCase(ModuleTestCase):
    "Test ric_bank module"
    module = 'ric_bank'

    @with_transaction()
    def test_messages(self):
        "Every reason of the parser has its message naming file and line"
        for reason in cb.REASONS:
            exception = file_error(
                cb.ParseError(reason, 12, 'Сумма', '1,2,3'), 'bank.txt')
            self.assertIsInstance(exception, ClientBankFileError)
            message = str(exception.message)
            self.assertNotIn('msg_clientbank', message)
            self.assertIn('"bank.txt", line 12', message)
            self.assertEqual(
                (exception.filename, exception.line), ('bank.txt', 12))

    @with_transaction()
    def test_information(self):
        "Everything of a document is kept in the information of its origin"
        exchange = cb.parse(encode(QUIRKS), 'bank.txt')
        first = exchange.documents[0]
        info = information(first, OWN)
        self.assertEqual(info['ric_direction'], 'incoming')
        self.assertEqual(info['ric_payer_inn'], '7707083893')
        self.assertEqual(info['ric_payer_kpp'], '770701001')
        self.assertEqual(info['ric_payer_bik'], '044525225')
        self.assertEqual(info['ric_recipient_inn'], '3123456783')
        self.assertEqual(info['ric_document_date'], D(2026, 3, 2))
        self.assertEqual(info['ric_payment_type'], '01')
        self.assertEqual(info['ric_priority'], '5')
        self.assertEqual(info['ric_other_keys'], 'КодНазПлатежа=2')


del ModuleTestCase
