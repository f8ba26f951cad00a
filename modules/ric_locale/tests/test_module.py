# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os
import pathlib
import re

import polib

from trytond.modules.ric_base.tests.tools import module_set
from trytond.tests.test_tryton import ModuleTestCase, TestCase

LOCALE = os.path.join(os.path.dirname(__file__), '..', 'locale')
OVERRIDE = os.path.join(LOCALE, 'override', 'ru.po')
PLACEHOLDER = re.compile(
    r'%\([a-z_0-9]+\)[sdfir]|%[sd]|\{[a-z_0-9]*\}|\$\{[a-z_]+\}')


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


class OverrideFileTestCase(TestCase):
    "The Russian override file is well formed"

    def entries(self):
        return [e for e in polib.pofile(OVERRIDE) if not e.obsolete]

    def test_no_empty_or_fuzzy(self):
        "Every entry has a Russian text and none is fuzzy"
        for entry in self.entries():
            if entry.msgid_plural:
                values = list(entry.msgstr_plural.values())
                self.assertEqual(len(values), 3, entry.msgctxt)
            else:
                values = [entry.msgstr]
            for value in values:
                self.assertTrue(value, entry.msgctxt)
            self.assertNotIn('fuzzy', entry.flags, entry.msgctxt)

    def test_placeholders(self):
        "Format placeholders are kept exactly"
        for entry in self.entries():
            if entry.msgid_plural:
                values = list(entry.msgstr_plural.values())
            else:
                values = [entry.msgstr]
            for value in values:
                self.assertEqual(
                    placeholders(value), placeholders(entry.msgid),
                    entry.msgctxt)

    def test_contexts(self):
        "Overrides name an official module, others add rows"
        seen = set()
        for entry in self.entries():
            type_, name, res_id = entry.msgctxt.split(':')
            self.assertIn(type_, {
                    'field', 'help', 'selection', 'model', 'view',
                    'report', 'wizard_button'}, entry.msgctxt)
            if res_id:
                # an override of another module's translation
                self.assertIn('.', res_id, entry.msgctxt)
            key = (entry.msgctxt, entry.msgid)
            self.assertNotIn(key, seen)
            seen.add(key)

    def test_vocabulary(self):
        "Words the glossary rejects do not appear"
        for entry in self.entries():
            values = (list(entry.msgstr_plural.values())
                if entry.msgid_plural else [entry.msgstr])
            for value in values:
                for word in ['Инвойс', 'инвойс', 'Партнёр', 'Продукт ']:
                    self.assertNotIn(word, value, entry.msgctxt)


def suite_extras():
    """Return the other modules of the suite, as few as activate them all

    ric_locale is tested on the database of the whole suite in Russian,
    the one of the translation check (tests/test_translations.py): it is
    built once for both."""
    modules = pathlib.Path(__file__).resolve().parents[2]
    names = [p.parent.name for p in modules.glob('*/tryton.cfg')]
    return [m for m in module_set(names) if m != 'ric_locale']


class RicLocaleTestCase(ModuleTestCase):
    "Test RIC Locale module"
    module = 'ric_locale'
    extras = suite_extras()
    language = 'ru'


del ModuleTestCase
