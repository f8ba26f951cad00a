#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One distribution that registers every Tryton module found in modules/."""
import configparser
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES_DIR = os.path.join(HERE, 'modules')


def module_names():
    for name in sorted(os.listdir(MODULES_DIR)):
        if os.path.isfile(os.path.join(MODULES_DIR, name, 'tryton.cfg')):
            yield name


def module_depends(name):
    config = configparser.ConfigParser()
    config.read(os.path.join(MODULES_DIR, name, 'tryton.cfg'))
    return config.get('tryton', 'depends', fallback='').split()


packages, package_dir, package_data, entry_points = [], {}, {}, []
official = set()
names = list(module_names())
for name in names:
    root = os.path.join(MODULES_DIR, name)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(('.', '__'))]
        if '__init__.py' not in filenames:
            continue
        rel = os.path.relpath(dirpath, MODULES_DIR)
        package = 'trytond.modules.' + rel.replace(os.sep, '.')
        packages.append(package)
        package_dir[package] = os.path.relpath(dirpath, HERE)
    package_data['trytond.modules.' + name] = [
        'tryton.cfg', '*.xml', 'view/*.xml', 'locale/*.po',
        'locale/override/*.po', 'report/*.fodt', 'report/*.odt',
        'tests/*.rst', 'tests/*.csv', 'tests/*.xlsx', 'tests/*.txt',
        'doc/*.rst', 'icons/*.svg', 'data/*']
    entry_points.append('%s = trytond.modules.%s' % (name, name))
    official.update(d for d in module_depends(name)
        if d not in names and d not in {'ir', 'res'})

SERIES = '>=8.0,<8.1'
requires = ['trytond[postgresql]' + SERIES, 'proteus' + SERIES]
requires += ['trytond_%s%s' % (m, SERIES) for m in sorted(official)]
# psycopg comes with trytond's postgresql extra; its compiled
# implementation (the binary extra, with its own libpq) reads and writes
# a quarter faster than the pure Python one trytond gets alone (a billing
# run: 22 s → 17 s).  tqdm shows the progress of the long command-line runs
# (benchmarks, load, demo data)
requires += ['psycopg[binary]']
requires += [
    'python-stdnum>=2.0', 'num2words>=0.5.13', 'holidays>=0.50',
    'rapidfuzz>=3.0', 'openpyxl>=3.1', 'tqdm>=4.60', 'relatorio>=0.10',
    'phonenumbers>=8.13',
    # barcodes and QR codes of the printed documents (trytond.tools)
    'python-barcode[images]', 'qrcode[pil]', 'webcolors',
    ]

# Static metadata lives in setup.cfg; the packages, their data, the Tryton
# modules' entry points and requirements are discovered from modules/.
setup(
    packages=packages,
    package_dir=package_dir,
    package_data=package_data,
    install_requires=requires,
    entry_points={'trytond.modules': entry_points},
    )
