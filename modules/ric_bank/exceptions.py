# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.modules.account_statement.exceptions import ImportStatementError
from trytond.modules.ric_base.exceptions import FileLocation


class BankImportError(ImportStatementError):
    "A bank statement file that cannot be imported"


class ClientBankFileError(FileLocation, BankImportError):
    """A 1CClientBankExchange file that cannot be read (names file, line and
    field)"""


class NothingNewError(BankImportError):
    "Every document of the file was already imported"


class MatchError(UserError):
    "A payment match that cannot be confirmed or a statement not ready"


class CashOrderError(UserError):
    "A cash order that cannot be numbered or printed"


class FolderError(UserError):
    "A statement folder badly configured or a file of another journal"
