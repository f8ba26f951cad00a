# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser test: every menu entry of every role in the web client (sao 8.0).

The test creates a database with every module of the suite activated and
the demo data (on the backend of the run: SQLite or PostgreSQL), starts one
trytond serving sao on a free port and one Debian Chromium driven by
Playwright.  For each role of the demo (the administrator last) it logs in,
lists the menu entries the role sees (suite and official modules alike) and
opens each of them the way a click in the menu does (a role with many
entries in two pages alternately), then fails on

* a JavaScript error (uncaught exception, jQuery deferred exception,
  console error) or a resource the server does not serve (custom.js…);
* a server error or a user error shown while the screen opens;
* a screen still «Обработка» (or still loading) after a time-out;
* a Latin word outside ``tests/browser_allowlist.txt`` on the screen: the
  window title, the tab (labels, columns, buttons, tabs and the records
  shown: codes left as names are caught too) and any dialog;
* a dialog at login (the module configuration wizard) and a title that is
  not the RIC Express brand.

A menu entry a role shares with a role tested before is opened once: the
least privileged roles come first so that each entry is opened with the
access rights of a role that works with it.  SQLite tests every role,
PostgreSQL the manager (``RIC_BROWSER_ROLES`` overrides, space separated).
Screenshots of every screen are kept in $RIC_ARTIFACTS (artifacts/ by
default), under browser-<backend>/.
"""
import base64
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
ALLOWLIST = os.path.join(os.path.dirname(__file__), 'browser_allowlist.txt')
PASSWORD = 'ric-demo-2026'
ADMIN_PASSWORD = 'admin-ric-2026'
URI = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
BACKEND = 'postgresql' if URI.startswith('postgresql') else 'sqlite'
# the least privileged first: a shared entry is opened by the first role
ALL_ROLES = ['hotline', 'remote', 'service', 'sales', 'accountant',
    'manager', 'director', 'admin']
ROLES = os.environ.get('RIC_BROWSER_ROLES', '').split() or (
    ALL_ROLES if BACKEND == 'sqlite' else ['manager'])
#: seconds a screen may take to open
SCREEN_TIMEOUT = float(os.environ.get('RIC_BROWSER_SCREEN_TIMEOUT', 30))
#: a role with this many entries to open opens them in two pages
#: alternately (a second login costs a few seconds)
PAGES_FROM = int(os.environ.get('RIC_BROWSER_PAGES_FROM', 20))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(os.path.join(SAO_ROOT, 'index.html')),
        reason="web client not installed (run scripts/setup-env)"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="chromium not installed"),
    ]


def read_allowlist(path=ALLOWLIST):
    "Return the allowed Latin words and the exempt menu paths"
    words, menus = set(), set()
    with open(path, encoding='utf-8') as fp:
        for line in fp:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if line.startswith('menu:'):
                menus.add(line[len('menu:'):].strip())
            else:
                words.add(line)
    return words, menus


ALLOWED_LATIN, EXEMPT_MENUS = read_allowlist()
_NOT_WORDS = re.compile(
    r'\S+@\S+|https?://\S+|www\.\S+|\b[\w.-]+\.(?:ru|com|org|example)\b'
    # the names of the files a user loaded
    r'|\b[\w.-]+\.(?:csv|txt|xlsx|xls|odt|pdf|docx|xml|json|zip)\b', re.I)
_LATIN_WORD = re.compile(r'[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]')


#: a code shown in square brackets before a name: «[WH] Склад»
_BRACKET_CODE = re.compile(r'\[([A-Z0-9][A-Z0-9_\-]*)\]')
#: the codes and numbers of the data (sub-host RK, distributive DEMO-01,
#: system PROF): upper case, digits and dashes; a label is never written so
_DATA_CODE = re.compile(r'[A-Z0-9][A-Z0-9\-]*')


def english_words(texts, allowed=ALLOWED_LATIN):
    "Return the Latin words of texts that are not allowed on a Russian UI"
    found = set()
    for text in texts:
        text = _NOT_WORDS.sub(' ', text or '')
        # a code in brackets before a name is a code left as a name
        found.update(_BRACKET_CODE.findall(text))
        text = _BRACKET_CODE.sub(' ', text)
        for word in _LATIN_WORD.findall(text):
            if word in allowed or word.strip('-') in allowed:
                continue
            if _DATA_CODE.fullmatch(word):
                continue
            found.add(word)
    return found


def test_english_words():
    "The check finds words and codes, not e-mails or allowed words"
    assert english_words(['Decision maker: Готовность']) == {
        'Decision', 'maker'}
    assert english_words(['sales_potential_high', '[WH] Склад']) == {
        'sales_potential_high', 'WH'}
    assert not english_words(['ООО «Ромашка», info@ric.example, ИНН, PDF'])
    assert not english_words(['ConsultantPlus, Ctrl+F, 12 680,00 ₽'])
    # codes and numbers of the data are not words
    assert not english_words(['RK', 'DEMO-01', 'PROF 100231', 'NET3',
            'registration_sample.csv'])
    assert english_words(['Network Type: NET3']) == {'Network', 'Type'}


#: a list as sao draws it: a header table, the rows in another, a style
#: sheet that keeps the cells visible, a tool-tip on each cell
SYNTHETIC_LIST = """<!DOCTYPE html><html><head><title>RIC Express</title>
<style>td { visibility: visible !important; }</style></head><body>
<ul id="tablist"><li class="active">Источники клиентов</li></ul>
<div id="tabcontent"><div class="tab-pane active">
<table><thead><tr><th></th><th style="width:300px">Наименование</th>
<th style="width:200px">Код</th></tr></thead></table>
<table><tbody>
<tr><td></td><td style="width:300px"><div title="Росстат">Росстат</div></td>
<td style="width:200px"><div title="rosstat">rosstat</div></td></tr>
<tr><td></td><td style="width:300px"><div title="Website">Website</div></td>
<td style="width:200px"><div title="website">website</div></td></tr>
</tbody></table></div></div></body></html>"""


def test_screen_text_code_columns():
    """The text of a screen leaves out the cells of a code column, even
    where the style sheet keeps them visible, and puts them back"""
    jquery = os.path.join(
        SAO_ROOT, 'node_modules', 'jquery', 'dist', 'jquery.min.js')
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=['--no-sandbox', '--disable-gpu'])
        try:
            page = browser.new_page()
            page.set_content(SYNTHETIC_LIST)
            page.add_script_tag(path=jquery)
            texts = page.evaluate(SCREEN_TEXT, CODE_COLUMNS)
            shown = page.evaluate("() => document.body.innerText")
        finally:
            browser.close()
    # the English name is caught, the codes are not read
    assert english_words(texts) == {'Website'}
    assert 'Росстат' in ' '.join(texts)
    # the code cells are drawn again after the check
    assert 'rosstat' in shown and 'website' in shown


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class RPC:
    "A JSON-RPC session of one user on the test server"

    def __init__(self, url, database, login, password):
        self.url = url + database + '/'
        result = self._post(self.url + 'rpc/', {
                'method': 'common.db.login', 'id': 1,
                'params': [login, {'password': password}, 'ru']})
        user_id, session = result[:2]
        self.auth = 'Session ' + base64.b64encode(
            ('%s:%s:%s' % (login, user_id, session)).encode()).decode()

    def _post(self, url, data, auth=None):
        headers = {'Content-Type': 'application/json'}
        if auth:
            headers['Authorization'] = auth
        response = urllib.request.urlopen(urllib.request.Request(
                url, data=json.dumps(data).encode(), headers=headers),
            timeout=60)
        answer = json.loads(response.read())
        if answer.get('error'):
            raise RuntimeError(answer['error'])
        return answer['result']

    def __call__(self, method, *params):
        return self._post(self.url + 'rpc/', {
                'method': method, 'id': 1,
                'params': list(params) + [{'language': 'ru'}]},
            auth=self.auth)


def wait_ready(url, database, process, log, timeout=300):
    """Wait until the server answers a login: the HTTP server may listen
    before the pool of the database is initialised."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError("trytond exited, see %s" % log)
        try:
            RPC(url, database, 'manager', PASSWORD)
            return
        except (OSError, ValueError, RuntimeError):
            pass
        time.sleep(1)
    raise RuntimeError("trytond not ready after %ss, see %s" % (
            timeout, log))


