# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers for the tests of the suite's modules."""
from contextlib import contextmanager

from trytond.transaction import Transaction


class QueryCount:
    "The number of SQL statements executed in a :func:`count_queries` block"

    def __init__(self):
        self.value = 0

    def __int__(self):
        return self.value

    def __repr__(self):
        return '<QueryCount %d>' % self.value


@contextmanager
def count_queries():
    """Count the SQL statements executed on the transaction's connection.

    Every cursor opened in the block is wrapped so that each ``execute``
    increments the yielded counter::

        with count_queries() as few:
            Model.spine_method(records[:10])
        with count_queries() as many:
            Model.spine_method(records)
        assert many.value == few.value
    """
    connection = Transaction().connection
    original = connection.cursor
    counter = QueryCount()

    class Cursor:
        def __init__(self, real):
            self._real = real

        def execute(self, *args, **kwargs):
            counter.value += 1
            return self._real.execute(*args, **kwargs)

        def executemany(self, *args, **kwargs):
            counter.value += 1
            return self._real.executemany(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self._real, name)

        def __iter__(self):
            return iter(self._real)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._real.__exit__(*exc) if hasattr(
                self._real, '__exit__') else None

    def cursor(*args, **kwargs):
        return Cursor(original(*args, **kwargs))

    connection.cursor = cursor
    try:
        yield counter
    finally:
        connection.cursor = original
