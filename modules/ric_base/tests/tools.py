# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers for the tests of the suite's modules."""
import functools
import os
from collections import Counter
from contextlib import contextmanager

from trytond.tests.test_tryton import (
    TestCase, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction, TransactionError


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


def _dependencies(name, seen=None):
    "Return the modules name depends on, directly or not"
    from trytond.modules import get_module_info
    seen = set() if seen is None else seen
    for depend in get_module_info(name).get('depends', []):
        if depend not in seen:
            seen.add(depend)
            _dependencies(depend, seen)
    return seen


def module_set(modules):
    """Return the smallest sorted list of modules that activates modules

    A module another one of the list depends on is dropped: the test
    databases of ``['ric_billing', 'ric_task', 'ric_settlement']`` and of
    ``['ric_settlement', 'ric_task']`` are the same, and the database cache
    (one template per name) builds it once."""
    modules = set(modules)
    implied = set()
    for name in modules:
        implied |= _dependencies(name)
    return sorted(modules - implied)


class _Restart(BaseException):
    "A TransactionError carried through hypothesis (see restart_on_lock)"

    def __init__(self, error):
        super().__init__(error)
        self.error = error


def restart_on_lock(test):
    """Decorate a hypothesis test run inside a test transaction (above its
    ``@given``) so that a TransactionError of an example restarts the test
    at once

    A posting asks for a table lock by raising a TransactionError:
    trytond's ``with_transaction`` starts the test again with the lock
    taken.  Hypothesis takes that error for a failure of the example and
    shrinks it first — minutes of examples (the ledger property of the
    acts: 5 of its 6 minutes).  Here the error goes through hypothesis as
    a BaseException, which it does not catch, and is raised again as it
    was for ``with_transaction``."""
    inner = test.hypothesis.inner_test
    failed = []

    @functools.wraps(inner)
    def carried(*args, **kwargs):
        try:
            return inner(*args, **kwargs)
        except TransactionError as error:
            if failed:
                # an example failed: a restart would lose it (another
                # seed), hypothesis reports both errors instead
                raise
            raise _Restart(error) from error
        except Exception:
            failed.append(True)
            raise
    test.hypothesis.inner_test = carried

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        try:
            return test(*args, **kwargs)
        except _Restart as restart:
            raise restart.error
    return wrapper


class ModuleDBTestCase(TestCase):
    """A test case on a database with module activated, without the generic
    checks of ModuleTestCase (they run once, in the module's test_module)

    The modules activated are :func:`module_set` of module and extras: test
    cases that need the same modules share one cached database, which
    trytond builds once per run (a minute or two on PostgreSQL)."""
    module = None
    extras = None
    language = 'en'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(module_set([cls.module] + list(cls.extras or [])),
            lang=cls.language)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


class ReportActionsTestMixin:
    """Each report action of the module (``report_actions``: [(model, xml
    id)]) opens a list and, one click away, a graph, with a context model
    (``report_context`` when they share one)"""
    report_actions = []
    report_context = None

    @with_transaction()
    def test_report_actions_list_and_graph(self):
        "Each report action opens a list and, one click away, a graph"
        from trytond.pool import Pool
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        ActWindow = pool.get('ir.action.act_window')
        for model, xml_id in self.report_actions:
            action = ActWindow(ModelData.get_id(self.module, xml_id))
            self.assertEqual(action.res_model, model, xml_id)
            if self.report_context:
                self.assertEqual(
                    action.context_model, self.report_context, xml_id)
            else:
                self.assertTrue(action.context_model, xml_id)
            views = [v.view for v in action.act_window_views]
            self.assertEqual([v.type for v in views], ['tree', 'graph'],
                xml_id)
            Report = pool.get(model)
            for view in views:
                self.assertEqual(view.model, model, xml_id)
                arch = Report.fields_view_get(
                    view_id=view.id, view_type=view.type)
                self.assertTrue(arch['fields'], (xml_id, view.type))


#: the widgets the web client 8.0 can draw as a list column
#: (Sao.View.TreeXMLViewParser.WIDGETS): a field of another type, a
#: date-time above all, must name one (``widget="date"``/``"time"``)
LIST_WIDGETS = {
    'binary', 'boolean', 'callto', 'char', 'date', 'dict', 'email', 'float',
    'image', 'integer', 'many2many', 'many2one', 'numeric', 'one2many',
    'one2one', 'progressbar', 'reference', 'selection', 'multiselection',
    'sip', 'text', 'time', 'timedelta', 'url',
    }


class ListViewTestMixin:
    "Every list view of the module draws in the web client"

    @with_transaction()
    def test_list_view_widgets(self):
        "Every column of a list view has a widget the web client knows"
        from lxml import etree

        from trytond.pool import Pool
        pool = Pool()
        View = pool.get('ir.ui.view')
        views = View.search([
                ('module', '=', self.module),
                ('type', '=', 'tree'),
                ])
        for view in views:
            Model = pool.get(view.model)
            root = view.inherit or view
            result = Model.fields_view_get(view_id=root.id, view_type='tree')
            tree = etree.fromstring(result['arch'])
            for node in tree.iter('field'):
                name = node.get('name')
                field = result['fields'].get(name, {})
                widget = node.get('widget') or field.get('type')
                with self.subTest(view=view.name, field=name):
                    self.assertIn(widget, LIST_WIDGETS, msg="%s: %s" % (
                            view.name, name))