def copy_suite_database(database, workdir):
    """Copy the test database of the whole suite in Russian (the one of
    tests/test_translations.py, built once per run and cached: its modules
    take minutes to activate) to database; False without a cache

    The database of the test cache is restored, or built and cached, by
    trytond's activate_module (shared with the other workers by the root
    conftest), then copied: the SQLite file, or a PostgreSQL database made
    from its template."""
    from trytond.tests import test_tryton
    if not test_tryton.DB_CACHE or os.environ.get('RIC_BROWSER_CREATE'):
        return False
    from trytond.modules.ric_locale.tests.test_module import suite_extras
    modules = ['ric_locale'] + suite_extras()
    test_tryton.drop_db()
    test_tryton.activate_module(modules, lang='ru')
    test_tryton.drop_db()
    cache = test_tryton._db_cache_file(
        test_tryton.DB_CACHE, '-'.join(modules) + '--ru')
    if BACKEND == 'sqlite':
        if not os.path.exists(cache):
            return False
        shutil.copyfile(cache, os.path.join(workdir, database + '.sqlite'))
        return True
    import psycopg
    template = cache[len(test_tryton.DB_CACHE) + 1:]
    with psycopg.connect(URI + 'postgres', autocommit=True) as connection:
        for attempt in range(10):
            try:
                connection.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (
                        database, template))
                return True
            except psycopg.errors.ObjectInUse:
                # another worker restores its test database from the
                # template at this moment
                time.sleep(2)
            except psycopg.errors.InvalidCatalogName:
                return False  # the cache was not saved
    return False


