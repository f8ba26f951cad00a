#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Refresh modules/<module>/locale/ru.po from the module's strings.

Activates the module in an in-memory SQLite database, collects every
translatable string of the module (fields, help, selections, views,
menus, actions, messages, reports, wizard buttons), keeps the existing
Russian translations of modules/<module>/locale/ru.po and writes the file
back; prints the msgids that still have no translation.

    scripts/update_po.py ric_base [--lang ru] [--check]

--check does not write and exits 1 when a string is untranslated.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def collect(module):
    os.environ['TRYTOND_DATABASE__URI'] = 'sqlite://'
    os.environ['DB_NAME'] = ':memory:'
    os.environ.pop('DB_CACHE', None)
    import polib

    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME, activate_module
    from trytond.transaction import Transaction
    activate_module(module)
    with Transaction().start(DB_NAME, 0) as transaction:
        pool = Pool()
        Translation = pool.get('ir.translation')
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        # The source strings are the rows of the internal language; the
        # set wizard adds those of views and reports
        session_id, _, _ = TranslationSet.create()
        TranslationSet(session_id).transition_set_()
        content = Translation.translation_export('en', module)
        transaction.rollback()
    return polib.pofile(content.decode('utf-8'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('module')
    parser.add_argument('--lang', default='ru')
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    import polib
    path = os.path.join(ROOT, 'modules', args.module, 'locale',
        '%s.po' % args.lang)
    known = {}
    if os.path.exists(path):
        for entry in polib.pofile(path):
            if entry.msgstr:
                known[(entry.msgctxt, entry.msgid)] = entry.msgstr
                known.setdefault((None, entry.msgid), entry.msgstr)
    fresh = collect(args.module)
    missing = []
    for entry in fresh:
        entry.flags = [f for f in entry.flags if f != 'fuzzy']
        entry.msgstr = known.get((entry.msgctxt, entry.msgid)) or known.get(
            (None, entry.msgid), '')
        if not entry.msgstr:
            missing.append(entry)
    fresh.metadata = {
        'Content-Type': 'text/plain; charset=utf-8',
        'Language': args.lang,
        }
    for entry in missing:
        print('%s\t%s' % (entry.msgctxt, entry.msgid))
    print('%d strings, %d untranslated' % (len(fresh), len(missing)),
        file=sys.stderr)
    if args.check:
        return 1 if missing else 0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fresh.sort(key=lambda e: (e.msgctxt or '', e.msgid))
    fresh.save(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
