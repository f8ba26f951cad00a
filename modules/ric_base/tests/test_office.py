# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The conversion by LibreOffice: the batches survive a LibreOffice that
stops in the middle, the LibreOffice kept running is used, stopped when
idle or when its process is killed, and replaced when it fails"""
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import zipfile
from unittest.mock import patch

from trytond.modules.ric_base import office
from trytond.modules.ric_base.exceptions import ConversionError

SOFFICE = shutil.which('soffice') or shutil.which('libreoffice')
PDFTOTEXT = shutil.which('pdftotext')

# A stand-in for soffice.  Started without --convert-to, it is the kept
# LibreOffice: it writes the lock file of its document, as LibreOffice does
# when the document is open, and waits to be killed.  With --convert-to it
# "converts" (copies) at most FAKE_LIMIT of the files it is given, then
# stops as LibreOffice does when it crashes in a batch; with FAKE_BROKEN
# set, the files given to the kept one are not converted.
FAKE = textwrap.dedent('''\
    import os, sys, time
    args = sys.argv[1:]
    if '--convert-to' not in args:
        if os.environ.get('FAKE_NO_START'):
            sys.exit(1)
        open('.~lock.guard.fodt#', 'w').close()
        while True:
            time.sleep(60)
    profile = [a for a in args if a.startswith('-env:UserInstallation=')]
    kept = 'ric_office_' in profile[0]
    outdir = args[args.index('--outdir') + 1]
    extension = args[args.index('--convert-to') + 1].split(':')[0]
    files = [a for a in args if a.endswith('.odt')]
    limit = int(os.environ.get('FAKE_LIMIT', len(files)))
    if kept and os.environ.get('FAKE_BROKEN'):
        limit = 0
    for path in files[:limit]:
        base = os.path.splitext(os.path.basename(path))[0]
        with open(path, 'rb') as source, open(os.path.join(
                outdir, base + '.' + extension), 'wb') as target:
            target.write(b'converted ' + source.read())
    sys.exit(1 if len(files) > limit else 0)
    ''')


def gone(pid):
    "Return whether the process pid ended (a zombie counts as ended)"
    try:
        with open('/proc/%d/status' % pid) as status:
            return any(line.startswith('State:') and 'Z' in line
                for line in status)
    except FileNotFoundError:
        return True


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def odt(text):
    "Return the bytes of an ODT document of one paragraph of text"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:'
        'opendocument:xmlns:text:1.0" office:version="1.3"><office:body>'
        '<office:text><text:p>%s</text:p></office:text></office:body>'
        '</office:document-content>' % text)
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument'
        ':xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
        'opendocument.text"/><manifest:file-entry manifest:full-path='
        '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('mimetype', 'application/vnd.oasis.opendocument.text',
            compress_type=zipfile.ZIP_STORED)
        archive.writestr('content.xml', content)
        archive.writestr('META-INF/manifest.xml', manifest)
    return buffer.getvalue()


class FakeMixin:

    def setUp(self):
        super().setUp()
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        self.script = os.path.join(directory, 'fake_soffice.py')
        with open(self.script, 'w') as file:
            file.write(FAKE)
        self.command = [sys.executable, self.script]
        patcher = patch.object(office, 'soffice_command',
            return_value=self.command)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.files = [('Акт сверки %s' % i, b'odt %d' % i)
            for i in range(7)]
        self.expected = [b'converted odt %d' % i for i in range(7)]

    def kept(self, **kwargs):
        "Make the process keep an Office of the fake command"
        kept = office.Office(self.command, **kwargs)
        self.addCleanup(kept.stop)
        patcher = patch.object(office, 'get_office', return_value=kept)
        patcher.start()
        self.addCleanup(patcher.stop)
        return kept


class ConvertManyTestCase(FakeMixin, unittest.TestCase):
    "convert_many with LibreOffice started for the files"

    def setUp(self):
        super().setUp()
        patcher = patch.object(office, 'get_office', return_value=None)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_started_again_for_the_files_left(self):
        "Every file is converted, in order, by runs that stop early"
        with patch.dict(os.environ, FAKE_LIMIT='3'):
            result = office.convert_many(self.files, 'pdf', processes=2)
        self.assertEqual(result, self.expected)

    def test_no_progress_is_an_error(self):
        "A LibreOffice that converts nothing stops the batch"
        with patch.dict(os.environ, FAKE_LIMIT='0'), \
                self.assertRaises(ConversionError):
            office.convert_many(self.files, 'pdf')

    def test_no_file(self):
        "Nothing to convert starts no LibreOffice"
        with patch.object(office, '_run_soffice') as run:
            self.assertEqual(office.convert_many([], 'pdf'), [])
        run.assert_not_called()


class KeptOfficeTestCase(FakeMixin, unittest.TestCase):
    "convert_many with the LibreOffice kept running"

    def test_kept_between_conversions(self):
        "Two conversions use the same LibreOffice, left running"
        kept = self.kept()
        self.assertEqual(
            office.convert_many(self.files[:3], 'pdf'), self.expected[:3])
        pid = kept.process.pid
        self.assertEqual(
            office.convert_many(self.files[3:], 'docx'), self.expected[3:])
        self.assertEqual(kept.process.pid, pid)
        self.assertTrue(kept.alive)

    def test_stop(self):
        "A stopped LibreOffice has ended and its directory is removed"
        kept = self.kept()
        office.convert_many(self.files[:1], 'pdf')
        pid, directory = kept.process.pid, kept.directory
        kept.stop()
        self.assertTrue(wait_for(lambda: gone(pid)))
        self.assertFalse(os.path.exists(directory))
        self.assertFalse(kept.alive)

    def test_stopped_when_idle(self):
        """Unused for its idle time, the LibreOffice stops; the next
        conversion starts another"""
        kept = self.kept(idle=0.3)
        office.convert_many(self.files[:1], 'pdf')
        pid = kept.process.pid
        self.assertTrue(wait_for(lambda: kept.process is None, 5))
        self.assertTrue(wait_for(lambda: gone(pid)))
        self.assertEqual(
            office.convert_many(self.files, 'pdf'), self.expected)
        self.assertNotEqual(kept.process.pid, pid)

    def test_started_again_when_dead(self):
        "A kept LibreOffice that died is replaced"
        kept = self.kept()
        office.convert_many(self.files[:1], 'pdf')
        pid = kept.process.pid
        os.killpg(pid, signal.SIGKILL)
        self.assertTrue(wait_for(lambda: kept.process.poll() is not None))
        self.assertEqual(
            office.convert_many(self.files, 'pdf'), self.expected)
        self.assertNotEqual(kept.process.pid, pid)

    def test_failing_office_replaced(self):
        """Files the kept LibreOffice does not convert are converted by one
        started for them, and the kept one is stopped"""
        kept = self.kept()
        with patch.dict(os.environ, FAKE_BROKEN='1'):
            self.assertEqual(
                office.convert_many(self.files, 'pdf'), self.expected)
        self.assertIsNone(kept.process)

    def test_office_not_starting(self):
        """A LibreOffice that cannot be kept: the files are converted by one
        started for them"""
        kept = self.kept(start_timeout=5)
        with patch.dict(os.environ, FAKE_NO_START='1'):
            self.assertEqual(
                office.convert_many(self.files, 'pdf'), self.expected)
        self.assertIsNone(kept.process)

    def test_processes_do_not_use_it(self):
        "A batch split between processes starts its own LibreOffices"
        kept = self.kept()
        self.assertEqual(office.convert_many(self.files, 'pdf', processes=2),
            self.expected)
        self.assertIsNone(kept.process)

    def test_killed_server(self):
        """The LibreOffice of a process that is killed is stopped by its
        guard"""
        program = textwrap.dedent('''\
            import os, signal, sys
            from trytond.modules.ric_base import office
            kept = office.Office(sys.argv[1:])
            assert kept.start()
            print(kept.process.pid, kept.directory, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
            ''')
        process = subprocess.run(
            [sys.executable, '-c', program] + self.command,
            stdout=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(process.returncode, -signal.SIGKILL)
        pid, directory = process.stdout.split()
        self.assertTrue(wait_for(lambda: gone(int(pid))))
        self.assertTrue(wait_for(lambda: not os.path.exists(directory)))

    def test_one_office_per_process(self):
        """One Office a process, none when office_idle is 0; a forked
        process makes its own"""
        with patch.object(office, '_office', None), \
                patch.object(office.config, 'getint', return_value=300):
            first = office.get_office()
            self.assertIs(office.get_office(), first)
            self.assertEqual(first.idle, 300)
            with patch.object(office.os, 'getpid',
                    return_value=os.getpid() + 1):
                child = office.get_office()
            self.assertIsNot(child, first)
        with patch.object(office.config, 'getint', return_value=0):
            self.assertIsNone(office.get_office())


@unittest.skipUnless(SOFFICE and PDFTOTEXT,
    "LibreOffice (soffice) and pdftotext (poppler-utils) are needed: "
    "scripts/setup-env installs them")
class LibreOfficeTestCase(unittest.TestCase):
    "The LibreOffice kept running, for real"

    def setUp(self):
        patcher = patch.object(office, 'soffice_command',
            return_value=[SOFFICE])
        patcher.start()
        self.addCleanup(patcher.stop)
        self.kept = office.Office([SOFFICE])
        self.addCleanup(self.kept.stop)
        patcher = patch.object(office, 'get_office', return_value=self.kept)
        patcher.start()
        self.addCleanup(patcher.stop)

    def text(self, pdf):
        return subprocess.run([PDFTOTEXT, '-', '-'], input=pdf,
            stdout=subprocess.PIPE, check=True).stdout.decode()

    def test_conversions(self):
        "PDF and DOCX converted by the same LibreOffice, in order"
        first, second = office.convert_many([
                ('первый', odt('Акт сверки № 1')),
                ('второй', odt('Акт сверки № 2')),
                ], 'pdf')
        pid = self.kept.process.pid
        self.assertIn('Акт сверки № 1', self.text(first))
        self.assertIn('Акт сверки № 2', self.text(second))
        docx, = office.convert_many([('третий', odt('Третий'))], 'docx')
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            self.assertIn('Третий',
                archive.read('word/document.xml').decode())
        self.assertEqual(self.kept.process.pid, pid)
