# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The batch conversion survives a LibreOffice that stops in the middle"""
import os
import sys
import tempfile
import textwrap
import unittest
from unittest.mock import patch

from trytond.modules.ric_billing import report
from trytond.modules.ric_billing.exceptions import FormConversionError

# A stand-in for soffice: "converts" (copies) at most LIMIT of the files it
# is given, then stops as LibreOffice does when it crashes in a batch
FAKE = textwrap.dedent('''\
    import os, sys
    args = sys.argv[1:]
    outdir = args[args.index('--outdir') + 1]
    extension = args[args.index('--convert-to') + 1].split(':')[0]
    files = [a for a in args if a.endswith('.odt')]
    for path in files[:int(os.environ['FAKE_LIMIT'])]:
        base = os.path.splitext(os.path.basename(path))[0]
        with open(path, 'rb') as source, open(os.path.join(
                outdir, base + '.' + extension), 'wb') as target:
            target.write(b'converted ' + source.read())
    sys.exit(1 if len(files) > int(os.environ['FAKE_LIMIT']) else 0)
    ''')


class ConvertManyTestCase(unittest.TestCase):
    "convert_many"

    def setUp(self):
        directory = tempfile.mkdtemp()
        self.addCleanup(__import__('shutil').rmtree, directory)
        self.script = os.path.join(directory, 'fake_soffice.py')
        with open(self.script, 'w') as file:
            file.write(FAKE)
        patcher = patch.object(report, 'soffice_command',
            return_value=[sys.executable, self.script])
        patcher.start()
        self.addCleanup(patcher.stop)
        self.files = [('Акт сверки %s' % i, b'odt %d' % i)
            for i in range(7)]

    def test_started_again_for_the_files_left(self):
        "Every file is converted, in order, by runs that stop early"
        with patch.dict(os.environ, FAKE_LIMIT='3'):
            result = report.convert_many(self.files, 'pdf', processes=2)
        self.assertEqual(result,
            [b'converted odt %d' % i for i in range(7)])

    def test_no_progress_is_an_error(self):
        "A LibreOffice that converts nothing stops the batch"
        with patch.dict(os.environ, FAKE_LIMIT='0'), \
                self.assertRaises(FormConversionError):
            report.convert_many(self.files, 'pdf')