@pytest.fixture(scope='module')
def server():
    if os.environ.get('RIC_BROWSER_SERVER'):
        # a running server ("URL DATABASE LOG") while writing the test
        url, database, log = os.environ['RIC_BROWSER_SERVER'].split()
        yield url, database, log
        return
    workdir = tempfile.mkdtemp(prefix='ric-browser-')
    port = free_port()
    if BACKEND == 'postgresql':
        database = 'test_%s_browser' % os.environ.get(
            'RIC_TEST_RUN', os.getpid())
    else:
        database = 'ric_browser'
    config = os.path.join(workdir, 'trytond.conf')
    env = dict(os.environ)
    for key in ('TRYTOND_DATABASE__URI', 'DB_NAME', 'DB_CACHE'):
        env.pop(key, None)
    subprocess.run([sys.executable, os.path.join(SCRIPTS, 'make_config.py'),
            '--output', config, '--uri', URI, '--path', workdir,
            '--listen', '127.0.0.1:%s' % port, '--web-root', SAO_ROOT,
            '--no-database-list'],
        check=True, env=env)
    started = time.monotonic()
    prepared = copy_suite_database(database, workdir)
    subprocess.run([sys.executable,
            os.path.join(SCRIPTS, 'create_database.py'),
            '-c', config, '-d', database, '-l', 'ru',
            '--password', ADMIN_PASSWORD]
        + (['--prepared'] if prepared else []),
        check=True, env=env, stdout=subprocess.DEVNULL)
    built = time.monotonic()
    subprocess.run([sys.executable, os.path.join(SCRIPTS, 'demo_data.py'),
            '-c', config, '-d', database,
            '--scale', os.environ.get('RIC_BROWSER_SCALE', '1')],
        check=True, env=env)
    print('browser test database (%s): %s in %.0f s, demo data %.0f s' % (
            BACKEND, 'copied from the test cache' if prepared else 'created',
            built - started, time.monotonic() - built))
    log = open(os.path.join(workdir, 'trytond.log'), 'w')
    process = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), 'trytond'),
            '-c', config, '-d', database],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = 'http://127.0.0.1:%s/' % port
    try:
        started = time.monotonic()
        wait_ready(url, database, process, log.name)
        print('browser test server ready in %.0f s' % (
                time.monotonic() - started))
        yield url, database, log.name
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        if BACKEND == 'postgresql':
            subprocess.run([sys.executable,
                    os.path.join(SCRIPTS, 'drop_test_databases.py'),
                    URI, database])
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope='module')
def browser(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[
                '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync'])
        yield browser
        browser.close()


#: headers of the list columns whose cells are keys (codes, numbers,
#: formulas), not words: their cells are not checked for English
CODE_COLUMNS = ['Код', 'Номер', 'Формула', 'Код системы', 'Код клиента',
    'Серия', 'Номер дистрибутива', 'Пароль']

