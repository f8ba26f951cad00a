# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Files dropped in a folder and imported by a scheduled task.

The registration-centre files (ric_distributive) and the bank statements
(ric_bank) arrive the same way: another program drops them in a folder
and a cron imports them.  :func:`import_folder` does it the same way for
both:

* each file is imported in a transaction of its own, committed before the
  file is moved: a file that fails leaves nothing behind and does not stop
  the others;
* an imported file is moved to the archive folder; a refused one (a
  ``UserError``: the message names its line) to the failed folder, beside a
  ``<name>.error`` text file that gives the reason;
* a file changed less than ``settle`` seconds ago may still be written by
  its sender: it waits for the next run;
* a name already taken in the archive or failed folder gets a suffix, so
  that no earlier file is overwritten;
* a transaction restarted to take a lock (posting asks for the lock of a
  journal period) is retried with the lock, as the cron runner does;
* an unexpected error (a bug, the database gone, a file that cannot be
  read or moved) leaves the file where it is for the next run and is
  logged; symbolic links are not followed.
"""
import logging
import os
import shutil
import time
from dataclasses import dataclass
from typing import Any

from trytond import backend
from trytond.config import config
from trytond.exceptions import UserError
from trytond.transaction import Transaction, TransactionError

__all__ = ['FolderFile', 'import_folder', 'folder_files', 'move_aside',
    'in_new_transaction']

logger = logging.getLogger(__name__)


@dataclass
class FolderFile:
    "The outcome of one file of a folder"
    name: str
    #: where the file was moved (None when it stays in the folder)
    path: str | None = None
    #: what the import function returned
    result: Any = None
    #: the message of the UserError that refused the file
    error: str | None = None

    @property
    def failed(self):
        return self.error is not None


def folder_files(folder, settle=0, now=None):
    """Return the names of the files of folder to import, sorted: no
    hidden file, no sub-folder, none changed in the last settle seconds"""
    now = time.time() if now is None else now
    names = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if (name.startswith('.') or os.path.islink(path)
                or not os.path.isfile(path)):
            continue
        if settle and now - os.path.getmtime(path) < settle:
            continue
        names.append(name)
    return names


def move_aside(path, folder):
    """Move the file at path into folder (created when missing) under a name
    no file there has, and return its new path"""
    os.makedirs(folder, exist_ok=True)
    name = os.path.basename(path)
    target = os.path.join(folder, name)
    count = 0
    while os.path.exists(target) or os.path.exists(target + '.error'):
        count += 1
        stem, ext = os.path.splitext(name)
        target = os.path.join(folder, '%s.%d%s' % (stem, count, ext))
    shutil.move(path, target)
    return target


def in_new_transaction(func, *args, **kwargs):
    """Return func(*args, **kwargs) run in a new transaction (with the
    context of the current one) and committed

    A transaction restarted to take a lock is retried with it, a
    serialization failure up to the database's retry count, as the cron
    runner does."""
    transaction = Transaction()
    extras = {}
    retries = config.getint('database', 'retry')
    while True:
        try:
            with transaction.new_transaction(**extras) as sub:
                result = func(*args, **kwargs)
                sub.commit()
            return result
        except TransactionError as exception:
            exception.fix(extras)
        except backend.DatabaseOperationalError:
            if retries <= 0:
                raise
            retries -= 1


def import_folder(folder, import_file, archive=None, failed=None, settle=0):
    """Import each file of folder with import_file(data, name) and return
    the list of FolderFile

    import_file runs in a new transaction (see in_new_transaction) and
    returns plain values (ids, counts): the records of a closed transaction
    are not to be read."""
    archive = archive or os.path.join(folder, 'archive')
    failed = failed or os.path.join(folder, 'failed')
    outcomes = []
    for name in folder_files(folder, settle=settle):
        path = os.path.join(folder, name)
        outcome = FolderFile(name)
        outcomes.append(outcome)
        try:
            stat = os.stat(path)
            with open(path, 'rb') as file:
                data = file.read()
            outcome.result = in_new_transaction(import_file, data, name)
        except UserError as exception:
            logger.info("file %s refused: %s", path, exception.message)
            outcome.error = exception.message
            try:
                outcome.path = move_aside(path, failed)
                with open(outcome.path + '.error', 'w',
                        encoding='utf-8') as file:
                    file.write(exception.message + '\n')
            except OSError:
                logger.exception("file %s not set aside", path)
            continue
        except Exception:
            logger.exception("file %s not imported, left for the next run",
                path)
            continue
        try:
            if _changed(path, stat):
                # written again while it was imported: the new content is
                # taken at the next run (what was imported is known)
                logger.info("file %s changed during its import", path)
                continue
            outcome.path = move_aside(path, archive)
        except OSError:
            logger.exception("file %s imported but not archived", path)
    return outcomes


def _changed(path, stat):
    current = os.stat(path)
    return (current.st_size, current.st_mtime_ns, current.st_ino) != (
        stat.st_size, stat.st_mtime_ns, stat.st_ino)
