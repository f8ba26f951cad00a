#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the printed forms of ric_billing: N invoices to PDF

Creates a database with ric_billing activated, a company with the Russian
chart (VAT 22 %), --clients clients and --invoices posted invoices of
three lines, then times ``report.render_forms`` of the documents of every
invoice (payment invoice and act, plus the VAT invoice with
``--forms invoice_act_vat``) to PDF: the relatorio rendering and the one
LibreOffice conversion, and prints the figures (target: the documents of
1 000 invoices under 2 minutes).  The documents go by 50 into a file (as
a run is printed; ``--separate``: one file per document, as e-mailed).

    scripts/bench_billing_forms.py --invoices 1000
    scripts/bench_billing_forms.py --uri postgresql://postgres@127.0.0.1:5432/
"""
import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=os.environ.get(
            'TRYTOND_DATABASE__URI', 'sqlite://'))
    parser.add_argument('--database', default='bench_ric_billing_forms')
    parser.add_argument('--invoices', type=int, default=1000)
    parser.add_argument('--clients', type=int, default=200)
    parser.add_argument('--forms', default='invoice_act',
        choices=['invoice_act', 'invoice_act_vat', 'all'],
        help="the documents of each invoice")
    parser.add_argument('--extension', default='pdf',
        choices=['pdf', 'docx', 'odt'])
    parser.add_argument('--processes', type=int, default=1,
        help="LibreOffice processes converting at once")
    parser.add_argument('--separate', action='store_true',
        help="one file per document (as e-mailed) instead of files of 50 "
        "documents (as a run is printed)")
    parser.add_argument('--target', type=float, default=120,
        help="seconds the rendering must stay under")
    args = parser.parse_args()
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    if args.uri.startswith('sqlite') and not os.environ.get(
            'TRYTOND_DATABASE__PATH'):
        os.environ['TRYTOND_DATABASE__PATH'] = os.path.abspath(
            os.path.join('var', 'bench'))
        os.makedirs(os.environ['TRYTOND_DATABASE__PATH'], exist_ok=True)
    from trytond import config
    config.update_etc()
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        if args.database in transaction.database.list():
            transaction.database.drop(transaction.connection, args.database)
        transaction.database.create(transaction.connection, args.database)
    backend.Database(args.database).init()
    start = time.time()
    pool = Pool(args.database)
    pool.init(update=['ric_billing'], lang=['en'], activatedeps=True)
    print("database ready in %.1f s" % (time.time() - start))

    from trytond.modules.company.tests import set_company
    from trytond.modules.ric_billing.report import render_forms
    from trytond.modules.ric_billing.template import FORMS
    from trytond.modules.ric_billing.tests.test_report import (
        create_client, create_invoices, setup_company)
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        # posting locks tables: start again with them locked, as the
        # server's dispatcher does
        try:
            with Transaction().start(
                    args.database, 0, context={}, **extras) as transaction:
                start = time.time()
                company, tax = setup_company()
                clients = [create_client(
                        name="ООО «Клиент %s»" % i, inn=None, kpp=None)
                    for i in range(args.clients)]
                per_client, extra = divmod(args.invoices, args.clients)
                invoices = create_invoices(
                    company, tax, clients, count=per_client)
                if extra:
                    invoices += create_invoices(
                        company, tax, clients[:extra])
                transaction.commit()
                company_id = company.id
                invoice_ids = [i.id for i in invoices]
            break
        except TransactionError as exception:
            exception.fix(extras)
    print("%s posted invoices created in %.1f s" % (
            len(invoice_ids), time.time() - start))
    with Transaction().start(args.database, 0, context={}) as transaction:
        company = Pool().get('company.company')(company_id)
        forms = {
            'invoice_act': ['payment_invoice', 'act'],
            'invoice_act_vat': ['payment_invoice', 'act', 'vat_invoice'],
            'all': [f for f, _ in FORMS],
            }[args.forms]
        Invoice = Pool().get('account.invoice')
        invoices = Invoice.browse(invoice_ids)
        with set_company(company):
            start = time.time()
            odts = render_forms(invoices, forms=forms, extension='odt',
                combine=not args.separate)
            render = time.time() - start
            start = time.time()
            if args.extension != 'odt':
                from trytond.modules.ric_base.office import convert_many
                converted = convert_many(
                    [(r.name, r.data) for r in odts], args.extension,
                    processes=args.processes)
            else:
                converted = [r.data for r in odts]
            convert = time.time() - start
    total = render + convert
    size = sum(len(c) for c in converted)
    documents = sum(len(r.invoices) for r in odts)
    print("%s invoices, %s documents (%s) in %s files: rendering %.1f s "
        "(%.1f ms/document), LibreOffice %s %.1f s (%.1f ms/document, "
        "%s processes), total %.1f s, %.1f MB" % (
            len(invoices), documents, ', '.join(forms), len(odts), render,
            1000 * render / documents, args.extension, convert,
            1000 * convert / documents, args.processes, total, size / 1e6))
    ok = total < args.target
    print("%s: %.1f s %s %.0f s" % (
            'OK' if ok else 'TOO SLOW', total, '<' if ok else '>=',
            args.target))
    with Transaction().start(
            None, 0, close=True, autocommit=True) as transaction:
        transaction.database.drop(transaction.connection, args.database)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