#: menu entries already opened, by id, shared between the roles
OPENED = {}

# Instrumentation of sao: record what the user would see as an error
INSTRUMENT = """() => {
    // the time of the last request sent or answered: a screen is drawn
    // when no request is pending and none was answered for a moment
    window.__ric = {errors: [], last: performance.now()};
    jQuery(document).on('ajaxSend ajaxComplete', () => {
        window.__ric.last = performance.now();
    });
    // no animation: a screen is read and shot as drawn, and the browser
    // (the busiest process of the test) spares the frames of the fades
    jQuery.fx.off = true;
    const style = document.createElement('style');
    style.textContent = '*, *::before, *::after { '
        + 'transition: none !important; animation: none !important; }';
    document.head.appendChild(style);
    const record = (kind, args) => {
        window.__ric.errors.push(kind + ': ' + Array.from(args).map(
            a => (typeof a === 'string') ? a : JSON.stringify(a)).join(' ')
            .slice(0, 2000));
    };
    const wrap = (object, name, kind) => {
        const original = object[name];
        object[name] = function() {
            record(kind, arguments);
            return original.apply(this, arguments);
        };
    };
    wrap(Sao.common.error, 'run', 'server error');
    wrap(Sao.common.warning, 'run', 'user error');
    wrap(Sao.common.message, 'run', 'message');
}"""

#: true when no request is pending and none was sent or answered for
#: quiet milliseconds (sao draws a list or a graph and may ask for more
#: just after an answer)
SETTLED = """quiet => {
    if (!window.jQuery || jQuery.active > 0
            || jQuery('#processing').is(':visible')) {
        return false;
    }
    const last = window.__ric ? window.__ric.last : 0;
    return performance.now() - last >= quiet;
}"""

#: open a menu entry as a click does (Sao.Action.exec_keyword, whose
#: get_keyword answer gives the types of the actions too); resolve with
#: those types (null when the role may not read them), not awaiting the
#: action: its deferred may stay pending (a wizard)
OPEN_ENTRY = """id => new Promise(resolve => {
    const data = {'model': 'ir.ui.menu', 'id': id};
    window.__ric.last = performance.now();
    Sao.rpc({
        'method': 'model.ir.action.keyword.get_keyword',
        'params': ['tree_open', ['ir.ui.menu', id], {}],
    }, Sao.Session.current_session).then(actions => {
        resolve(actions.map(a => a.type));
        const keyact = {};
        for (const action of actions) {
            keyact[action.name.split(' / ').pop()] = action;
        }
        if (actions.length) {
            Sao.common.selection(
                Sao.i18n.gettext('Select your action'), keyact, false)
                .then(action => Sao.Action.exec_action(action, data, null));
        }
    }, () => resolve(null));
})"""

SCREEN_TEXT = """CODE_COLUMNS => {
    const texts = [document.title];
    const visible = e => e && e.offsetParent !== null;
    const tab = jQuery('#tablist li.active');
    if (tab.length) {
        texts.push(tab.text());
    }
    const pane = jQuery('#tabcontent > .tab-pane.active')[0];
    if (visible(pane)) {
        // the cells of the columns of codes, numbers and formulas hold keys,
        // not words: their text is blanked while the text is read and put
        // back at once (sao's style sheet keeps the cells of a list
        // visible, so a style cannot take them out of innerText)
        const blanked = [];
        const codeCells = new Set();
        // a cell belongs to the column whose header it stands under (the
        // header and the rows may be drawn in different tables, and the
        // rows hold more cells than the header: selection, drag handle)
        const columns = Array.from(pane.querySelectorAll('th')).filter(
            th => visible(th) && CODE_COLUMNS.includes(th.innerText.trim())
            ).map(th => th.getBoundingClientRect());
        if (columns.length) {
            for (const cell of pane.querySelectorAll('td')) {
                const box = cell.getBoundingClientRect();
                const middle = (box.left + box.right) / 2;
                if (columns.some(c => c.left <= middle && middle <= c.right)) {
                    codeCells.add(cell);
                    const walker = document.createTreeWalker(
                        cell, NodeFilter.SHOW_TEXT);
                    while (walker.nextNode()) {
                        blanked.push([walker.currentNode,
                            walker.currentNode.data]);
                        walker.currentNode.data = '';
                    }
                }
            }
        }
        try {
            texts.push(pane.innerText);
        } finally {
            for (const [node, data] of blanked) {
                node.data = data;
            }
        }
        // column headers and tool-tips of the buttons (not of the keys)
        for (const e of pane.querySelectorAll('[title]')) {
            if (visible(e) && !codeCells.has(e.closest('td'))
                    && getComputedStyle(e).visibility !== 'hidden') {
                texts.push(e.getAttribute('title'));
            }
        }
    }
    for (const modal of document.querySelectorAll('.modal')) {
        if (visible(modal.querySelector('.modal-dialog'))) {
            texts.push(modal.innerText);
        }
    }
    return texts;
}"""

