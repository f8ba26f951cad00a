# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.modules.ric_base.exceptions import FileLocation


class RegistrationError(UserError):
    "An import of registration files that cannot be done"


class RegistrationFileError(FileLocation, RegistrationError):
    "A registration file that cannot be read (names file, line and field)"


class ReservationError(UserError):
    "A distributive that cannot be reserved"
