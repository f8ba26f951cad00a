# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import os
import shutil
import tempfile
import time
import unittest

from trytond.exceptions import UserError
from trytond.modules.ric_base.folder import (
    folder_files, import_folder, move_aside)
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class FolderTestCase(unittest.TestCase):
    "The files of a folder: which are taken, where they go"

    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.folder)

    def write(self, name, data=b'x', age=600):
        path = os.path.join(self.folder, name)
        with open(path, 'wb') as file:
            file.write(data)
        os.utime(path, (time.time() - age, time.time() - age))
        return path

    def test_folder_files(self):
        "Sorted files only, no hidden file, no folder, none too recent"
        self.write('b.txt')
        self.write('a.txt')
        self.write('.partial')
        self.write('fresh.txt', age=0)
        os.mkdir(os.path.join(self.folder, 'archive'))
        self.assertEqual(folder_files(self.folder, settle=60),
            ['a.txt', 'b.txt'])
        self.assertEqual(folder_files(self.folder),
            ['a.txt', 'b.txt', 'fresh.txt'])

    def test_move_aside_keeps_earlier_files(self):
        "A name already taken gets a number; nothing is overwritten"
        target = os.path.join(self.folder, 'archive')
        first = move_aside(self.write('f.txt', b'1'), target)
        second = move_aside(self.write('f.txt', b'2'), target)
        third = move_aside(self.write('f.txt', b'3'), target)
        self.assertEqual([os.path.basename(p) for p in [first, second, third]],
            ['f.txt', 'f.1.txt', 'f.2.txt'])
        contents = []
        for path in [first, second, third]:
            with open(path, 'rb') as file:
                contents.append(file.read())
        self.assertEqual(contents, [b'1', b'2', b'3'])


class FolderImportTestCase(ModuleDBTestCase):
    "Each file in its own transaction"
    module = 'ric_base'

    @with_transaction()
    def test_import_folder(self):
        "Good files archived, refused ones set aside with their reason"
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        for name, data in [('1.txt', b'good'), ('2.txt', b'bad'),
                ('3.txt', b'good too')]:
            with open(os.path.join(folder, name), 'wb') as file:
                file.write(data)
        seen = []

        def import_file(data, name):
            seen.append((name, Transaction().context.get('marker')))
            if data == b'bad':
                raise UserError('File "%s", line 1: bad' % name)
            return len(data)

        with Transaction().set_context(marker='kept'):
            outcomes = import_folder(folder, import_file)
        self.assertEqual(seen,
            [('1.txt', 'kept'), ('2.txt', 'kept'), ('3.txt', 'kept')])
        self.assertEqual([(o.name, o.result, o.error) for o in outcomes], [
                ('1.txt', 4, None),
                ('2.txt', None, 'File "2.txt", line 1: bad'),
                ('3.txt', 8, None)])
        self.assertEqual(sorted(os.listdir(os.path.join(folder, 'archive'))),
            ['1.txt', '3.txt'])
        self.assertEqual(sorted(os.listdir(os.path.join(folder, 'failed'))),
            ['2.txt', '2.txt.error'])
        with open(os.path.join(folder, 'failed', '2.txt.error')) as file:
            self.assertEqual(file.read(), 'File "2.txt", line 1: bad\n')
        self.assertEqual(
            [n for n in os.listdir(folder) if n.endswith('.txt')], [])
