# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Normalization of the data compared to find duplicate clients

Pure functions (no pool, no transaction) shared by the duplicate search and
the client import: two spellings of the same name, city, address, phone or
e-mail give the same normalized value, and normalizing a normalized value
changes nothing.
"""
import re
from functools import lru_cache

try:
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat
except ImportError:
    phonenumbers = None

from rapidfuzz.distance import Levenshtein

#: words of legal forms and generic words ignored when comparing names
STOP_WORDS = {
    'ооо', 'оао', 'зао', 'пао', 'ао', 'нао', 'ип', 'чп', 'нко', 'ано', 'тсж',
    'снт', 'гбуз', 'гбу', 'гку', 'гуп', 'муп', 'мбу', 'мку', 'мау', 'мбоу',
    'мбдоу', 'моу', 'фгбу', 'фгуп', 'огбу', 'огкуз', 'огбуз', 'кфх', 'пк',
    'общество', 'с', 'ограниченной', 'ответственностью', 'акционерное',
    'закрытое', 'открытое', 'публичное', 'непубличное', 'индивидуальный',
    'предприниматель', 'государственное', 'муниципальное', 'бюджетное',
    'учреждение', 'казенное', 'унитарное', 'предприятие', 'автономная',
    'некоммерческая', 'организация', 'фирма', 'компания', 'федеральное',
    'llc', 'ltd', 'inc',
    }
_LONG_STOP_WORDS = sorted(w for w in STOP_WORDS if len(w) >= 6)

#: Latin letters looking like Cyrillic ones (mixed in names by mistake)
_LOOKALIKES = str.maketrans('aceopxykmthb', 'асеорхукмтнв')
_CYRILLIC = re.compile('[а-я]')
_NOT_WORD = re.compile(r'[\W_]+')


def _fold(value):
    "Return value case-folded with ё written е"
    return (value or '').casefold().replace('ё', 'е')


@lru_cache(maxsize=100000)
def is_stop_word(word):
    "A legal form or generic word, or a long one mistyped (<= 2 edits)"
    if word in STOP_WORDS:
        return True
    if len(word) < 6:
        return False
    return any(Levenshtein.distance(word, w, score_cutoff=2) <= 2
        for w in _LONG_STOP_WORDS)


def _word(word):
    if _CYRILLIC.search(word):
        word = word.translate(_LOOKALIKES)
    return word


def normalize_name(name):
    """Return the significant words of a client name

    Case-folded, ё written е, quotes, punctuation and legal forms (ООО,
    Общество с ограниченной ответственностью, ИП…) removed, spaces
    collapsed: «ООО "Ромашка"» and «Ромашка, ооо» give «ромашка».
    """
    words = (_word(w) for w in _NOT_WORD.sub(' ', _fold(name)).split())
    return ' '.join(w for w in words if not is_stop_word(w))


def normalize_text(value):
    "Return value case-folded, ё written е, words separated by one space"
    return ' '.join(_NOT_WORD.sub(' ', _fold(value)).split())


#: the words naming the kind of a settlement, in front of its name
SETTLEMENT_WORDS = {
    'г', 'гор', 'город', 'с', 'село', 'п', 'пос', 'посел', 'поселок', 'пгт',
    'рп', 'д', 'дер', 'деревня', 'ст', 'ст-ца', 'станица', 'стн', 'х',
    'хут', 'хутор', 'сл', 'слобода', 'аул', 'кп', 'нп', 'мкр', 'р-п',
    }
#: the words of the parts of an address above the settlement
_REGION = re.compile(
    r'(^|[\s.])(обл|область|р-н|район|край|респ|республика|ао|округ|'
    r'россия|рф)($|[\s.])')
_PGT = re.compile(r'\bп\.?\s*г\.?\s*т\b\.?')
_RP = re.compile(r'\bр\.?\s*п\b\.?')
_CITY_WORD = re.compile(r'[\w-]+')


def normalize_city(city):
    """Return the name of a settlement without its kind

    «г. Белгород», «Белгород», «г Белгород», «город Белгород» and «гор.
    Белгород» give «белгород»; «с. Стрелецкое», «село Стрелецкое», «пос.»,
    «п.», «пгт», «д.», «ст-ца», «х.» are dropped likewise, and so are the
    region and district in front («Белгородская обл., с. Стрелецкое»).
    """
    text = _fold(city)
    text = _RP.sub(' рп ', _PGT.sub(' пгт ', text))
    parts = [p for p in text.split(',') if p.strip()]
    local = [p for p in parts if not _REGION.search(p)]
    text = (local or parts or [''])[-1]
    words = [w.strip('-') for w in _CITY_WORD.findall(text.replace('_', ' '))]
    words = [w for w in words if w]
    while len(words) > 1 and words[0] in SETTLEMENT_WORDS:
        del words[0]
    while len(words) > 1 and words[-1] in SETTLEMENT_WORDS:
        del words[-1]
    return ' '.join(words)


#: abbreviations of the words of Russian addresses
ADDRESS_WORDS = {
    'улица': 'ул', 'проспект': 'пр', 'пр-т': 'пр', 'пркт': 'пр', 'просп': 'пр',
    'переулок': 'пер', 'бульвар': 'б-р', 'бул': 'б-р', 'площадь': 'пл',
    'шоссе': 'ш', 'микрорайон': 'мкр', 'проезд': 'пр-д', 'набережная': 'наб',
    'дом': 'д', 'корпус': 'к', 'корп': 'к', 'строение': 'стр',
    'офис': 'оф', 'квартира': 'кв', 'помещение': 'пом',
    }
#: the words of an address left out of the comparison
ADDRESS_NOISE = {
    'д', 'г', 'ул', 'город', 'россия', 'рф', 'обл', 'область', 'р', 'н',
    'район',
    }


#: the words of the parts of a building, left out with their number
_ROOM_WORDS = {'оф', 'кв', 'пом', 'комн', 'каб'}


def normalize_address(value):
    """Return the address case-folded with the usual words abbreviated, the
    office or flat left out"""
    words = []
    for word in _CITY_WORD.findall(_fold(value).replace('_', ' ')):
        word = word.strip('-')
        if not word:
            continue
        if '-' in word and any(c.isdigit() for c in word):
            parts = [p for p in word.split('-') if p]
            if all(len(p) == 1 or any(c.isdigit() for c in p)
                    for p in parts):
                words.append(''.join(parts))  # 12-а: 12а
            else:
                words.extend(parts)  # мира-5
        elif word in {'а', 'б', 'в'} and words and words[-1].isdigit():
            words[-1] += word  # 12 а: 12а
        else:
            words.append(word)
    words = [ADDRESS_WORDS.get(w, w) for w in words]
    result = []
    skip = False
    for word in words:
        if word in _ROOM_WORDS:
            skip = True
            continue
        if skip and any(c.isdigit() for c in word):
            skip = False
            continue
        skip = False
        if word not in ADDRESS_NOISE:
            result.append(word)
    return ' '.join(result)


def address_numbers(address):
    """Return the sorted numbers of a normalized address, postal codes
    (6 digits) left out"""
    return tuple(sorted(w for w in address.split()
            if any(c.isdigit() for c in w)
            and not (len(w) == 6 and w.isdigit())))


def address_street(address):
    "Return the words of a normalized address which are not numbers"
    return ' '.join(w for w in address.split()
        if not any(c.isdigit() for c in w))


def normalize_email(value):
    "Return the e-mail stripped and lower-cased or None when not one"
    value = (value or '').strip().lower()
    if value.startswith('mailto:'):
        value = value[len('mailto:'):]
    return value if '@' in value[1:-1] else None


def normalize_inn(value):
    "Return the digits of an INN or None when it is not a valid INN"
    from trytond.modules.ric_base.requisites import is_valid_inn
    digits = re.sub(r'\D', '', value or '')
    return digits if digits and is_valid_inn(digits) else None


def normalize_kpp(value):
    "Return the KPP compacted (9 characters) or None"
    value = re.sub(r'[\s\-.]', '', value or '').upper()
    return value if len(value) == 9 else None


@lru_cache(maxsize=200000)
def normalize_phone(value, country='RU'):
    """Return the phone number in compact E.164 form or None

    The number is parsed with phonenumbers, country being the default
    country of the numbers written without international prefix: «8 (4722)
    33-44-55», «+7 4722 334455» and «84722334455» all give «+74722334455».
    None is returned when value is not a valid number.  Without the
    phonenumbers library, the Russian numbers of 10 or 11 digits are
    recognized only.
    """
    if not value or not value.strip():
        return None
    if phonenumbers:
        try:
            number = phonenumbers.parse(value, country)
        except NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    digits = re.sub(r'\D', '', value.split(';')[0])
    if len(digits) == 11 and digits[0] in '78':
        digits = digits[1:]
    if len(digits) == 10 and country == 'RU':
        return '+7' + digits
    return None


def compact_phone(value_compact, value):
    """Return the E.164 form of a stored phone: value_compact when it is one
    already (phonenumbers was installed when it was saved) else value
    normalized"""
    if (value_compact and value_compact[0] == '+'
            and value_compact[1:].isdigit() and 8 <= len(value_compact) <= 16):
        return value_compact
    return normalize_phone(value_compact or value)
