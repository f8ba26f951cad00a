#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the web client as a user feels it, in Chromium

Against a running server with the demo data (``scripts/run-demo``, by
default http://localhost:8000/ and the database ``ric_demo``), as the
``manager`` of the demo, times in the browser (Playwright, Debian
Chromium):

* the login: from the password confirmed to the menu shown, every answer
  received;
* the client form: «РИЦ / Клиенты» opened, then --cards clients of the list
  double-clicked one after the other, each from the double-click to its
  form shown with every answer received (the first one, which loads the
  form definition, is printed apart);
* saving a client: a field of the form changed (its reference in the
  source) and the record saved, until the answer is shown.

Goal (issue of the web client): a client form opens in under 1 s in the
browser with the demo data.  The figures are p50 / p95 / max in ms.

    scripts/run-demo &                       # the demo, once built
    scripts/bench_browser.py --cards 20
"""
import argparse
import os
import statistics
import sys
import time

CHROMIUM = '/usr/bin/chromium'
GOAL_FORM = 1000

#: the page is settled: no answer pending, sao's «Обработка» hidden
SETTLED = """() => !(jQuery.active > 0
    || jQuery('#processing').is(':visible'))"""


def settle(page, timeout=60):
    "Wait until the client waits for no answer (twice in a row)"
    end = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < end:
        if page.evaluate(SETTLED):
            calm += 1
            if calm >= 2:
                return
        else:
            calm = 0
        page.wait_for_timeout(20)
    raise TimeoutError("the web client is still busy after %s s" % timeout)


def percentiles(values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return statistics.median(values), p95, values[-1]


def log_in(page, url, database, login, password):
    "Log in; return the ms from the password confirmed to the menu shown"
    page.goto(url + '#' + database)
    page.wait_for_selector('.login-dialog #login:not([disabled])',
        timeout=60000)
    database_input = page.locator('.login-dialog input#database')
    if (database_input.is_visible()
            and database_input.input_value() != database):
        database_input.fill(database)
    page.fill('#login', login)
    page.press('#login', 'Enter')
    page.wait_for_selector('input[type=password]', state='visible',
        timeout=60000)
    page.fill('input[type=password]', password)
    start = time.perf_counter()
    page.keyboard.press('Enter')
    page.wait_for_selector('#menu .treeview, #menu table', timeout=60000)
    settle(page)
    return (time.perf_counter() - start) * 1000


def open_clients(page):
    "Open «РИЦ / Клиенты» as the menu does"
    menu_id = page.evaluate("""() => new Promise((resolve, reject) =>
        Sao.rpc({'method': 'model.ir.ui.menu.search',
                'params': [[['complete_name', '=', 'РИЦ / Клиенты']],
                    0, 1, null, {}]},
            Sao.Session.current_session).then(r => resolve(r[0]), reject))""")
    page.evaluate("""id => Sao.Action.exec_keyword('tree_open', {
            'model': 'ir.ui.menu', 'id': id}, null, false)""", menu_id)
    page.wait_for_selector(
        '#tabcontent > .tab-pane.active table tbody tr', timeout=60000)
    settle(page)


ROWS = '#tabcontent > .tab-pane.active table tbody tr:not(.more-row)'


def open_card(page, index):
    "Double-click the client of row index; return the ms to its form"
    row = page.locator(ROWS).nth(index)
    start = time.perf_counter()
    row.locator('td').nth(3).dblclick()
    page.wait_for_function("""() => {
        const tab = Sao.Tab.tabs.get_current();
        return tab && tab.screen.current_view
            && tab.screen.current_view.view_type == 'form';
        }""", timeout=60000)
    settle(page)
    return (time.perf_counter() - start) * 1000


def back_to_list(page):
    page.evaluate(
        "() => Sao.Tab.tabs.get_current().screen.switch_view('tree')")
    page.wait_for_selector(ROWS, timeout=60000)
    settle(page)


def save_card(page, value):
    "Change the source reference of the client shown, save; return the ms"
    page.evaluate("""value => {
        const record = Sao.Tab.tabs.get_current().screen.current_record;
        record.field_set_client('source_reference', value);
        }""", value)
    start = time.perf_counter()
    page.evaluate("() => Sao.Tab.tabs.get_current().save()")
    page.wait_for_function("""() => {
        const record = Sao.Tab.tabs.get_current().screen.current_record;
        return record && !record.modified;
        }""", timeout=60000)
    settle(page)
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default='http://localhost:8000/')
    parser.add_argument('--database', default='ric_demo')
    parser.add_argument('--login', default='manager')
    parser.add_argument('--password', default='ric-demo-2026')
    parser.add_argument('--cards', type=int, default=20,
        help="clients opened (and saved) one after the other")
    parser.add_argument('--logins', type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit("Chromium is missing (%s)" % CHROMIUM)
    from playwright.sync_api import sync_playwright
    logins, cards, saves = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
            args=['--no-sandbox', '--disable-gpu'])
        for _ in range(args.logins):
            context = browser.new_context(
                viewport={'width': 1440, 'height': 900}, locale='ru-RU')
            page = context.new_page()
            logins.append(log_in(page, args.url, args.database,
                    args.login, args.password))
            context.close()
        context = browser.new_context(
            viewport={'width': 1440, 'height': 900}, locale='ru-RU')
        page = context.new_page()
        log_in(page, args.url, args.database, args.login, args.password)
        open_clients(page)
        rows = page.locator(ROWS).count()
        first = open_card(page, 0)
        back_to_list(page)
        for index in range(args.cards):
            cards.append(open_card(page, (index + 1) % rows))
            saves.append(save_card(page, 'bench %s' % index))
            back_to_list(page)
        browser.close()
    print("login: p50 %.0f / p95 %.0f / max %.0f ms (%s logins)" % (
            *percentiles(logins), len(logins)))
    print("client form, first (with its definition): %.0f ms" % first)
    p50, p95, top = percentiles(cards)
    print("client form: p50 %.0f / p95 %.0f / max %.0f ms (%s clients; "
        "goal < %s ms)" % (p50, p95, top, len(cards), GOAL_FORM))
    print("saving a client: p50 %.0f / p95 %.0f / max %.0f ms" % (
            *percentiles(saves),))
    ok = p95 < GOAL_FORM
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
