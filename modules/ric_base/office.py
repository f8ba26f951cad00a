# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Conversion of the printed forms by LibreOffice

Tryton converts an ODT report by running ``soffice --convert-to`` for every
print: LibreOffice starts each time (1.3–1.5 s on a 2-core server, more
than the conversion of most forms).  This module converts with

* one LibreOffice *kept running* per server process (:class:`Office`): it
  is started at the first conversion with a small document open (a
  LibreOffice without an open document stops after a conversion it is
  asked for), and ``soffice --convert-to`` started with its profile hands
  the files to it and ends (0.05 s instead of the start).  It stops when
  it was not used for ``[ric_base] office_idle`` seconds (default 300; 0
  never keeps one), when the process ends, and — by a guard process that
  waits for the end of a pipe — when the process is killed.  A kept
  LibreOffice that fails is stopped and the files are converted by one
  started for them, as before;
* a private LibreOffice profile for the conversions that start their own
  LibreOffice (batches split between ``[ric_base] convert_processes``
  processes): conversions at once do not share, and lock, one profile.

``[ric_base] soffice`` names the command (default ``soffice``).  The
reports of the modules use :class:`ConvertMixin`; batches call
:func:`convert_many`.
"""
import atexit
import logging
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from trytond import config
from trytond.i18n import gettext
from trytond.tools import slugify

from .exceptions import ConversionError

logger = logging.getLogger(__name__)

#: the document a kept LibreOffice holds open
GUARD_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
    'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' office:version="1.3" office:mimetype="application/vnd.oasis.'
    'opendocument.text"><office:body><office:text><text:p/>'
    '</office:text></office:body></office:document>')

#: the guard of a kept LibreOffice (a shell: the server's sys.executable may
#: not be Python, under uWSGI for instance): it waits for the end of its
#: input (the server process stopped the office or ended, even killed) and
#: then kills the process group of LibreOffice and removes its directory
GUARD_PROCESS = 'cat > /dev/null; kill -9 -"$1"; rm -rf "$2"'


def soffice_command():
    "Return the LibreOffice command: [ric_base] soffice or soffice"
    return shlex.split(config.get('ric_base', 'soffice', default='soffice'))


def output_filter(extension):
    "Return the --convert-to argument of the extension"
    return {'docx': 'docx:MS Word 2007 XML'}.get(extension, extension)


class Office:
    """A LibreOffice kept running to convert files (see the module's
    docstring); one per process, from :func:`get_office`"""

    def __init__(self, command, idle=300, start_timeout=60):
        self.command = command
        self.idle = idle
        self.start_timeout = start_timeout
        self.directory = None
        self.process = self.guard = self.timer = None
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self.running = 0

    @property
    def profile(self):
        return 'file://' + os.path.join(self.directory, 'profile')

    @property
    def alive(self):
        return bool(self.process and self.process.poll() is None
            and os.path.exists(self._lock_file()))

    def _lock_file(self):
        # LibreOffice writes it when the document is open, after its
        # pipe for other soffice commands is listening
        return os.path.join(self.directory or '', '.~lock.guard.fodt#')

    def start(self):
        "Start LibreOffice and wait until it holds its document open"
        self.directory = tempfile.mkdtemp(prefix='ric_office_')
        with open(os.path.join(self.directory, 'guard.fodt'), 'w') as file:
            file.write(GUARD_DOCUMENT)
        self.process = subprocess.Popen(self.command + [
                '--headless', '--norestore', '--nologo',
                '-env:UserInstallation=' + self.profile, 'guard.fodt'],
            cwd=self.directory, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        self.guard = subprocess.Popen(['/bin/sh', '-c', GUARD_PROCESS,
                'guard', str(self.process.pid), self.directory],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while not os.path.exists(self._lock_file()):
            if (self.process.poll() is not None
                    or time.monotonic() > deadline):
                self.stop()
                return False
            time.sleep(0.05)
        logger.info("LibreOffice kept running (process %s, %s)",
            self.process.pid, self.directory)
        return True

    def _cancel_timer(self):
        if self.timer:
            self.timer.cancel()
            self.timer = None

    def stop(self):
        "Stop LibreOffice (its guard kills it and removes its directory)"
        with self.lock:
            self._cancel_timer()
            if self.process:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.process.wait()
                self.process = None
            if self.guard:
                self.guard.stdin.close()
                self.guard.wait()
                self.guard = None
            self.directory = None

    def _stop_if_idle(self):
        with self.lock:
            if not self.running:
                logger.info("LibreOffice stopped after %s s unused",
                    self.idle)
                self.stop()

    def _enter(self):
        "Return whether a LibreOffice runs for a conversion (started)"
        with self.lock:
            self._cancel_timer()
            if not self.alive:
                self.stop()
                if not self.start():
                    return False
            self.running += 1
            return True

    def _leave(self):
        with self.lock:
            self.running -= 1
            if not self.running and self.idle:
                self.timer = threading.Timer(self.idle, self._stop_if_idle)
                self.timer.daemon = True
                self.timer.start()

    def convert(self, directory, bases, filter_, timeout):
        """Convert the ODT files bases of directory into directory/out;
        return the error output or None when no LibreOffice could start"""
        if not self._enter():
            return None
        try:
            error = _wait(_start_conversion(self.command, self.profile,
                    directory, bases, filter_), timeout)
            if error is None:
                # a LibreOffice that does not answer is started again
                self.stop()
                return 'timeout after %d s' % timeout
            return error
        finally:
            self._leave()


_office = None
_office_lock = threading.Lock()


def get_office():
    """Return the Office of the process, None when none is kept
    (``[ric_base] office_idle`` = 0)"""
    global _office
    idle = config.getint('ric_base', 'office_idle', default=300)
    if not idle:
        return None
    with _office_lock:
        if _office is None or _office.pid != os.getpid():
            # a forked process has its own
            _office = Office(soffice_command(), idle=idle)
        return _office


@atexit.register
def _stop_office():
    if _office is not None and _office.pid == os.getpid():
        _office.stop()


def convert_many(files, extension, timeout=None, processes=None):
    """Convert [(name, ODT bytes)] to extension; return the converted bytes
    in the order of files

    The files go to the LibreOffice kept running (:func:`get_office`) when
    processes is 1 (the default ``[ric_base] convert_processes``); with
    more, they are split between as many LibreOffice processes started for
    them with private profiles.  A LibreOffice that stops in the middle of
    a long batch (it happens after some hundreds of files) is started
    again for the files it left, as long as each run converts some.  Raise
    ConversionError when a file was not converted.
    """
    if not files:
        return []
    if processes is None:
        processes = config.getint('ric_base', 'convert_processes', default=1)
    office = get_office() if processes <= 1 else None
    directory = tempfile.mkdtemp(prefix='ric_convert_')
    try:
        os.mkdir(os.path.join(directory, 'out'))
        bases = _write(directory, files)
        filter_ = output_filter(extension)
        if timeout is None:
            # about 1 s per 20 kB of ODT on a busy core, and the start
            timeout = 120 + sum(len(c) for _, c in files) // 20000
        start = time.monotonic()
        errors = _convert(directory, bases, extension, filter_, timeout,
            processes, office)
        logger.info("converted %s files to %s in %.1f s (%s)",
            len(files), extension, time.monotonic() - start,
            'kept LibreOffice' if office else '%s processes' % processes)
        return _read(directory, bases, files, extension, errors)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _write(directory, files):
    "Write the files into directory; return their base names"
    bases = []
    width = len(str(len(files)))
    for index, (name, content) in enumerate(files):
        base = '%s-%s' % (str(index).zfill(width), slugify(name)[:60])
        with open(os.path.join(directory, base + '.odt'), 'wb') as file:
            file.write(bytes(content))
        bases.append(base)
    return bases


def _output(directory, base, extension):
    return os.path.join(directory, 'out', base + '.' + extension)


def _convert(directory, bases, extension, filter_, timeout, processes,
        office):
    """Run LibreOffice until every file is converted or a run converts
    none; return the error outputs of the last run"""
    start = time.monotonic()
    pending, errors = bases, []
    while pending:
        left_time = max(1, timeout - (time.monotonic() - start))
        result = office.convert(directory, pending, filter_, left_time) \
            if office else None
        if result is None:
            errors = _run_soffice(
                directory, pending, filter_, left_time, processes)
        else:
            errors = [result]
        left = [b for b in pending
            if not os.path.exists(_output(directory, b, extension))]
        if len(left) == len(pending):
            if not office:
                break
            logger.warning("the kept LibreOffice converted none of %s "
                "files, converted without it: %s", len(pending),
                ' '.join(errors))
            office.stop()
            office = None
            continue
        if left:
            logger.warning("LibreOffice left %s of %s files, started "
                "again: %s", len(left), len(pending), ' '.join(errors))
        pending = left
    return errors


def _read(directory, bases, files, extension, errors):
    "Return the converted bytes; raise ConversionError for a missing one"
    result = []
    for base, (name, _) in zip(bases, files):
        path = _output(directory, base, extension)
        if not os.path.exists(path):
            raise ConversionError(gettext(
                    'ric_base.msg_conversion_failed',
                    document=name, extension=extension,
                    error=' '.join(errors)[-500:]))
        with open(path, 'rb') as file:
            result.append(file.read())
    return result


def _run_soffice(directory, bases, filter_, timeout, processes):
    """Run LibreOffice on the ODT files bases of directory, split between
    processes started at once with private profiles, into directory/out;
    return their error outputs"""
    processes = max(1, min(processes, len(bases)))
    running = [
        _start_conversion(soffice_command(),
            'file://' + os.path.join(directory, 'profile%d' % number),
            directory, bases[number::processes], filter_,
            '--nolockcheck', '--nodefault')
        for number in range(processes)]
    start = time.monotonic()
    errors = []
    for process in running:
        error = _wait(process, max(1, timeout - (time.monotonic() - start)))
        errors.append('timeout after %d s' % timeout
            if error is None else error)
    return errors


def _start_conversion(command, profile, directory, bases, filter_,
        *options):
    """Start soffice (command) with profile converting the ODT files bases
    of directory into directory/out"""
    # the names are relative so that a long run stays far below the limit
    # of a command line
    return subprocess.Popen(command + ['--headless', '--norestore']
        + list(options) + ['-env:UserInstallation=' + profile,
            '--convert-to', filter_,
            '--outdir', os.path.join(directory, 'out')]
        + [b + '.odt' for b in bases],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(process, timeout):
    """Return the error output of process, None when it did not end within
    timeout (it is killed)"""
    try:
        _, error = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    return (error or b'').decode('utf-8', 'replace')


class ConvertMixin:
    """Mixin of the reports converted from ODT by :func:`convert_many` (the
    LibreOffice kept running) instead of Tryton's command started for
    every print"""
    __slots__ = ()

    @classmethod
    def convert(cls, report, data, timeout=5 * 60, retry=5):
        "Convert by convert_many"
        input_format = report.template_extension
        output_format = report.extension or report.template_extension
        if output_format == input_format or input_format != 'odt':
            return super().convert(
                report, data, timeout=timeout, retry=retry)
        converted, = convert_many(
            [(report.report_name, data)], output_format, timeout=timeout)
        return output_format, converted
