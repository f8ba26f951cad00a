# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Validation of Russian requisites (реквизиты).

Every function takes a string (spaces and dashes are ignored by
:func:`compact`) and returns ``True`` or ``False``; :func:`check_requisites`
raises a translated :class:`RequisiteError` naming the offending field.

* INN (ИНН): 10 digits for organisations, 12 for individuals, control
  digits as the Federal Tax Service defines them (python-stdnum).
* KPP (КПП): 9 characters, ``NNNNPPNNN`` where ``PP`` is two digits or
  capital latin letters (reason code).
* OGRN (ОГРН): 13 digits, last digit = (first 12 mod 11) mod 10.
* OGRNIP (ОГРНИП): 15 digits, last digit = (first 14 mod 13) mod 10.  The
  remainder may be 10, 11 or 12 and then the control digit is its last
  digit; python-stdnum 2.2 rejects those valid numbers, so the rule is
  implemented here.
* BIK (БИК): 9 digits starting with ``04`` (Russia).
* Settlement account (расчётный счёт): 20 digits whose control key,
  computed over the last three digits of the BIK followed by the account
  with weights 7, 1, 3, gives a sum divisible by 10.
* Correspondent account (корр. счёт): 20 digits starting with ``30101``,
  control key computed over ``0`` + BIK digits 5–6 + the account.
"""
import re

from stdnum.ru import inn as _stdnum_inn

from trytond.exceptions import UserError
from trytond.i18n import gettext

__all__ = [
    'compact', 'is_valid_inn', 'is_valid_kpp', 'is_valid_ogrn',
    'is_valid_ogrnip', 'is_valid_ogrn_any', 'is_valid_bik',
    'is_valid_settlement_account', 'is_valid_correspondent_account',
    'account_control_sum', 'check_requisites', 'RequisiteError',
    'complete_inn']

_KPP = re.compile(r'^\d{4}[\dA-Z]{2}\d{3}$')
_WEIGHTS = (7, 1, 3)


class RequisiteError(UserError):
    pass


def compact(value):
    "Return value without spaces, dashes and dots, upper-cased"
    if value is None:
        return ''
    return re.sub(r'[\s\-.]', '', str(value)).upper()


def is_valid_inn(value):
    "INN of an organisation (10 digits) or an individual (12 digits)"
    value = compact(value)
    if len(value) not in (10, 12) or not value.isdigit():
        return False
    return _stdnum_inn.is_valid(value)


_INN_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def complete_inn(body):
    """Return the INN made of body and its control digits: 9 digits give
    an organisation's INN, 10 digits an individual's (demo data, tests)."""
    digits = [int(c) for c in body]
    if len(digits) not in (9, 10):
        raise ValueError("an INN body has 9 or 10 digits")
    for _ in range(1 if len(digits) == 9 else 2):
        weights = _INN_WEIGHTS[-len(digits):]
        digits.append(sum(w * d for w, d in zip(weights, digits)) % 11 % 10)
    return ''.join(map(str, digits))


def is_valid_kpp(value):
    value = compact(value)
    return bool(_KPP.match(value)) and value != '000000000'


def _ogrn_control(value, modulo):
    return int(value[:-1]) % modulo % 10 == int(value[-1])


def is_valid_ogrn(value):
    "OGRN of a legal person: 13 digits"
    value = compact(value)
    if len(value) != 13 or not value.isdigit() or value[0] == '0':
        return False
    return _ogrn_control(value, 11)


def is_valid_ogrnip(value):
    "OGRNIP of an individual entrepreneur: 15 digits"
    value = compact(value)
    if len(value) != 15 or not value.isdigit() or value[0] == '0':
        return False
    return _ogrn_control(value, 13)


def is_valid_ogrn_any(value):
    "OGRN (13 digits) or OGRNIP (15 digits)"
    value = compact(value)
    return is_valid_ogrn(value) if len(value) == 13 else (
        is_valid_ogrnip(value))


def is_valid_bik(value):
    value = compact(value)
    return len(value) == 9 and value.isdigit() and value.startswith('04')


def account_control_sum(key, account):
    "Return the weighted sum (7, 1, 3) of key + account modulo 10"
    digits = key + account
    return sum(int(d) * _WEIGHTS[i % 3] for i, d in enumerate(digits)) % 10


def is_valid_settlement_account(account, bik):
    "Settlement account checked against the BIK of its bank"
    account, bik = compact(account), compact(bik)
    if (len(account) != 20 or not account.isdigit()
            or not is_valid_bik(bik)):
        return False
    return account_control_sum(bik[-3:], account) == 0


def is_valid_correspondent_account(account, bik):
    "Correspondent account of a bank checked against its BIK"
    account, bik = compact(account), compact(bik)
    if (len(account) != 20 or not account.isdigit()
            or not account.startswith('30101') or not is_valid_bik(bik)):
        return False
    if account[-3:] != bik[-3:]:
        return False
    return account_control_sum('0' + bik[4:6], account) == 0


def check_requisites(
        inn=None, kpp=None, ogrn=None, bik=None, account=None,
        correspondent_account=None, record=None):
    """Raise RequisiteError for the first invalid requisite given.

    ``record`` is a name included in the message (a party, a file line…).
    """
    record = record or ''
    checks = [
        (inn, is_valid_inn, 'msg_invalid_inn'),
        (kpp, is_valid_kpp, 'msg_invalid_kpp'),
        (ogrn, is_valid_ogrn_any, 'msg_invalid_ogrn'),
        (bik, is_valid_bik, 'msg_invalid_bik'),
        ]
    for value, test, message in checks:
        if value and not test(value):
            raise RequisiteError(gettext(
                    'ric_base.' + message, value=value, record=record))
    if account and not is_valid_settlement_account(account, bik):
        raise RequisiteError(gettext(
                'ric_base.msg_invalid_settlement_account',
                value=account, bik=bik or '', record=record))
    if correspondent_account and not is_valid_correspondent_account(
            correspondent_account, bik):
        raise RequisiteError(gettext(
                'ric_base.msg_invalid_correspondent_account',
                value=correspondent_account, bik=bik or '', record=record))
