#!/usr/bin/env python3
# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Load test of the JSON-RPC interface: two trytond servers, one database

Steps:

1. fill: create the PostgreSQL database ``--database`` with the modules of
   ``--modules`` activated and fill it with ``--clients`` clients (their
   addresses, INNs, phones, e-mails, contact persons, distributives and
   movements); ``--reuse`` keeps an existing database and its base;
2. prepare: one user per session and, per session, ``--distributives``
   distributives in stock that only this session moves;
3. start_servers: ``--servers`` trytond processes on loopback ports from
   ``--port``, on the same database, with ``[cache] clean_timeout = 0``
   (the PostgreSQL backend then invalidates the caches between processes
   by LISTEN/NOTIFY);
4. run: ``--sessions`` concurrent sessions (threads) log in by
   ``common.db.login`` on the servers in turn and, for ``--duration``
   seconds, open client cards (as the web client: ``read`` of the fields
   of the party form, then ``read`` of the list fields of the first
   records of each one-to-many of the first page of the form), search
   clients (``search_read`` of a name fragment), create and write
   contact persons, create movements of distributives and do them.
   The run has two phases of ``--duration`` each (``--phases``): the
   sessions fire their requests back to back (no pause: the worst case,
   20 sessions doing 20 requests at every instant), then with a pause of
   ``--think`` seconds on average between two requests (exponential,
   at most five times the mean: a member of the staff reads the card,
   types, phones), each session starting somewhere in such a pause.
   Both phases are always reported; ``--trace`` writes every request
   (start, kind, server, latency) to a CSV file per phase;
5. verify: every acknowledged write is read back through the other server
   and compared (contacts, movement states, distributive states);
6. report: requests, errors, lost writes and the p50 / p95 latencies per
   kind of request of each phase, the load of the machine, and PASS /
   FAIL against the goals: no error (each phase), no lost write, p95 of
   opening a client card under ``--card-p95`` ms with the staff's think
   time.  The back-to-back phase measures saturation: its sessions keep
   one request each in flight, so its mean latency is the number of
   sessions divided by the throughput (Little's law: 20 / 23 requests a
   second ≈ 870 ms on 2 cores) whatever the code does; its card p95 is
   printed, without a goal.  The result is PASS when every goal is met.

The servers only listen on 127.0.0.1 and are terminated at the end, on
error and on Ctrl-C.  The run is bounded by ``--duration`` and
``--max-requests``.

    scripts/load_rpc.py --clients 100000 --sessions 20 --duration 60
    scripts/load_rpc.py --reuse --clients 2000 --duration 10   # a quick run

