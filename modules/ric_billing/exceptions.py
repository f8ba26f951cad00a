# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class BillingError(UserError):
    "A billing run cannot go on"


class BillingWarning(UserWarning):
    pass


class BillingValidationError(ValidationError):
    pass


class DocumentError(UserError):
    "A billing document cannot be issued or returned"


class DocumentSequenceError(DocumentError):
    "No type, fiscal year or sequence to number a billing document"


class ExportError(UserError):
    "The documents of a period cannot be exported"


class SignatoryValidationError(ValidationError):
    "A signatory of the printed forms is not valid"


class FormTemplateValidationError(ValidationError):
    "A template of a printed form cannot be loaded"
