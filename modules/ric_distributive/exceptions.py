# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class RegistrationError(UserError):
    "An import of registration files that cannot be done"


class RegistrationFileError(RegistrationError):
    """A registration file that cannot be read

    The message names the file, the line and the field; they are also the
    attributes ``filename``, ``line`` and ``field``."""

    def __init__(self, message, filename=None, line=None, field=None):
        super().__init__(message)
        self.filename = filename
        self.line = line
        self.field = field


class ReservationError(UserError):
    "A distributive that cannot be reserved"