The exit status is 0 when every goal is met, 1 otherwise.
"""
import argparse
import configparser
import datetime as dt
import math
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_client import Client, RPCError, check_loopback  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = '127.0.0.1'
MODULES = ['ric_party', 'ric_distributive', 'ric_price_list']
# kind of operation: weight
OPERATIONS = {
    'open_card': 45,
    'search': 25,
    'contact_create': 8,
    'contact_write': 10,
    'movement': 12,
    }
#: the records of a list the web client reads first
LIST_PAGE = 20
# errors after which the outcome of a write is unknown
UNCERTAIN = {'timeout', 'connection'}
FRAGMENTS = ['строй', 'агро', 'торг', 'бел', 'оскол', 'сервис', 'пром',
    'ооо', 'школа', 'ип ', 'транс', 'мега', 'инвест', 'тех', 'ресурс',
    'иванов', 'плюс', 'груп', 'энерго', 'лайн']


# ---- steps ------------------------------------------------------------

def fill_step(args):
    "Create and fill the database (or reuse it); return the run's plan"
    os.environ['TRYTOND_DATABASE__URI'] = args.uri
    from trytond import config
    config.update_etc()
    import load_fill

    created = load_fill.create_database(
        args.database, args.modules, args.reuse,
        extensions=not args.no_extensions)
    if created or not load_fill.is_filled(args.database):
        start = time.time()
        load_fill.fill(args.database, args.clients, args.seed)
        print("filled in %.0f s" % (time.time() - start))
    else:
        print("reusing database %s" % args.database)
    tag = dt.datetime.now().strftime('%H%M%S')
    plan = load_fill.prepare_run(
        args.database, args.sessions, args.distributives, tag)
    print("%s active clients in the base; %s users, %s distributives in "
        "stock per session" % (len(plan['clients']), len(plan['users']),
            args.distributives))
    _release_connections(args.database)
    return plan


def _release_connections(database):
    "Close the connections of this process before the servers start"
    from trytond import backend
    from trytond.pool import Pool
    Pool.stop(database)
    backend.Database(database).close()


def _port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as the server does: a port in TIME_WAIT is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def write_server_config(args, index, workdir):
    "Write the configuration of server index; return (path, port)"
    port = args.port + index
    config = configparser.ConfigParser(interpolation=None)
    config['database'] = {
        'uri': args.uri,
        'list': 'False',
        'path': os.path.join(workdir, 'files'),
        }
    config['web'] = {'listen': '%s:%s' % (HOST, port)}
    # 0: invalidation between the processes by LISTEN/NOTIFY
    config['cache'] = {'clean_timeout': '0', 'model': '500',
        'record': '10000'}
    config['session'] = {'timeout': '3600', 'max_attempt': '100'}
    path = os.path.join(workdir, 'server%s.conf' % index)
    with open(path, 'w') as fp:
        config.write(fp)
    return path, port


LOGGING = '''[formatters]
keys=simple
[handlers]
keys=stderr
[loggers]
keys=root,werkzeug
[formatter_simple]
format=%(asctime)s %(process)s %(levelname)s %(name)s %(message)s
[handler_stderr]
class=StreamHandler
args=(sys.stderr,)
formatter=simple
[logger_root]
level=WARNING
handlers=stderr
[logger_werkzeug]
level=WARNING
handlers=
qualname=werkzeug
'''


def write_logging_config(workdir):
    "Warnings and errors only: no line per request"
    path = os.path.join(workdir, 'logging.conf')
    with open(path, 'w') as fp:
        fp.write(LOGGING)
    return path


def start_servers(args, workdir):
    "Start the trytond processes; return [(process, port, log path)]"
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    logconf = write_logging_config(workdir)
    servers = []
    for index in range(args.servers):
        path, port = write_server_config(args, index, workdir)
        if not _port_free(port):
            raise SystemExit("port %s of %s is in use" % (port, HOST))
        log_path = os.path.join(workdir, 'server%s.log' % index)
        with open(log_path, 'w') as log:
            process = subprocess.Popen(
                [trytond, '-c', path, '-d', args.database,
                    '--logconf', logconf],
                stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        servers.append((process, port, log_path))
    return servers


def wait_servers(servers, database, timeout):
    "Wait until every server answers a JSON-RPC call"
    deadline = time.monotonic() + timeout
    for process, port, log_path in servers:
        client = Client(HOST, port, None, timeout=5)
        while True:
            if process.poll() is not None:
                raise SystemExit("server on port %s exited (%s), see %s"
                    % (port, process.returncode, log_path))
            try:
                version = client.call('common.server.version')
                break
            except RPCError:
                if time.monotonic() > deadline:
                    raise SystemExit("server on port %s does not answer, "
                        "see %s" % (port, log_path))
                time.sleep(0.5)
        client.close()
    print("%s servers (trytond %s) answer on %s ports %s" % (
            len(servers), version, HOST,
            ', '.join(str(p) for _, p, _ in servers)))


def stop_servers(servers):
    "Terminate the server processes (kill those that do not stop)"
    for process, _, _ in servers:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for process, _, _ in servers:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


# ---- sessions -----------------------------------------------------------

class Stats:
    "Latencies, request counts and errors shared by the sessions"

    def __init__(self, max_requests):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.messages = []
        self.requests = 0
        self.max_requests = max_requests
        #: (start, kind, port, ms) of every request (--trace)
        self.trace = []

    def allow(self):
        with self.lock:
            if self.requests >= self.max_requests:
                return False
            self.requests += 1
            return True

    def timed(self, kind, client, method, *params):
        "Call method, record its latency or its error; return the result"
        start = time.perf_counter()
        try:
            result = client.call(method, *params)
        except RPCError as exc:
            with self.lock:
                self.errors[kind] += 1
                self.latencies.setdefault(kind, [])
                if len(self.messages) < 50:
                    self.messages.append('%s (%s): %s' % (kind, method, exc))
            raise
        duration = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latencies[kind].append(duration)
            self.trace.append((start, kind, client.port, duration))
        return result

    def write_trace(self, path, origin):
        "Write the requests as CSV: start (s from origin), kind, port, ms"
        with open(path, 'w') as file:
            file.write('start_s,kind,port,ms\n')
            for start, kind, port, duration in sorted(self.trace):
                file.write('%.3f,%s,%s,%.1f\n' % (
                        start - origin, kind, port, duration))


class Session:
    """One simulated user: logs in on a server and works on the clients,
    its contact persons and its own distributives; it remembers every
    acknowledged write for the verification"""

    def __init__(self, index, port, database, login, password,
            distributives, clients, network_types, seed, timeout):
        self.index = index
        self.port = port
        self.login_name, self.password = login, password
        self.client = Client(HOST, port, database, timeout=timeout)
        self.database = database
        self.rng = random.Random(seed * 1000 + index)
        self.clients = clients
        self.network_types = network_types
        # distributive id: {'state', 'client', 'network_type'} as expected
        self.distributives = {d: {'state': 'in_stock', 'client': None,
                'network_type': n} for d, n in distributives.items()}
        self.logged_in = False
        self.uncertain = set()   # distributives of an unknown outcome
        self.contacts = {}       # contact id: expected values
        self.movements = {}      # movement id: expected state

    def login(self, stats):
        "Log in; a failure is counted and the session does not run"
        start = time.perf_counter()
        try:
            self.client.login(self.login_name, self.password)
        except RPCError as exc:
            with stats.lock:
                stats.errors['login'] += 1
                stats.messages.append('login (%s): %s' % (
                        self.login_name, exc))
            return
        self.logged_in = True
        with stats.lock:
            stats.latencies['login'].append(
                (time.perf_counter() - start) * 1000)

    def pause(self, think):
        "The time a member of the staff reads, types or phones"
        return min(self.rng.expovariate(1 / think), think * 5)

    def run(self, stats, views, deadline, stop, think):
        kinds = list(OPERATIONS)
        weights = [OPERATIONS[k] for k in kinds]
        if think:
            # the staff do not all click at the same instant: each session
            # is somewhere in its pause when the phase starts (without
            # this the 20 first requests arrive together and make the
            # slowest of the phase)
            stop.wait(min(self.pause(think),
                    max(0, deadline - time.monotonic())))
        while (self.logged_in and not stop.is_set()
                and time.monotonic() < deadline):
            if not stats.allow():
                break
            kind = self.rng.choices(kinds, weights)[0]
            try:
                getattr(self, 'do_' + kind)(stats, views)
            except RPCError:
                pass
            if think:
                stop.wait(min(self.pause(think),
                        max(0, deadline - time.monotonic())))

    def do_open_card(self, stats, views):
        "Read the card as the web client: the form, then its first lists"
        party = self.rng.choice(self.clients)
        start = time.perf_counter()
        record, = stats.timed('card_read', self.client,
            'model.party.party.read', [party], views['form'])
        for name, model, names in views['form_lists']:
            ids = record.get(name) or []
            if ids:
                stats.timed('card_list', self.client,
                    'model.%s.read' % model, ids[:LIST_PAGE], names)
        duration = (time.perf_counter() - start) * 1000
        with stats.lock:
            stats.latencies['open_card'].append(duration)

    def do_search(self, stats, views):
        fragment = self.rng.choice(FRAGMENTS)
        stats.timed('search', self.client, 'model.party.party.search_read',
            [('rec_name', 'ilike', '%' + fragment + '%')], 0, 30, None,
            views['tree'])

    def do_contact_create(self, stats, views):
        import load_fill
        values = {
            'party': self.rng.choice(self.clients),
            'name': load_fill._person(self.rng),
            'position': self.rng.choice(load_fill.POSITIONS)[0],
            'phone': load_fill._phone(self.rng)[0],
            }
        contact_id, = stats.timed('contact_create', self.client,
            'model.ric.party.contact.create', [values])
        self.contacts[contact_id] = {k: values[k] for k in [
                'name', 'position', 'phone']}

    def do_contact_write(self, stats, views):
        if not self.contacts:
            return self.do_contact_create(stats, views)
        import load_fill
        contact_id = self.rng.choice(list(self.contacts))
        values = {
            'phone': load_fill._phone(self.rng)[0],
            'position': self.rng.choice(load_fill.POSITIONS)[0],
            }
        stats.timed('contact_write', self.client,
            'model.ric.party.contact.write', [contact_id], values)
        self.contacts[contact_id].update(values)

    def do_movement(self, stats, views):
        choices = [d for d in self.distributives if d not in self.uncertain]
        if not choices:
            return
        d_id = self.rng.choice(choices)
        current = self.distributives[d_id]
        values = {'distributive': d_id}
        expected = dict(current)
        if current['state'] in {'in_stock', 'disconnected'}:
            values['kind'] = 'connection'
            values['client'] = self.rng.choice(self.clients)
            expected.update(state='connected', client=values['client'])
        else:
            kind = self.rng.choices(
                ['transfer', 'disconnection', 'replacement'], [5, 3, 2])[0]
            values['kind'] = kind
            if kind == 'transfer':
                client = self.rng.choice(self.clients)
                while client == current['client']:
                    client = self.rng.choice(self.clients)
                values['client'] = client
                expected['client'] = client
            elif kind == 'disconnection':
                expected['state'] = 'disconnected'
            else:
                network_type = self.rng.choice([n for n in self.network_types
                        if n != current['network_type']])
                values['network_type'] = network_type
                expected['network_type'] = network_type
        try:
            movement_id, = stats.timed('movement_create', self.client,
                'model.ric.distributive.movement.create', [values])
        except RPCError as exc:
            if exc.kind in UNCERTAIN:
                self.uncertain.add(d_id)
            raise
        self.movements[movement_id] = 'draft'
        try:
            stats.timed('movement_do', self.client,
                'model.ric.distributive.movement.do', [movement_id])
        except RPCError as exc:
            if exc.kind in UNCERTAIN:
                self.uncertain.add(d_id)
                self.movements.pop(movement_id)
            raise
        self.movements[movement_id] = 'done'
        self.distributives[d_id] = expected


def form_fields(fields):
    "Return the field names the client reads for fields of a view"
    names = ['rec_name', '_timestamp', '_write', '_delete']
    for name, definition in sorted(fields.items()):
        names.append(name)
        if definition['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(name + '.rec_name')
    return names


def form_lists(view, which='first'):
    """Return [(field name, model, list field names)] of the one-to-many
    and many-to-many lists of the form view the client shows first: those
    outside the notebook and on its first page (which='first'), or all
    (which='all')"""
    from lxml import etree
    arch = etree.fromstring(view['arch'])
    names = []
    for element in arch.iter('field'):
        pages = list(element.iterancestors('page'))
        if which == 'all' or not pages:
            names.append(element.get('name'))
            continue
        page = pages[-1]
        if page.getparent().findall('page')[0] is page:
            names.append(element.get('name'))
    result = []
    for name in dict.fromkeys(names):
        field = view['fields'].get(name)
        if not field or field['type'] not in {'one2many', 'many2many'}:
            continue
        nested = next(iter((field.get('views') or {}).values()), None)
        if nested is None or nested.get('type') != 'tree':
            continue
        result.append((name, field['relation'], form_fields(nested['fields'])))
    return result


def login_sessions(args, plan, servers):
    """Log the sessions in; return (sessions, views, login stats)"""
    ports = [port for _, port, _ in servers]
    stats = Stats(args.max_requests)
    sessions = []
    for index, (login, password) in enumerate(plan['users']):
        sessions.append(Session(index, ports[index % len(ports)],
                args.database, login, password,
                plan['distributives'][index], plan['clients'],
                plan['network_types'], args.seed, args.timeout))
    # log in a few at a time, as users arriving in the morning
    logins = [threading.Thread(target=s.login, args=(stats,))
        for s in sessions]
    for start in range(0, len(logins), 4):
        for thread in logins[start:start + 4]:
            thread.start()
        for thread in logins[start:start + 4]:
            thread.join()
    first = next((s.client for s in sessions if s.logged_in), None)
    if first is None:
        raise SystemExit("no session could log in: %s" % stats.messages[:3])
    views = {}
    for view_type in ['form', 'tree']:
        view = first.call('model.party.party.fields_view_get', None,
            view_type)
        views[view_type] = form_fields(view['fields'])
        if view_type == 'form':
            views['form_lists'] = form_lists(view, args.card_lists)
    print("%s sessions logged in; the party form reads %s fields, then "
        "the lists %s" % (len(sessions), len(views['form']),
            ', '.join(n for n, _, _ in views['form_lists']) or '(none)'))
    return sessions, views, stats


def run_sessions(args, sessions, views, servers, think):
    "Run the sessions for the duration; return (stats, elapsed, cpu)"
    stats = Stats(args.max_requests)
    stop = threading.Event()
    cpu = CpuSampler([p for p, _, _ in servers], args.uri, args.database)
    start = time.monotonic()
    origin = time.perf_counter()
    deadline = start + args.duration
    threads = [threading.Thread(target=s.run, daemon=True,
            args=(stats, views, deadline, stop, think))
        for s in sessions if s.logged_in]
    try:
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            time.sleep(0.2)
            if time.monotonic() > deadline + args.timeout + 5:
                print("sessions still running after the deadline: stopped")
                break
    finally:
        # the sessions end after their current request
        stop.set()
        end = time.monotonic() + args.timeout + 5
        for thread in threads:
            thread.join(max(0, end - time.monotonic()))
    elapsed = time.monotonic() - start
    if args.trace:
        path = '%s-%s.csv' % (args.trace, 'think' if think else 'b2b')
        stats.write_trace(path, origin)
        print("requests traced in %s" % path)
    return stats, elapsed, cpu.stop()


class CpuSampler:
    """CPU use over a run: of the machine, of the servers, of the
    PostgreSQL backends of the database (when PostgreSQL runs on this
    machine) and of this process"""

    def __init__(self, processes, uri, database):
        self.processes = processes
        self.uri, self.database = uri, database
        self.loadavg = os.getloadavg()
        self.backends = self._backends()
        self.start = self._sample(self.backends)

    def _backends(self):
        "Return the pids of the PostgreSQL backends of the database"
        import urllib.parse
        try:
            import psycopg
            url = urllib.parse.urlsplit(self.uri)
            conninfo = urllib.parse.urlunsplit(
                (url.scheme, url.netloc, '/postgres', '', ''))
            with psycopg.connect(conninfo, connect_timeout=5) as conn:
                cursor = conn.execute('SELECT pid FROM pg_stat_activity '
                    'WHERE datname = %s', (self.database,))
                return {pid for pid, in cursor}
        except Exception:
            return set()

    def _machine(self):
        with open('/proc/stat') as fp:
            values = [int(v) for v in fp.readline().split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    def _process(self, pid):
        try:
            with open('/proc/%s/stat' % pid) as fp:
                fields = fp.read().rsplit(')', 1)[1].split()
        except OSError:
            return 0
        # utime, stime, cutime, cstime
        return sum(int(f) for f in fields[11:15])

    def _sample(self, backends=()):
        busy, total = self._machine()
        servers = sum(self._process(p.pid) for p in self.processes)
        database = {pid: self._process(pid) for pid in backends}
        own = self._process(os.getpid())
        return busy, total, servers, own, database

    def stop(self):
        end = self._sample(self.backends | self._backends())
        # a backend opened during the run counts from 0, one closed during
        # it is not counted
        database = sum(ticks - self.start[4].get(pid, 0)
            for pid, ticks in end[4].items() if ticks)
        busy, total, servers, own = (
            e - s for e, s in zip(end[:4], self.start[:4]))
        total = total or 1
        return {
            'loadavg': self.loadavg,
            'loadavg_end': os.getloadavg(),
            'busy': busy / total,
            'servers': servers / total,
            'database': database / total,
            'client': own / total,
            'other': max(0, busy - servers - own - database) / total,
            'cores': os.cpu_count() or 1,
            }


# ---- verification and report ---------------------------------------------

def verify(args, sessions, servers):
    """Read every acknowledged write back through another server than the
    one that took it; return (checked, lost, messages)"""
    ports = [port for _, port, _ in servers]
    checked = defaultdict(int)
    lost = defaultdict(int)
    messages = []

    def report(kind, text):
        lost[kind] += 1
        if len(messages) < 20:
            messages.append(text)

    for session in sessions:
        if not session.logged_in:
            continue
        port = ports[(ports.index(session.port) + 1) % len(ports)]
        client = Client(HOST, port, args.database, timeout=60)
        client.login(session.login_name, session.password)
        ids = sorted(session.contacts)
        found = {r['id']: r for r in client.call(
                'model.ric.party.contact.read', ids,
                ['name', 'position', 'phone'])} if ids else {}
        for contact_id in ids:
            checked['contacts'] += 1
            expected = session.contacts[contact_id]
            record = found.get(contact_id)
            if record is None:
                report('contacts', "contact %s missing" % contact_id)
            elif any((record[k] or '') != (v or '')
                    for k, v in expected.items()):
                report('contacts', "contact %s: %s instead of %s" % (
                        contact_id, {k: record[k] for k in expected},
                        expected))
        ids = sorted(session.movements)
        found = {r['id']: r['state'] for r in client.call(
                'model.ric.distributive.movement.read', ids,
                ['state'])} if ids else {}
        for movement_id in ids:
            checked['movements'] += 1
            if found.get(movement_id) != session.movements[movement_id]:
                report('movements', "movement %s: %s instead of %s" % (
                        movement_id, found.get(movement_id),
                        session.movements[movement_id]))
        ids = sorted(d for d, v in session.distributives.items()
            if v['state'] != 'in_stock' and d not in session.uncertain)
        found = {r['id']: r for r in client.call(
                'model.ric.distributive.read', ids,
                ['state', 'client', 'network_type'])} if ids else {}
        for d_id in ids:
            checked['distributives'] += 1
            expected = session.distributives[d_id]
            record = found.get(d_id)
            if record is None:
                report('distributives', "distributive %s missing" % d_id)
                continue
            keys = ['state', 'client'] + (
                ['network_type'] if expected['network_type'] else [])
            if any(record[k] != expected[k] for k in keys):
                report('distributives', "distributive %s: %s instead of %s"
                    % (d_id, {k: record[k] for k in keys},
                        {k: expected[k] for k in keys}))
        client.logout()
        client.close()
    return checked, lost, messages


def plant_discrepancies(sessions):
    """Spoil one expected value of each kind of write, to show that the
    verification finds them; return {kind: count planted}"""
    planted = defaultdict(int)
    for session in sessions:
        if session.contacts and not planted['contacts']:
            contact = session.contacts[min(session.contacts)]
            contact['phone'] = (contact['phone'] or '') + '-planted'
            planted['contacts'] += 1
        if session.movements and not planted['movements']:
            movement_id = min(session.movements)
            session.movements[movement_id] = 'cancelled'
            planted['movements'] += 1
        moved = [d for d, v in session.distributives.items()
            if v['state'] != 'in_stock' and d not in session.uncertain]
        if moved and not planted['distributives']:
            session.distributives[min(moved)]['state'] = 'written_off'
            planted['distributives'] += 1
    return planted


def percentile(values, share):
    "The value under which share of the sorted values are (nearest rank)"
    if not values:
        return float('nan')
    values = sorted(values)
    rank = min(len(values), max(1, math.ceil(share * len(values))))
    return values[rank - 1]


def report_phase(args, plan, label, think, stats, elapsed, cpu):
    """Print the figures of one phase; return [(goal, ok, value)] of its
    errors and of its card p95"""
    print()
    print("load run, %s: %s sessions on %s servers for %.1f s, %s clients "
        "in the base, think time %.2f s" % (label, args.sessions,
            args.servers, elapsed, len(plan['clients']), think))
    print("%-16s %9s %7s %9s %9s %9s" % (
            'request', 'count', 'errors', 'p50 ms', 'p95 ms', 'max ms'))
    kinds = ['login', 'open_card', 'card_read', 'card_list', 'search',
        'contact_create', 'contact_write', 'movement_create', 'movement_do']
    # a card is one open_card made of card_read and card_list requests
    counted = {'login', 'open_card'}
    total = errors = 0
    for kind in kinds + sorted(set(stats.latencies) - set(kinds)):
        values = stats.latencies.get(kind, [])
        count = len(values) + stats.errors.get(kind, 0)
        if not count:
            continue
        if kind not in counted:
            total += count
        errors += stats.errors.get(kind, 0)
        print("%-16s %9s %7s %9.0f %9.0f %9.0f" % (kind, count,
                stats.errors.get(kind, 0), percentile(values, 0.5),
                percentile(values, 0.95), max(values) if values else 0))
    print("requests: %s in %.1f s (%.1f per second), errors: %s"
        % (total, elapsed, total / elapsed if elapsed else 0, errors))
    for message in stats.messages[:5]:
        print("  error: %s" % message)
    print("machine: %s cores, load average %.2f before the run, %.2f "
        "after; CPU busy %.0f%% during it: servers %.0f%%, PostgreSQL "
        "for this database %.0f%%, this script %.0f%%, other processes "
        "(other users of the machine) %.0f%%" % (
            cpu['cores'], cpu['loadavg'][0], cpu['loadavg_end'][0],
            cpu['busy'] * 100, cpu['servers'] * 100, cpu['database'] * 100,
            cpu['client'] * 100, cpu['other'] * 100))
    card = stats.latencies.get('open_card', [])
    p95 = percentile(card, 0.95)
    goals = [("%s: errors = 0" % label, errors == 0, str(errors))]
    if think:
        goals.append(("%s: open card p95 < %s ms" % (label, args.card_p95),
                bool(card) and p95 < args.card_p95,
                "%.0f ms (p50 %.0f ms)" % (p95, percentile(card, 0.5))))
    elif total:
        # with no pause, the sessions keep one request each in flight:
        # the mean latency is sessions / throughput (Little's law) whatever
        # the server does, a measure of saturation, not of the staff's wait
        print("saturation: %s requests always in flight at %.1f per second "
            "wait %.0f ms on average (Little's law); open card p95 %.0f ms "
            "is reported, the goal is the think-time phase's" % (
                args.sessions, total / elapsed,
                args.sessions / (total / elapsed) * 1000, p95))
    return goals


def report(args, plan, phases, login_stats, checked, lost, messages):
    """Print the figures of every phase and the goals; return True when
    every goal is met"""
    goals = []
    if login_stats.errors:
        goals.append(("login errors = 0", False,
                str(sum(login_stats.errors.values()))))
    for label, think, stats, elapsed, cpu in phases:
        goals.extend(report_phase(
                args, plan, label, think, stats, elapsed, cpu))
    print()
    acknowledged = sum(checked.values())
    print("lost writes (all phases): %s of %s acknowledged writes read back "
        "(%s)" % (sum(lost.values()), acknowledged,
            ', '.join('%s %s/%s' % (k, lost.get(k, 0), checked[k])
                for k in sorted(checked))))
    for message in messages[:5]:
        print("  lost: %s" % message)
    goals.append(("lost writes = 0", not sum(lost.values()),
            str(sum(lost.values()))))
    for name, ok, value in goals:
        print("goal %-38s %s  (%s)" % (name, 'PASS' if ok else 'FAIL', value))
    ok = all(g[1] for g in goals)
    print("RESULT: %s" % ('PASS' if ok else 'FAIL'))
    return ok


# ---- command line ---------------------------------------------------------

#: --phases: [(label, think time)] of the phases run in turn
PHASES = {
    'both': lambda args: [('back-to-back', 0), ('think time', args.think)],
    'back-to-back': lambda args: [('back-to-back', 0)],
    'think': lambda args: [('think time', args.think)],
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
        epilog="See the docstring of scripts/load_rpc.py for the steps.")
    parser.add_argument('--uri',
        default='postgresql://postgres@127.0.0.1:5432/',
        help="PostgreSQL URI of trytond (default: %(default)s)")
    parser.add_argument('--database', default='load_ric')
    parser.add_argument('--reuse', action='store_true',
        help="keep the database when it exists (its base is not refilled)")
    parser.add_argument('--modules', nargs='+', default=MODULES)
    parser.add_argument('--no-extensions', action='store_true',
        help="do not create the PostgreSQL extensions pg_trgm and unaccent "
        "in a new database (trigram indexes, searches without accents)")
    parser.add_argument('--clients', type=int, default=100000,
        help="clients of a new base (default: %(default)s)")
    parser.add_argument('--sessions', type=int, default=20)
    parser.add_argument('--servers', type=int, default=2)
    parser.add_argument('--port', type=int, default=8601,
        help="port of the first server on %s" % HOST)
    parser.add_argument('--duration', type=float, default=60,
        help="seconds of load (default: %(default)s)")
    parser.add_argument('--think', type=float, default=2.0,
        help="mean pause in seconds between two requests of a session in "
        "the think-time phase: the time a member of the staff reads, "
        "types or phones (exponential, at most 5 times the mean; "
        "default: %(default)s)")
    parser.add_argument('--phases', choices=sorted(PHASES), default='both',
        help="run the back-to-back phase (no pause), the think-time phase "
        "or both, one after the other (default: %(default)s)")
    parser.add_argument('--card-lists', choices=['first', 'all'],
        default='first',
        help="the one-to-many lists a card opening reads after the form: "
        "those of the first page of the form, as the web client shows "
        "them, or all of them (default: %(default)s)")
    parser.add_argument('--distributives', type=int, default=40,
        help="distributives in stock per session")
    parser.add_argument('--max-requests', type=int, default=200000,
        help="bound of the requests of the run")
    parser.add_argument('--timeout', type=float, default=30,
        help="seconds a request may take")
    parser.add_argument('--start-timeout', type=float, default=180,
        help="seconds the servers may take to answer")
    parser.add_argument('--card-p95', type=float, default=300,
        help="goal of the p95 of opening a client card in ms")
    parser.add_argument('--seed', type=int, default=502)
    parser.add_argument('--trace', metavar='PREFIX',
        help="write every request of a phase (start, kind, server port, "
        "latency) to PREFIX-b2b.csv / PREFIX-think.csv, to see when the "
        "slow ones happen")
    parser.add_argument('--plant', action='store_true',
        help="spoil one expected value of each kind of write before the "
        "verification, to check that it finds them (they are not counted)")
    parser.add_argument('--workdir', default=os.path.join(ROOT, 'var', 'load'),
        help="configurations and logs of the servers")
    args = parser.parse_args(argv)
    if not args.uri.startswith('postgresql'):
        parser.error("two servers on one database need PostgreSQL")
    if not 0 < args.duration <= 3600:
        parser.error("--duration must be in ]0, 3600]")
    if not 0 < args.sessions <= 200:
        parser.error("--sessions must be in [1, 200]")
    check_loopback(HOST)
    return args


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    plan = fill_step(args)
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C even when started in the background (SIGINT ignored)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    servers = []
    try:
        servers = start_servers(args, args.workdir)
        wait_servers(servers, args.database, args.start_timeout)
        sessions, views, login_stats = login_sessions(args, plan, servers)
        phases = []
        for label, think in PHASES[args.phases](args):
            print("phase %s: think time %.2f s, %.0f s" % (
                    label, think, args.duration))
            phases.append((label, think) + run_sessions(
                    args, sessions, views, servers, think))
        planted = plant_discrepancies(sessions) if args.plant else {}
        checked, lost, messages = verify(args, sessions, servers)
        if planted:
            found = {k: lost.get(k, 0) for k in planted}
            print("verification check: planted %s, found %s: %s" % (
                    dict(planted), found,
                    'OK' if all(found[k] >= planted[k] for k in planted)
                    else 'NOT FOUND'))
            for kind, count in planted.items():
                lost[kind] -= min(count, lost[kind])
            messages = [m for m in messages if 'planted' not in m
                and 'cancelled' not in m and 'written_off' not in m]
    except KeyboardInterrupt:
        print("interrupted")
        return 130
    finally:
        stop_servers(servers)
    ok = report(args, plan, phases, login_stats, checked, lost, messages)
    print("server logs: %s" % ', '.join(log for _, _, log in servers))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
