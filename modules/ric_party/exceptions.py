# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ClientImportError(UserError):
    "A client import file refused as a whole (strict mapping, bad file)"
    pass


class RequisitesValidationError(ValidationError):
    "Invalid Russian requisites of a party or of a requisites version"
    pass


class BankValidationError(ValidationError):
    "Invalid BIK or correspondent account of a bank"
    pass


class BankAccountNumberValidationError(ValidationError):
    "Invalid or duplicate Russian bank account number"
    pass


class DuplicateMergeError(UserError):
    "A pair of clients which cannot be merged (a head office and a branch)"
    pass
