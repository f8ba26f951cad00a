# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Shared helpers: amounts in Russian words and working-day arithmetic.

Working days follow the Russian production calendar (производственный
календарь) of the ``holidays`` library: public holidays, the days off moved
by government decree and the Saturdays made working days by those moves.
``ric.calendar.exception`` records let a RIC correct a day; pass them as
``exceptions`` ({date: is_working}) to the functions below.
"""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import holidays
from num2words import num2words

__all__ = [
    'amount_in_words', 'plural_ru', 'is_working_day', 'add_working_days',
    'working_days_between', 'month_working_days', 'decode_text']

_CURRENCIES = {
    # code: (major forms, minor forms, major gender is feminine)
    'RUB': (('рубль', 'рубля', 'рублей'), ('копейка', 'копейки', 'копеек')),
    'USD': (('доллар', 'доллара', 'долларов'), ('цент', 'цента', 'центов')),
    'EUR': (('евро', 'евро', 'евро'), ('цент', 'цента', 'центов')),
    }


def plural_ru(number, forms):
    "Return the Russian plural form of forms (one, few, many) for number"
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return forms[0]
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return forms[1]
    return forms[2]


def amount_in_words(amount, currency='RUB', capitalize=True,
        minor_in_words=False):
    """Return amount in Russian words as printed on invoices and acts.

    >>> amount_in_words(Decimal('1234.56'))
    'Одна тысяча двести тридцать четыре рубля 56 копеек'
    """
    amount = Decimal(str(amount)).quantize(
        Decimal('0.01'), rounding=ROUND_HALF_UP)
    negative = amount < 0
    amount = abs(amount)
    major = int(amount)
    minor = int((amount - major) * 100)
    major_forms, minor_forms = _CURRENCIES.get(
        currency, _CURRENCIES['RUB'])
    words = num2words(major, lang='ru')
    if minor_in_words:
        minor_text = num2words(minor, lang='ru', gender='f')
    else:
        minor_text = '%02d' % minor
    text = '%s %s %s %s' % (
        words, plural_ru(major, major_forms),
        minor_text, plural_ru(minor, minor_forms))
    if negative:
        text = 'минус ' + text
    if capitalize:
        text = text[0].upper() + text[1:]
    return text


@lru_cache(maxsize=64)
def _calendar(year):
    return holidays.RU(years=year)


def is_working_day(date, exceptions=None):
    "Tell if date is a working day of the Russian production calendar"
    if exceptions and date in exceptions:
        return bool(exceptions[date])
    return _calendar(date.year).is_working_day(date)


def add_working_days(date, days, exceptions=None):
    """Return the date days working days after (or before when negative)
    date; 0 returns date itself when it is a working day, else the next
    working day."""
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while not is_working_day(date, exceptions) and remaining == 0:
        date += dt.timedelta(days=step)
    while remaining:
        date += dt.timedelta(days=step)
        if is_working_day(date, exceptions):
            remaining -= 1
    return date


def working_days_between(start, end, exceptions=None):
    "Count working days from start to end, both included"
    if end < start:
        return 0
    count = 0
    day = start
    while day <= end:
        if is_working_day(day, exceptions):
            count += 1
        day += dt.timedelta(days=1)
    return count


def month_working_days(year, month, exceptions=None):
    "Count the working days of a month"
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(
        days=1)
    return working_days_between(start, end, exceptions)


def decode_text(data, encoding=None):
    """Return the text of an imported file.

    Superseded by ``ric_base.reader`` (which also reads the rows and names
    the file and line in its errors); kept for the callers not yet moved.
    With an encoding, decode with it (UTF-8 accepts a byte order mark);
    without, detect it as the reader does (UTF-8 with or without BOM,
    Windows-1251 or CP866).  UnicodeDecodeError and LookupError are left to
    the caller.
    """
    from .reader import detect_encoding
    if isinstance(data, str):
        return data
    data = bytes(data)
    if encoding is None:
        encoding = detect_encoding(data)
    elif encoding.lower().replace('_', '-') in {'utf-8', 'utf8'}:
        encoding = 'utf-8-sig'
    return data.decode(encoding)
