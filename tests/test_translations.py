# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Check that the user interface is completely Russian (issue 9).

The whole suite (every ``modules/*/tryton.cfg``, ``ric_locale`` included) is
activated on a database whose language is Russian; the Tryton "Set
Translations" extraction is run so that view labels and report strings are
registered, and every translatable source string in scope is looked up the
way the server does at run time (a non-fuzzy, non-empty ``ru`` translation).

In scope:

* every string of every activated module other than ``ir`` and ``res``:
  menus, actions (window titles, report names), view labels, field strings,
  help texts, selection values, model names, buttons, wizard buttons,
  ``ir.message`` texts, tab names (``ir.action.act_window.domain``) and
  the names of records loaded from XML (units, journals, locations…);
  record rule names (``ir.rule.group``) are administrator only and left out;
* of ``ir`` and ``res``: every ``ir.message`` and what a non-administrator
  sees (``USER_MODELS``: preferences, attachments, notes, export, e-mail,
  languages, month and day names).

A string counts as untranslated when its Russian value is missing, empty or
fuzzy, or when it is identical to the English source; sources listed in
``modules/ric_locale/data/untranslatable.txt`` (codes and proper nouns such as
IBAN or Skype) may stay as they are.

The official modules and ``ir``/``res`` are ``ric_locale``'s job: their count
must be 0. The suite's own modules ship their own ``locale/ru.po``; a failure
of ``test_suite_modules`` names the module that owns each missing string.
"""
import pathlib
import re
import unittest
from collections import defaultdict

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULES_DIR = ROOT / 'modules'
LANG = 'ru'
ALLOW_LIST = MODULES_DIR / 'ric_locale' / 'data' / 'untranslatable.txt'

# Models of ir and res that a non-administrator meets
USER_MODELS = {
    'ir.attachment', 'ir.note', 'ir.export', 'ir.export.line',
    'ir.email', 'ir.email.address', 'ir.email.template',
    'ir.email.template.mixin', 'ir.lang', 'ir.calendar.month',
    'ir.calendar.day', 'res.user', 'res.user.warning',
    'res.user.application', 'res.user.device',
    }
# Record names that only administrators see
ADMIN_RECORDS = {'ir.rule.group,name'}
LETTERS = re.compile(r'[A-Za-z]')


def suite_modules():
    """Return the names of the modules of the suite that are installed
    (a module added to modules/ needs ``pip install -e .`` to be found)"""
    from trytond.modules import get_modules
    installed = get_modules()
    return sorted(p.parent.name for p in MODULES_DIR.glob('*/tryton.cfg')
        if p.parent.name in installed)


def allow_list():
    if not ALLOW_LIST.exists():
        return set()
    return {line.strip() for line in ALLOW_LIST.read_text().splitlines()
        if line.strip() and not line.startswith('#')}


def model_of(type_, name):
    "Return the model (or wizard, report) a translation name belongs to"
    if type_ in {'view', 'report'}:
        return name
    return name.split(',')[0]


def in_scope(module, type_, name, res_id):
    if type_ == 'model' and res_id >= 0 and name in ADMIN_RECORDS:
        return False
    if module not in {'ir', 'res'}:
        return True
    if type_ == 'model' and name == 'ir.message,text':
        return True
    if type_ == 'model' and res_id >= 0:
        # records: only those of user models (languages, months, days)
        return name.split(',')[0] in USER_MODELS
    return model_of(type_, name) in USER_MODELS


