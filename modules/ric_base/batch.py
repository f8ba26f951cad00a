# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Slicing of id lists for set-based queries.

The spine methods take thousands of ids and must run a number of
statements that does not grow with them.  trytond's ``grouped_slice``
without a size slices by one, and ``backend.MAX_QUERY_PARAMS`` is 200 on
SQLite because trytond's own conditions nest ranges (expression depth);
the conditions built here are flat ``IN (…)`` lists, which SQLite accepts
up to its variable limit (250 000 since 3.32), so the same slice size is
used on both backends.
"""
from sql import Literal

from trytond import backend
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, record_cache_size

#: ids per flat IN list: under PostgreSQL's 65 535 parameters per
#: statement and far under SQLite's variable limit
IN_MAX = 20_000


def in_max():
    "Return how many ids one flat IN condition takes on this backend"
    return max(IN_MAX if backend.name == 'sqlite'
        else min(IN_MAX, backend.MAX_QUERY_PARAMS), 1)


def id_slices(records, count=None):
    """Yield lists of the ids of records (ids or instances), in slices of
    count (default :func:`in_max`); nothing for no records"""
    ids = sorted({int(r) for r in records})
    for sub_ids in grouped_slice(ids, count or in_max()):
        yield list(sub_ids)


def in_ids(column, ids):
    "Return the flat SQL condition column IN ids (False when empty)"
    ids = list(ids)
    if not ids:
        return Literal(False)
    return column.in_(ids)


def where_slices(column, records):
    """Yield the conditions on column that select records in slices

    records is a list of ids or instances, or None for no restriction
    (then a single True condition is yielded)."""
    if records is None:
        yield Literal(True)
        return
    for sub_ids in id_slices(records):
        yield in_ids(column, sub_ids)


def browse_slices(Model, records):
    """Return the instances of records (ids or instances), in their order,
    browsed in slices of the transaction's record cache size

    The instances of one browse share one cache: beyond its size each
    attribute read evicts what the others read and the loop over them
    becomes quadratic (a search of thousands of records)."""
    ids = [int(r) for r in records]
    result = []
    for sub_ids in grouped_slice(ids, record_cache_size(Transaction())):
        result.extend(Model.browse(list(sub_ids)))
    return result


def joined_values(Model, records, field_name, Target, value, where=None,
        default=None, type_='INNER'):
    """Return {record id: value} of records of Model, read with one query
    per slice through the join of their Many2One field_name to Target

    value(table, target) is the SQL expression read; where(table, target)
    narrows the rows, the records without a row get default.  The
    function fields of lists (the diary) read their values this way
    instead of one record at a time."""
    table, target = Model.__table__(), Target.__table__()
    cursor = Transaction().connection.cursor()
    result = dict.fromkeys(map(int, records), default)
    for sub_ids in id_slices(records):
        condition = in_ids(table.id, sub_ids)
        if where is not None:
            condition &= where(table, target)
        cursor.execute(*table.join(target, type_,
                condition=target.id == getattr(table, field_name)).select(
                table.id, value(table, target), where=condition))
        result.update(cursor)
    return result
