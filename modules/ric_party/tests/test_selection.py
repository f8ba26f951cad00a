# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Selections and Tryton's saved searches."""
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.ric_base.tests.tools import ModuleDBTestCase
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction


class SelectionSearchTestCase(ModuleDBTestCase):
    "Test selections built on saved searches"
    module = 'ric_party'

    @with_transaction()
    def test_selection_from_and_to_saved_search(self):
        """A selection takes the filter of a saved search and saves itself
        in the user's searches"""
        pool = Pool()
        Party = pool.get('party.party')
        Selection = pool.get('ric.party.selection')
        ViewSearch = pool.get('ir.ui.view_search')
        company = create_company()
        with set_company(company):
            a, b = Party.create([
                    {'name': "A", 'is_client': True, 'client_status': 'served',
                        'client_category': 'A'},
                    {'name': "B", 'is_client': True, 'client_status': 'served',
                        'client_category': 'B'}])
            saved, = ViewSearch.create([{'name': "Категория A",
                        'model': 'party.party',
                        'domain': '[["client_category", "=", "A"]]'}])
            selection = Selection()
            selection.view_search = saved
            selection.on_change_view_search()
            self.assertEqual(selection.name, "Категория A")
            self.assertEqual(selection.model, 'party.party')
            selection.save()
            self.assertEqual(selection.get_records(), [a])

            other, = Selection.create([{'name': "Категория B",
                        'domain': '[["client_category", "=", "B"]]'}])
            Selection.save_search([other])
            Selection.save_search([other])
            mine = ViewSearch.search([('name', '=', "Категория B"),
                    ('user', '=', Transaction().user)])
            self.assertEqual(len(mine), 1)
            domain = PYSONDecoder().decode(mine[0].domain)
            self.assertEqual(Party.search(domain), [b])


del ModuleDBTestCase
