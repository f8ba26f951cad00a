# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_bank: a month of bank statements matched.

The settlement account of the RIC at Sberbank is a ``bank.account`` with
its statement journal (validated by balance); stock statement rules post
the bank fees (91.02), the single tax payment (68.02) and the refunds of
overpayments (62.02).  For each working day of the last full month the
bank's 1CClientBankExchange file (cp1251, CRLF) is written with the
payments of the open invoices of the demo clients as payers write them
(the number in many forms, several invoices, no number, a partial payment
and its balance, an overpayment refunded later, a company paying for a
client, private persons paying a seminar), the bank fee of the day and the
single tax payment.  Each file is imported by the wizard
``account.statement.import`` and its statement matched (``ric_match``);
the accountant settles the payments to review or unmatched as the demo
knows they are, confirms them and validates the statement.  The last two
days stay in draft: the day before the last with its payments confirmed,
the last one as the matching left it (matched, to review, unmatched).  The
statements of the first half of the month are posted.  A cash desk
journal gets the cash receipts of two clients.

Stores ``ctx.data['bank_journal']`` and ``ctx.data['bank_statements']``.
"""
import datetime as dt
import sys
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from proteus import Model, Wizard

from trytond.modules.ric_base.requisites import (
    complete_inn, is_valid_settlement_account)
from trytond.modules.ric_base.tools import is_working_day

CENT = Decimal('0.01')
#: the bank of the RIC: name, BIK, correspondent account, city
OWN_BANK = ("Белгородское отделение № 8592 ПАО Сбербанк", '041403633',
    '30101810100000000633', "г. Белгород")
#: the income account of the bank the fees go to and its requisites
BANK_INCOME = ('70601810207002750201', '7707083893', '312302001')
#: the banks of the payers without an account in the books
PAYER_BANKS = [
    OWN_BANK,
    ("АО «Альфа-Банк»", '044525593', '30101810200000000593', "г. Москва"),
    ("АО «ТБанк»", '044525974', '30101810145250000974', "г. Москва"),
    ("Банк ВТБ (ПАО)", '044525187', '30101810700000000187', "г. Москва"),
    ]
#: the single tax payment (ЕНП): the Treasury's requisites
TREASURY = {
    'name': "Казначейство России (ФНС России)", 'inn': '7727406020',
    'kpp': '770801001', 'account': '03100643000000018500',
    'bank': "ОКЦ № 7 ГУ Банка России по ЦФО//УФК по Тульской области, "
    "г Тула", 'bik': '017003983', 'corr': '40102810445370000059',
    'city': '',
    }
TAX_KEYS = [('СтатусСоставителя', '01'),
    ('ПоказательКБК', '18201061201010000510'), ('ОКАТО', '0'),
    ('ПоказательОснования', '0'), ('ПоказательПериода', '0'),
    ('ПоказательНомера', '0'), ('ПоказательДаты', '0')]
MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль',
    'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']
PERSONS = ["Иванова Мария Петровна", "Кузнецов Андрей Сергеевич",
    "Лебедева Ольга Ивановна", "Новиков Сергей Петрович",
    "Смирнова Наталья Андреевна", "Волкова Татьяна Сергеевна"]
SEMINARS = ["Годовой отчёт 2026: новое в бухгалтерском и налоговом учёте",
    "Кадровый документооборот и новое в трудовом законодательстве",
    "Закупки по 44-ФЗ и 223-ФЗ: изменения и практика"]
#: the profiles of the paying clients and their share
PROFILES = [('several', 0.15), ('partial', 0.10), ('over', 0.07),
    ('no_number', 0.10), ('round', 0.05), ('none', 0.13)]
THIRD_PAYERS = ["Стройресурс", "Агроальянс", "Логистик-Центр", "Меркурий"]

#: the purposes of a payment of one invoice ({n} its number, {z} the
#: number with leading zeros, {d} its date, {a} the amount, {v} its VAT)
ONE = [
    "Оплата по счету № {n} от {d} за информационное обслуживание. "
    "В т.ч. НДС 22% {v} руб.",
    "Оплата по счету №{n} от {d}г. Сумма {a} В т.ч. НДС (22%) {v}",
    "Оплата по сч.{n} от {d} за сопровождение системы КонсультантПлюс, "
    "в том числе НДС 22 % - {v} рублей",
    "сч.{n} инф. обслуживание НДС 22% {v}",
    "Оплата счета {z} от {d} за КонсультантПлюс. НДС 22% {v}",
    "Опл. по счёту N {n} от {d} за информ. услуги, в т.ч. НДС(22%) {v}",
    "Оплата за информационное обслуживание по счету на оплату № {n} "
    "от {d}, в т.ч. НДС 22% - {v}",
    ]
#: several invoices ({n1}, {n2}, {d1}, {d2})
SEVERAL = [
    "Оплата по счетам {n1}, {n2} за информационное обслуживание, "
    "в т.ч. НДС 22% {v}",
    "Оплата по сч.№{n1} от {d1}г., сч.№{n2} от {d2}г. В т.ч. НДС 22% {v}",
    "Оплата счетов {n1} и {n2} за КонсультантПлюс, НДС 22% {v}",
    "Оплата по счетам №№ {n1}, {n2} НДС 22% {v}",
    ]
PARTIAL = [
    "Частичная оплата по счету № {n} от {d}. В т.ч. НДС 22% {v}",
    "Оплата по сч. {n} от {d} (частично), в т.ч. НДС {v}",
    ]
BALANCE = [
    "Доплата по счету № {n} от {d}, в т.ч. НДС 22% {v}",
    "Окончательный расчет по сч.{n}, НДС 22% {v}",
    ]
#: no number ({m} the month of the invoice, {y} its year)
NO_NUMBER = [
    "Оплата за информационное обслуживание систем КонсультантПлюс за {m} "
    "{y} г. В т.ч. НДС 22% {v}",
    "Абонентская плата за сопровождение КонсультантПлюс за {m}. "
    "НДС 22 % {v}",
    "Оплата по договору № {c} от 09.01.2024 за информационные услуги. "
    "В т.ч. НДС 22% {v}",
    ]
ROUND = [
    "Оплата задолженности за информационные услуги, в т.ч. НДС {v}",
    "Оплата за обслуживание КонсультантПлюс по договору, "
    "в т.ч. НДС 22% {v}",
    ]
THIRD = [
    "Оплата по счету № {n} от {d} за {client} (ИНН {inn}) за "
    "информационное обслуживание. В т.ч. НДС 22% {v}",
    "Оплата за {client} по сч. {n} от {d} по письму б/н, "
    "в т.ч. НДС 22% {v}",
    ]


def money(amount):
    return '%.2f' % amount


def vat_of(amount):
    "The VAT (22 %) included in amount"
    return (amount * 22 / 122).quantize(CENT, rounding=ROUND_HALF_UP)


def thousands(amount, rounding=ROUND_DOWN):
    "The amount rounded to thousands"
    return (amount / 1000).quantize(Decimal(1), rounding=rounding) * 1000


def date_text(date):
    return date.strftime('%d.%m.%Y')


def account_number(rng, bik, prefix='40702810', body=None):
    "A bank account number at the bank of bik with a valid key"
    body = body or '%011d' % rng.randint(0, 10 ** 11 - 1)
    for key in range(10):
        number = '%s%d%s' % (prefix, key, body)
        if is_valid_settlement_account(number, bik):
            return number


def last_month(today):
    "Return the first and the last day of the month before today's"
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def working_days(first, last):
    days, day = [], first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class Document:
    "A payment document of a bank file and what the accountant does of it"
    __slots__ = ('kind', 'number', 'date', 'amount', 'incoming', 'other',
        'purpose', 'keys', 'truth', 'inn_in_name', 'split')

    def __init__(self, kind, number, date, amount, incoming, other,
            purpose, keys=(), truth=None):
        self.kind = kind
        self.number = str(number)
        self.date = date
        self.amount = amount
        self.incoming = incoming
        self.other = other
        self.purpose = purpose
        self.keys = list(keys)
        #: [(kind, reference, amount)]: ('invoice', invoice, amount),
        #: ('advance', party id, amount), ('account', account id, amount)
        self.truth = truth
        self.inn_in_name = False
        self.split = False

    def identity(self, account):
        "The ric_identity of the origin of the document"
        return '|'.join([account, self.date.isoformat(), self.number,
                money(self.amount), self.other['account']])


def _side_lines(prefix, side, inn_in_name=False):
    name = side['name']
    lines = ['%sСчет=%s' % (prefix, side['account'])]
    if inn_in_name and side['inn']:
        lines.append('%s=ИНН %s %s' % (prefix, side['inn'], name))
    else:
        lines.append('%s=%s' % (prefix, name))
    lines += [
        '%sИНН=%s' % (prefix, side['inn']),
        '%sКПП=%s' % (prefix, side['kpp']),
        '%s1=%s' % (prefix, name),
        '%sРасчСчет=%s' % (prefix, side['account']),
        '%sБанк1=%s' % (prefix, side['bank']),
        '%sБанк2=%s' % (prefix, side['city']),
        '%sБИК=%s' % (prefix, side['bik']),
        '%sКорсчет=%s' % (prefix, side['corr']),
        ]
    return lines


def clientbank_file(own, day, start_balance, documents):
    """Return the bytes of the 1CClientBankExchange file of the day of the
    account own (a counterparty dict) as the bank gives it"""
    incoming = sum((d.amount for d in documents if d.incoming), Decimal(0))
    outgoing = sum((d.amount for d in documents if not d.incoming),
        Decimal(0))
    lines = ['1CClientBankExchange', 'ВерсияФормата=1.03',
        'Кодировка=Windows', 'Отправитель=СберБизнес',
        'Получатель=Бухгалтерия предприятия, редакция 3.0',
        'ДатаСоздания=%s' % date_text(day),
        'ВремяСоздания=18:42:%02d' % day.day,
        'ДатаНачала=%s' % date_text(day), 'ДатаКонца=%s' % date_text(day),
        'РасчСчет=%s' % own['account'],
        'Документ=Платежное поручение', 'Документ=Банковский ордер',
        'СекцияРасчСчет',
        'ДатаНачала=%s' % date_text(day), 'ДатаКонца=%s' % date_text(day),
        'РасчСчет=%s' % own['account'],
        'НачальныйОстаток=%s' % money(start_balance),
        'ВсегоПоступило=%s' % money(incoming),
        'ВсегоСписано=%s' % money(outgoing),
        'КонечныйОстаток=%s' % money(start_balance + incoming - outgoing),
        'КонецРасчСчет']
    for doc in documents:
        payer, recipient = (doc.other, own) if doc.incoming else (
            own, doc.other)
        lines += ['СекцияДокумент=%s' % doc.kind, 'Номер=%s' % doc.number,
            'Дата=%s' % date_text(doc.date), 'Сумма=%s' % money(doc.amount)]
        lines += _side_lines('Плательщик', payer,
            doc.inn_in_name and doc.incoming)
        lines.append('ДатаСписано=%s' % (
                '' if doc.incoming else date_text(day)))
        lines += _side_lines('Получатель', recipient,
            doc.inn_in_name and not doc.incoming)
        lines.append('ДатаПоступило=%s' % (
                date_text(day) if doc.incoming else ''))
        lines += ['ВидПлатежа=', 'ВидОплаты=%s' % (
                '17' if doc.kind == 'Банковский ордер' else '01'), 'Код=0']
        lines += ['%s=%s' % kv for kv in doc.keys]
        lines.append('Очередность=5')
        lines.append('НазначениеПлатежа=%s' % doc.purpose)
        if doc.split:
            # some banks repeat the purpose cut in continuation keys
            for index, start in enumerate(
                    range(0, len(doc.purpose), 70), 1):
                lines.append('НазначениеПлатежа%s=%s' % (
                        index, doc.purpose[start:start + 70]))
        lines.append('КонецДокумента')
    lines.append('КонецФайла')
    return ('\r\n'.join(lines) + '\r\n').encode('cp1251')


def _search_read(model, domain, fields, order=None):
    "Return the values of the records of domain (one call)"
    return model._proxy.search_read(
        domain, 0, None, order, fields, model._config.context)


class Planner:
    "The documents of the month, day by day"

    def __init__(self, rng, days):
        self.rng = rng
        self.days = days
        self.documents = {d: [] for d in days}
        self.own_number = rng.randint(700, 1500)
        self.used = set()
        self.due = {}
        self.no_number_last = False

    def add(self, index, document):
        self.documents[self.days[index]].append(document)

    def payer_number(self, payer):
        "The number of a payment order of the payer, never used twice"
        while True:
            number = self.rng.randint(12, 2400)
            if (payer['account'], number) not in self.used:
                self.used.add((payer['account'], number))
                return number

    def incoming(self, index, payer, amount, purpose, truth):
        rng = self.rng
        day = self.days[index]
        # the order is dated the day it was sent: the day or the one before
        date = self.days[index - 1] if index and rng.random() < 0.3 else day
        document = Document('Платежное поручение', self.payer_number(payer),
            date, amount, True, payer, purpose, truth=truth)
        document.inn_in_name = bool(payer['inn']) and rng.random() < 0.2
        document.split = len(purpose) > 90 and rng.random() < 0.3
        self.add(index, document)
        return document

    def outgoing(self, index, kind, recipient, amount, purpose, keys=(),
            truth=None):
        if kind == 'Банковский ордер':
            number = str(self.rng.randint(100000, 999999))
        else:
            self.own_number += 1
            number = self.own_number
        document = Document(kind, number, self.days[index], amount, False,
            recipient, purpose, keys=keys, truth=truth)
        self.add(index, document)
        return document

    # --- the payments of the clients ---

    def clients(self, invoices, payers, cash_parties, third, third_payer):
        """Plan the payments of the open invoices of each party (but the
        cash payers) as the party's profile says"""
        by_party = {}
        for invoice in invoices:
            by_party.setdefault(invoice['party'], []).append(invoice)
        parties = [p for p in sorted(by_party)
            if p not in cash_parties and p != third]
        self.due = {i['id']: i['amount_to_pay'] for i in invoices}
        if third in by_party:
            self._third(by_party[third], payers[third], third_payer)
        # a deck of profiles, each at least once when there are parties
        deck = []
        for profile, share in PROFILES:
            deck += [profile] * max(round(share * len(parties)), 1)
        deck = deck[:len(parties)]
        deck += ['one'] * (len(parties) - len(deck))
        self.rng.shuffle(deck)
        # the last day keeps a payment without number to review
        if 'no_number' in deck:
            self.no_number_last = True
        for party, profile in zip(parties, deck):
            getattr(self, 'pay_' + profile)(
                party, by_party[party], payers[party])

    def pay_one(self, party, invoices, payer):
        first = invoices[0]
        amount = self.due[first['id']]
        self.incoming(self.rng.randint(0, len(self.days) - 1), payer,
            amount, self.one(first, amount), [('invoice', first, amount)])

    def pay_several(self, party, invoices, payer):
        if len(invoices) < 2:
            return self.pay_one(party, invoices, payer)
        two = invoices[:2]
        total = sum(self.due[i['id']] for i in two)
        self.incoming(self.rng.randint(0, len(self.days) - 1), payer, total,
            self.several(two, total),
            [('invoice', i, self.due[i['id']]) for i in two])

    def pay_partial(self, party, invoices, payer):
        "A part of the invoice, the balance some days later"
        rng, last = self.rng, len(self.days) - 1
        first = invoices[0]
        amount = self.due[first['id']]
        part = thousands(amount * Decimal(rng.choice(['0.3', '0.5', '0.6'])))
        if part < 1000 or part >= amount:
            return self.pay_one(party, invoices, payer)
        index = rng.randint(0, max(last - 4, 0))
        self.incoming(index, payer, part,
            self.fill(rng.choice(PARTIAL), first, part),
            [('invoice', first, part)])
        later = index + rng.randint(3, 8)
        if later < last and rng.random() < 0.7:
            rest = amount - part
            self.incoming(later, payer, rest,
                self.fill(rng.choice(BALANCE), first, rest),
                [('invoice', first, rest)])

    def pay_over(self, party, invoices, payer):
        "The invoice and more, kept as an advance, refunded some days later"
        rng, last = self.rng, len(self.days) - 1
        first = invoices[0]
        amount = self.due[first['id']]
        paid = thousands(amount + 100, ROUND_UP)
        extra = paid - amount
        index = rng.randint(0, max(last - 3, 0))
        document = self.incoming(index, payer, paid, self.one(first, paid),
            [('invoice', first, amount), ('advance', party, extra)])
        later = index + rng.randint(2, 6)
        if later < last and rng.random() < 0.7:
            self.outgoing(later, 'Платежное поручение', payer, extra,
                "Возврат излишне перечисленных денежных средств по п/п "
                "№ %s от %s. НДС не облагается" % (
                    document.number, date_text(document.date)),
                truth=[('advance', party, -extra)])

    def pay_no_number(self, party, invoices, payer):
        "The amount of the invoice, its number not written"
        last = len(self.days) - 1
        first = invoices[0]
        amount = self.due[first['id']]
        index = self.rng.randint(0, last)
        if self.no_number_last:
            index, self.no_number_last = last, False
        self.incoming(index, payer, amount,
            self.fill(self.rng.choice(NO_NUMBER), first, amount),
            [('invoice', first, amount)])

    def pay_round(self, party, invoices, payer):
        "A round amount naming nothing: the oldest invoices"
        paid = Decimal(self.rng.choice([5000, 10000, 15000, 20000]))
        self.incoming(self.rng.randint(0, len(self.days) - 1), payer, paid,
            self.fill(self.rng.choice(ROUND), invoices[0], paid),
            self.oldest(invoices, party, paid))

    def pay_none(self, party, invoices, payer):
        "The party pays next month"

    def _third(self, invoices, client, third):
        "A company unknown to the books pays the client's invoices"
        rng, last, due = self.rng, len(self.days) - 1, self.due
        for invoice, index in zip(invoices[:2], [
                    rng.randint(0, max(last // 2 - 1, 0)),
                    rng.randint(last // 2 + 1, max(last - 2, last // 2 + 1))]):
            if index > last:
                break
            amount = due[invoice['id']]
            purpose = THIRD[0 if index < last // 2 else 1].format(
                n=invoice['number'], d=date_text(invoice['invoice_date']),
                client=client['name'], inn=client['inn'],
                v=money(vat_of(amount)))
            self.incoming(index, third, amount, purpose,
                [('invoice', invoice, amount)])
            due[invoice['id']] = Decimal(0)

    def oldest(self, invoices, party, amount):
        "The truth of a payment naming no invoice: the oldest ones"
        due = self.due
        truth, rest = [], amount
        for invoice in invoices:
            part = min(rest, due[invoice['id']])
            if part > 0:
                truth.append(('invoice', invoice, part))
                due[invoice['id']] -= part
                rest -= part
        if rest > 0:
            truth.append(('advance', party, rest))
        return truth

    def fill(self, form, invoice, amount):
        date = invoice['invoice_date']
        return form.format(n=invoice['number'],
            z=invoice['number'].zfill(6), d=date_text(date),
            a=money(amount), v=money(vat_of(amount)),
            m=MONTHS[date.month - 1], y=date.year,
            c=self.rng.randint(10, 400))

    def one(self, invoice, amount):
        return self.fill(self.rng.choice(ONE), invoice, amount)

    def several(self, invoices, amount):
        first, second = invoices[:2]
        return self.rng.choice(SEVERAL).format(
            n1=first['number'], n2=second['number'],
            d1=date_text(first['invoice_date']),
            d2=date_text(second['invoice_date']), v=money(vat_of(amount)))

    # --- the other documents ---

    def seminars(self, count, revenue):
        rng, last = self.rng, len(self.days) - 1
        for i in range(count):
            name = rng.choice(PERSONS)
            name_, bik, corr, city = rng.choice(PAYER_BANKS)
            person = {'name': name, 'inn': '', 'kpp': '',
                'account': account_number(rng, bik, '40817810'),
                'bank': name_, 'bik': bik, 'corr': corr, 'city': city}
            amount = Decimal(rng.choice([3900, 4500, 5200]))
            short = '%s %s.%s' % tuple([name.split()[0]] + [
                    w[0] for w in name.split()[1:]])
            purpose = ("Оплата за участие в семинаре «%s», %s. "
                "В т.ч. НДС 22%% %s" % (
                    rng.choice(SEMINARS), short, money(vat_of(amount))))
            # the first one waits on the last day
            index = last if i == 0 else rng.randint(0, last)
            self.incoming(index, person, amount, purpose,
                [('account', revenue, amount)])

    def fees(self):
        rng = self.rng
        bank = {'name': OWN_BANK[0], 'inn': BANK_INCOME[1],
            'kpp': BANK_INCOME[2], 'account': BANK_INCOME[0],
            'bank': OWN_BANK[0], 'bik': OWN_BANK[1], 'corr': OWN_BANK[2],
            'city': OWN_BANK[3]}
        previous = self.days[0] - dt.timedelta(days=self.days[0].day)
        for index, day in enumerate(self.days):
            if index == 0:
                amount = Decimal('1490.00')
                purpose = ("Плата за ведение счета за %s %s г. по тарифу "
                    "«Активные расчеты». НДС не облагается" % (
                        MONTHS[previous.month - 1], previous.year))
            else:
                amount = Decimal(rng.choice([29, 49, 58, 98, 147]))
                purpose = ("Комиссия за переводы в пользу юридических лиц и "
                    "ИП по системе ДБО за %s. Без НДС" % date_text(day))
            self.outgoing(index, 'Банковский ордер', bank, amount, purpose)

    def tax(self, amount):
        index = max(i for i, d in enumerate(self.days)
            if d.day <= 28 or i == 0)
        self.outgoing(index, 'Платежное поручение', TREASURY, amount,
            "Единый налоговый платеж", keys=TAX_KEYS)


def _setup_bank(ctx, company):
    "Return the bank journal of the RIC's settlement account"
    config = ctx.config
    Bank = Model.get('bank', config=config)
    BankAccount = Model.get('bank.account', config=config)
    Party = Model.get('party.party', config=config)
    Account = Model.get('account.account', config=config)
    AccountJournal = Model.get('account.journal', config=config)
    StatementJournal = Model.get('account.statement.journal', config=config)
    name, bik, correspondent, _ = OWN_BANK
    banks = Bank.find([('bik', '=', bik)], limit=1)
    if banks:
        bank, = banks
    else:
        party = Party(name=name)
        party.save()
        bank = Bank(party=party, bik=bik,
            correspondent_account=correspondent)
        bank.save()
    number = account_number(ctx.rng, bik, body='07000012345')
    bank_account = BankAccount(bank=bank)
    bank_account.owners.append(Party(company.party.id))
    bank_account.numbers.new(type='ru_account', number=number)
    bank_account.save()
    account_51, = Account.find([
            ('company', '=', company.id), ('code', '=', '51')])
    account_journal, = AccountJournal.find(
        [('type', '=', 'statement')], limit=1)
    journal = StatementJournal(
        name="Расчётный счёт в Сбербанке %s" % number,
        journal=account_journal, account=account_51,
        bank_account=bank_account, validation='balance')
    journal.save()
    return journal, number


def _setup_rules(ctx, company, accounts):
    "The stock statement rules of the outgoing payments"
    Rule = Model.get('account.statement.rule', config=ctx.config)
    rules = []
    for name, description, account in [
            ("Комиссии банка", r'(?i)комисси|плата за ведение счет',
                accounts['91.02']),
            ("Единый налоговый платёж", r'(?i)налог', accounts['68.02']),
            ("Возврат излишне перечисленных средств", r'(?i)возврат',
                accounts['62.02']),
            ]:
        if account is None:
            continue
        rule = Rule(name=name, company=company, description=description,
            amount_high=Decimal('-0.01'))
        line = rule.lines.new()
        line.amount = 'pending'
        line.account = Model.get('account.account', config=ctx.config)(
            account)
        rules.append(rule)
    Rule.save(rules)


def _parties(ctx, party_ids):
    "Return {party id: counterparty dict} of the parties as payers"
    config, rng = ctx.config, ctx.rng
    if not party_ids:
        return {}
    Party = Model.get('party.party', config=config)
    Identifier = Model.get('party.identifier', config=config)
    Number = Model.get('bank.account.number', config=config)
    Bank = Model.get('bank', config=config)
    BankAccount = Model.get('bank.account', config=config)
    names = {p['id']: p['name'] for p in _search_read(
            Party, [('id', 'in', party_ids)], ['name'])}
    inns = {i['party']: i['code'] for i in _search_read(Identifier, [
                ('party', 'in', party_ids), ('type', '=', 'ru_vat')],
            ['party', 'code'])}
    owned = {}
    for account in _search_read(BankAccount, [
                ('owners', 'in', party_ids)], ['owners', 'bank', 'numbers']):
        for owner in account['owners']:
            owned.setdefault(owner, account)
    numbers = {n['id']: n['number'] for n in _search_read(Number, [
                ('id', 'in', [i for a in owned.values()
                        for i in a['numbers']])], ['number'])}
    bank_ids = sorted({a['bank'] for a in owned.values()})
    bank_values = {b['id']: b for b in _search_read(Bank, [
                ('id', 'in', bank_ids)],
            ['party.name', 'bik', 'correspondent_account'])}
    result = {}
    for party in party_ids:
        name = names[party]
        inn = inns.get(party, '')
        account = owned.get(party)
        if account and account['numbers'] and account['bank'] in bank_values:
            bank = bank_values[account['bank']]
            bank = (bank['party.']['name'], bank['bik'],
                bank['correspondent_account'] or '',
                "г. Белгород" if bank['bik'].startswith('0414')
                else "г. Москва")
            number = numbers[account['numbers'][0]]
        else:
            bank = rng.choice(PAYER_BANKS)
            number = account_number(rng, bank[1],
                '40802810' if len(inn) == 12 else '40702810')
        result[party] = {'name': name, 'inn': inn,
            'kpp': inn[:4] + '01001' if len(inn) == 10 else '',
            'account': number, 'bank': bank[0], 'bik': bank[1],
            'corr': bank[2], 'city': bank[3]}
    return result


def _third_payer(ctx):
    "A company unknown to the books"
    rng = ctx.rng
    Identifier = Model.get('party.identifier', config=ctx.config)
    while True:
        inn = complete_inn('36' + ''.join(
                str(rng.randint(0, 9)) for _ in range(7)))
        if not Identifier.find([('code', '=', inn)], limit=1):
            break
    name, bik, corr, city = PAYER_BANKS[1]
    return {'name': "ООО «%s»" % rng.choice(THIRD_PAYERS), 'inn': inn,
        'kpp': inn[:4] + '01001', 'account': account_number(rng, bik),
        'bank': name, 'bik': bik, 'corr': corr, 'city': city}


def _settle(ctx, statement, documents, number, accounts):
    """Settle the origins of the statement that wait as the accountant
    does: the lines of the truth of the document, confirmed; return True
    when nothing waits any more"""
    config = ctx.config
    Origin = Model.get('account.statement.origin', config=config)
    Line = Model.get('account.statement.line', config=config)
    by_identity = {d.identity(number): d for d in documents}
    origins = _search_read(Origin, [('statement', '=', statement.id)],
        ['ric_identity', 'amount', 'date', 'number', 'description',
            'ric_match_state', 'pending_amount', 'lines'])
    to_confirm, to_delete, to_create = [], [], []
    settled = True
    for origin in origins:
        state = origin['ric_match_state']
        if state not in {'review', 'unmatched'} and not origin[
                'pending_amount']:
            continue
        document = by_identity.get(origin['ric_identity'])
        if state == 'review' and not origin['pending_amount']:
            # the proposed lines are right
            to_confirm.append(origin['id'])
            continue
        if document is None or not document.truth:
            settled = False
            continue
        to_delete.extend(origin['lines'])
        for kind, reference, amount in document.truth:
            values = {'statement': statement.id, 'origin': origin['id'],
                'date': origin['date'], 'number': origin['number'],
                'description': origin['description'], 'amount': amount}
            if kind == 'invoice':
                values.update(party=reference['party'],
                    account=reference['account'],
                    related_to='account.invoice,%s' % reference['id'])
            elif kind == 'advance':
                values.update(party=reference, account=accounts['62.02'])
            else:
                values.update(account=reference)
            to_create.append(values)
        if origin['amount'] > 0:
            to_confirm.append(origin['id'])
    context = config.context
    if to_delete:
        Line._proxy.delete(to_delete, context)
    if to_create:
        Line._proxy.create(to_create, context)
    if to_confirm:
        Origin.click([Origin(i) for i in to_confirm], 'ric_confirm')
    return settled


def _quietly(what, function, *args, **kwargs):
    "Run function; a failure is reported in one line, the demo goes on"
    try:
        return function(*args, **kwargs)
    except Exception as exception:
        print('demo data: ric_bank: %s: %s' % (
                what, str(exception).splitlines()[0] if str(exception)
                else type(exception).__name__), file=sys.stderr)
        return None


def _import(ctx, journal, day, data):
    Statement = Model.get('account.statement', config=ctx.config)
    wizard = Wizard('account.statement.import', config=ctx.config)
    wizard.form.file_ = data
    wizard.form.file_name = 'kl_to_1c_%s.txt' % day.strftime('%d%m%Y')
    wizard.form.file_format = '1c_clientbank'
    wizard.execute('import_')
    statements = Statement.find([
            ('journal', '=', journal.id), ('date', '=', day)],
        order=[('id', 'DESC')], limit=1)
    return statements[0] if statements else None


def _cash(ctx, company, days, invoices, cash_parties):
    "The cash desk: the receipt orders of the clients paying in cash"
    config, rng = ctx.config, ctx.rng
    ModelData = Model.get('ir.model.data', config=config)
    Sequence = Model.get('ir.sequence.strict', config=config)
    SequenceType = Model.get('ir.sequence.type', config=config)
    AccountJournal = Model.get('account.journal', config=config)
    StatementJournal = Model.get('account.statement.journal', config=config)
    Statement = Model.get('account.statement', config=config)
    Invoice = Model.get('account.invoice', config=config)
    Signatory = Model.get('ric.billing.signatory', config=config)
    if not Signatory.find([
                ('company', '=', company.id), ('role', '=', 'cashier')]):
        Signatory(company=company, role='cashier',
            name="Морозова Елена Петровна",
            position="Бухгалтер-кассир").save()
    cash_order = SequenceType(ModelData.get_id(
            'ric_bank', 'sequence_type_cash_order', config.context))
    sequences = []
    for name in ["Приходные кассовые ордера", "Расходные кассовые ордера"]:
        sequence = Sequence(name=name, sequence_type=cash_order,
            company=company)
        sequence.save()
        sequences.append(sequence)
    account_journal, = AccountJournal.find(
        [('type', '=', 'statement')], limit=1)
    cash = StatementJournal(name="Касса", journal=account_journal)
    cash.ric_cash = True
    cash.ric_receipt_sequence, cash.ric_expense_sequence = sequences
    cash.validation = 'balance'
    cash.save()
    balance = Decimal(0)
    receipts = []
    for party in cash_parties:
        invoice = next(i for i in invoices if i['party'] == party)
        receipts.append((invoice, days[rng.randint(0, len(days) - 1)]))
    for invoice, day in sorted(receipts, key=lambda r: r[1]):
        amount = invoice['amount_to_pay']
        statement = Statement(name="Касса %s" % date_text(day),
            journal=cash, date=day)
        statement.start_balance = balance
        statement.end_balance = balance + amount
        line = statement.lines.new()
        line.date = day
        line.amount = amount
        line.party = Model.get('party.party', config=config)(
            invoice['party'])
        line.related_to = Invoice(invoice['id'])
        if not line.party.name.startswith('ИП'):
            # the accountant of the client brings the cash
            line.ric_order_person = rng.choice(PERSONS)
        line.ric_order_attachment = "Счёт № %s от %s" % (
            invoice['number'], date_text(invoice['invoice_date']))
        statement.save()
        statement.click('validate_statement')
        balance += amount


def create(ctx):
    config, rng = ctx.config, ctx.rng
    Company = Model.get('company.company', config=config)
    Account = Model.get('account.account', config=config)
    Invoice = Model.get('account.invoice', config=config)
    Identifier = Model.get('party.identifier', config=config)
    Statement = Model.get('account.statement', config=config)
    company = Company(ctx.company.id)
    if config.context.get('company') != company.id:
        from trytond.modules.ric_billing.tests.tools import switch_company
        switch_company(company, config)
    accounts = {a['code']: a['id'] for a in _search_read(Account, [
                ('company', '=', company.id),
                ('code', 'in', ['51', '62.02', '68.02', '90.01', '91.02']),
                ], ['code'])}
    if '51' not in accounts:
        return
    for code in ['62.02', '68.02', '90.01', '91.02']:
        accounts.setdefault(code, None)
    first, last = last_month(ctx.today)
    days = working_days(first, last)
    if not days:
        return
    journal, number = _setup_bank(ctx, company)
    _setup_rules(ctx, company, accounts)
    ctx.data['bank_journal'] = journal.id

    own_inn = [i['code'] for i in _search_read(Identifier, [
                ('party', '=', company.party.id), ('type', '=', 'ru_vat')],
            ['code'])]
    own_inn = own_inn[0] if own_inn else '3123456783'
    own = {'name': company.party.name, 'inn': own_inn,
        'kpp': own_inn[:4] + '01001', 'account': number,
        'bank': OWN_BANK[0], 'bik': OWN_BANK[1], 'corr': OWN_BANK[2],
        'city': OWN_BANK[3]}

    # the open invoices of the RIC issued before the month
    invoices = _search_read(Invoice, [
            ('company', '=', company.id), ('type', '=', 'out'),
            ('state', '=', 'posted'), ('invoice_date', '<', first),
            ], ['number', 'invoice_date', 'party', 'account',
            'amount_to_pay', 'tax_amount'],
        order=[('invoice_date', 'ASC'), ('number', 'ASC'), ('id', 'ASC')])
    invoices = [i for i in invoices if i['amount_to_pay'] > 0]
    party_ids = sorted({i['party'] for i in invoices})
    payers = _parties(ctx, party_ids)
    # two clients pay in cash, an entrepreneur first
    candidates = sorted(party_ids,
        key=lambda p: (not payers[p]['name'].startswith('ИП'), p))
    cash_parties = candidates[:2] if len(candidates) > 4 else []
    others = [p for p in party_ids if p not in cash_parties and len(
            [i for i in invoices if i['party'] == p]) > 1]
    third = rng.choice(others) if len(others) > 5 else None

    planner = Planner(rng, days)
    planner.clients(invoices, payers, cash_parties, third, _third_payer(ctx))
    if accounts['90.01']:
        planner.seminars(max(ctx.scale, 1) * 2, accounts['90.01'])
    planner.fees()
    vat = sum((i['tax_amount'] for i in invoices), Decimal(0)) / 3
    planner.tax(max(vat.quantize(Decimal(1), rounding=ROUND_HALF_UP),
            Decimal(15000)))

    balance = Decimal(rng.randint(600000, 1400000)) + Decimal(
        rng.randint(0, 99)) / 100
    statements = []
    for index, day in enumerate(days):
        documents = planner.documents[day]
        rng.shuffle(documents)
        data = clientbank_file(own, day, balance, documents)
        balance += sum((d.amount if d.incoming else -d.amount
                for d in documents), Decimal(0))
        statement = _quietly('import %s' % day, _import, ctx, journal, day,
            data)
        if statement is None:
            continue
        statements.append(statement)
        _quietly('match %s' % day, statement.click, 'ric_match')
        if index == len(days) - 1 and len(days) > 2:
            continue  # the last day waits for the accountant
        settled = _quietly('settle %s' % day, _settle, ctx, statement,
            documents, number, accounts)
        if not settled or (index == len(days) - 2 and len(days) > 2):
            continue
        statement.reload()
        if statement.state == 'draft':
            _quietly('validate %s' % day, statement.click,
                'validate_statement')
    to_post = [s for s in Statement.find([
                ('id', 'in', [s.id for s in statements]),
                ('state', '=', 'validated'),
                ('date', '<=', first.replace(day=15)),
                ])]
    if to_post:
        _quietly('post', Statement.click, to_post, 'post')
    ctx.data['bank_statements'] = [s.id for s in statements]
    _quietly('cash desk', _cash, ctx, company, days, invoices, cash_parties)
