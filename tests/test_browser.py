# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser test: the Tryton web client (sao 8.0) against a demo server.

The test creates a database with every module of the suite activated and
the demo data (on the backend of the run: SQLite or PostgreSQL), starts
trytond serving sao on a free port, and drives Debian's Chromium with
Playwright: a manager logs in, looks at the main menu, opens the Parties
list, a party form and an invoice form; every screen is in Russian.
Screenshots are kept in $RIC_ARTIFACTS (artifacts/ by default).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, 'scripts')
SAO_ROOT = os.environ.get(
    'RIC_SAO_ROOT', os.path.join(ROOT, 'var', 'sao', 'package'))
ARTIFACTS = os.environ.get('RIC_ARTIFACTS', os.path.join(ROOT, 'artifacts'))
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
PASSWORD = 'ric-demo-2026'
# Latin words allowed on a Russian screen: codes, abbreviations, brands
ALLOWED_LATIN = {
    'E-mail', 'Email', 'ID', 'URL', 'IBAN', 'BIC', 'SWIFT', 'VAT', 'UTC',
    'ConsultantPlus', 'Tryton', 'RUB', 'OK', 'CSV', 'XLSX', 'PDF', 'ODT',
    'DOCX', 'XML', 'JSON', 'Web', 'SIP', 'ru_vat', 'sao', 'Ctrl', 'Shift',
    'Alt', 'Enter', 'Esc', 'Tab', 'Del', 'F1', 'F2', 'F3',
    }

# What the server translates on a form: labels, tabs, separators, columns,
# the form title and the buttons of the view (not the client's toolbar)
FORM_LABELS = ', '.join('.tab-pane.active ' + s for s in [
        '.form label', '.form .nav-tabs a', '.form .form-separator label',
        '.form th', '.form button', '.title'])

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(os.path.join(SAO_ROOT, 'index.html')),
        reason="web client not installed (run scripts/setup-env)"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="chromium not installed"),
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_ready(url, database, process, log, timeout=300):
    """Wait until the server answers a login: the HTTP server may listen
    before the pool of the database is initialised."""
    request = json.dumps({
            'method': 'common.db.login', 'id': 1,
            'params': ['manager', {'password': PASSWORD}, 'ru']}).encode()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError("trytond exited, see %s" % log)
        try:
            response = urllib.request.urlopen(urllib.request.Request(
                    url + database + '/session/login', data=request,
                    headers={'Content-Type': 'application/json'}),
                timeout=30)
            if 'result' in json.loads(response.read()):
                return
        except (OSError, ValueError):
            pass
        time.sleep(1)
    raise RuntimeError("trytond not ready after %ss, see %s" % (
            timeout, log))


