# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A small JSON-RPC client of trytond for the load script (load_rpc.py).

It speaks the protocol of the Tryton clients: ``common.db.login`` returns
the user id and a session key, which later calls send in an
``Authorization: Session`` header; dates and decimals travel as the
``__class__`` objects of trytond's JSON encoding.  One connection is kept
alive per client (one client per simulated user), to loopback only.
"""
import base64
import datetime as dt
import gzip
import http.client
import ipaddress
import json
import socket
from decimal import Decimal


class RPCError(Exception):
    "An error answered by the server or met on the way"

    def __init__(self, kind, message):
        super().__init__('%s: %s' % (kind, message))
        self.kind = kind
        self.message = message


def _encode(obj):
    if isinstance(obj, dt.datetime):
        return {'__class__': 'datetime', 'year': obj.year,
            'month': obj.month, 'day': obj.day, 'hour': obj.hour,
            'minute': obj.minute, 'second': obj.second,
            'microsecond': obj.microsecond}
    if isinstance(obj, dt.date):
        return {'__class__': 'date', 'year': obj.year, 'month': obj.month,
            'day': obj.day}
    if isinstance(obj, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(obj)}
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    raise TypeError(repr(obj))


def _decode(dct):
    kind = dct.get('__class__')
    if kind == 'date':
        return dt.date(dct['year'], dct['month'], dct['day'])
    if kind == 'datetime':
        return dt.datetime(dct['year'], dct['month'], dct['day'],
            dct['hour'], dct['minute'], dct['second'], dct['microsecond'])
    if kind == 'time':
        return dt.time(dct['hour'], dct['minute'], dct['second'],
            dct['microsecond'])
    if kind == 'timedelta':
        return dt.timedelta(seconds=dct['seconds'])
    if kind == 'Decimal':
        return Decimal(dct['decimal'])
    if kind == 'bytes':
        return base64.decodebytes(dct['base64'].encode())
    return dct


def check_loopback(host):
    "Raise ValueError unless host is a loopback address"
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError) as exc:
        raise ValueError("cannot resolve %r: %s" % (host, exc))
    if not address.is_loopback:
        raise ValueError("%s is not a loopback address" % host)


class Client:
    "One Tryton user session on one server"

    def __init__(self, host, port, database, timeout=30):
        check_loopback(host)
        self.host, self.port = host, port
        self.database = database
        self.timeout = timeout
        self.connection = None
        self.authorization = None
        self.context = {}
        self._id = 0

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _post(self, path, body, headers):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request('POST', path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader('Content-Encoding') == 'gzip':
                    data = gzip.decompress(data)
                return response.status, data
            except (http.client.RemoteDisconnected,
                    ConnectionResetError, BrokenPipeError) as exc:
                # a kept-alive connection the server closed: once more
                self.close()
                if attempt:
                    raise RPCError('connection', str(exc))
            except socket.timeout:
                self.close()
                raise RPCError('timeout', "no answer in %s s" % self.timeout)
            except OSError as exc:
                self.close()
                raise RPCError('connection', str(exc))

    def call(self, method, *params):
        """Call method with params (the context is appended for model.*
        methods) and return its result"""
        if method.startswith('model.') or method.startswith('wizard.'):
            params = params + (self.context,)
        self._id += 1
        body = json.dumps({'id': self._id, 'method': method,
                'params': list(params)}, default=_encode).encode('utf-8')
        # as the browsers of the web client: trytond streams an answer
        # over 1 400 bytes compressed, or else in thousands of tiny chunks
        headers = {'Content-Type': 'application/json',
            'Accept-Encoding': 'gzip'}
        if self.authorization:
            headers['Authorization'] = self.authorization
        path = '/%s/rpc/' % self.database if self.database else '/rpc/'
        status, data = self._post(path, body, headers)
        if status != 200:
            raise RPCError('http %s' % status,
                data[:200].decode('utf-8', 'replace'))
        answer = json.loads(data.decode('utf-8'), object_hook=_decode)
        if answer.get('error'):
            error = answer['error']
            if isinstance(error, list) and error:
                kind = str(error[0])
                message = ' '.join(str(e) for e in error[1:])[:300]
            else:
                kind, message = 'error', str(error)[:300]
            raise RPCError(kind, message)
        return answer.get('result')

    def login(self, login, password, language='en'):
        "Log in and load the user's context as the clients do"
        user_id, session, *_ = self.call(
            'common.db.login', login, {'password': password}, language)
        token = base64.b64encode(
            ('%s:%s:%s' % (login, user_id, session)).encode()).decode()
        self.authorization = 'Session ' + token
        self.context = self.call(
            'model.res.user.get_preferences', True)
        return user_id

    def logout(self):
        if self.authorization:
            try:
                self.call('common.db.logout')
            except RPCError:
                pass
            self.authorization = None