CLOSE_ALL = """() => {
    for (const dialog of jQuery('.wizard-dialog:visible').toArray()) {
        const event = jQuery.Event('keydown');
        event.which = Sao.common.ESC_KEYCODE;
        jQuery(dialog).trigger(event);
    }
    jQuery('.modal:visible').not('.wizard-dialog').each(function() {
        jQuery(this).modal('hide');
    });
    for (const tab of Sao.Tab.tabs.slice()) {
        tab.close();
    }
}"""


class RoleSession:
    "One role logged in the web client"

    def __init__(self, browser, server, login, screenshots):
        self.url, self.database, self.server_log = server
        self.login = login
        self.password = ADMIN_PASSWORD if login == 'admin' else PASSWORD
        self.screenshots = screenshots
        self.context = browser.new_context(
            viewport={'width': 1440, 'height': 900}, locale='ru-RU')
        self.page = self.context.new_page()
        self.page.set_default_timeout(30000)
        self.events = []
        self.page.on('pageerror', lambda e: self.events.append(
                'JavaScript error: %s' % e))
        self.page.on('console', self._console)
        self.page.on('response', self._response)

    def _console(self, message):
        text = message.text
        if message.type == 'error' and 'Failed to load resource' in text:
            return  # reported with its URL by _response
        if message.type == 'error' or (
                message.type == 'warning' and 'exception' in text.lower()):
            self.events.append('console %s: %s' % (message.type, text))

    def _response(self, response):
        if (response.status == 403 and response.request.method == 'POST'
                and response.url == self.url + 'rpc/'):
            return  # the database list, disabled by [database] list
        if response.status >= 400:
            self.events.append('HTTP %s %s %s' % (
                    response.status, response.request.method, response.url))

    def take_events(self):
        events = self.events[:]
        del self.events[:]
        events += self.page.evaluate(
            "() => window.__ric ? window.__ric.errors.splice(0) : []")
        return events

    def log_in(self):
        page = self.page
        page.goto(self.url + '#' + self.database)
        # the form is disabled while the client talks to the server
        page.wait_for_selector(
            '.login-dialog #login:not([disabled])', timeout=60000)
        database_input = page.locator('.login-dialog input#database')

        def fill_database():
            # sao may fill (or clear) the field from the URL while it
            # starts: check it again just before logging in
            if (database_input.is_visible()
                    and database_input.input_value() != self.database):
                database_input.fill(self.database)
        login_text = english_words(page.evaluate(SCREEN_TEXT, CODE_COLUMNS))
        fill_database()
        page.fill('#login', self.login)
        fill_database()
        # on a busy machine the first Enter may reach a form sao has just
        # disabled again: ask again rather than wait forever
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        page.press('#login', 'Enter')
        for attempt in range(3):
            try:
                page.wait_for_selector(
                    'input[type=password]', state='visible', timeout=40000)
                break
            except PlaywrightTimeout:
                login = page.locator('.login-dialog #login:not([disabled])')
                if attempt == 2 or not login.is_visible():
                    raise
                fill_database()
                page.press('#login', 'Enter')
        page.fill('input[type=password]', self.password)
        page.keyboard.press('Enter')
        page.wait_for_selector('#menu .treeview, #menu table', timeout=60000)
        page.evaluate(INSTRUMENT)
        # a dialog sao opens at login follows the answers of the login
        self.settle(quiet=500)
        problems = []
        if login_text:
            problems.append('login screen: English %s' % sorted(login_text))
        title = page.evaluate(
            "() => [document.title, jQuery('#title').text()]")
        if not all('RIC Express' in t for t in title):
            problems.append('title not branded: %r' % title)
        dialogs = page.evaluate(
            """() => jQuery('.modal:visible').toArray().map(
                e => e.innerText.slice(0, 300))""")
        tabs = page.evaluate("() => Sao.Tab.tabs.length")
        if dialogs or tabs:
            problems.append('at login: %s tab(s), dialogs %r' % (
                    tabs, dialogs))
        menu = page.evaluate(
            "() => jQuery('#menu').text()")
        if not menu.strip():
            problems.append('the main menu is empty')
        elif english_words([menu]):
            problems.append('menu: English %s' % sorted(
                    english_words([menu])))
        page.screenshot(path=os.path.join(
                self.screenshots, '%s-menu.png' % self.login))
        return problems + ['login: %s' % e for e in self.take_events()]

    def menus(self):
        "The menu entries with an action the role sees, in menu order"
        rpc = RPC(self.url, self.database, self.login, self.password)
        menus = rpc('model.ir.ui.menu.search_read', [], 0, None,
            [('parent', 'ASC NULLS FIRST'), ('sequence', 'ASC'),
                ('id', 'ASC')],
            ['complete_name', 'action', 'parent'])
        return [m for m in menus if m['action']]

    def settle(self, timeout=SCREEN_TIMEOUT, quiet=150):
        """Wait until no request is pending and none was sent or answered
        for quiet milliseconds; False on time-out"""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        try:
            self.page.wait_for_function(SETTLED, arg=quiet, polling=25,
                timeout=timeout * 1000)
            return True
        except PlaywrightTimeout:
            return False

    def open_menu(self, menu, check_english=True):
        "Open a menu entry as a click does; return the problems seen"
        return self.check_menu(self.start_menu(menu), check_english)

    def start_menu(self, menu):
        """Start opening a menu entry as a click does, without waiting for
        its screen; return what check_menu needs"""
        return menu, self.page.evaluate(OPEN_ENTRY, menu['id'])

    def check_menu(self, started, check_english=True):
        """Wait for the screen of the entry start_menu opened, check it,
        close it; return the problems seen"""
        page = self.page
        menu, actions = started
        problems = []
        if not actions:
            # the menu is shown but its action is not allowed to the role
            return problems + [
                'the entry opens nothing: its action is not allowed']
        # a list fills its rows and a graph draws after the last answer
        if not self.settle():
            if page.evaluate("() => jQuery('#processing').is(':visible')"):
                problems.append('still «Обработка» after %ss' % SCREEN_TIMEOUT)
            else:
                problems.append('still loading after %ss' % SCREEN_TIMEOUT)
            # a screen that broke may leave the client busy: start a new
            # client so that the next entries are not blamed for it
            problems += self.take_events()
            self.log_in()
            self.take_events()
            return problems
        # a report downloads a file, a wizard may run and end at once
        windows = all(t == 'ir.action.act_window' for t in actions)
        if windows and not self.shown():
            # the browser may have worked on the answers for longer than
            # the quiet time before it asks for the tab's view: wait for
            # a longer quiet before calling the screen missing
            self.settle(quiet=1500)
            if not self.shown():
                problems.append('nothing opened')
        if check_english:
            words = english_words(page.evaluate(SCREEN_TEXT, CODE_COLUMNS))
            if words:
                problems.append('English: %s' % ', '.join(sorted(words)))
        name = re.sub(r'[^\w]+', '_', menu['complete_name'])[:80]
        # JPEG: a third of the time of a PNG, enough to see the screen
        page.screenshot(type='jpeg', quality=70, path=os.path.join(
                self.screenshots, '%s-%s-%s.jpg' % (
                    self.login, menu['id'], name)))
        problems += self.take_events()
        page.evaluate(CLOSE_ALL)
        self.settle(10, quiet=50)
        # an answer of the closed screen may still report an error
        problems += self.take_events()
        return problems

    def shown(self):
        "Return the number of tabs and dialogs shown"
        return self.page.evaluate(
            """() => Sao.Tab.tabs.length
                + jQuery('.modal:visible').length""")

    def close(self):
        self.context.close()


