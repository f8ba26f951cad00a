# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from simpleeval import simple_eval

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ric_base.reader import Reader
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools.decimal_ import DecimalNull, decistmt
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import parser
from .exceptions import PriceListImportError

COLUMN_FIELDS = {
    'system': 'system_column',
    'network_type': 'network_type_column',
    'kit': 'kit_column',
    'product': 'product_column',
    'maintenance_price': 'maintenance_column',
    'sale_price': 'sale_column',
    'formula': 'formula_column',
    }


class ImportMapping(ModelSQL, ModelView):
    """Price List File Mapping

    Where the columns of a price list file are, for import and export."""
    __name__ = 'ric.price_list.import.mapping'
    __string__ = "Price List File Mapping"

    name = fields.Char("Name", required=True)
    file_format = fields.Selection([
            ('auto', "From File Name"),
            ('csv', "CSV"),
            ('xlsx', "XLSX"),
            ], "Format", required=True)
    encoding = fields.Selection([
            ('utf-8', "UTF-8"),
            ('cp1251', "Windows-1251"),
            ], "Encoding", required=True,
        states={'invisible': Eval('file_format') == 'xlsx'})
    delimiter = fields.Char("Delimiter", size=1, required=True,
        states={'invisible': Eval('file_format') == 'xlsx'})
    name_column = fields.Char("Name Column",
        help="The column with the name of the item, written on export and "
        "ignored on import.")
    system_column = fields.Char("System Column",
        help="The column with the code of the system.")
    network_type_column = fields.Char("Network Type Column",
        help="The column with the code of the network type.")
    kit_column = fields.Char("Kit Column",
        help="The column with the code of the kit.")
    product_column = fields.Char("Product Column",
        help="The column with the code of the product.")
    maintenance_column = fields.Char("Maintenance Price Column")
    sale_column = fields.Char("Sale Price Column")
    formula_column = fields.Char("Formula Column",
        help="The column with a formula; leave empty when the file has "
        "only prices.")

    @classmethod
    def default_file_format(cls):
        return 'auto'

    @classmethod
    def default_encoding(cls):
        return 'utf-8'

    @classmethod
    def default_delimiter(cls):
        return ';'

    @classmethod
    def default_name_column(cls):
        return 'name'

    @classmethod
    def default_system_column(cls):
        return parser.DEFAULT_COLUMNS['system']

    @classmethod
    def default_network_type_column(cls):
        return parser.DEFAULT_COLUMNS['network_type']

    @classmethod
    def default_kit_column(cls):
        return parser.DEFAULT_COLUMNS['kit']

    @classmethod
    def default_product_column(cls):
        return parser.DEFAULT_COLUMNS['product']

    @classmethod
    def default_maintenance_column(cls):
        return parser.DEFAULT_COLUMNS['maintenance_price']

    @classmethod
    def default_sale_column(cls):
        return parser.DEFAULT_COLUMNS['sale_price']

    @property
    def columns(self):
        "The labels of the columns by target"
        return {t: getattr(self, f) for t, f in COLUMN_FIELDS.items()
            if getattr(self, f)}

    @classmethod
    def get_default_mapping(cls):
        "Return an unsaved mapping with the default column labels"
        mapping = cls()
        for name in ['file_format', 'encoding', 'delimiter', 'name_column']:
            setattr(mapping, name, getattr(cls, 'default_' + name)())
        for target, field in COLUMN_FIELDS.items():
            setattr(mapping, field, parser.DEFAULT_COLUMNS.get(target)
                if target != 'formula' else 'formula')
        return mapping

    def get_format(self, filename):
        if self.file_format and self.file_format != 'auto':
            return self.file_format
        return parser.detect_format(filename)

    def _raise(self, error, filename):
        key = {
            'unreadable': 'msg_import_unreadable',
            'empty_file': 'msg_import_empty',
            'missing_column': 'msg_import_missing_column',
            'invalid_number': 'msg_import_invalid_number',
            'negative_price': 'msg_import_negative_price',
            'missing_key': 'msg_import_missing_key',
            'ambiguous_key': 'msg_import_ambiguous_key',
            'duplicate_key': 'msg_import_duplicate_key',
            'missing_price': 'msg_import_missing_price',
            'unknown_code': 'msg_import_unknown_code',
            'invalid_formula': 'msg_import_invalid_formula',
            }[error.code]
        raise PriceListImportError(gettext('ric_price_list.' + key,
                file=filename or '', row=error.row or '',
                column=error.column or '', value=error.value or ''))

    def read_rows(self, data, filename):
        """Return the rows of a file for parser.parse_rows: the header first
        and each row at the index of its line (blank rows between)

        The file is read by the shared reader of ric_base, whose errors name
        the file and the line."""
        reader = Reader(data, filename, file_format=self.get_format(filename),
            encoding=self.encoding or None, delimiter=self.delimiter or None)
        rows = [reader.header]
        for line, values in reader.rows():
            rows.extend([] for _ in range(line - len(rows)))
            rows[line - 1] = values
        return rows

    def parse(self, data, filename):
        "Return the checked records of a file or raise a UserError"
        rows = self.read_rows(data, filename)
        try:
            return parser.parse_rows(rows, self.columns)
        except parser.ParseError as error:
            self._raise(error, filename)

    def _resolve(self, records, filename):
        "Replace the codes of the records by ids (one search per model)"
        pool = Pool()
        models = {
            'system': pool.get('ric.system'),
            'network_type': pool.get('ric.network.type'),
            'kit': pool.get('ric.kit'),
            'product': pool.get('product.product'),
            }
        ids = {}
        for target, Model in models.items():
            codes = {r[target] for r in records if r[target]}
            ids[target] = {}
            if codes:
                with Transaction().set_context(active_test=False):
                    for record in Model.search([('code', 'in', list(codes))]):
                        ids[target].setdefault(record.code, record.id)
        for record in records:
            for target in models:
                code = record[target]
                if not code:
                    record[target] = None
                    continue
                if code not in ids[target]:
                    self._raise(parser.ParseError('unknown_code',
                            row=record['row'],
                            column=self.columns.get(target, target),
                            value=code), filename)
                record[target] = ids[target][code]
        return records

    def _check_formulas(self, records, filename):
        "Evaluate the formulas with empty prices to find syntax errors"
        names = {n: DecimalNull() for n in [
                'base_price', 'local_price', 'coefficient', 'unit_price',
                'list_price', 'cost_price']}
        for record in records:
            if not record['formula']:
                continue
            try:
                simple_eval(decistmt(record['formula']), names=names,
                    functions={'Decimal': Decimal})
            except Exception:
                self._raise(parser.ParseError('invalid_formula',
                        row=record['row'],
                        column=self.columns.get('formula', 'formula'),
                        value=record['formula']), filename)

    def import_lines(self, version, data, filename, replace=False):
        """Import the lines of a file into a draft version, all or nothing

        Lines of the same item are updated, new items are created, and with
        replace the lines missing from the file are deleted.  Importing the
        same file again changes nothing.  Return the numbers of created,
        updated and deleted lines."""
        pool = Pool()
        Line = pool.get('product.price_list.line')
        Version = pool.get('ric.price_list.version')
        if version.state != 'draft':
            raise PriceListImportError(gettext(
                    'ric_price_list.msg_version_approved',
                    version=version.rec_name))
        records = self._resolve(self.parse(data, filename), filename)
        self._check_formulas(records, filename)
        existing = {l.item_key: l for l in version.lines}
        to_create, to_write, seen = [], [], set()
        for record in records:
            key, values = self._line_values(record)
            seen.add(key)
            line = existing.get(key)
            if line is None:
                values['version'] = version.id
                values['price_list'] = version.price_list.id
                values['sequence'] = record['row']
                to_create.append(values)
            else:
                changes = self._changes(line, values)
                if changes:
                    to_write.extend(([line], changes))
        to_delete = []
        if replace:
            to_delete = [l for k, l in existing.items() if k not in seen]
        try:
            if to_delete:
                Line.delete(to_delete)
            if to_write:
                Line.write(*to_write)
            if to_create:
                Line.create(to_create)
            Version.compute_prices([version])
        except ValidationError as exception:
            raise self._line_error(
                version, records, exception, filename) from exception
        return len(to_create), len(to_write) // 2, len(to_delete)

    @staticmethod
    def _line_values(record):
        """Return the item key of a parsed record and the values of its
        price list line (the record gets its item type)"""
        if record['system']:
            item_type = 'system'
            key = ('system', record['system'], record['network_type'])
        elif record['kit']:
            item_type = 'kit'
            key = ('kit', record['kit'])
        else:
            item_type = 'product'
            key = ('product', record['product'])
        record['item_type'] = item_type
        values = {
            'item_type': item_type,
            'system': record['system'],
            'network_type': record['network_type'],
            'kit': record['kit'],
            'product': record['product'],
            }
        if record['formula']:
            values.update({
                    'price_type': 'formula',
                    'formula': record['formula'],
                    })
        else:
            values.update({
                    'price_type': 'fixed',
                    'formula': 'unit_price',
                    'maintenance_price': record['maintenance_price'],
                    'sale_price': record['sale_price'],
                    })
        return key, values

    @staticmethod
    def _changes(line, values):
        "Return the values that differ from the line's"
        changes = {}
        for name, value in values.items():
            current = getattr(line, name)
            current = getattr(current, 'id', current)
            if current != value:
                changes[name] = value
        return changes

    def _line_error(self, version, records, exception, filename):
        """Return the PriceListImportError of a ValidationError raised
        while saving the lines, with its message and the row and column of
        the line it names (found by the name of its item)"""
        pool = Pool()
        Line = pool.get('product.price_list.line')
        found = None
        message = exception.message
        for record in records:
            line = Line(version=version, item_type=record['item_type'],
                system=record['system'], network_type=record['network_type'],
                kit=record['kit'], product=record['product'])
            name = line.get_rec_name('rec_name')
            if name and name in message and (
                    found is None or len(name) > len(found[0])):
                found = (name, record)
        if found is None:
            return PriceListImportError(gettext(
                    'ric_price_list.msg_import_save_failed',
                    file=filename or '', error=message))
        record = found[1]
        if record['formula']:
            target = 'formula'
        else:
            target = next((t for t in parser.KEY_TARGETS if record[t]),
                'system')
        return PriceListImportError(gettext(
                'ric_price_list.msg_import_line_invalid',
                file=filename or '', row=record['row'],
                column=self.columns.get(target, target), error=message))

    def export_header(self):
        header = []
        if self.name_column:
            header.append(self.name_column)
        for target in parser.TARGETS:
            label = self.columns.get(target)
            if label and target != 'formula':
                header.append(label)
        return header

    def export_rows(self, version):
        "Return the rows of the lines of a version for publication"
        rows = []
        for line in sorted(version.lines,
                key=lambda l: (l.sequence or 0, l.id)):
            values = {
                'system': line.system.code if line.system else '',
                'network_type': (
                    line.network_type.code if line.network_type else ''),
                'kit': line.kit.code if line.kit else '',
                'product': (line.product.code or ''
                    if line.product and line.item_type == 'product'
                    else ''),
                'maintenance_price': line.maintenance_price,
                'sale_price': line.sale_price,
                }
            row = []
            if self.name_column:
                row.append(line.rec_name)
            for target in parser.TARGETS:
                if self.columns.get(target) and target != 'formula':
                    row.append(values[target])
            rows.append(row)
        return rows

    def export_file(self, version, file_format='csv'):
        "Return (bytes, file name) of the version as CSV or XLSX"
        header = self.export_header()
        rows = self.export_rows(version)
        name = '%s %s' % (version.price_list.code or version.price_list.name,
            version.start_date.isoformat())
        if file_format == 'xlsx':
            return (parser.write_xlsx(header, rows, title=name),
                name + '.xlsx')
        return (parser.write_csv(header, rows,
                encoding=self.encoding or 'utf-8',
                delimiter=self.delimiter or ';'), name + '.csv')


