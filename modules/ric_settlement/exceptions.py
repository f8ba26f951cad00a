# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class SettlementConfigurationError(UserError):
    "An account, journal or sequence the settlements need is missing"


class ActError(UserError):
    "An act of reconciliation cannot be made or changed"


class ActValidationError(ValidationError):
    "An act of reconciliation has wrong data"


class OffsetError(UserError):
    "A mutual offset cannot be posted or cancelled"


class OffsetValidationError(ValidationError):
    "A mutual offset has wrong data"


class WriteOffError(UserError):
    "A bad-debt write-off cannot be approved, posted or cancelled"


class WriteOffAccessError(AccessError):
    "Only a RIC administrator may approve a write-off"


class WriteOffValidationError(ValidationError):
    "A bad-debt write-off has wrong data"


class AdvanceInvoiceError(UserError):
    "An advance VAT invoice cannot be issued, offset or cancelled"


class AdvanceInvoiceWarning(UserWarning):
    "An advance VAT invoice is issued past the legal five days"
