#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Compile sao-locale/<lang>.po into the web client's locale/<lang>.json.

The Russian catalogue shipped with tryton-sao 8.0 is almost empty; the
suite keeps its own translation of the web client in sao-locale/ and
installs it over the client's file.

    sao_locale.py SAO_PACKAGE_DIR
"""
import glob
import json
import os
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def compile_po(po_path, json_path):
    catalogue = {'': {
            'content-type': 'text/plain; charset=utf-8',
            'plural-forms': (
                'nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : '
                'n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);'),
            }}
    for entry in polib.pofile(po_path):
        if entry.obsolete or entry.fuzzy:
            continue
        key = entry.msgid
        if entry.msgctxt:
            key = entry.msgctxt + '\u0004' + key
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[i]
                for i in sorted(entry.msgstr_plural)]
            if all(forms):
                catalogue[key] = [entry.msgid_plural] + forms
        elif entry.msgstr:
            catalogue[key] = [None, entry.msgstr]
    with open(json_path, 'w', encoding='utf-8') as fp:
        json.dump(catalogue, fp, ensure_ascii=False)


def main(package):
    for po_path in glob.glob(os.path.join(ROOT, 'sao-locale', '*.po')):
        lang = os.path.splitext(os.path.basename(po_path))[0]
        compile_po(po_path, os.path.join(package, 'locale', lang + '.json'))


if __name__ == '__main__':
    main(sys.argv[1])
