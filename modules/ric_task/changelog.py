# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Change log: who changed what and when in the data of the clients

:class:`ChangeLogMixin` records the creations, deletions and the old and
new values of the stored fields written on a model; one read before and
one after each write call, one create of the log lines.  It is applied to
clients, contact persons and distributives, and to the tariff price lists
when ric_price_list is activated (``[register ric_price_list]`` of
tryton.cfg); ric_billing and ric_settlement apply it to their documents
when ric_task is activated.
"""
import datetime as dt

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

#: field types whose values are logged
_LOGGED_TYPES = {
    'boolean', 'char', 'date', 'datetime', 'float', 'integer', 'many2one',
    'numeric', 'selection', 'text', 'time', 'timedelta', 'multiselection',
    'reference'}
_SKIPPED = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}


class Change(ModelSQL, ModelView):
    "Change Log"
    __name__ = 'ric.task.change'
    __string__ = "Change Log"

    date = fields.DateTime("Date", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='SET NULL')
    model = fields.Char("Model", readonly=True)
    model_name = fields.Function(fields.Char("Document"), 'get_model_name')
    record_id = fields.Integer("Record ID", readonly=True)
    record = fields.Function(
        fields.Reference("Record", selection='get_models'), 'get_record')
    action = fields.Selection([
            ('create', "Created"),
            ('write', "Changed"),
            ('delete', "Deleted"),
            ], "Action", readonly=True)
    field = fields.Char("Field Name", readonly=True)
    field_string = fields.Char("Field", readonly=True)
    old_value = fields.Text("Old Value", readonly=True)
    new_value = fields.Text("New Value", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.model, Index.Equality()),
                    (t.record_id, Index.Range())),
                Index(t, (t.date, Index.Range())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_models(cls):
        IrModel = Pool().get('ir.model')
        # the deleted records have no record
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._logged_models()]

    @classmethod
    def _logged_models(cls):
        pool = Pool()
        return sorted({n for n, k in pool.iterobject()
                if isinstance(k, type) and issubclass(k, ChangeLogMixin)
                and hasattr(k, '_fields')})

    def get_model_name(self, name):
        return Pool().get('ir.model').get_name(self.model)

    def get_record(self, name):
        if self.action != 'delete':
            return '%s,%s' % (self.model, self.record_id)


def _format(field, value, rec_names, definition=None):
    if value is None or value is False and field._type != 'boolean':
        return None
    if field._type == 'many2one':
        return rec_names.get(value) or str(value)
    selection = (definition or {}).get(
        'selection', getattr(field, 'selection', None))
    if field._type == 'selection' and isinstance(selection, list):
        return str(dict(selection).get(value, value))
    if isinstance(value, (list, tuple)):
        return ', '.join(map(str, value))
    return str(value)


class ChangeLogMixin:
    """Log the changes of the stored fields of the model

    ``_ric_changelog_exclude`` names the fields never logged (computed
    ones); the context key ``_ric_no_changelog`` disables the log."""
    __slots__ = ()
    _ric_changelog_exclude = set()

    @classmethod
    def _ric_changelog_written(cls, values):
        """Return the names of the fields a write of values may change:
        a model whose write changes other fields too adds them"""
        return set(values)

    @classmethod
    def _ric_changelog_fields(cls):
        return {n: f for n, f in cls._fields.items()
            if f._type in _LOGGED_TYPES
            and not isinstance(f, fields.Function)
            and n not in _SKIPPED and n not in cls._ric_changelog_exclude}

    @classmethod
    def _ric_log_enabled(cls):
        return not Transaction().context.get('_ric_no_changelog')

    @classmethod
    def _ric_log(cls, vlist):
        if vlist:
            Change = Pool().get('ric.task.change')
            with without_check_access():
                Change.create(vlist)

    @classmethod
    def _ric_line(cls, action, record_id, **values):
        return dict(date=dt.datetime.now(), user=Transaction().user or None,
            model=cls.__name__, record_id=record_id, action=action, **values)

    @classmethod
    def _ric_read(cls, ids, names):
        names = sorted(names)
        many2ones = [n for n in names if cls._fields[n]._type == 'many2one']
        with without_check_access(), Transaction().set_context(
                active_test=False):
            rows = cls.read(ids, names + [n + '.rec_name' for n in many2ones])
        result = {}
        for row in rows:
            rec_names = {}
            for n in many2ones:
                target = row.get(n + '.')
                if target and row.get(n) is not None:
                    rec_names[row[n]] = target.get('rec_name')
            result[row['id']] = (row, rec_names)
        return result

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        if cls._ric_log_enabled():
            cls._ric_log([cls._ric_line('create', r.id) for r in records])
        return records

    @classmethod
    def write(cls, *args):
        if not cls._ric_log_enabled():
            return super().write(*args)
        logged = cls._ric_changelog_fields()
        actions = iter(args)
        names, ids = set(), set()
        for records, values in zip(actions, actions):
            written = cls._ric_changelog_written(values) & set(logged)
            if written:
                names |= written
                ids.update(r.id for r in records)
        if not ids:
            return super().write(*args)
        ids = sorted(ids)
        before = cls._ric_read(ids, names)
        super().write(*args)
        after = cls._ric_read(ids, names)
        # the log is read by the staff: labels in the language of the
        # database, whoever made the change
        Configuration = Pool().get('ir.configuration')
        with Transaction().set_context(
                language=Configuration.get_language()):
            definitions = cls.fields_get(sorted(names))
        vlist = []
        for record_id in ids:
            old, old_names = before[record_id]
            new, new_names = after.get(record_id, ({}, {}))
            for name in sorted(names):
                if old.get(name) == new.get(name):
                    continue
                field = logged[name]
                definition = definitions.get(name, {})
                vlist.append(cls._ric_line('write', record_id, field=name,
                        field_string=definition.get('string', field.string),
                        old_value=_format(
                            field, old.get(name), old_names, definition),
                        new_value=_format(
                            field, new.get(name), new_names, definition)))
        cls._ric_log(vlist)

    @classmethod
    def delete(cls, records):
        ids = [r.id for r in records]
        names = {r.id: r.rec_name for r in records} \
            if cls._ric_log_enabled() else {}
        super().delete(records)
        if cls._ric_log_enabled():
            cls._ric_log([cls._ric_line('delete', i, old_value=names[i])
                    for i in ids])


class Party(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _ric_changelog_exclude = {
        'readiness_stage', 'readiness_index', 'sales_potential',
        'potential_users', 'code', 'code_readonly', 'code_alnum',
        'code_digit', 'ric_attributes'}


class Contact(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.party.contact'


class Distributive(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.distributive'
    _ric_changelog_exclude = {'password', 'password_date'}


class PriceList(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'product.price_list'


class PriceListVersion(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.price_list.version'

    @classmethod
    def compute_prices(cls, versions):
        """The prices of the formula lines are not logged when computed:
        they follow from the logged formulas and prices of the draft
        version and of its base, and a computation writes every line"""
        with Transaction().set_context(_ric_no_changelog=True):
            super().compute_prices(versions)


class PriceListLine(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'product.price_list.line'


class PriceListAssignment(ChangeLogMixin, metaclass=PoolMeta):
    __name__ = 'ric.price_list.assignment'
