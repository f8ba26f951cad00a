# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.account_statement.exceptions import ImportStatementError


class BankImportError(ImportStatementError):
    "A bank statement file that cannot be imported"


class ClientBankFileError(BankImportError):
    """A 1CClientBankExchange file that cannot be read

    The message names the file, the line and the field; they are also the
    attributes ``filename``, ``line`` and ``field``."""

    def __init__(self, message, filename=None, line=None, field=None):
        super().__init__(message)
        self.filename = filename
        self.line = line
        self.field = field


class NothingNewError(BankImportError):
    "Every document of the file was already imported"