@pytest.fixture(scope='module')
def server():
    uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
    workdir = tempfile.mkdtemp(prefix='ric-browser-')
    port = free_port()
    if uri.startswith('postgresql'):
        database = 'test_%s_browser' % os.environ.get(
            'RIC_TEST_RUN', os.getpid())
    else:
        database = 'ric_browser'
    config = os.path.join(workdir, 'trytond.conf')
    env = dict(os.environ)
    for key in ('TRYTOND_DATABASE__URI', 'DB_NAME', 'DB_CACHE'):
        env.pop(key, None)
    subprocess.run([sys.executable, os.path.join(SCRIPTS, 'make_config.py'),
            '--output', config, '--uri', uri, '--path', workdir,
            '--listen', '127.0.0.1:%s' % port, '--web-root', SAO_ROOT,
            '--no-database-list'],
        check=True, env=env)
    subprocess.run([sys.executable,
            os.path.join(SCRIPTS, 'create_database.py'),
            '-c', config, '-d', database, '-l', 'ru',
            '--password', 'admin-ric-2026'],
        check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, os.path.join(SCRIPTS, 'demo_data.py'),
            '-c', config, '-d', database,
            '--scale', os.environ.get('RIC_BROWSER_SCALE', '1')],
        check=True, env=env)
    log = open(os.path.join(workdir, 'trytond.log'), 'w')
    process = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), 'trytond'),
            '-c', config, '-d', database],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = 'http://127.0.0.1:%s/' % port
    wait_ready(url, database, process, log.name)
    try:
        yield url, database, log.name
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        if uri.startswith('postgresql'):
            subprocess.run([sys.executable,
                    os.path.join(SCRIPTS, 'drop_test_databases.py'),
                    uri, database])
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope='module')
def page(server):
    from playwright.sync_api import sync_playwright
    url, database, server_log = server
    os.makedirs(ARTIFACTS, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[
                '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'])
        context = browser.new_context(
            viewport={'width': 1600, 'height': 1000}, locale='ru-RU')
        page = context.new_page()
        page.set_default_timeout(30000)
        try:
            page.goto(url + '#' + database)
            # the form is disabled while the client talks to the server
            page.wait_for_selector(
                '.login-dialog #login:not([disabled])', timeout=60000)
            database_input = page.locator('.login-dialog input#database')

            def fill_database():
                # sao may fill (or clear) the field from the URL while it
                # starts: check it again just before logging in
                if (database_input.is_visible()
                        and database_input.input_value() != database):
                    database_input.fill(database)
            fill_database()
            page.fill('#login', 'manager')
            fill_database()
            page.press('#login', 'Enter')
            page.fill('input[type=password]', PASSWORD)
            page.keyboard.press('Enter')
            page.wait_for_selector(
                '#menu .treeview, #menu table', timeout=60000)
        except Exception:
            page.screenshot(path=os.path.join(ARTIFACTS, 'browser_login.png'))
            dialogs = page.eval_on_selector_all(
                '.modal', "els => els.map(e => e.innerText)")
            with open(server_log) as fp:
                log = fp.read()[-3000:]
            pytest.fail('login failed; dialogs: %r\nserver log:\n%s' % (
                    dialogs, log))
        page.wait_for_timeout(1000)
        page.database = database
        page.base_url = url
        yield page
        context.close()
        browser.close()


def english_words(texts):
    "Return the Latin words of texts that are not allowed on a Russian UI"
    found = set()
    for text in texts:
        for word in re.findall(r'[A-Za-z][A-Za-z\-]+', text or ''):
            if word not in ALLOWED_LATIN and len(word) > 1:
                found.add(word)
    return found


def visible_labels(page, selector):
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null)
            .map(e => (e.innerText || e.title || '').trim())
            .filter(t => t)""")


def open_tab(page, model, record_id=None):
    hash_ = '#%s/model/%s' % (page.database, model)
    if record_id:
        hash_ += '/%s' % record_id
    page.evaluate("h => { window.location.hash = h; }", hash_)
    page.wait_for_selector('.tab-content .tab-pane.active', timeout=30000)
    page.wait_for_timeout(2500)


def test_main_menu_in_russian(page):
    menu = visible_labels(page, '#menu .treeview td, #menu .treeview span')
    page.screenshot(path=os.path.join(ARTIFACTS, 'browser_menu.png'))
    assert menu, "the main menu is empty"
    assert 'Контрагенты' in ' '.join(menu) or 'Клиенты' in ' '.join(menu)
    assert not english_words(menu), english_words(menu)


def test_parties_list_and_form(page):
    open_tab(page, 'party.party')
    page.wait_for_selector('.tab-pane.active table tbody tr')
    rows = page.locator('.tab-pane.active table tbody tr')
    assert rows.count() > 0
    page.screenshot(path=os.path.join(ARTIFACTS, 'browser_party_list.png'))
    headers = visible_labels(page, '.tab-pane.active th')
    # the party of the RIC itself, with its requisites
    open_tab(page, 'party.party', 1)
    page.wait_for_selector(
        '.tab-pane.active .form >> visible=true', timeout=30000)
    page.screenshot(path=os.path.join(ARTIFACTS, 'browser_party_form.png'))
    labels = visible_labels(page, FORM_LABELS)
    assert labels, "the party form shows no label"
    assert not english_words(headers + labels), english_words(
        headers + labels)


def test_invoice_form(page):
    open_tab(page, 'account.invoice', -1)
    page.wait_for_selector(
        '.tab-pane.active .form >> visible=true', timeout=30000)
    page.wait_for_timeout(2000)
    page.screenshot(path=os.path.join(ARTIFACTS, 'browser_invoice_form.png'))
    labels = visible_labels(page, FORM_LABELS)
    assert labels, "the invoice form shows no label"
    assert not english_words(labels), english_words(labels)
