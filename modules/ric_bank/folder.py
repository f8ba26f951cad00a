# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bank statement files taken from a folder by a scheduled task

The bank's client program (or a script on the accountant's machine) drops
the morning's ``1CClientBankExchange`` file in a folder; the cron imports
it as the wizard does, matches its payments, archives it and tells the
subscribed accountants what came in — or sets it aside with the reason."""
import os

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.exceptions import UserError
from trytond.modules.ric_base.folder import import_folder, in_new_transaction
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction

from .exceptions import FolderError, NothingNewError
from .statement import FORMAT

CRON_METHOD = 'ric.bank.statement.folder|import_folders'


class StatementFolder(DeactivableMixin, ModelSQL, ModelView):
    "Bank Statement Folder"
    __name__ = 'ric.bank.statement.folder'
    __string__ = "Bank Statement Folder"

    company = fields.Many2One('company.company', "Company", required=True)
    journal = fields.Many2One(
        'account.statement.journal', "Journal", required=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="The statement journal of the account whose files are dropped "
        "in the folder: a file of another account is set aside.")
    folder = fields.Char(
        "Folder", required=True,
        help="The folder of the server where the bank's files are dropped.")
    archive_folder = fields.Char(
        "Archive Folder",
        help="Where the imported files are moved (by default the "
        "sub-folder \"archive\" of the folder).")
    failed_folder = fields.Char(
        "Failed Folder",
        help="Where the refused files are moved, each with a file "
        "\"<name>.error\" giving the reason (by default the sub-folder "
        "\"failed\" of the folder).")
    settle = fields.Integer(
        "Settling Time", required=True,
        domain=[('settle', '>=', 0)],
        help="In seconds: a file changed more recently may still be being "
        "written by the bank's program and waits for the next run.")
    match = fields.Boolean(
        "Match Payments",
        help="Match the incoming payments of the imported statements at "
        "once, as the button of the statement does.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('journal', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_settle(cls):
        return 60

    @classmethod
    def default_match(cls):
        return True

    def get_rec_name(self, name):
        return '%s: %s' % (self.journal.rec_name, self.folder)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('folder',) + tuple(clause[1:]),
            ('journal.rec_name',) + tuple(clause[1:]),
            ]

    @classmethod
    def validate_fields(cls, folders, field_names):
        super().validate_fields(folders, field_names)
        if field_names & {'folder', 'archive_folder', 'failed_folder'}:
            for folder in folders:
                folder.check_folders()

    def check_folders(self):
        for name in ['folder', 'archive_folder', 'failed_folder']:
            path = getattr(self, name)
            if path and not os.path.isabs(path):
                raise FolderError(gettext(
                        'ric_bank.msg_folder_not_absolute',
                        folder=path,
                        field=self.__names__(name)['field']))
            if (name != 'folder' and path
                    and os.path.normpath(path)
                    == os.path.normpath(self.folder)):
                raise FolderError(gettext(
                        'ric_bank.msg_folder_same',
                        folder=path,
                        field=self.__names__(name)['field']))

    @classmethod
    def import_folders(cls, folders=None):
        """Cron: import the files of the active folders (of the company of
        the context, of all when none) and notify the users subscribed to
        the task"""
        if folders is None:
            company = Transaction().context.get('company')
            folders = cls.search(
                [('company', '=', company)] if company else [])
        for folder in folders:
            if not os.path.isdir(folder.folder):
                in_new_transaction(cls._notify_missing, folder.id)
                continue
            outcomes = import_folder(
                folder.folder, folder._import_file,
                archive=folder.archive_folder, failed=folder.failed_folder,
                settle=folder.settle)
            for outcome in outcomes:
                if outcome.result and folder.match:
                    outcome.result['match_error'] = cls._match(
                        outcome.result['statements'])
            in_new_transaction(cls._notify, folder.id, outcomes)

    def _import_file(self, data, filename):
        """Import the file and return the ids of its statements (None when
        every document was known); matching comes after, in a transaction
        of its own, so that a file is never refused for its matching"""
        pool = Pool()
        StatementImport = pool.get('account.statement.import', type='wizard')
        folder = self.__class__(self.id)
        with Transaction().set_context(company=folder.company.id):
            try:
                statements = StatementImport.ric_import_file(
                    folder.company, data, filename, file_format=FORMAT)
            except NothingNewError:
                return None
            for statement in statements:
                if statement.journal != folder.journal:
                    raise FolderError(gettext(
                            'ric_bank.msg_folder_other_journal',
                            filename=filename,
                            journal=statement.journal.rec_name,
                            folder_journal=folder.journal.rec_name))
        return {'statements': [s.id for s in statements]}

    @classmethod
    def _match(cls, statement_ids):
        "Match the statements; return the message of an error or None"
        pool = Pool()
        Statement = pool.get('account.statement')

        def match():
            statements = Statement.browse(statement_ids)
            with Transaction().set_context(
                    company=statements[0].company.id):
                Statement.ric_match(statements)
        try:
            in_new_transaction(match)
        except UserError as exception:
            return exception.message
        return None

    @staticmethod
    def _as_cron():
        """Return the context in which ir.cron.notify reaches the users
        subscribed to the task, also when it is run from its button"""
        context = Transaction().context
        return Transaction().set_context(
            _cron=context.get('_cron') or CRON_METHOD)

    @classmethod
    def _notify(cls, folder_id, outcomes):
        pool = Pool()
        Cron = pool.get('ir.cron')
        Origin = pool.get('account.statement.origin')
        folder = cls(folder_id)
        user_domain = [('companies', '=', folder.company.id)]
        with cls._as_cron():
            for outcome in outcomes:
                if outcome.failed:
                    Cron.notify('tryton-warning', None, None,
                        'ric_bank.msg_folder_notify_failed',
                        user_domain=user_domain,
                        filename=outcome.name, error=outcome.error)
                elif outcome.path and outcome.result is None:
                    Cron.notify('tryton-info', None, None,
                        'ric_bank.msg_folder_notify_nothing_new',
                        user_domain=user_domain, filename=outcome.name)
                elif outcome.result:
                    ids = outcome.result['statements']
                    origins = Origin.search([('statement', 'in', ids)])
                    review = sum(1 for o in origins
                        if o.ric_match_state in {'review', 'unmatched'})
                    Cron.notify('tryton-import',
                        'account_statement.act_statement_form', {
                            'pyson_domain': PYSONEncoder().encode(
                                [('id', 'in', ids)]),
                            'domains': [],
                            },
                        'ric_bank.msg_folder_notify_imported',
                        user_domain=user_domain,
                        filename=outcome.name, statements=len(ids),
                        payments=len(origins), review=review)
                    if outcome.result.get('match_error'):
                        Cron.notify('tryton-warning', None, None,
                            'ric_bank.msg_folder_notify_match_error',
                            user_domain=user_domain, filename=outcome.name,
                            error=outcome.result['match_error'])

    @classmethod
    def _notify_missing(cls, folder_id):
        pool = Pool()
        Cron = pool.get('ir.cron')
        folder = cls(folder_id)
        with cls._as_cron():
            Cron.notify('tryton-error', None, None,
                'ric_bank.msg_folder_notify_missing',
                user_domain=[('companies', '=', folder.company.id)],
                folder=folder.folder, journal=folder.journal.rec_name)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            (CRON_METHOD, "Import Bank Statement Files"))
        cls._notifications.add(CRON_METHOD)
