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
#: records instantiated together: trytond's ``ModelStorage.__init__``
#: checks (``assert``) that the id is in the list of the ids browsed with
#: it and that each of them is an int, for every instance — a cost
#: quadratic in the length of that list (the 4 667 lines of an act created
#: at once: 140 million checks, most of the act's time)
BROWSE_MAX = 500
#: records created by one call: ``create`` validates them as one browse
#: list (see :data:`BROWSE_MAX`), and the validation of what one call
#: created is the costly part (an act of 5 000 lines: a tenth of its
#: computation less with 100 than with 500)
CREATE_MAX = 100


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
    browsed in slices of :data:`BROWSE_MAX` (at most the transaction's
    record cache size)

    The instances of one browse share one cache: beyond its size each
    attribute read evicts what the others read and the loop over them
    becomes quadratic (a search of thousands of records); and each
    instance checks the whole list of ids browsed with it."""
    ids = [int(r) for r in records]
    result = []
    size = min(BROWSE_MAX, record_cache_size(Transaction()))
    for sub_ids in grouped_slice(ids, size):
        result.extend(Model.browse(list(sub_ids)))
    return result


def search_ids(Model, domain, order=None):
    """Return the ids of the records of Model that match domain, in order

    ``Model.search`` instantiates every record found together (see
    :data:`BROWSE_MAX`); here the query of the search (with the access
    rules) is run and only the ids are kept, for :func:`browse_slices`."""
    cursor = Transaction().connection.cursor()
    cursor.execute(*Model.search(domain, order=order, query=True))
    return [id_ for id_, in cursor]


def create_slices(Model, vlist):
    """Create the records of vlist in slices of :data:`CREATE_MAX` and
    return them"""
    result = []
    for sub_vlist in grouped_slice(vlist, CREATE_MAX):
        result.extend(Model.create(list(sub_vlist)))
    return result


def delete_slices(Model, records):
    "Delete records (ids or instances) in slices of :data:`BROWSE_MAX`"
    for sub_ids in grouped_slice([int(r) for r in records], BROWSE_MAX):
        Model.delete(Model.browse(list(sub_ids)))


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
