# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reader of the bank exchange files ``1CClientBankExchange`` (1.01–1.03)

A pure-Python parser (no database): :func:`parse` takes the bytes of a file
and returns an :class:`Exchange` with the header, one :class:`Account` per
``СекцияРасчСчет`` and the :class:`Document` of each
``СекцияДокумент=…`` … ``КонецДокумента``.  Every problem raises
:class:`ParseError` with the ``reason`` (the end of the id of its
``ir.message``: ``ric_bank.msg_clientbank_<reason>``), the ``line`` (1-based)
and the ``field`` (the key of the file); the Tryton layer turns it into a
:class:`~trytond.modules.ric_bank.exceptions.ClientBankFileError`.

The quirks of real files are accepted: spaces around keys and values, blank
lines, lines without ``=`` (a key without value), ``=value`` lines without a
key (ignored), repeated header keys (all ``РасчСчет`` are kept), ``=``
inside a value, ``НазначениеПлатежа1..n`` continuation keys, the INN (and
KPP) written only inside the name (``Плательщик=ИНН 7707083893 ООО …``),
amounts with a comma, spaces or non-breaking spaces, unknown keys (kept in
``Document.values``), CRLF, LF or CR line ends.
"""
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

__all__ = ['ParseError', 'Exchange', 'Account', 'Document', 'Counterparty',
    'parse', 'parse_amount', 'parse_date', 'REASONS', 'ENCODINGS']

MAGIC = '1CClientBankExchange'
#: the values of ``Кодировка`` and their Python codec
ENCODINGS = {
    'windows': 'cp1251',
    'dos': 'cp866',
    }
DEFAULT_ENCODING = 'cp1251'
#: the reasons of ParseError, each with its message msg_clientbank_<reason>
REASONS = ('encoding', 'encoding_name', 'magic', 'end_of_file',
    'document_end', 'account_end', 'unexpected', 'after_end', 'required',
    'amount', 'date', 'direction')
_ENCODING_KEY = 'Кодировка'
_LINE_END = re.compile(r'\r\n|\r|\n')
_AMOUNT = re.compile(r'-?\d+(?:\.\d{1,2})?')
_SPACES = re.compile(r'[\s\u00a0\u2007\u202f]+')
#: the INN (and KPP) written at the start of a name
_NAME_INN = re.compile(
    r'^\s*ИНН\s*(?P<inn>\d{10}|\d{12})(?!\d)'
    r'(?:\s*[/,]?\s*(?:КПП\s*)?(?P<kpp>\d{9})(?!\d))?[\s,;]*(?P<name>.*)$',
    re.DOTALL)
_PURPOSE = 'НазначениеПлатежа'
_PURPOSE_CONTINUATION = re.compile(r'^НазначениеПлатежа(\d+)$')

#: the keys of an account section
ACCOUNT_KEYS = {
    'number': 'РасчСчет',
    'start_date': 'ДатаНачала',
    'end_date': 'ДатаКонца',
    'start_balance': 'НачальныйОстаток',
    'total_incoming': 'ВсегоПоступило',
    'total_outgoing': 'ВсегоСписано',
    'end_balance': 'КонечныйОстаток',
    }


class ParseError(Exception):
    """A file that cannot be read: reason, line (1-based) and field (a key
    of the file or '')"""

    def __init__(self, reason, line, field='', value=''):
        assert reason in REASONS, reason
        super().__init__(reason, line, field, value)
        self.reason = reason
        self.line = line
        self.field = field
        self.value = value

    def __str__(self):
        return 'line %s: %s %s %s' % (
            self.line, self.reason, self.field, self.value)


@dataclass
class Counterparty:
    "The payer or the recipient of a document"
    name: str = ''
    inn: str = ''
    kpp: str = ''
    account: str = ''
    bik: str = ''
    bank: str = ''
    correspondent_account: str = ''


@dataclass
class Document:
    "A payment document: its keys as read and the values it carries"
    line: int
    kind: str
    number: str
    date: dt.date
    amount: Decimal
    payer: Counterparty
    recipient: Counterparty
    received_date: dt.date = None
    debited_date: dt.date = None
    purpose: str = ''
    #: ВидПлатежа (e.g. «электронно»), ВидОплаты (01: payment order),
    #: Очередность (1–5)
    payment_kind: str = ''
    payment_type: str = ''
    priority: str = ''
    #: every key of the document with its value (stripped), the first
    #: non-empty value of a repeated key
    values: dict = field(default_factory=dict)

    def direction(self, account):
        """Return 'incoming' or 'outgoing' for the account number, None when
        the document is not of the account"""
        if self.recipient.account == account:
            return 'incoming'
        if self.payer.account == account:
            return 'outgoing'
        return None

    def counterparty(self, account):
        "Return the other side of the document for the account"
        if self.direction(account) == 'outgoing':
            return self.recipient
        return self.payer

    def value_date(self, account):
        "Return the date the money moved on the account"
        if self.direction(account) == 'outgoing':
            return self.debited_date or self.date
        return self.received_date or self.date

    def signed_amount(self, account):
        "Return the amount, negative when it leaves the account"
        if self.direction(account) == 'outgoing':
            return -self.amount
        return self.amount

    def identity(self, account):
        """Return the text identifying the document on the account: account,
        date, number, amount and the account of the other side"""
        return '|'.join([account, self.date.isoformat(), self.number,
                '%.2f' % self.amount, self.counterparty(account).account])


@dataclass
class Account:
    "A section СекцияРасчСчет (or an account named only by the header)"
    line: int
    number: str
    start_date: dt.date = None
    end_date: dt.date = None
    start_balance: Decimal = None
    total_incoming: Decimal = None
    total_outgoing: Decimal = None
    end_balance: Decimal = None
    #: the documents of the account, in the order of the file
    documents: list = field(default_factory=list)


@dataclass
class Exchange:
    "The content of a file"
    filename: str
    encoding: str
    version: str
    #: the (key, value) pairs of the header in the order of the file
    header: list
    accounts: list
    documents: list

    def get(self, key, default=''):
        "Return the first value of key in the header"
        for name, value in self.header:
            if name == key:
                return value
        return default

    def getall(self, key):
        "Return every value of key in the header"
        return [v for k, v in self.header if k == key]


def parse_amount(value):
    """Return the Decimal of an amount written with a point or a comma and
    spaces between the thousands; raise ValueError"""
    text = _SPACES.sub('', value or '').replace(',', '.')
    if not _AMOUNT.fullmatch(text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(value)


def parse_date(value):
    "Return the date of DD.MM.YYYY; raise ValueError"
    value = (value or '').strip()
    if not re.fullmatch(r'\d{1,2}\.\d{1,2}\.\d{4}', value):
        raise ValueError(value)
    return dt.datetime.strptime(value, '%d.%m.%Y').date()


def _encoding(data):
    "Return (codec, line of Кодировка or None, its value) of the bytes"
    for codec in ('cp1251', 'cp866'):
        key = _ENCODING_KEY.encode(codec)
        for match in re.finditer(re.escape(key) + rb'[ \t]*=([^\r\n]*)',
                data):
            start = max(data.rfind(b'\n', 0, match.start()),
                data.rfind(b'\r', 0, match.start())) + 1
            if data[start:match.start()].strip():
                continue
            value = match.group(1).decode('ascii', 'replace').strip()
            line = len(_LINE_END.findall(
                    data[:match.start()].decode('latin-1'))) + 1
            return codec, line, value
    return None, None, ''


def _codec(data):
    "Return the codec named by the Кодировка key of the bytes"
    _, line, value = _encoding(data)
    if line is None:
        return DEFAULT_ENCODING
    codec = ENCODINGS.get(value.strip().lower())
    if codec is None:
        raise ParseError('encoding_name', line, _ENCODING_KEY, value)
    return codec


def decode(data):
    """Return (text, codec) of the bytes of a file: the codec named by
    ``Кодировка`` (Windows: cp1251, DOS: cp866), cp1251 without it"""
    if isinstance(data, str):
        return data, None
    data = bytes(data)
    codec = None
    if data.startswith(b'\xef\xbb\xbf'):
        # a byte order mark: an editor saved the file in UTF-8, or put the
        # mark before the bank's bytes
        data = data[3:]
        try:
            data.decode('utf-8')
            codec = 'utf-8'
        except UnicodeDecodeError:
            pass
    codec = codec or _codec(data)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exception:
        line = len(_LINE_END.findall(
                data[:exception.start].decode('latin-1'))) + 1
        raise ParseError('encoding', line, '', codec)
    if '\x00' in text:
        line = len(_LINE_END.findall(text[:text.index('\x00')])) + 1
        raise ParseError('encoding', line, '', codec)
    return text, codec


def _split(text):
    "Return (key, value) of a line: the value after the first '='"
    key, sep, value = text.partition('=')
    return key.strip(), value.strip()


def _name_requisites(name):
    "Return (name, inn, kpp) of a name that may start with ИНН"
    match = _NAME_INN.match(name)
    if not match:
        return name, '', ''
    return match.group('name').strip(), match.group('inn'), (
        match.group('kpp') or '')


def _counterparty(values, prefix):
    def get(*keys):
        for key in keys:
            if values.get(prefix + key):
                return values[prefix + key]
        return ''
    full_name = values.get(prefix, '')
    name, inn, kpp = _name_requisites(full_name)
    return Counterparty(
        name=get('1') or name,
        inn=get('ИНН') or inn,
        kpp=get('КПП') or kpp,
        account=get('Счет', 'РасчСчет'),
        bik=get('БИК'),
        bank=' '.join(v for v in (get('Банк1'), get('Банк2')) if v),
        correspondent_account=get('Корсчет'),
        )


def _normalize(text):
    return _SPACES.sub(' ', text).strip()


def join_purpose(main, continuations):
    """Return the purpose of a payment from НазначениеПлатежа and the texts
    of НазначениеПлатежа1..n (in order)

    A bank writes either the whole text in НазначениеПлатежа (and may
    repeat it split in the continuation keys, as the format describes) or
    its first part there and the rest in the continuation keys: the
    continuations are appended unless they are the whole text again
    (compared without spaces, as a split may cut a word)."""
    rest = _normalize(' '.join(c for c in continuations if c))
    main = _normalize(main)
    if not main:
        return rest
    if not rest or _SPACES.sub('', rest) == _SPACES.sub('', main):
        return main
    return main + ' ' + rest


class _Reader:

    def __init__(self, text, filename):
        self.filename = filename
        self.lines = _LINE_END.split(text)
        if self.lines and self.lines[-1] == '':
            self.lines.pop()

    def __iter__(self):
        for number, line in enumerate(self.lines, 1):
            # a DOS end-of-file character may end the text
            line = line.replace('\x1a', '').strip()
            if line:
                yield number, line


def _document(start, kind, values, lines):
    "Return the Document of the values of a section"
    def required(key, parser, reason):
        value = values.get(key, '')
        if not value:
            raise ParseError('required', lines.get(key, start), key)
        try:
            return parser(value)
        except ValueError:
            raise ParseError(reason, lines[key], key, value)

    def optional_date(key):
        value = values.get(key, '')
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError:
            raise ParseError('date', lines[key], key, value)

    date = required('Дата', parse_date, 'date')
    amount = required('Сумма', parse_amount, 'amount')
    if amount <= 0:
        raise ParseError('amount', lines['Сумма'], 'Сумма', values['Сумма'])
    continuations = sorted(
        (int(m.group(1)), v) for k, v in values.items()
        for m in [_PURPOSE_CONTINUATION.match(k)] if m)
    return Document(
        line=start,
        kind=kind,
        number=values.get('Номер', ''),
        date=date,
        amount=amount,
        payer=_counterparty(values, 'Плательщик'),
        recipient=_counterparty(values, 'Получатель'),
        received_date=optional_date('ДатаПоступило'),
        debited_date=optional_date('ДатаСписано'),
        purpose=join_purpose(
            values.get(_PURPOSE, ''), [v for _, v in continuations]),
        payment_kind=values.get('ВидПлатежа', ''),
        payment_type=values.get('ВидОплаты', ''),
        priority=values.get('Очередность', ''),
        values=dict(values),
        )


def _account(start, values, lines):
    number = values.get('РасчСчет', '')
    if not number:
        raise ParseError('required', start, 'РасчСчет')
    account = Account(line=start, number=number)
    for name, key in ACCOUNT_KEYS.items():
        if name == 'number' or not values.get(key):
            continue
        parser = parse_date if name.endswith('date') else parse_amount
        try:
            setattr(account, name, parser(values[key]))
        except ValueError:
            raise ParseError('date' if name.endswith('date') else 'amount',
                lines[key], key, values[key])
    return account


def _store(values, lines, key, value, number):
    "Keep the first non-empty value of a key"
    if key not in values or (value and not values[key]):
        values[key] = value
        lines[key] = number


def parse(data, filename=''):
    """Return the Exchange of the bytes (or text) of a file

    Raise ParseError naming the line and the field of the first problem."""
    text, codec = decode(data)
    reader = iter(_Reader(text, filename))
    first = next(reader, None)
    if first is None or first[1].lstrip('\ufeff').strip() != MAGIC:
        raise ParseError('magic', first[0] if first else 1, '', MAGIC)
    header, accounts, documents = [], [], []
    state, start, kind, values, lines = 'header', None, None, {}, {}
    ended = False
    last = first[0]
    for number, line in reader:
        last = number
        key, value = _split(line)
        if ended:
            raise ParseError('after_end', number, key)
        if state == 'document':
            if key == 'КонецДокумента':
                documents.append(_document(start, kind, values, lines))
                state = 'header'
            elif key in {'СекцияДокумент', 'СекцияРасчСчет', 'КонецФайла'}:
                raise ParseError('document_end', start, 'КонецДокумента',
                    kind)
            elif key:
                _store(values, lines, key, value, number)
            continue
        if state == 'account':
            if key == 'КонецРасчСчет':
                accounts.append(_account(start, values, lines))
                state = 'header'
            elif key in {'СекцияДокумент', 'СекцияРасчСчет', 'КонецФайла'}:
                raise ParseError('account_end', start, 'КонецРасчСчет')
            elif key:
                _store(values, lines, key, value, number)
            continue
        if key == 'СекцияДокумент':
            state, start, kind, values, lines = (
                'document', number, value, {}, {})
        elif key == 'СекцияРасчСчет':
            state, start, kind, values, lines = (
                'account', number, None, {}, {})
        elif key == 'КонецФайла':
            ended = True
        elif key in {'КонецДокумента', 'КонецРасчСчет'}:
            raise ParseError('unexpected', number, key)
        elif key:
            header.append((key, value))
    if state == 'document':
        raise ParseError('document_end', start, 'КонецДокумента', kind)
    if state == 'account':
        raise ParseError('account_end', start, 'КонецРасчСчет')
    if not ended:
        raise ParseError('end_of_file', last, 'КонецФайла')
    exchange = Exchange(
        filename=filename,
        encoding=codec,
        version=dict(header).get('ВерсияФормата', ''),
        header=header,
        accounts=accounts,
        documents=documents)
    _assign(exchange)
    return exchange


def _assign(exchange):
    """Put each document in the accounts it moves, adding the accounts
    named only by the header; the sections of one account (a bank writes
    one a day) are merged into the first"""
    known = {}
    for account in sorted(exchange.accounts,
            key=lambda a: (a.start_date or dt.date.min, a.line or 0)):
        if account.number in known:
            _merge(known[account.number], account)
        else:
            known[account.number] = account
    exchange.accounts = [a for a in exchange.accounts
        if known[a.number] is a]
    for number in exchange.getall('РасчСчет'):
        if number and number not in known:
            known[number] = Account(line=None, number=number)
            exchange.accounts.append(known[number])
    for document in exchange.documents:
        found = False
        # a transfer between two accounts of the file is in both
        for number in dict.fromkeys(
                [document.recipient.account, document.payer.account]):
            account = known.get(number)
            if account is not None:
                account.documents.append(document)
                found = True
        if not found:
            raise ParseError('direction', document.line,
                'ПлательщикСчет', document.payer.account)


def _merge(account, later):
    "Extend the section account with a later section of the same account"
    if later.end_date and (not account.end_date
            or later.end_date >= account.end_date):
        account.end_date = later.end_date
        account.end_balance = later.end_balance
    if account.start_date is None:
        account.start_date = later.start_date
    for name in ['total_incoming', 'total_outgoing']:
        first, second = getattr(account, name), getattr(later, name)
        setattr(account, name, first + second
            if first is not None and second is not None else None)