#: the first tab of a list (window name: text of the tab's domain): what
#: its users work with
FIRST_TABS = {
    'Клиенты': '"served"',
    'Версии прейскурантов': '"approved"',
    }


def test_default_tabs(server):
    "Lists with tabs open on the records the users work with"
    url, database, _ = server
    rpc = RPC(url, database, 'admin', ADMIN_PASSWORD)
    for name, expected in FIRST_TABS.items():
        actions = rpc('model.ir.action.act_window.search', [
                ('name', '=', name)], 0, None, None)
        assert actions, name
        for action_id in actions:
            tabs = rpc('model.ir.action.act_window.domain.search_read', [
                    ('act_window', '=', action_id)], 0, 1,
                [('sequence', 'ASC'), ('id', 'ASC')], ['name', 'domain'])
            if tabs:
                assert expected in tabs[0]['domain'], (name, tabs)
                break
        else:
            pytest.fail('%s has no tab' % name)


#: entries of Tryton's own menus a RIC role does not see beside the RIC's
#: own entry for the same thing
RIC_ENTRIES = {
    'Контрагенты / Контрагенты': 'РИЦ / Клиенты',
    'Номенклатура / Прайс-листы': 'РИЦ / Прейскуранты',
    }


def test_role_menus_one_entry_each(server):
    """Each role sees one entry for each thing it works with: the RIC's
    entries without Tryton's generic ones beside them, no two entries of
    the RIC opening the same list, the manager without the closing of
    fiscal years and the warehouse, the accountant with the distributives
    (read-only, for billing)"""
    url, database, _ = server
    roles = [r for r in ALL_ROLES if r not in {'director', 'admin'}]
    seen = {}
    for role in roles:
        rpc = RPC(url, database, role, PASSWORD)
        menus = rpc('model.ir.ui.menu.search_read', [], 0, None, None,
            ['complete_name', 'action'])
        names = {m['complete_name'] for m in menus}
        seen[role] = names
        for generic, ric in RIC_ENTRIES.items():
            assert not (generic in names and ric in names), (
                role, generic, ric)
        windows = {}
        for menu in menus:
            action = menu['action'] or ''
            if (not menu['complete_name'].startswith('РИЦ')
                    or not action.startswith('ir.action.act_window,')):
                continue
            windows.setdefault(int(action.split(',')[1]), []).append(
                menu['complete_name'])
        actions = rpc('model.ir.action.act_window.read', list(windows),
            ['res_model', 'domain', 'context', 'act_window_views'])
        views = {v['id']: v['view'] for v in rpc(
                'model.ir.action.act_window.view.read',
                [i for a in actions for i in a['act_window_views']],
                ['view'])}
        opened = {}
        for action in actions:
            key = (action['res_model'], action['domain'] or '[]',
                action['context'] or '{}',
                tuple(views[i] for i in action['act_window_views']))
            opened.setdefault(key, []).extend(windows[action['id']])
        twice = [entries for entries in opened.values() if len(entries) > 1]
        assert not twice, (role, twice)
    assert not [n for n in seen['manager']
        if 'Закрыть финансовые годы' in n or n.startswith('Склад')], (
        sorted(seen['manager']))
    assert 'РИЦ / Дистрибутивы / Дистрибутивы' in seen['accountant']


