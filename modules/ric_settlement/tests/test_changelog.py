# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The change log of ric_task on the settlement documents (registered by
ric_settlement when ric_task is activated too)."""
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.modules.ric_billing.tests.test_report import create_client
from trytond.modules.ric_task.tests.tools import logged_changes
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_reconciliation import END, START, setup_books

D = Decimal


class SettlementChangeLogTestCase(ModuleDBTestCase):
    "The change log of the settlement documents"
    module = 'ric_settlement'
    extras = ['ric_task']

    @with_transaction()
    def test_documents_logged(self):
        "The acts, offsets and write-offs log their changes, not balances"
        pool = Pool()
        Act = pool.get('ric.settlement.act')
        Offset = pool.get('ric.settlement.offset')
        WriteOff = pool.get('ric.settlement.writeoff')
        Change = pool.get('ric.task.change')
        User = pool.get('res.user')
        Keyword = pool.get('ir.action.keyword')
        ModelData = pool.get('ir.model.data')

        def changes(record, action='write'):
            return [(c.field, c.old_value, c.new_value)
                for c in logged_changes(record.__name__, record, action)]

        action = ModelData.get_id('ric_task', 'act_change_relate')
        models = {k.model for k in Keyword.search([
                    ('keyword', '=', 'form_relate'),
                    ('action', '=', action),
                    ])}
        self.assertLessEqual({'ric.settlement.act,-1',
                'ric.settlement.offset,-1', 'ric.settlement.writeoff,-1'},
            models)

        company = setup_books()
        client = create_client()
        user, = User.create([{'login': 'accountant', 'name': "Бухгалтер",
                    'companies': [('add', [company.id])],
                    'company': company.id}])
        with set_company(company):
            act, = Act.create([{'company': company.id,
                        'client': client.id, 'start_date': START,
                        'end_date': END}])
            # the balances computed from the ledger are not logged
            Act.compute([act])
            self.assertEqual(changes(act), [])
            with Transaction().set_user(user.id):
                Act.write([act], {'client_closing_balance': D('150.00'),
                        'discrepancy_note': "Оплата не учтена"})
                Act.cancel([act])
            self.assertEqual(changes(act, 'create'), [(None, None, None)])
            self.assertEqual(changes(act), [
                    ('client_closing_balance', None, '150.00'),
                    ('discrepancy_note', None, "Оплата не учтена"),
                    ('state', "Draft", "Cancelled"),
                    ])
            self.assertEqual({c.user for c in Change.search([
                            ('model', '=', 'ric.settlement.act'),
                            ('record_id', '=', act.id),
                            ('action', '=', 'write'),
                            ])}, {user})

            offset, = Offset.create([{'company': company.id,
                        'date': END, 'kind': 'two_party',
                        'description': "Договор № 1"}])
            Offset.write([offset], {'description': "Договор № 2"})
            Offset.delete([offset])
            self.assertEqual(changes(offset),
                [('description', "Договор № 1", "Договор № 2")])
            self.assertEqual(len(changes(offset, 'delete')), 1)

            # a change of an approved write-off sends it back to draft
            writeoff, = WriteOff.create([{'company': company.id,
                        'date': END, 'reason': "Ликвидация должника"}])
            WriteOff.write([writeoff], {'state': 'approved',
                    'approved_by': user.id, 'approved_date': END})
            WriteOff.write([writeoff], {'reason': "Исковая давность"})
            self.assertEqual(WriteOff(writeoff.id).state, 'draft')
            self.assertEqual(changes(writeoff), [
                    ('approved_by', None, "Бухгалтер"),
                    ('approved_by', "Бухгалтер", None),
                    ('approved_date', None, str(END)),
                    ('approved_date', str(END), None),
                    ('reason', "Ликвидация должника", "Исковая давность"),
                    ('state', "Draft", "Approved"),
                    ('state', "Approved", "Draft"),
                    ])
