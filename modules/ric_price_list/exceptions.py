# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class PriceListImportError(UserError):
    "A price list file refused: the message names the file, row and column"
    pass