#: the pages of the client card a manager sees first, in their order
CARD_PAGES = ['Клиент', 'Реквизиты и банк', 'Контакты', 'Ответственные',
    'Дистрибутивы', 'Сегменты и готовность', 'Ключевые события',
    'Документы']


def test_client_found_by_search_one_tab(browser, server):
    """A client found by search in «Клиенты» and double-clicked opens in
    the same tab: no second tab «Контрагент» on the list of the search"""
    url, database, _ = server
    rpc = RPC(url, database, 'manager', PASSWORD)
    menu, = [m for m in rpc('model.ir.ui.menu.search_read', [
                ('complete_name', '=', 'РИЦ / Клиенты')], 0, None, None,
            ['action']) if m['action']]
    clients = rpc('model.party.party.search_read', [
            ('is_client', '=', True), ('client_status', '=', 'served')],
        0, 2, [('id', 'ASC')], ['name'])
    assert clients
    session = RoleSession(browser, server, 'manager', tempfile.mkdtemp())
    page = session.page
    try:
        session.log_in()
        page.evaluate("""id => Sao.Action.exec_keyword('tree_open', {
                'model': 'ir.ui.menu', 'id': id}, null, false)""",
            menu['id'])
        assert session.settle()
        for client in clients:
            fragment = client['name'].split()[-1].strip('«»"')[:6]
            entry = page.locator(
                '#tabcontent > .tab-pane.active input.form-control').first
            entry.fill(fragment)
            entry.press('Enter')
            assert session.settle()
            page.wait_for_timeout(300)
            rows = page.locator(
                '#tabcontent > .tab-pane.active table tbody tr')
            assert rows.count(), fragment
            rows.nth(0).locator('td').nth(3).dblclick()
            assert session.settle()
            # the browser reports the address sao set after the clicks
            page.wait_for_timeout(1000)
            assert session.settle()
            tabs = page.evaluate("""() => Sao.Tab.tabs.map(
                t => t.screen.current_view.view_type)""")
            assert tabs == ['form'], (fragment, tabs)
            # the card: its pages in the order the staff work, in Russian
            pages = page.evaluate("""() => jQuery(
                '#tabcontent > .tab-pane.active .nav-tabs > li:visible > a')
                .toArray().map(a => a.innerText.trim())""")
            assert pages[:len(CARD_PAGES)] == CARD_PAGES, pages
            words = english_words(page.evaluate(SCREEN_TEXT, CODE_COLUMNS))
            assert not words, (fragment, words)
            page.evaluate("""() => Sao.Tab.tabs.get_current()
                .screen.switch_view('tree')""")
            assert session.settle()
        assert not session.take_events()
    finally:
        session.close()