class ImportStart(ModelView):
    "Import Price List"
    __name__ = 'ric.price_list.import.start'
    __string__ = "Import Price List"

    version = fields.Many2One('ric.price_list.version', "Version",
        required=True, domain=[('state', '=', 'draft')])
    mapping = fields.Many2One('ric.price_list.import.mapping', "Mapping",
        help="Leave empty to use the default column names.")
    file_ = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")
    replace = fields.Boolean("Replace",
        help="Delete the lines of the version that are not in the file.")


class ImportPriceList(Wizard):
    "Import Price List"
    __name__ = 'ric.price_list.import'
    __string__ = "Import Price List"

    start = StateView('ric.price_list.import.start',
        'ric_price_list.import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def default_start(self, fields):
        context = Transaction().context
        if (context.get('active_model') == 'ric.price_list.version'
                and context.get('active_id')):
            return {'version': context['active_id']}
        return {}

    def transition_import_(self):
        pool = Pool()
        Mapping = pool.get('ric.price_list.import.mapping')
        mapping = self.start.mapping or Mapping.get_default_mapping()
        mapping.import_lines(self.start.version, self.start.file_,
            self.start.filename, replace=self.start.replace)
        return 'end'


class ExportStart(ModelView):
    "Export Price List"
    __name__ = 'ric.price_list.export.start'
    __string__ = "Export Price List"

    version = fields.Many2One('ric.price_list.version', "Version",
        required=True)
    mapping = fields.Many2One('ric.price_list.import.mapping', "Mapping")
    file_format = fields.Selection([
            ('csv', "CSV"),
            ('xlsx', "XLSX"),
            ], "Format", required=True)

    @classmethod
    def default_file_format(cls):
        return 'xlsx'


class ExportResult(ModelView):
    "Export Price List"
    __name__ = 'ric.price_list.export.result'
    __string__ = "Export Price List"

    file_ = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)


class ExportPriceList(Wizard):
    "Export Price List"
    __name__ = 'ric.price_list.export'
    __string__ = "Export Price List"

    start = StateView('ric.price_list.export.start',
        'ric_price_list.export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('ric.price_list.export.result',
        'ric_price_list.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        context = Transaction().context
        if (context.get('active_model') == 'ric.price_list.version'
                and context.get('active_id')):
            return {'version': context['active_id']}
        return {}

    def default_result(self, fields):
        pool = Pool()
        Mapping = pool.get('ric.price_list.import.mapping')
        mapping = self.start.mapping or Mapping.get_default_mapping()
        data, filename = mapping.export_file(
            self.start.version, self.start.file_format)
        return {'file_': data, 'filename': filename}