def untranslated_strings(modules=None):
    """Return the untranslated strings in scope as a sorted list of
    (owner module, type, name, record, source)"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    Module = pool.get('ir.module')
    ModelData = pool.get('ir.model.data')
    TranslationSet = pool.get('ir.translation.set', type='wizard')

    # Register the view labels and report strings as Tryton's "Set
    # Translations" does (its button refuses a non-English database)
    with Transaction().set_context(active_model=None):
        session_id, _, _ = TranslationSet.create()
        wizard = TranslationSet(session_id)
        wizard.set_report()
        wizard.set_view()
        TranslationSet.delete(session_id)

    if modules is None:
        modules = {m.name for m in Module.search(
                [('state', '=', 'activated')])}
    allowed = allow_list()

    table = Translation.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            table.type, table.name, table.res_id, table.src, table.value,
            table.fuzzy,
            where=table.lang == LANG))
    done = {}
    for type_, name, res_id, src, value, fuzzy in cursor:
        if not value or fuzzy:
            continue
        if res_id is not None and res_id >= 0:
            key = (type_, name, res_id)
        else:
            key = (type_, name, src)
        done[key] = value

    cursor.execute(*table.select(
            table.module, table.type, table.name, table.res_id, table.src,
            where=(table.lang == 'en')
            & table.module.in_(sorted(modules))))
    rows = list(cursor)

    fs_ids = {}
    for data in ModelData.search([('module', 'in', sorted(modules))]):
        fs_ids[data.model, data.db_id] = '%s.%s' % (data.module, data.fs_id)

    missing = set()
    for module, type_, name, res_id, src in rows:
        if res_id is None:
            res_id = -1
        if not src or not LETTERS.search(src) or src in allowed:
            continue
        if not in_scope(module, type_, name, res_id):
            continue
        if res_id >= 0:
            key = (type_, name, res_id)
            record = fs_ids.get((name.split(',')[0], res_id), str(res_id))
        else:
            key = (type_, name, src)
            record = ''
        value = done.get(key)
        if value and value != src:
            continue
        missing.add((module, type_, name, record, src))
    return sorted(missing)


def report(missing):
    "Return a text listing the missing strings grouped by owner module"
    by_module = defaultdict(list)
    for entry in missing:
        by_module[entry[0]].append(entry)
    lines = ['%d untranslated strings (%s):' % (len(missing), ', '.join(
                '%s %d' % (m, len(e)) for m, e in sorted(by_module.items())))]
    for module, entries in sorted(by_module.items()):
        lines.append('== module %s owns %d untranslated strings:' % (
                module, len(entries)))
        for module, type_, name, record, src in entries:
            lines.append('  %s | %s | %s | %s | %r' % (
                    module, type_, name, record, src))
    return '\n'.join(lines)


def official_modules():
    "Return the activated Tryton modules the suite builds on"
    names = set(suite_modules())
    return {m for m in _activated() if m not in names}


def _activated():
    Module = Pool().get('ir.module')
    return {m.name for m in Module.search([('state', '=', 'activated')])}


class SuiteDatabaseMixin:
    """The database of the whole suite in Russian: the one of ric_locale's
    module test, built once (cached) for the tests of tests/ that use it"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        from trytond.modules.ric_locale.tests.test_module import suite_extras
        activate_module(['ric_locale'] + suite_extras(), lang=LANG)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()


class TranslationTestCase(SuiteDatabaseMixin, TestCase):
    "Russian translations of the whole suite"

    @with_transaction()
    def test_official_modules(self):
        "Official Tryton modules, ir and res are completely Russian"
        missing = untranslated_strings(official_modules())
        if missing:
            self.fail(report(missing))

    @with_transaction()
    def test_suite_modules(self):
        "The suite's own modules are completely Russian (their ru.po)"
        missing = untranslated_strings(set(suite_modules()))
        if missing:
            self.fail(report(missing))

    @with_transaction()
    def test_user_interface(self):
        "Main labels read through the models are Russian"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        Party = pool.get('party.party')
        Invoice = pool.get('account.invoice')
        with Transaction().set_context(language=LANG):
            fields = Party.fields_get(['name'])
            self.assertEqual(fields['name']['string'], 'Наименование')
            fields = Invoice.fields_get(['party', 'state'])
            self.assertEqual(fields['party']['string'], 'Контрагент')
            self.assertIn(('draft', 'Черновик'), fields['state']['selection'])
            names = {m.name for m in Menu.search([('parent', '=', None)])}
        for name in names:
            if name not in allow_list():
                self.assertFalse(LETTERS.search(name), name)


del TestCase

if __name__ == '__main__':
    unittest.main()
