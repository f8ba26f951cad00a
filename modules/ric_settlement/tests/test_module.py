# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class RicSettlementTestCase(ModuleTestCase):
    "Test RIC Settlement module"
    module = 'ric_settlement'
    # the rule kind of ric_task and its view are tested with it
    extras = ['ric_task']


del ModuleTestCase
