# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from trytond.modules.account.tests import create_chart
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

TODAY = dt.date(2026, 2, 2)
KOPECK = Decimal('0.01')
ROOT = 'account_ru.account_template_root_ru'


def exact_included(amount, numerator, denominator):
    "Return amount × numerator / denominator rounded half even to kopecks"
    value = Fraction(amount) * numerator / denominator
    kopecks = round(value * 100)  # round() on Fraction rounds half to even
    return Decimal(kopecks) / 100


def kopecks(amount):
    return amount.quantize(KOPECK, rounding=ROUND_HALF_EVEN)


class AccountRuTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Account Ru module"
    module = 'account_ru'

    def _tax(self, rate, calculated_rate=False, **values):
        pool = Pool()
        Tax = pool.get('account.tax')
        values.setdefault('start_date', None)
        values.setdefault('end_date', None)
        return Tax(
            type='percentage', rate=Decimal(rate),
            calculated_rate=calculated_rate, update_unit_price=False,
            sequence=None, childs=[], **values)

    def _compute(self, tax, amount, date=TODAY):
        pool = Pool()
        Tax = pool.get('account.tax')
        return [(kopecks(r['base']), kopecks(r['amount']))
            for r in Tax.compute([tax], amount, 1, date)]

    @with_transaction()
    def test_calculated_rate_examples(self):
        "Test VAT 22/122 on amounts including the tax"
        tax = self._tax('0.22', calculated_rate=True)
        for amount, expected in [
                ('12200.00', '2200.00'),
                ('1000.00', '180.33'),
                ('0.01', '0.00'),
                ('0.06', '0.01'),
                ('1724138.52', '310910.22'),
                ('-12200.00', '-2200.00'),
                ]:
            with self.subTest(amount=amount):
                self.assertEqual(
                    self._compute(tax, Decimal(amount)),
                    [(Decimal(amount), Decimal(expected))])

    @with_transaction()
    def test_rounded_rate_is_not_enough(self):
        "Test a rate rounded to the field's 10 digits misses a kopeck"
        amount = Decimal('1724138.52')
        rounded = self._tax((Decimal(22) / Decimal(122)).quantize(
                Decimal('1e-10')))
        calculated = self._tax('0.22', calculated_rate=True)
        self.assertEqual(
            self._compute(rounded, amount), [(amount, Decimal('310910.23'))])
        self.assertEqual(
            self._compute(calculated, amount),
            [(amount, exact_included(amount, 22, 122))])

    @with_transaction()
    def test_calculated_rate_exact(self):
        "Test the calculated rates are exact to the kopeck"
        taxes = {
            (22, 122): self._tax('0.22', calculated_rate=True),
            (20, 120): self._tax('0.20', calculated_rate=True),
            (10, 110): self._tax('0.10', calculated_rate=True),
            }

        @settings(max_examples=300, deadline=None)
        @given(st.integers(min_value=-10 ** 13, max_value=10 ** 13))
        def check(cents):
            amount = Decimal(cents) / 100
            for (numerator, denominator), tax in taxes.items():
                (base, value), = self._compute(tax, amount)
                self.assertEqual(base, amount)
                self.assertEqual(
                    value, exact_included(amount, numerator, denominator))
        check()

    @with_transaction()
    def test_calculated_rate_reverse(self):
        "Test reverse_compute stays the inverse of compute"
        pool = Pool()
        Tax = pool.get('account.tax')
        for tax in [
                self._tax('0.22', calculated_rate=True),
                self._tax('0.22')]:
            price = Decimal('1000')
            amount, = Tax.compute([tax], price, 1, TODAY)
            self.assertEqual(
                kopecks(Tax.reverse_compute(
                        price + amount['amount'], [tax], TODAY)),
                price)

    @with_transaction()
    def test_not_calculated_rate(self):
        "Test an ordinary rate is applied on top of the amount"
        tax = self._tax('0.22')
        self.assertEqual(
            self._compute(tax, Decimal('1000')),
            [(Decimal('1000.00'), Decimal('220.00'))])

    @with_transaction()
    def test_chart_template(self):
        "Test the structure of the Russian chart template"
        pool = Pool()
        AccountTemplate = pool.get('account.account.template')
        TaxTemplate = pool.get('account.tax.template')
        ModelData = pool.get('ir.model.data')

        root = AccountTemplate(ModelData.get_id(ROOT))
        accounts = AccountTemplate.search([('parent', 'child_of', [root.id])])
        codes = [a.code for a in accounts if a.code]
        self.assertEqual(len(codes), len(set(codes)))
        by_code = {a.code: a for a in accounts if a.code}

        receivables = [a for a in accounts if a.type and a.type.receivable]
        payables = [a for a in accounts if a.type and a.type.payable]
        self.assertEqual([a.code for a in receivables], ['62.01'])
        self.assertEqual([a.code for a in payables], ['60'])
        for account in receivables + payables:
            self.assertTrue(account.party_required)
            self.assertTrue(account.reconcile)

        self.assertTrue(by_code['90.01'].type.revenue)
        for code in ['90.02', '20', '26', '44']:
            self.assertTrue(by_code[code].type.expense, code)
        for code in ['50', '51', '57', '68.02', '76.АВ', '19.04', '80', '84']:
            self.assertEqual(by_code[code].type.statement, 'balance', code)
        for code in ['90.01', '90.02', '91.01', '91.02', '99']:
            self.assertEqual(by_code[code].type.statement, 'income', code)
        for code in ['62', '68', '76', '90', '91']:
            self.assertIsNone(by_code[code].type, code)
            self.assertTrue(by_code[code].childs, code)

        taxes = TaxTemplate.search([('account', '=', root.id)])
        self.assertTrue(taxes)
        for tax in taxes:
            self.assertTrue(tax.group, tax.name)
            if tax.type != 'none':
                if tax.group.kind == 'sale':
                    self.assertEqual(tax.invoice_account.code, '68.02')
                else:
                    self.assertEqual(tax.invoice_account.parent.code, '19')
                self.assertEqual(tax.invoice_account, tax.credit_note_account)

    @with_transaction()
    def test_create_chart(self):
        "Test creating the chart copies the calculated rate"
        pool = Pool()
        Tax = pool.get('account.tax')
        Account = pool.get('account.account')

        company = create_company()
        with set_company(company):
            create_chart(company, chart=ROOT)
            advance, = Tax.search([('name', '=', "НДС с авансов 22/122")])
            self.assertTrue(advance.calculated_rate)
            self.assertEqual(advance.invoice_account.code, '68.02')
            vat_22, = Tax.search([('name', '=', "НДС 22 %")])
            self.assertFalse(vat_22.calculated_rate)
            revenue, = Account.search([('code', '=', '90.01')])
            self.assertEqual(revenue.taxes, (vat_22,))

            # Updating the chart restores the value of the template
            self.assertEqual(advance.template._get_tax_value(tax=advance), {})
            Tax.write([advance], {'calculated_rate': False})
            self.assertEqual(
                advance.template._get_tax_value(tax=advance),
                {'calculated_rate': True})


del ModuleTestCase
