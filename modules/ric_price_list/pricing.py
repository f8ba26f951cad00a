# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Pure helpers of the tariff price lists: period selection and rounding.

They do not touch the database so that the spine API and its unit tests
share the same rules.
"""
import re
from decimal import ROUND_HALF_UP, Decimal

KINDS = ('maintenance', 'sale')


def round_amount(value, rounding=None):
    """Round value to a multiple of rounding (half up).

    rounding is e.g. Decimal('1') for roubles, Decimal('0.01') for kopecks or
    Decimal('10') for tens of roubles; None or 0 leaves the value unchanged.
    """
    if value is None:
        return None
    value = Decimal(value)
    if not rounding:
        return value
    rounding = Decimal(rounding)
    units = (value / rounding).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    result = units * rounding
    if rounding.as_tuple().exponent < 0:
        result = result.quantize(rounding)
    else:
        result = result.quantize(Decimal(1))
    return result


def is_valid_on(start_date, end_date, date):
    "Tell if date is inside [start_date, end_date] (open bounds are None)"
    return ((start_date is None or start_date <= date)
        and (end_date is None or date <= end_date))


def select_period(periods, date):
    """Return the key of the period valid on date or None.

    periods is an iterable of (key, start_date, end_date).  Among the periods
    that contain date, the one that starts last wins: a new version that
    starts on a date replaces the former one from that date while the former
    one stays valid for earlier dates.
    """
    best = None
    for key, start_date, end_date in periods:
        if not is_valid_on(start_date, end_date, date):
            continue
        if best is None or (start_date or date.min) > (best[1] or date.min):
            best = (key, start_date)
    return best[0] if best else None


def overlaps(first, second):
    "Tell if two (start_date, end_date) periods share at least one day"
    (start1, end1), (start2, end2) = first, second
    if end1 is not None and start2 is not None and end1 < start2:
        return False
    if end2 is not None and start1 is not None and end2 < start1:
        return False
    return True


def ratio(numerator, denominator, digits=4):
    "Return numerator / denominator rounded or None when undefined"
    if numerator is None or not denominator:
        return None
    exp = Decimal(1).scaleb(-digits)
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        exp, rounding=ROUND_HALF_UP)


#: the names a formula of a tariff line may use, in the order of their
#: description (the keys of describe_formula's names)
FORMULA_NAMES = ('base_price', 'local_price', 'coefficient', 'unit_price')
_FORMULA_TOKEN = re.compile(r'[A-Za-z_][A-Za-z_0-9]*|\d+(?:[.,]\d+)?|\S')
_OPERATORS = {'*': '×', '/': '÷', '-': '−', '+': '+', '(': '(', ')': ')'}


def describe_formula(formula, names):
    """Return formula in words: each name replaced by names[name] (its
    description), numbers with a decimal comma, operators as signs.

    ``describe_formula('local_price * 1.15', {'local_price': 'цена'})``
    gives ``'цена × 1,15'``; unknown names are kept as they are.
    """
    if not formula:
        return ''
    words = []
    for token in _FORMULA_TOKEN.findall(formula):
        if token in names:
            words.append(names[token])
        elif token[0].isdigit():
            words.append(token.replace('.', ','))
        else:
            words.append(_OPERATORS.get(token, token))
    text = ' '.join(words)
    return text.replace('( ', '(').replace(' )', ')')
