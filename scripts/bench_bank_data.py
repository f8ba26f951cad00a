# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The messy data of the bank benchmark (``scripts/bench_bank.py``)

Pure Python, no database: the benchmark creates the records and the
invoices from :func:`make_base`, posts the invoices, then gives their
numbers and totals to :func:`make_payments`, which writes the payments as
payers do and keeps with each one the truth it is scored against, and to
:func:`clientbank_file`, which writes them as a bank does.

The truth of a payment is what an accountant does with it: the invoices of
the payer's family (its head office and branches, the clients it pays for
and their legal persons) named in the purpose are paid in the order named;
a payment naming none of them pays the oldest open invoice of its amount,
else the oldest open invoices; the rest is an advance of the payer.  The
payments are simulated in the order of the file (the order the matching
reads them), so a doplata pays what the first payment left.
"""
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from trytond.modules.ric_base.requisites import (
    account_control_sum, complete_inn, is_valid_correspondent_account,
    is_valid_inn, is_valid_kpp, is_valid_settlement_account)

CENT = Decimal('0.01')
VAT_RATE = Decimal('0.22')
#: (name, BIK, correspondent account) of the banks of the payers
BANKS = [
    ("Белгородское отделение № 8592 ПАО Сбербанк", '041403633',
        '30101810100000000633'),
    ("ПАО Сбербанк", '044525225', '30101810400000000225'),
    ("Банк ВТБ (ПАО)", '044525187', '30101810700000000187'),
    ("АО «Альфа-Банк»", '044525593', '30101810200000000593'),
    ]
#: the RIC's own settlement account at the first bank
OWN_INN = '3123456783'
OWN_KPP = '312301001'
OWN_NAME = "ООО «РИЦ Бенч»"
#: the dates of the invoices of the three billed months and the period of
#: the bank file
INVOICE_DATES = [dt.date(2026, 1, 12), dt.date(2026, 2, 2),
    dt.date(2026, 3, 2)]
MONTHS = ["январь", "февраль", "март"]
FILE_START, FILE_END = dt.date(2026, 3, 3), dt.date(2026, 3, 31)
#: the payers of a client: profile and its weight
PROFILES = [
    ('company', 72),     # an organisation paying itself (INN and KPP)
    ('entrepreneur', 8),  # an ИП (12-digit INN, no KPP)
    ('branch', 7),       # a head office whose branch pays too
    ('successor', 7),    # invoices to a new legal person, the old one pays
    ('person', 6),       # a private person without INN, known account
    ]
#: the share of the payments from payers unknown to the books
UNKNOWN_SHARE = 0.03
#: the share of the documents that leave the account (fees, taxes)
OUTGOING_SHARE = 0.01

WORDS = ["Ромашка", "Василёк", "Лютик", "Клевер", "Вектор", "Альянс",
    "Стройинвест", "Агроснаб", "Белэнерго", "Оскольский хлеб", "Меридиан",
    "Прогресс", "Светоч", "Монолит", "Гарант", "Белмолпродукт", "Фаворит",
    "Спектр", "Русь", "Искра", "Нива", "Орбита", "Зенит", "Техносервис",
    "Автодор", "Сокол", "Мегаполис", "Черноземье", "Белогорье", "Стимул"]
FORMS = ["ООО «%s»", "ООО «%s»", "ООО «%s»", "АО «%s»", "ЗАО «%s»",
    "ООО ТД «%s»", "ООО «ПКФ %s»", "МБОУ «СОШ № %s»", "ОГБУЗ «%s»"]
SURNAMES = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Попов", "Соколов",
    "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Алексеев",
    "Белов", "Титов", "Орлов", "Макаров", "Захаров", "Зайцев"]
FIRST = "АБВГДЕИКЛМНОПРСТ"


@dataclass
class Party:
    "A party of the books (or an unknown payer when key is None)"
    key: int
    name: str
    inn: str = ''
    kpp: str = ''
    #: the settlement account the party pays from and the BIK of its bank
    account: str = ''
    bik: str = ''
    #: the account is a bank.account of the party in the books
    registered: bool = False
    is_client: bool = True
    address: bool = True


@dataclass
class Client:
    "A client of the RIC, the parties that pay for it and its invoices"
    key: int
    profile: str
    #: the party the invoices are addressed to and the RIC client of them
    invoice_party: int
    client_party: int
    #: [(party key, weight)] of the payers
    payers: list
    #: the parties a payment for the client may rightly be allocated to
    family: set
    invoices: list = field(default_factory=list)


@dataclass
class Invoice:
    key: int
    client: int
    party: int
    ric_client: int
    date: dt.date
    untaxed: Decimal
    #: set from the database once posted
    number: str = ''
    total: Decimal = None


@dataclass
class Payment:
    "A payment document with the truth it is scored against"
    number: str
    date: dt.date
    amount: Decimal
    payer: Party
    purpose: str
    #: what kind of payment it is (see make_payments) and how its invoice
    #: numbers were written
    kind: str
    form: str = ''
    #: the purpose names an invoice of the payer's family by its number
    has_number: bool = False
    #: the purpose quotes a number that is none of the family's invoices
    #: (another client's, or no invoice's)
    wrong_number: bool = False
    #: the invoices the payer meant (named in the purpose)
    named: list = field(default_factory=list)
    #: the client (None: unknown payer)
    client: int = None
    #: the invoice keys it really pays and the amount of its advance
    truth: list = field(default_factory=list)
    advance: Decimal = Decimal(0)
    #: the party keys it may be allocated to
    family: set = field(default_factory=set)
    #: written in the file as the bank sent it: INN inside the name, no KPP
    inn_in_name: bool = False
    no_kpp: bool = False
    outgoing: bool = False


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(amount):
    "The VAT included in an amount at 22 %"
    return money(amount * VAT_RATE / (1 + VAT_RATE))


def settlement_account(rng, bik, prefix='40702810'):
    """A 20-digit settlement account at the bank of bik with its control
    digit (the ninth)"""
    body = prefix + '0' + ''.join(
        str(rng.randrange(10)) for _ in range(19 - len(prefix)))
    for digit in '0123456789':
        account = body[:8] + digit + body[9:]
        if account_control_sum(bik[-3:], account) == 0:
            assert is_valid_settlement_account(account, bik)
            return account
    raise AssertionError(body)


def own_account():
    "The RIC's account at the first bank (always the same)"
    import random
    return settlement_account(random.Random(0), BANKS[0][1])


class Names:
    "Unique INNs and settlement accounts, plausible names"

    def __init__(self, rng):
        self.rng = rng
        self.inns = {OWN_INN}
        self.accounts = set()

    def inn(self, person=False):
        rng = self.rng
        while True:
            region = rng.choice(['31', '31', '31', '77', '36', '46', '50'])
            body = region + ''.join(str(rng.randrange(10))
                for _ in range(8 if person else 7))
            inn = complete_inn(body)
            if inn not in self.inns:
                self.inns.add(inn)
                assert is_valid_inn(inn)
                return inn

    def account(self, prefix='40702810'):
        rng = self.rng
        bank = rng.choice(BANKS[:1] * 3 + BANKS[1:])
        while True:
            account = settlement_account(rng, bank[1], prefix)
            if account not in self.accounts:
                self.accounts.add(account)
                return account, bank[1]

    def organisation(self, index):
        rng = self.rng
        form = rng.choice(FORMS)
        word = (str(rng.randrange(1, 60)) if 'СОШ' in form
            else rng.choice(WORDS))
        name = form % word
        if rng.random() < 0.5:
            name += '-%s' % index
        return name

    def person(self):
        rng = self.rng
        surname = rng.choice(SURNAMES)
        return '%s %s.%s.' % (surname, rng.choice(FIRST), rng.choice(FIRST))


class Base:
    "The parties, clients, counterparty history and invoices to create"

    def __init__(self):
        self.parties = []
        self.clients = []
        #: (client party key, counterparty key, start date)
        self.history = []
        self.invoices = []

    def party(self, **values):
        party = Party(key=len(self.parties), **values)
        self.parties.append(party)
        return party


def weighted(rng, choices):
    total = sum(w for _, w in choices)
    draw = rng.random() * total
    for value, weight in choices:
        draw -= weight
        if draw < 0:
            return value
    return choices[-1][0]


def make_base(rng, count):
    """Return the Base of count clients with their payers and 1–3 invoices
    each (January to March 2026)"""
    base = Base()
    names = Names(rng)

    def organisation(index, is_client=True):
        inn = names.inn()
        account, bik = names.account()
        kpp = inn[:4] + '01001'
        assert is_valid_kpp(kpp)
        return base.party(name=names.organisation(index), inn=inn, kpp=kpp,
            account=account, bik=bik, is_client=is_client)

    def entrepreneur(is_client=True):
        account, bik = names.account('40802810')
        return base.party(name="ИП %s" % names.person(),
            inn=names.inn(person=True), account=account, bik=bik,
            is_client=is_client)

    for index in range(count):
        profile = weighted(rng, PROFILES)
        if profile in {'company', 'entrepreneur'}:
            party = (organisation(index) if profile == 'company'
                else entrepreneur())
            client = Client(len(base.clients), profile, party.key, party.key,
                [(party.key, 1)], {party.key})
        elif profile == 'branch':
            head = organisation(index)
            account, bik = names.account()
            kpp = '%04d43%03d' % (rng.randrange(3100, 3130),
                rng.randrange(1, 999))
            branch = base.party(name="%s, филиал в г. %s" % (
                    head.name, rng.choice(["Старый Оскол", "Губкин",
                            "Валуйки", "Шебекино"])),
                inn=head.inn, kpp=kpp, account=account, bik=bik)
            client = Client(len(base.clients), profile, head.key, head.key,
                [(head.key, 4), (branch.key, 6)], {head.key, branch.key})
        elif profile == 'successor':
            old = (entrepreneur(is_client=False) if rng.random() < 0.5
                else organisation(index, is_client=False))
            new = organisation(index, is_client=False)
            card = base.party(name="%s (клиент)" % rng.choice(WORDS)
                + ' %s' % index, address=True)
            base.history.append((card.key, old.key, dt.date(2024, 1, 1)))
            base.history.append((card.key, new.key, dt.date(2026, 1, 1)))
            client = Client(len(base.clients), profile, new.key, card.key,
                [(old.key, 7), (new.key, 3)], {old.key, new.key, card.key})
        else:
            account, bik = names.account('40817810')
            person = base.party(name="%s %s %s" % (
                    rng.choice(SURNAMES), rng.choice(["Иван", "Пётр",
                            "Сергей", "Анна", "Ольга", "Елена"]),
                    rng.choice(["Иванович", "Петровна", "Сергеевич",
                            "Алексеевна"])),
                account=account, bik=bik, registered=True)
            client = Client(len(base.clients), profile, person.key,
                person.key, [(person.key, 1)], {person.key})
        base.clients.append(client)
        months = weighted(rng, [(1, 3), (2, 4), (3, 3)])
        price = Decimal(rng.randrange(2000, 40000, 10))
        stable = rng.random() < 0.6
        for date in INVOICE_DATES[-months:]:
            untaxed = price
            if not stable:
                untaxed = price + Decimal(rng.choice(
                        [0, 1250, 2480, -1000, 3700])) + Decimal(
                    rng.randrange(0, 100)) / 100
                untaxed = max(untaxed, Decimal(500))
            invoice = Invoice(len(base.invoices), client.key,
                client.invoice_party, client.client_party, date, untaxed)
            base.invoices.append(invoice)
            client.invoices.append(invoice.key)
    return base


# --- writing the purposes ---

_SPLIT_NUMBER = re.compile(r'^(?P<prefix>\D*?)(?P<digits>\d+)$')


def write_number(rng, number):
    """Return (text, form) of an invoice number as a payer writes it"""
    match = _SPLIT_NUMBER.match(number)
    if not match:
        return number, 'as is'
    prefix, digits = match.group('prefix'), match.group('digits')
    value = digits.lstrip('0') or '0'
    letters = prefix.strip(' -')
    forms = [('as is', 40)]
    if letters:
        forms += [('digits', 12), ('no zeros', 14), ('prefix space', 6),
            ('prefix lower', 5), ('prefix joined', 5),
            ('latin prefix', 2), ('spaced dash', 2), ('zeros split', 4)]
    else:
        forms += [('zeros', 6)]
    if len(value) >= 4:
        forms += [('thousands space', 4), ('thousands dash', 2)]
    form = weighted(rng, forms)
    if form == 'as is':
        text = number
    elif form == 'digits':
        text = digits
    elif form == 'no zeros':
        text = value
    elif form == 'prefix space':
        text = '%s %s' % (letters, digits)
    elif form == 'prefix lower':
        text = '%s-%s' % (letters.lower(), value)
    elif form == 'prefix joined':
        text = letters + digits
    elif form == 'latin prefix':
        text = '%s-%s' % (letters.translate(str.maketrans('РС', 'PC')),
            digits)
    elif form == 'spaced dash':
        text = '%s - %s %s' % (letters, digits[:-3], digits[-3:])
    elif form == 'zeros split':
        text = '%s-%s' % (digits[:-3], digits[-3:])
    elif form == 'zeros':
        text = '000' + digits
    elif form == 'thousands space':
        text = '%s %s' % (value[:-3], value[-3:])
    else:
        text = '%s-%s' % (value[:-3], value[-3:])
    return text, form


#: the word «счёт» as written before one number: (text, typo or not)
WORD_ONE = [("счету", 30), ("счёту", 6), ("сч.", 18), ("сч", 5),
    ("счет", 8), ("Счет", 4), ("СЧЕТУ", 3), ("с/ф", 4), ("счету-фактуре", 1),
    ("щету", 3), ("сч-т", 3), ("счт", 2), ("cчету", 2), ("счёт", 3),
    ("сч.№", 3)]
TYPOS = {"щету", "сч-т", "счт", "cчету"}
WORD_MANY = [("счетам", 40), ("счетов", 10), ("сч.", 20), ("счета", 15),
    ("щетам", 3)]
SIGN = [(" № ", 40), (" №", 15), (" N ", 8), (" N", 3), (" ", 30),
    (" No ", 2)]


def vat_phrase(rng, amount):
    vat = vat_of(amount)
    return weighted(rng, [
            (", в т.ч. НДС 22%% %s" % vat, 30),
            (" В т.ч. НДС (22%%) %s руб." % vat, 12),
            (" в том числе НДС 22 %% - %s" % str(vat).replace('.', '-'), 6),
            (" Сумма %s, в т.ч. НДС %s" % (amount, vat), 10),
            (", НДС 22%", 8),
            (" НДС не облагается", 4),
            ("", 30),
            ])


def date_text(date):
    return date.strftime('%d.%m.%Y')


def _word(rng, many=False):
    word = weighted(rng, WORD_MANY if many else WORD_ONE)
    sign = '' if word.endswith('№') else weighted(rng, SIGN)
    if word.endswith('.') and sign == ' ' and rng.random() < 0.5:
        sign = ''
    return word, sign


def purpose_one(rng, number, date, amount, month, lead="Оплата по"):
    """Return (purpose, form) naming one invoice number"""
    text, form = write_number(rng, number)
    word, sign = _word(rng)
    if word in TYPOS:
        form += ', typo %s' % word
    named = word + sign + text
    vat = vat_phrase(rng, amount)
    template = weighted(rng, [
            ("{lead} {named} от {date} за информационное обслуживание{vat}",
                30),
            ("{lead} {named} от {date}г.{vat}", 12),
            ("{named}", 8),
            ("по {named}{vat}", 8),
            ("Оплата {named} за {month} 2026 г.{vat}", 10),
            ("{lead} {word} от {date} №{text}{vat}", 5),
            ("За информационное обслуживание КонсультантПлюс по {named}, "
                "{month} 2026{vat}", 8),
            ("Оплата по договору № {contract} по {named}{vat}", 6),
            ("{upper}", 5),
            ("Абонентское обслуживание ({named}){vat}", 4),
            ])
    if template == "{upper}":
        result = "ОПЛАТА ПО %s ОТ %s%s" % (named.upper(), date_text(date),
            vat.upper())
    else:
        result = template.format(lead=lead, named=named, date=date_text(date),
            vat=vat, month=month, word=word.rstrip('№'), text=text,
            contract='%s/%02d' % (rng.randrange(10, 400),
                rng.randrange(1, 13)))
    if "от {date} №" in template:
        form += ', after the date'
    return result, form


def purpose_many(rng, numbers, dates, amount):
    "Return (purpose, form) naming several invoice numbers"
    texts = [write_number(rng, n)[0] for n in numbers]
    word, sign = _word(rng, many=True)
    vat = vat_phrase(rng, amount)
    style = weighted(rng, [('comma and', 40), ('commas', 10),
            ('numero each', 12), ('word each', 12), ('dates', 3)])
    if style == 'comma and':
        listed = ', '.join(texts[:-1]) + ' и ' + texts[-1]
        body = word + sign + listed
    elif style == 'commas':
        body = word + sign + ','.join(texts)
    elif style == 'numero each':
        body = word + ' ' + ', '.join('№%s' % t for t in texts)
    elif style == 'word each':
        body = ', '.join('сч. %s от %s' % (t, date_text(d))
            for t, d in zip(texts, dates))
    else:
        body = word + sign + ', '.join('%s от %s' % (t, date_text(d))
            for t, d in zip(texts, dates))
    template = weighted(rng, [("Оплата по {body}{vat}", 50),
            ("Оплата {body} за информационное обслуживание{vat}", 25),
            ("{body}", 10), ("За обслуживание по {body}{vat}", 15)])
    return template.format(body=body, vat=vat), 'list, ' + style


def purpose_none(rng, amount, month, kind):
    "Return a purpose naming no invoice"
    vat = vat_phrase(rng, amount)
    if kind == 'doplata':
        return weighted(rng, [("Доплата за обслуживание", 4),
                ("Доплата за информационное обслуживание%s" % vat, 3),
                ("Окончательный расчет за %s" % month, 2)])
    contract = '%s/%02d' % (rng.randrange(10, 400), rng.randrange(1, 13))
    return weighted(rng, [
            ("Оплата за информационное обслуживание за %s 2026 г.%s" % (
                    month, vat), 30),
            ("Абонентское обслуживание КонсультантПлюс за %s%s" % (
                    month, vat), 15),
            ("Оплата по договору № %s от 01.01.2026 за %s%s" % (
                    contract, month, vat), 15),
            ("Оплата за услуги%s" % vat, 10),
            ("Оплата по счету от %s%s" % (date_text(
                        INVOICE_DATES[MONTHS.index(month)]), vat), 8),
            ("Оплата за сопровождение системы КонсультантПлюс%s" % vat, 10),
            ("Информационное обслуживание, %s" % month, 12),
            ])


# --- the payments ---

def _dates(rng, count):
    days = [FILE_START + dt.timedelta(days=i)
        for i in range((FILE_END - FILE_START).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    # the rank orders the documents of a day (the bank's order)
    return sorted((rng.choice(days), rng.random()) for _ in range(count))


def make_payments(rng, base, count):
    """Return the payments (sorted as in the file) of count incoming
    payments and the outgoing documents of the account

    The numbers and totals of base.invoices must be set."""
    invoices = base.invoices
    parties = base.parties
    numbers = {i.key: i.number for i in invoices}
    by_number = {}
    for invoice in invoices:
        by_number[invoice.number] = invoice
    names = Names(rng)
    names.inns |= {p.inn for p in parties if p.inn}
    names.accounts |= {p.account for p in parties}
    unknown = max(1, round(count * UNKNOWN_SHARE)) if count > 30 else 0
    target = count - unknown

    plans = []  # per client: [event dict] in the client's order
    clients = list(base.clients)
    rng.shuffle(clients)
    for client in clients:
        events = []
        keys = list(client.invoices)
        draw = rng.random()
        if len(keys) >= 2 and draw < 0.15:
            # one payment for several invoices, naming them or not
            group = keys if rng.random() < 0.5 else keys[:2]
            events.append({'kind': 'several' if draw < 0.11
                    else 'no number, several', 'named': group})
            keys = [k for k in keys if k not in group]
        for key in keys:
            kind = weighted(rng, [
                    ('unpaid', 7), ('number', 53), ('no number', 14),
                    ('partial', 5), ('overpayment', 4),
                    ('other client number', 3), ('unknown number', 1.5),
                    ('number', 12.5)])
            if kind == 'unpaid':
                continue
            events.append({'kind': kind, 'named': [key]})
            if kind == 'partial' and rng.random() < 0.7:
                events.append({'kind': 'doplata', 'named': [key],
                        'written': rng.random() < 0.5})
        plans.append((client, events))
    total = sum(len(e) for _, e in plans)
    if total > target:
        # keep target events, drawn at random, each client's in order
        flat = [(i, j) for i, (_, e) in enumerate(plans)
            for j in range(len(e))]
        keep = set(rng.sample(flat, target))
        plans = [(c, [e for j, e in enumerate(events) if (i, j) in keep])
            for i, (c, events) in enumerate(plans)]
    else:
        for _ in range(target - total):
            client, events = rng.choice(plans)
            events.append({'kind': 'no number, any amount', 'named': []})

    # dates: each client's events in order
    dated = []
    for client, events in plans:
        for event, (date, rank) in zip(events, _dates(rng, len(events))):
            event['client'] = client
            event['date'], event['rank'] = date, rank
            dated.append(event)
    for date, rank in _dates(rng, unknown):
        dated.append({'kind': 'unknown payer', 'date': date, 'rank': rank,
                'named': [], 'client': None})
    dated.sort(key=lambda e: (e['date'], e['rank']))

    due = {i.key: i.total for i in invoices}
    # what the payers think they still owe on each invoice
    intent = dict(due)
    payments = []
    used_numbers = set()

    def document_number():
        while True:
            number = str(rng.randrange(1, 99999))
            if number not in used_numbers:
                used_numbers.add(number)
                return number

    for event in dated:
        client = event['client']
        kind = event['kind']
        date = event['date']
        if client is None:
            payments.append(_unknown_payment(rng, names, document_number(),
                    date))
            continue
        payer = parties[weighted(rng, client.payers)]
        family_invoices = [k for k in client.invoices]
        named = event['named']
        invoice = invoices[named[0]] if named else None
        month = MONTHS[INVOICE_DATES.index(invoice.date)] if invoice else (
            rng.choice(MONTHS))
        has_number, form, quoted = False, '', named
        if kind == 'several':
            amount = sum((intent[k] for k in named), Decimal(0))
            purpose, form = purpose_many(rng, [numbers[k] for k in named],
                [invoices[k].date for k in named], amount)
            has_number = True
        elif kind in {'number', 'overpayment', 'partial'} or (
                kind == 'doplata' and event.get('written')):
            left = intent[named[0]]
            if kind == 'number':
                amount = left
            elif kind == 'overpayment':
                amount = left + weighted(rng, [
                        (left, 3), (Decimal(1000), 2),
                        (money(left * Decimal('0.1')), 2), (CENT * 50, 1)])
            elif kind == 'partial':
                amount = money(left * Decimal(rng.choice(
                            ['0.3', '0.5', '0.5', '0.6', '0.7'])))
            else:
                amount = left
            lead = {'partial': "Частичная оплата по",
                'doplata': "Доплата по"}.get(kind, "Оплата по")
            purpose, form = purpose_one(rng, numbers[named[0]],
                invoice.date, amount, month, lead=lead)
            if kind == 'overpayment':
                purpose += weighted(rng, [(" и аванс за апрель", 2),
                        ("", 3)])
            has_number = True
        elif kind in {'other client number', 'unknown number'}:
            amount = intent[named[0]]
            if kind == 'other client number':
                other = rng.choice(invoices)
                while other.client == client.key:
                    other = rng.choice(invoices)
                number = other.number
            else:
                number = _unknown_number(rng, numbers[named[0]], by_number)
            purpose, form = purpose_one(rng, number, invoice.date, amount,
                month)
            quoted = []
        elif kind == 'no number, several':
            amount = sum((intent[k] for k in named), Decimal(0)) or Decimal(
                rng.randrange(1000, 20000, 500))
            purpose = purpose_none(rng, amount, month, 'none')
            quoted = []
        elif kind == 'no number, any amount':
            amount = Decimal(rng.randrange(1000, 30000, 500))
            purpose = purpose_none(rng, amount, month, 'none')
        elif kind == 'doplata':
            amount = intent[named[0]] or Decimal(
                rng.randrange(500, 5000, 100))
            purpose = purpose_none(rng, amount, month, 'doplata')
            quoted = []
        else:  # 'no number'
            amount = intent[named[0]] or Decimal(
                rng.randrange(1000, 20000, 100))
            purpose = purpose_none(rng, amount, month, 'none')
            quoted = []
        if amount <= 0:
            amount = Decimal(rng.randrange(1000, 20000, 100))
        payment = Payment(number=document_number(), date=date,
            amount=money(amount), payer=payer, purpose=purpose, kind=kind,
            form=form, has_number=has_number, wrong_number=kind in {
                'other client number', 'unknown number'}, named=list(quoted),
            client=client.key, family=set(client.family))
        payment.inn_in_name = bool(payer.inn) and rng.random() < 0.02
        payment.no_kpp = bool(payer.kpp) and rng.random() < 0.05
        _allocate(payment, quoted, family_invoices, due, invoices)
        remaining = payment.amount
        for key in named:
            paid = min(remaining, intent[key])
            intent[key] -= paid
            remaining -= paid
        payments.append(payment)

    outgoing = []
    for date, _ in _dates(rng, max(1, round(count * OUTGOING_SHARE))):
        outgoing.append(Payment(number=document_number(), date=date,
                amount=Decimal(rng.choice(['150.00', '990.00', '1200.00',
                            '35000.00'])), payer=None,
                purpose=rng.choice(["Комиссия за ведение счета",
                        "Комиссия за перевод по п/п",
                        "Налог на добавленную стоимость за 4 квартал 2025"]),
                kind='outgoing', outgoing=True))
    return payments, outgoing


def _unknown_number(rng, number, by_number):
    "A number written by mistake: no invoice has it"
    match = _SPLIT_NUMBER.match(number)
    prefix, digits = match.group('prefix'), match.group('digits')
    while True:
        candidate = prefix + str(int(digits) + rng.randrange(
                len(by_number) + 10, len(by_number) * 3 + 100)).zfill(
            len(digits))
        if candidate not in by_number:
            return candidate


def _unknown_payment(rng, names, number, date):
    if rng.random() < 0.6:
        account, bik = names.account()
        payer = Party(key=None, name=names.organisation(
                rng.randrange(1000)), inn=names.inn(), kpp='', account=account,
            bik=bik)
    else:
        account, bik = names.account('40817810')
        payer = Party(key=None, name="%s %s" % (rng.choice(SURNAMES),
                "Сергей Иванович"), account=account, bik=bik)
    purpose = rng.choice(["Оплата за семинар «Изменения в НДС 2026»",
            "Оплата за обучение сотрудника", "Возврат займа по договору 12",
            "Оплата по договору № 45/2026 за участие в семинаре, "
            "НДС не облагается", "Возврат ошибочно перечисленных средств",
            "Оплата за подписку на журнал"])
    amount = money(rng.choice([1500, 2500, 4800, 9900, 12000]))
    return Payment(number=number, date=date, amount=amount, payer=payer,
        purpose=purpose, kind='unknown payer')


def _allocate(payment, named, family_invoices, due, invoices):
    """Set the truth of the payment as the accountant allocates it and
    consume what it pays from due"""
    remaining = payment.amount
    open_keys = sorted((k for k in family_invoices if due[k] > 0),
        key=lambda k: (invoices[k].date, invoices[k].key))
    chosen = [k for k in named if k in family_invoices and due[k] > 0]
    if not chosen:
        exact = [k for k in open_keys if due[k] == remaining]
        chosen = exact[:1] or open_keys
    for key in chosen:
        if remaining <= 0:
            break
        amount = min(remaining, due[key])
        if amount <= 0:
            continue
        due[key] -= amount
        remaining -= amount
        payment.truth.append(key)
    payment.advance = remaining


# --- the bank file ---

def clientbank_file(payments, outgoing, account, start=FILE_START,
        end=FILE_END, rng=None):
    """Return the bytes of the 1CClientBankExchange file (cp1251, CRLF) of
    the documents of the account, as a bank writes it"""
    bank_name, bik, correspondent = BANKS[0]
    documents = sorted(payments + outgoing, key=lambda p: p.date)
    incoming = sum((p.amount for p in payments), Decimal(0))
    out = sum((p.amount for p in outgoing), Decimal(0))
    start_balance = Decimal('125000.00')
    lines = ['1CClientBankExchange', 'ВерсияФормата=1.03',
        'Кодировка=Windows', 'Отправитель=Бухгалтерия предприятия',
        'Получатель=',
        'ДатаСоздания=%s' % date_text(end + dt.timedelta(days=1)),
        'ВремяСоздания=09:12:45',
        'ДатаНачала=%s' % date_text(start), 'ДатаКонца=%s' % date_text(end),
        'РасчСчет=%s' % account,
        'Документ=Платежное поручение',
        'СекцияРасчСчет', 'ДатаНачала=%s' % date_text(start),
        'ДатаКонца=%s' % date_text(end), 'РасчСчет=%s' % account,
        'НачальныйОстаток=%s' % start_balance,
        'ВсегоПоступило=%s' % incoming, 'ВсегоСписано=%s' % out,
        'КонечныйОстаток=%s' % (start_balance + incoming - out),
        'КонецРасчСчет']
    own = [('Счет', account), ('', OWN_NAME), ('ИНН', OWN_INN),
        ('КПП', OWN_KPP), ('1', OWN_NAME), ('РасчСчет', account),
        ('Банк1', bank_name), ('Банк2', 'г. Белгород'), ('БИК', bik),
        ('Корсчет', correspondent)]
    banks = {b[1]: b for b in BANKS}
    for document in documents:
        if document.outgoing:
            kind = 'Банковский ордер' if 'Комиссия' in document.purpose else (
                'Платежное поручение')
            payer = own
            recipient = [('Счет', '70601810000000000001'
                    if kind == 'Банковский ордер' else
                    '03100643000000012600'), ('', "ПАО Сбербанк"
                    if kind == 'Банковский ордер' else "Казначейство России "
                    "(ФНС России)"), ('ИНН', '7707083893'
                    if kind == 'Банковский ордер' else '7727406020'),
                ('КПП', ''), ('БИК', bik)]
        else:
            kind = 'Платежное поручение'
            party = document.payer
            pbank = banks[party.bik]
            name = party.name
            inn = party.inn
            if document.inn_in_name:
                name, inn = 'ИНН %s %s' % (party.inn, party.name), ''
            payer = [('Счет', party.account), ('', name), ('ИНН', inn),
                ('КПП', '' if document.no_kpp else party.kpp),
                ('1', party.name),
                ('РасчСчет', party.account), ('Банк1', pbank[0]),
                ('Банк2', 'г. Москва' if pbank[1].startswith('0445')
                    else 'г. Белгород'),
                ('БИК', pbank[1]), ('Корсчет', pbank[2])]
            recipient = own
        lines += ['СекцияДокумент=%s' % kind,
            'Номер=%s' % document.number,
            'Дата=%s' % date_text(document.date),
            'Сумма=%s' % document.amount]
        lines += ['Плательщик%s=%s' % kv for kv in payer]
        lines += ['Получатель%s=%s' % kv for kv in recipient]
        if document.outgoing:
            lines.append('ДатаСписано=%s' % date_text(document.date))
        else:
            lines.append('ДатаПоступило=%s' % date_text(document.date))
        lines += ['ВидПлатежа=электронно', 'ВидОплаты=01',
            'Очередность=5']
        purpose = document.purpose
        if len(purpose) > 120 and rng is not None and rng.random() < 0.3:
            # some banks cut the purpose into continuation keys as well
            lines.append('НазначениеПлатежа=%s' % purpose)
            for index, start_ in enumerate(range(0, len(purpose), 70), 1):
                lines.append('НазначениеПлатежа%s=%s' % (
                        index, purpose[start_:start_ + 70]))
        else:
            lines.append('НазначениеПлатежа=%s' % purpose)
        lines.append('КонецДокумента')
    lines += ['КонецФайла', '']
    return '\r\n'.join(lines).encode('cp1251')


def check_banks():
    for _, bik, correspondent in BANKS:
        assert is_valid_correspondent_account(correspondent, bik), bik
