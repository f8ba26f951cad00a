# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers for the tests of the suite's modules."""
import os
from collections import Counter
from contextlib import contextmanager

from trytond.tests.test_tryton import TestCase, activate_module, drop_db
from trytond.transaction import Transaction


class QueryCount:
    "The number of SQL statements executed in a :func:`count_queries` block"

    def __init__(self):
        self.value = 0
        #: the number of statements by their first word (SELECT, INSERT…)
        self.kinds = Counter()
        #: the statements, when RIC_LOG_QUERIES is set (for debugging)
        self.log = None

    def without(self, *kinds):
        "Return the number of statements that are not of kinds"
        return self.value - sum(self.kinds[k] for k in kinds)

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
    if os.environ.get('RIC_LOG_QUERIES'):
        counter.log = []

    class Cursor:
        def __init__(self, real):
            self._real = real

        def execute(self, *args, **kwargs):
            counter.value += 1
            statement = str(args[0]) if args else ''
            counter.kinds[statement.split(None, 1)[0].upper()
                if statement.strip() else ''] += 1
            if counter.log is not None:
                counter.log.append(statement)
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


class ModuleDBTestCase(TestCase):
    """A test case on a database with module activated, without the generic
    checks of ModuleTestCase (they run once, in the module's test_module)"""
    module = None
    extras = None
    language = 'en'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module([cls.module] + list(cls.extras or []),
            lang=cls.language)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()