@pytest.mark.parametrize('role', ROLES)
def test_role_menus(browser, server, role):
    """Every menu entry of the role opens on a Russian screen without
    error (entries opened by a role before are skipped)"""
    screenshots = os.path.join(ARTIFACTS, 'browser-%s' % BACKEND)
    os.makedirs(screenshots, exist_ok=True)
    started = time.monotonic()
    sessions = [RoleSession(browser, server, role, screenshots)]
    failures = []
    timings = []
    try:
        failures += ['%s: %s' % (role, p) for p in sessions[0].log_in()]
        menus = sessions[0].menus()
        assert menus, "%s sees no menu entry" % role
        todo = [m for m in menus if m['id'] not in OPENED]
        for menu in todo:
            OPENED[menu['id']] = role
        if len(todo) >= PAGES_FROM:
            # a second client of the role opens an entry while the server
            # answers the first one: the browser draws, reads and shoots
            # a screen while the server works for the other
            sessions.append(RoleSession(browser, server, role, screenshots))
            failures += ['%s: %s' % (role, p) for p in sessions[1].log_in()]
        pending = []  # (session, what start_menu returned, start time)
        free = list(sessions)

        def check(session, opening, start):
            menu = opening[0]
            problems = session.check_menu(opening, check_english=not any(
                    menu['complete_name'].startswith(p)
                    for p in EXEMPT_MENUS))
            timings.append((time.monotonic() - start, menu['complete_name']))
            failures.extend('%s: %s: %s' % (role, menu['complete_name'], p)
                for p in problems)
            free.append(session)
        for menu in todo:
            if not free:
                check(*pending.pop(0))
            session = free.pop(0)
            pending.append(
                (session, session.start_menu(menu), time.monotonic()))
        while pending:
            check(*pending.pop(0))
    finally:
        for session in sessions:
            session.close()
    print('browser %s (%s): %s entries seen, %s opened in %.0f s '
        '(%s page(s)); slowest: %s' % (role, BACKEND, len(menus), len(todo),
            time.monotonic() - started, len(sessions),
            ', '.join('%s %.1f s' % (n, t)
                for t, n in sorted(timings, reverse=True)[:5])))
    with open(os.path.join(screenshots, 'problems.txt'), 'a') as fp:
        fp.write(''.join(f + '\n' for f in failures))
    if failures:
        with open(server[2]) as fp:
            tail = fp.read()[-3000:]
        pytest.fail('%s problem(s):\n%s\nserver log (end):\n%s' % (
                len(failures), '\n'.join(failures), tail))
