# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError


class FileLocation:
    """Mixin of the errors of a file whose message names the file, the line
    and the field; they are also the attributes ``filename``, ``line`` and
    ``field``"""

    def __init__(self, message, filename=None, line=None, field=None):
        super().__init__(message)
        self.filename = filename
        self.line = line
        self.field = field


class ReadError(UserError):
    """A file that cannot be read (raised by ric_base.reader)

    The message names the file, the line and the field; the reader also sets
    the attributes ``filename``, ``line`` (1-based, the header is line 1,
    None when unknown) and ``field`` (the field name or None) for the
    callers that report per line.
    """
    filename = line = field = None


class EncodingError(ReadError):
    "The bytes of a CSV file are not text in the encoding"


class BinaryFileError(ReadError):
    "A CSV file with NUL characters: not a text file"


class CSVSyntaxError(ReadError):
    "The text is not valid CSV"


class WorkbookError(ReadError):
    "The bytes are not an XLSX workbook"


class EmptyFileError(ReadError):
    "The file has no header line"


class MissingColumnError(ReadError):
    "Required columns are absent from the header"


class InvalidValueError(ReadError):
    "A value of a row that the importer cannot use"


class ConversionError(UserError):
    "LibreOffice did not convert a printed form (raised by ric_base.office)"
