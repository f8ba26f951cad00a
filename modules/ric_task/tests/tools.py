# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the tests of the modules that use the change log"""
from trytond.pool import Pool


def logged_changes(model, record, action='write'):
    "Return the change log lines of record of model for action, by field"
    Change = Pool().get('ric.task.change')
    return Change.search([
            ('model', '=', model),
            ('record_id', '=', record.id),
            ('action', '=', action),
            ], order=[('field', 'ASC'), ('id', 'ASC')])
