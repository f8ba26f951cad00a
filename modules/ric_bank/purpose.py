# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The invoice numbers written in the purpose of a payment

:func:`invoice_numbers` reads the forms people really write:

* «оплата по счету № 123 от 01.03.2026», «сч.123», «по сч. № РИЦ-000123»,
  «по с/ф 45», «счёт N 12», «Счет-фактура №7»;
* lists: «счета 12, 15 и 17», «по счетам №12,№15; 17», «по сч. № 3 от
  30.09.2026, № 35 от 31.10.2026»;
* typos of the word: «счёт», «счт», «сч-т», «щет», a Latin «c»;
* numbers split by spaces or dashes: «РИЦ - 000 123», «000-123»,
  «12 345» (a group of three digits continues the number);

and ignores what is not an invoice number: the dates («от 01.03.2026»),
the VAT phrases («в т.ч. НДС 22% 1234.56»), amounts with decimals, the
account numbers, INNs and other numbers of ten digits or more, and the
numbers after other words («договор № 12»).

A number is returned normalised: its letter prefix in upper case followed
by ``-`` when it has one (``РИЦ-000123``), then its digits (leading zeros
kept); :func:`number_key` gives the key to compare with an invoice number.
"""
import re

__all__ = ['invoice_numbers', 'number_key']

#: the word «счёт» (any case and ending, common typos, abbreviations) or
#: «счёт-фактура» / «с/ф»
_TRIGGER = re.compile(r'''
    (?<![^\W\d_])                       # at the start of a word
    (?:
        [сc]\s?/\s?ф                    # с/ф
      | [сc]ч[её]?т?[ау]?-?фактур[а-яё]*  # счет-фактура, счету-фактуре
      | [сc]ч(?!етч|[её]тч)[её]?-?т?    # сч, счт, сч-т, счет, счёт
        (?:у|а|ам|ов|ах|ом|ами|ы)?      # and its endings
      | щ[её]т(?:у|а|ам|ов|ах|ом|ами)?  # щет (typo)
      | [сc][её]ч[её]?т(?:у|а|ам|ов)?   # сечт (typo)
      | invoice|inv
    )
    (?![^\W\d_])\.?                     # the end of the word, a dot
    ''', re.IGNORECASE | re.VERBOSE)
#: what may come between the word and the numbers
_FILLER = re.compile(
    r'(?:\s|[.:#]|№|N[oо]?\.?(?=\s*\d|\s*[а-яёa-z]+-?\s*\d)|'
    r'на\s+оплату|номер|ном\.|nr\.?|'
    r'от\s?\d{1,2}\.\d{1,2}\.\d{2,4}\s?г?\.?(?=\s?(?:№|N)))*',
    re.IGNORECASE)
#: an invoice number: an optional prefix of letters, digits split by
#: dashes or by spaces before a group of three digits
_NUMBER = re.compile(r'''
    (?P<prefix>[а-яёa-z]{1,6}\s?-?\s?)?
    (?P<digits>\d+(?:(?:\s?-\s?|\s)\d{3}(?!\d)|[-/]\d+)*)
    (?!\d)
    (?![.,]\d)                         # not a date, an amount
    (?!\s?%)
    ''', re.IGNORECASE | re.VERBOSE)
#: the date that may follow a number of a list («№ 3 от 30.09.2026, № 35»)
_DATE = re.compile(
    r'\s?от\s?\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s?г\.?(?![а-яё])|\s?года)?',
    re.IGNORECASE)
#: what separates the numbers of a list
_SEPARATOR = re.compile(
    r'\s*(?:[,;]\s*(?:и\s+)?|\sи\s|&|\+)\s*(?:№\s*|N\s*)?|\s+№\s*',
    re.IGNORECASE)
#: words that are no prefix of a number
_NOT_PREFIX = {'от', 'на', 'за', 'и', 'по', 'в', 'с', 'до', 'no', 'n', 'от.',
    'сумма', 'ндс', 'нет', 'без', 'г', 'год', 'руб', 'р', 'т', 'ч',
    # the word of the trigger, totals, other documents and requisites
    'сч', 'счт', 'счет', 'счёт', 'счета', 'счету', 'всего', 'итого',
    'пени', 'инн', 'кпп', 'тел', 'акт', 'дог'}
#: the longest number taken for an invoice number (longer: an account,
#: an INN, a phone)
MAX_DIGITS = 9
_SPACES = re.compile(r'[\s\u00a0]+')
_LOOKALIKE = str.maketrans('ABCEHKMOPTXY', 'АВСЕНКМОРТХУ')


def _normalize(prefix, digits):
    digits = re.sub(r'[\s-]', '', digits)
    if prefix:
        prefix = re.sub(r'[\s-]', '', prefix).upper().translate(_LOOKALIKE)
        return '%s-%s' % (prefix, digits)
    return digits


def number_key(number):
    """Return the key comparing two invoice numbers: upper case, Latin
    look-alike letters as Cyrillic, no spaces nor dashes, the leading zeros
    of the digits dropped"""
    text = _SPACES.sub('', str(number)).upper().translate(_LOOKALIKE)
    text = text.replace('-', '')
    match = re.fullmatch(r'(\D*)0*(\d+)', text)
    if match:
        return match.group(1) + match.group(2)
    return text


def _numbers_at(text, position):
    "Yield the normalised numbers of the list starting at position"
    position = _FILLER.match(text, position).end()
    after_date = False
    while True:
        match = _NUMBER.match(text, position)
        if not match:
            return
        if after_date and not _DATE.match(text, match.end()):
            # past a date only «№ 35» or «35 от <date>» goes on with the
            # list: «…от 01.03.2026, 10 000 руб.» is an amount
            return
        prefix = match.group('prefix')
        if prefix and prefix.strip(' -').lower() in _NOT_PREFIX:
            return
        digits = match.group('digits')
        compact = re.sub(r'[\s-]', '', digits)
        if not prefix and len(compact) > MAX_DIGITS:
            return
        following = text[match.end():match.end() + 3]
        if re.match(r'\s?(?:%|[.,]\d)', following):
            return
        yield _normalize(prefix, digits)
        end = match.end()
        date = _DATE.match(text, end)
        if date:
            end = date.end()
        separator = _SEPARATOR.match(text, end)
        if not separator:
            return
        after_date = bool(date) and not re.search(
            r'№|N', separator.group(), re.IGNORECASE)
        position = separator.end()


def invoice_numbers(text):
    """Return the invoice numbers written in the purpose text, in order,
    without repetition"""
    text = _SPACES.sub(' ', text or '')
    result = []
    for trigger in _TRIGGER.finditer(text):
        for number in _numbers_at(text, trigger.end()):
            if number not in result:
                result.append(number)
    return result
