# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class ClientImportError(UserError):
    "A client import file refused as a whole (strict mapping, bad file)"
    pass
