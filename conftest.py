# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""pytest integration for the Tryton modules of the suite.

* Test modules under ``modules/<name>/tests`` are imported under their
  installed name ``trytond.modules.<name>.tests.<file>`` so that relative
  imports and the Tryton pool see a single copy of each module.
* ``scenario_*.rst`` doctests (which pytest ignores because it does not run
  ``load_tests``) are collected as items, one per JSON configuration, and run
  with Tryton's doctest set-up, tear-down and output checker.
* The terminal summary reports how many scenarios ran, passed and failed.
* Under pytest-xdist each worker gets its own PostgreSQL database name.
"""
import doctest
import fcntl
import hashlib
import importlib
import json
import os
import pathlib
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent
MODULES = ROOT / 'modules'

_worker = os.environ.get('PYTEST_XDIST_WORKER', 'main')
_run = (os.environ.get('RIC_TEST_RUN')
    or '%s_%s' % (os.getpid(), int(time.time())))
# xdist workers inherit the controller's environment: always derive the
# database name and the cache directory from the worker's own id.
_uri = os.environ.get('TRYTOND_DATABASE__URI', '')
if _uri.startswith('postgresql'):
    os.environ['DB_NAME'] = 'test_%s_%s' % (_run, _worker)
elif not os.environ.get('RIC_KEEP_DB_NAME'):
    os.environ['DB_NAME'] = ':memory:'
if not _uri.startswith('postgresql'):
    # SQLite's memory database has one connection, shared by every
    # transaction.  Every clean_timeout seconds (300 by default), trytond's
    # Cache.sync, called when a transaction starts, asks that connection
    # for autocommit: Python's sqlite3 then commits the open transaction
    # and the whole test runs in autocommit, its data left for the next
    # tests of the class (a second company, bank, user...).  The memory
    # database has no other process to synchronise caches with.
    os.environ['TRYTOND_CACHE__CLEAN_TIMEOUT'] = str(10 ** 9)
os.environ.setdefault('RIC_DB_CACHE_ROOT', os.environ.get('DB_CACHE', ''))
_cache_root = os.environ['RIC_DB_CACHE_ROOT']
if _cache_root and not _cache_root.startswith('postgresql://'):
    # One SQLite cache per content of the modules, shared by the workers: a
    # stale cache would test old code; a file is written whole under a
    # temporary name, then renamed (see _share_db_cache).
    digest = hashlib.sha1()
    for path in sorted(MODULES.glob('*/**/*')):
        if path.suffix in {'.py', '.xml', '.cfg', '.po', '.fodt', '.csv'}:
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    os.environ['DB_CACHE'] = os.path.join(
        _cache_root, digest.hexdigest()[:16])
    _LOCK_DIR = os.environ['DB_CACHE']
else:
    # shared by the workers of a run: RIC_TEST_RUN, else the run id that
    # pytest-xdist gives all its workers
    _LOCK_DIR = os.path.join(
        tempfile.gettempdir(), 'ric-db-cache-locks',
        os.environ.get('RIC_TEST_RUN')
        or os.environ.get('PYTEST_XDIST_TESTRUNUID') or _run)

#: the lock files of the databases this worker is building, by cache name
_BUILDING = {}


#: seconds a worker waits for another to build a database before it
#: builds it itself
_BUILD_WAIT = 20 * 60


def _lock_building(name):
    """Wait while another worker builds the database of name, then take
    the right to build it; return False if this worker already has it"""
    if name in _BUILDING:
        return False
    _release_others(name)
    os.makedirs(_LOCK_DIR, exist_ok=True)
    path = os.path.join(_LOCK_DIR, '%s.lock' % hashlib.sha1(
            name.encode('utf-8')).hexdigest()[:20])
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR)
    end = time.monotonic() + _BUILD_WAIT
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > end:
                # the other worker hangs: build it here all the same
                os.close(descriptor)
                return True
            time.sleep(0.5)
    _BUILDING[name] = descriptor
    return True


def _release_others(name):
    """Release the locks of the databases other than name: a worker builds
    one database at a time, so such a lock is left by an activation that
    failed"""
    for other in list(_BUILDING):
        if other != name:
            _unlock_building(other)


def _unlock_building(name):
    descriptor = _BUILDING.pop(name, None)
    if descriptor is not None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _share_db_cache():
    """Build each cached database once for all the workers

    Activating the modules of a test database takes one to two minutes;
    trytond builds it in each worker that needs it and a worker that finds
    it missing builds it again even while another is doing so.  Here the
    first worker to miss a database builds it under a file lock and the
    others wait for it and restore it; on SQLite the cache file is written
    under a temporary name and renamed, so that no worker reads a file
    being written.  A failed backup is not an error (the cache is best
    effort)."""
    from trytond import backend
    from trytond.tests import test_tryton, tools
    original_restore = test_tryton.restore_db_cache
    original_backup = test_tryton.backup_db_cache

    def restore_db_cache(name):
        _release_others(name)
        if original_restore(name):
            return True
        if not test_tryton.DB_CACHE:
            # no cache: nothing to share, each worker builds its own
            return False
        if _lock_building(name) and original_restore(name):
            # built by another worker while this one waited
            _unlock_building(name)
            return True
        return False

    def backup_db_cache(name):
        try:
            if backend.name == 'sqlite' and test_tryton.DB_CACHE:
                os.makedirs(test_tryton.DB_CACHE, exist_ok=True)
                path = test_tryton._db_cache_file(test_tryton.DB_CACHE, name)
                if not os.path.exists(path):
                    temporary = '%s.%s.tmp' % (path, os.getpid())
                    if os.path.exists(temporary):
                        os.remove(temporary)
                    test_tryton._sqlite_copy(temporary)
                    os.replace(temporary, path)
            else:
                original_backup(name)
        except Exception as exception:  # concurrent creation of a template
            print('database cache not saved: %s' % exception)
        finally:
            _unlock_building(name)
    test_tryton.restore_db_cache = restore_db_cache
    test_tryton.backup_db_cache = backup_db_cache
    tools.restore_db_cache = restore_db_cache
    tools.backup_db_cache = backup_db_cache


def pytest_configure(config):
    _share_db_cache()


def _installed_name(path):
    "Return the dotted name of a test file inside modules/ or None"
    try:
        relative = pathlib.Path(path).resolve().relative_to(MODULES)
    except ValueError:
        return None
    return 'trytond.modules.' + '.'.join(relative.with_suffix('').parts)


class TrytonModule(pytest.Module):
    "A test module of a Tryton module, imported by its installed name"

    def _getobj(self):
        return importlib.import_module(_installed_name(self.path))


def pytest_pycollect_makemodule(module_path, parent):
    if _installed_name(module_path):
        return TrytonModule.from_parent(parent, path=module_path)


def pytest_collect_file(parent, file_path):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario_')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFile(pytest.File):

    def collect(self):
        config = self.path.with_suffix('.json')
        if config.exists():
            configs = json.loads(config.read_text())
        else:
            configs = [{}]
        for index, globs in enumerate(configs):
            name = self.path.stem
            if len(configs) > 1:
                name += '[%s]' % index
            yield ScenarioItem.from_parent(self, name=name, globs=globs)


def _close_own_connections():
    """Close this process's pool of the test database

    A test of the worker may have left connections of its own in the pool
    (threads of a concurrency test, a Database() opened to read
    pg_stat_activity); the scenario drops and recreates the database from
    its template, which PostgreSQL refuses while they are open."""
    from trytond import backend
    name = os.environ.get('DB_NAME')
    databases = getattr(backend.Database, '_databases', {})
    database = databases.get(os.getpid(), {}).get(name)
    if database is not None:
        database.close()


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):

    def __init__(self, *, globs, **kwargs):
        super().__init__(**kwargs)
        self.globs = globs

    def runtest(self):
        import unittest

        from trytond import backend
        from trytond.tests.test_tryton import (
            STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)
        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        else:
            _close_own_connections()
        suite = doctest.DocFileSuite(
            str(self.path), module_relative=False, globs=dict(self.globs),
            setUp=doctest_setup, tearDown=doctest_teardown,
            encoding='utf-8', checker=doctest_checker,
            optionflags=optionflags)
        result = unittest.TestResult()
        cwd = os.getcwd()
        try:
            os.chdir(self.path.parent)
            suite.run(result)
        finally:
            os.chdir(cwd)
        problems = result.failures + result.errors
        if problems:
            raise ScenarioFailure('\n'.join(text for _, text in problems))
        if result.testsRun == 0:
            raise ScenarioFailure('scenario %s ran no test' % self.path)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, 'scenario: %s' % self.name


def pytest_terminal_summary(terminalreporter):
    stats = {'passed': 0, 'failed': 0, 'skipped': 0}
    for outcome in stats:
        for report in terminalreporter.stats.get(outcome, []):
            location = getattr(report, 'location', None)
            if (location and str(location[2]).startswith('scenario: ')
                    and report.when in ('call', 'setup')):
                stats[outcome] += 1
    total = sum(stats.values())
    from trytond import backend
    terminalreporter.write_sep(
        '=', 'Tryton scenarios (%s): %d ran, %d passed, %d failed, '
        '%d skipped' % (backend.name, total, stats['passed'],
            stats['failed'], stats['skipped']), bold=True)


def pytest_report_teststatus(report, config):
    "Keep the progress line short: passed subtests print nothing"
    if type(report).__name__ == 'SubtestReport' and report.passed:
        return 'subtests passed', '', ''
