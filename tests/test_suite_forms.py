# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The client card and the amounts with every module of the suite (issue 17)

A module's own tests see the client card with the modules it depends on;
the staff see it with all of them: the pages the money modules add, their
nested lists and the size of the definition the web client downloads are
checked here, on the database of the whole suite in Russian (the one of
``tests/test_translations.py``, built once).

The amounts: every numeric field of the suite's models is shown with the
digits of a currency (two decimals, or the digits of the record's
currency); the other numbers (weights, coefficients, percentages, days)
are listed in ``NOT_MONEY`` with what they are.
"""
import unittest

from lxml import etree

from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONEncoder
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

# tests/ is on the path of pytest (rootdir-relative test files)
from test_translations import (  # noqa: I100
    LANG, SuiteDatabaseMixin, suite_modules)

#: the encoding of the answers of the server (JSON-RPC): what the web client
#: downloads
WIRE = JSONEncoder(separators=(',', ':'))

#: numeric fields of the suite that are not amounts of money, with why
NOT_MONEY = {
    # the weight of a system in the price of a kit
    'ric.system': {'weight'},
    # the price coefficient of a network type (1.0000, 1.2500…)
    'ric.network.type': {'coefficient'},
    # the coefficients of the price lists and the billed amount over the
    # list price of the reports
    'ric.price_list.coefficient': {'coefficient'},
    'ric.billing.billed.company': {'coefficient'},
    'ric.billing.billed.department': {'coefficient'},
    'ric.billing.billed.employee': {'coefficient'},
    'ric.billing.billed.month': {'coefficient'},
    'ric.billing.billed.system': {'coefficient'},
    # the rounding step of a price list (0.01, 1, 10…)
    'product.price_list': {'rounding'},
    }


class SuiteFormsTestCase(SuiteDatabaseMixin, TestCase):
    "The client card and the amounts with the whole suite"

    def _form(self):
        Party = Pool().get('party.party')
        with Transaction().set_context(language=LANG):
            return Party.fields_view_get(view_type='form')

    @with_transaction()
    def test_client_card_documents(self):
        """The page «Документы» of the card holds the billing documents
        and the acts of reconciliation, after the client's pages"""
        view = self._form()
        arch = etree.fromstring(view['arch'])
        pages = [p.get('id') or p.get('name')
            for p in arch.xpath('/form/notebook/page')]
        self.assertEqual(pages[:8], ['ric_client', 'ric_requisites',
                'general', 'ric_responsibles', 'distributives',
                'ric_segments', 'key_events', 'ric_documents'])
        page, = arch.xpath('//page[@id="ric_documents"]')
        self.assertEqual(page.get('string'), "Документы")
        self.assertEqual(page.xpath('field/@name'),
            ['ric_billing_documents', 'ric_acts'])

    @with_transaction()
    def test_client_card_definition_small(self):
        """The definition of the card with every module stays under 150 KB
        (the web client downloads it at each opening)"""
        size = len(WIRE.encode(self._form()))
        self.assertLess(size, 150 * 1024, size)

    @with_transaction()
    def test_amounts_currency_digits(self):
        """The numeric fields of the suite show the digits of a currency,
        not the four decimals of a bare Numeric"""
        pool = Pool()
        ModelField = pool.get('ir.model.field')
        owned = {(f.model, f.name) for f in ModelField.search([
                    ('module', 'in', suite_modules()),
                    ('ttype', '=', 'numeric'),
                    ])}
        self.assertTrue(owned)
        # the list names existing fields only
        self.assertFalse({(m, n) for m, names in NOT_MONEY.items()
                for n in names} - owned)
        wrong = []
        for model, name in sorted(owned):
            if name in NOT_MONEY.get(model, ()):
                continue
            field = pool.get(model)._fields[name]
            field = getattr(field, '_field', field)
            digits = field.digits
            if isinstance(digits, str):
                # the digits of the currency of the record (currency_digits)
                continue
            if digits is None or digits[1] is None or digits[1] > 2:
                wrong.append('%s.%s %r' % (model, name, digits))
        self.assertFalse(wrong, '\n'.join(wrong))


del TestCase

if __name__ == '__main__':
    unittest.main()
