# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mass billing of the maintenance.

A billing run bills a month for the legal entities of the RIC: it reads
the days of service of every distributive from the spine
(``ric.distributive.get_client_distributives``), finds the rule that bills
each one (``ric.billing.rule``), takes away the days already billed by the
entity (the ledger ``ric.billing.line``), prices what is left
(``price.month_prices``), and creates Tryton customer invoices, one per
client, entity and grouping of the rule.  A correction run credits the
days billed that are no longer due (a late disconnection).
"""
import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from sql import Null, Select
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.currency.fields import Monetary
from trytond.modules.ric_base import requisites as ru_requisites
from trytond.modules.ric_base.batch import id_slices, in_ids
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import BillingError
from .price import month_prices, round_kopeck

ONE_DAY = dt.timedelta(days=1)
#: invoices created and posted per batch
INVOICE_BATCH = 100
#: distributive types that are not billed
UNBILLED_TYPES = {'demo'}


def month_start(date):
    return date.replace(day=1)


def month_end(date):
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1) \
        - ONE_DAY


def subtract(piece, taken):
    """Return the stretches of piece (date from, date to) not in taken

    taken is a list of (date from, date to) stretches; every date is a day
    included."""
    start, end = piece
    result = []
    for taken_start, taken_end in sorted(taken):
        if taken_end < start or taken_start > end:
            continue
        if taken_start > start:
            result.append((start, taken_start - ONE_DAY))
        start = max(start, taken_end + ONE_DAY)
        if start > end:
            return result
    if start <= end:
        result.append((start, end))
    return result


def days(piece):
    return (piece[1] - piece[0]).days + 1


class BillingLine(ModelSQL, ModelView):
    "Billed Stretch"
    __name__ = 'ric.billing.line'
    __string__ = "Billed Stretch"

    company = fields.Many2One('company.company', "Legal Entity",
        required=True, ondelete='RESTRICT')
    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='RESTRICT')
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='RESTRICT')
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True,
        domain=[('date_to', '>=', Eval('date_from', None))])
    invoice_line = fields.Many2One('account.invoice.line', "Invoice Line",
        required=True, ondelete='CASCADE')
    invoice = fields.Function(fields.Many2One('account.invoice', "Invoice"),
        'get_invoice')
    run = fields.Many2One('ric.billing.run', "Billing Run",
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # a distributive-day is billed at most once per legal entity: two
        # stretches of one distributive never start on the same day (the
        # run holds a lock per entity while it computes the gaps)
        cls._sql_constraints += [
            ('distributive_day_unique',
                Unique(t, t.company, t.distributive, t.date_from),
                'ric_billing.msg_line_day_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()),
                (t.distributive, Index.Equality()),
                (t.date_to, Index.Range())))
        cls._order = [('date_from', 'DESC'), ('id', 'DESC')]

    def get_invoice(self, name):
        return self.invoice_line.invoice.id

    @classmethod
    def billed(cls, company, distributives, start, end):
        """Return {distributive id: [(date from, date to)]} billed by company
        between start and end (both included), with a constant number of
        queries"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(list)
        for sub_ids in id_slices(distributives):
            cursor.execute(*table.select(
                    table.distributive, table.date_from, table.date_to,
                    where=in_ids(table.distributive, sub_ids)
                    & (table.company == int(company))
                    & (table.date_from <= end) & (table.date_to >= start)))
            for distributive, date_from, date_to in cursor:
                result[distributive].append((date_from, date_to))
        return result

    @classmethod
    def free_invoices(cls, invoices):
        "Free the days billed by the lines of cancelled invoices"
        lines = []
        for sub_ids in id_slices(invoices):
            lines.extend(cls.search([('invoice_line.invoice', 'in', sub_ids)]))
        if lines:
            with without_check_access():
                cls.delete(lines)

    @classmethod
    def free_credits(cls, invoices):
        """Free the days a posted credit note credits

        A credit line whose origin is a billed line and which names the
        days it credits (``ric_date_from`` … ``ric_date_to``) takes them
        out of the stretch of the billed line."""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        credits = defaultdict(list)
        for invoice in invoices:
            for line in invoice.lines:
                if (isinstance(line.origin, InvoiceLine)
                        and line.quantity is not None and line.quantity < 0
                        and line.ric_date_from and line.ric_date_to):
                    credits[line.origin.id].append(
                        (line.ric_date_from, line.ric_date_to))
        if not credits:
            return
        to_delete, to_write, to_create = [], [], []
        for sub_ids in id_slices(credits):
            for billed in cls.search([('invoice_line', 'in', sub_ids)]):
                rest = subtract((billed.date_from, billed.date_to),
                    credits[billed.invoice_line.id])
                if not rest:
                    to_delete.append(billed)
                    continue
                (first_from, first_to), *others = rest
                if (first_from, first_to) != (billed.date_from,
                        billed.date_to):
                    to_write.extend(([billed], {
                                'date_from': first_from,
                                'date_to': first_to,
                                }))
                for date_from, date_to in others:
                    to_create.append({
                            'company': billed.company.id,
                            'client': billed.client.id,
                            'distributive': billed.distributive.id,
                            'date_from': date_from,
                            'date_to': date_to,
                            'invoice_line': billed.invoice_line.id,
                            'run': billed.run.id if billed.run else None,
                            })
        with without_check_access():
            if to_delete:
                cls.delete(to_delete)
            if to_write:
                cls.write(*to_write)
            if to_create:
                cls.create(to_create)


class Run(Workflow, ModelSQL, ModelView):
    "Billing Run"
    __name__ = 'ric.billing.run'
    __string__ = "Billing Run"
    _rec_name = 'number'

    _states = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    kind = fields.Selection([
            ('billing', "Billing"),
            ('correction', "Correction"),
            ], "Kind", required=True, states=_states,
        help="A correction run credits the billed days that are no longer "
        "due (a disconnection registered late).")
    month = fields.Date("Month", required=True, states=_states,
        help="The first day of the month billed.")
    period_end = fields.Function(fields.Date("Period End"),
        'on_change_with_period_end')
    invoice_date = fields.Date("Invoice Date", required=True,
        states=_states)
    companies = fields.Many2Many('ric.billing.run-company.company',
        'run', 'company', "Legal Entities", states=_states,
        help="Leave empty for every legal entity with billing rules.")
    clients = fields.Many2Many('ric.billing.run-party.party',
        'run', 'party', "Clients", states=_states,
        help="Leave empty for every client.")
    parent = fields.Many2One('ric.billing.run', "Re-run Of", readonly=True,
        ondelete='SET NULL')
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    progress = fields.Float("Progress", digits=(1, 2), readonly=True)
    logs = fields.One2Many('ric.billing.run.log', 'run', "Log",
        readonly=True)
    totals = fields.One2Many('ric.billing.run.total', 'run', "Totals",
        readonly=True)
    invoices = fields.One2Many('account.invoice', 'ric_run', "Invoices",
        readonly=True)
    invoice_count = fields.Function(fields.Integer("Invoices"),
        'get_counts')
    error_count = fields.Function(fields.Integer("Errors"), 'get_counts')
    failed_clients = fields.Function(fields.Many2Many(
            'party.party', None, None, "Failed Clients"), 'get_counts')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done')}
        cls._buttons.update({
                'process': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'rerun_failed': {
                    'invisible': ((Eval('state') != 'done')
                        | ~Eval('error_count', 0)),
                    'depends': ['state', 'error_count'],
                    },
                })

    @classmethod
    def default_kind(cls):
        return 'billing'

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_month(cls):
        return month_start(Pool().get('ir.date').today())

    @classmethod
    def default_invoice_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_progress(cls):
        return 0.

    @fields.depends('month')
    def on_change_month(self):
        if self.month:
            self.month = month_start(self.month)

    @fields.depends('month')
    def on_change_with_period_end(self, name=None):
        if self.month:
            return month_end(self.month)

    @classmethod
    def get_counts(cls, runs, names):
        pool = Pool()
        Log = pool.get('ric.billing.run.log')
        Invoice = pool.get('account.invoice')
        result = {n: {r.id: 0 for r in runs} for n in names}
        if 'failed_clients' in result:
            result['failed_clients'] = {r.id: [] for r in runs}
        ids = [r.id for r in runs]
        if 'invoice_count' in names:
            invoice = Invoice.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*invoice.select(invoice.ric_run, Count(invoice.id),
                    where=in_ids(invoice.ric_run, ids),
                    group_by=[invoice.ric_run]))
            result['invoice_count'].update(dict(cursor))
        if {'error_count', 'failed_clients'} & set(names):
            for log in Log.search([
                        ('run', 'in', ids), ('level', '=', 'error')]):
                if 'error_count' in result:
                    result['error_count'][log.run.id] += 1
                if 'failed_clients' in result and log.client:
                    clients = result['failed_clients'][log.run.id]
                    if log.client.id not in clients:
                        clients.append(log.client.id)
        return result

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('ric.billing.configuration')
        config = Configuration(1)
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('month'):
                values['month'] = month_start(values['month'])
            if not values.get('number') and config.billing_run_sequence:
                values['number'] = config.billing_run_sequence.get()
        return super().create(vlist)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def process(cls, runs):
        for run in runs:
            if run.kind == 'correction':
                run._process_correction()
            else:
                run._process_billing()

    @classmethod
    @ModelView.button_action('ric_billing.act_run_form')
    def rerun_failed(cls, runs):
        "Bill again the clients the runs failed on, in a new run each"
        new_runs = []
        for run in runs:
            new_run, = cls.copy([run], default={
                    'parent': run.id,
                    'clients': [('add', [c.id for c in run.failed_clients])],
                    'number': None,
                    })
            new_runs.append(new_run)
        cls.process(new_runs)
        return {'res_id': [r.id for r in new_runs]}

    @classmethod
    def copy(cls, runs, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('logs')
        default.setdefault('totals')
        default.setdefault('invoices')
        default.setdefault('progress', 0.)
        default.setdefault('number')
        return super().copy(runs, default=default)

    @classmethod
    def bill_month(cls):
        """Bill the current month for every legal entity (the monthly cron)

        Runs again on later days fill only the gaps (late connections)."""
        run = cls(kind='billing')
        run.save()
        cls.process([run])

    # -- shared steps -----------------------------------------------------

    def _companies(self):
        pool = Pool()
        Rule = pool.get('ric.billing.rule')
        if self.companies:
            return list(self.companies)
        return sorted({r.company for r in Rule.search([])}, key=int)

    def _lock(self, companies):
        """Refuse the run when another run of one of the companies is in
        progress: a transaction advisory lock per legal entity"""
        transaction = Transaction()
        database = transaction.database
        cursor = transaction.connection.cursor()
        for company in companies:
            key = int.from_bytes(hashlib.sha1(
                    ('ric.billing.run:%s' % company.id).encode()
                    ).digest()[:4], 'big') & 0x7fffffff
            lock = database.lock_id(key)
            cursor.execute(*Select([lock]))
            locked, = cursor.fetchone()
            if not locked:
                raise BillingError(gettext(
                        'ric_billing.msg_run_concurrent',
                        company=company.rec_name))

    def _take_locks(self, companies):
        """Ask, before any work, for the locks that posting takes: the
        strict sequences of the invoices and moves of the fiscal year and,
        when the journal has no period yet, the journal periods.

        Tryton takes such a lock by restarting the transaction with it;
        asked for at the end, it would throw away the whole run each time.
        """
        pool = Pool()
        Period = pool.get('account.period')
        Journal = pool.get('account.journal')
        JournalPeriod = pool.get('account.journal.period')
        Sequence = pool.get('ir.sequence.strict')
        sequences, periods = set(), []
        for company in companies:
            with Transaction().set_context(company=company.id):
                period = Period.find(company, date=self.invoice_date)
                journals = Journal.search([('type', '=', 'revenue')])
            fiscalyear = period.fiscalyear
            sequences.add(fiscalyear.move_sequence.id)
            for invoice_sequence in fiscalyear.invoice_sequences:
                for sequence in [invoice_sequence.out_invoice_sequence,
                        invoice_sequence.out_credit_note_sequence]:
                    if sequence:
                        sequences.add(sequence.id)
            periods += [(j.id, period.id) for j in journals]
        known = {(p.journal.id, p.period.id) for p in JournalPeriod.search([
                    ('journal', 'in', [j for j, _ in periods]),
                    ('period', 'in', [p for _, p in periods]),
                    ])}
        if set(periods) - known:
            JournalPeriod.lock()
        Sequence.lock(Sequence.browse(sorted(sequences)))

    def _client_ids(self):
        return [c.id for c in self.clients] or None

    def _log(self, level, message, client=None, company=None):
        return {
            'run': self.id,
            'level': level,
            'message': message,
            'client': int(client) if client else None,
            'company': int(company) if company else None,
            }

    # -- billing ---------------------------------------------------------

    def _process_billing(self):
        pool = Pool()
        Rule = pool.get('ric.billing.rule')
        Log = pool.get('ric.billing.run.log')
        companies = self._companies()
        self._lock(companies)
        self._take_locks(companies)
        logs = []
        rules = Rule.search([('company', 'in', [c.id for c in companies])])
        months = sorted({m for r in rules for m in r.months(self.month)}
            or [self.month])
        start, end = months[0], month_end(months[-1])
        service = self._service(start, end)
        matched = self._match(companies, service, logs)
        due = self._due(service, matched, logs)
        invoices = self._invoice(due, logs)
        self._post(invoices, logs)
        Log.create(logs)
        self._write_totals(invoices)

    def _service(self, start, end):
        """Return {client id: [(distributive, system, network type, from,
        to)]} of the billable stretches of the period"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        table = Distributive.__table__()
        cursor = Transaction().connection.cursor()
        with without_check_access():
            service = Distributive.get_client_distributives(
                self._client_ids(), start, end)
        distributives = {r[0] for rows in service.values() for r in rows}
        unbilled = set()
        for sub_ids in id_slices(distributives):
            cursor.execute(*table.select(table.id,
                    where=in_ids(table.id, sub_ids)
                    & table.type.in_(list(UNBILLED_TYPES))))
            unbilled.update(i for i, in cursor)
        return {c: [r for r in rows if r[0] not in unbilled]
            for c, rows in service.items() if rows}

    def _match(self, companies, service, logs):
        "Return {(distributive, system): rule}; log what no rule bills"
        pool = Pool()
        Rule = pool.get('ric.billing.rule')
        pairs = {c: sorted({(r[0], r[1]) for r in rows})
            for c, rows in service.items()}
        matched = Rule.match(companies, pairs, self.month)
        for client, rows in pairs.items():
            for distributive, system in rows:
                if (distributive, system) not in matched:
                    logs.append(self._log('error', gettext(
                                'ric_billing.msg_log_no_rule',
                                distributive=self._name(
                                    'ric.distributive', distributive)),
                            client=client))
        return matched

    @staticmethod
    def _name(model, id_):
        return Pool().get(model)(id_).rec_name

    def _due(self, service, matched, logs):
        """Return {(company, rule, client): [piece]} of what is due

        A piece is a dict with the distributive, system, network type,
        month and the stretch of days still unbilled by the entity."""
        pool = Pool()
        Configuration = pool.get('ric.billing.configuration')
        config = Configuration(1)
        by_company = defaultdict(set)
        for (distributive, system), rule in matched.items():
            by_company[rule.company].add(distributive)
        billed = {}
        for company, distributives in by_company.items():
            rule_months = {m for r in {r for r in matched.values()
                    if r.company == company} for m in r.months(self.month)}
            if not rule_months:
                continue
            start = min(rule_months)
            end = month_end(max(rule_months))
            billed[company.id] = Pool().get('ric.billing.line').billed(
                company, distributives, start, end)
        due = defaultdict(list)
        for client, rows in service.items():
            for distributive, system, network_type, date_from, date_to in rows:
                rule = matched.get((distributive, system))
                if not rule:
                    continue
                taken = billed.get(rule.company.id, {}).get(distributive, [])
                for month in rule.months(self.month):
                    piece = (max(date_from, month),
                        min(date_to, month_end(month)))
                    if piece[0] > piece[1]:
                        continue
                    for free in subtract(piece, taken):
                        due[(rule.company, rule, client)].append({
                                'distributive': distributive,
                                'system': system,
                                'network_type': network_type,
                                'month': month,
                                'date_from': free[0],
                                'date_to': free[1],
                                })
        with Transaction().set_context(company=None):
            proration = {c.id: (
                    config.get_multivalue('proration', company=c.id),
                    config.get_multivalue('whole_month_days', company=c.id))
                for c in by_company}
        for key in list(due):
            mode, min_days = proration[key[0].id]
            if mode == 'whole_month':
                due[key] = self._whole_months(
                    due[key], billed.get(key[0].id, {}), min_days)
        if not any(due.values()):
            logs.append(self._log('info', gettext(
                        'ric_billing.msg_log_nothing_due')))
        return due

    @staticmethod
    def _whole_months(pieces, billed, min_days):
        """Bill a whole month the distributives in service at least
        min_days of it that nothing billed yet; drop the others"""
        result = []

        def key(p):
            return (p['distributive'], p['month'])
        for (distributive, month), group in groupby(
                sorted(pieces, key=lambda p: (key(p), p['date_from'])),
                key=key):
            group = list(group)
            total = sum(days((p['date_from'], p['date_to'])) for p in group)
            already = any(f <= month_end(month) and t >= month
                for f, t in billed.get(distributive, []))
            if total >= (min_days or 0) and not already:
                piece = dict(group[-1])
                piece['date_from'] = month
                piece['date_to'] = month_end(month)
                result.append(piece)
        return result

    def _invoice(self, due, logs):
        "Create the invoices of what is due; return them"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        builder = InvoiceBuilder(self, logs)
        values = builder.build(due)
        invoices = []
        batches = list(grouped_slice(values, INVOICE_BATCH))
        for batch in _progress(batches, "billing"):
            batch = list(batch)
            with without_check_access():
                created = Invoice.create([v for v, _ in batch])
            builder.record(created, [p for _, p in batch])
            invoices.extend(created)
        return invoices

    def _post(self, invoices, logs):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Configuration = pool.get('ric.billing.configuration')
        config = Configuration(1)
        by_company = defaultdict(list)
        for invoice in invoices:
            by_company[invoice.company].append(invoice)
        to_post = {company: company_invoices
            for company, company_invoices in by_company.items()
            if config.get_multivalue('post_invoices', company=company.id)}
        # one company per call: trytond 8.0's Move.post fails on the moves
        # of several companies (its loop variable shadows the table)
        for company, company_invoices in to_post.items():
            for batch in grouped_slice(company_invoices, INVOICE_BATCH):
                with without_check_access(), \
                        Transaction().set_context(company=company.id,
                            _ric_billing_posting=True):
                    Invoice.post(Invoice.browse(list(batch)))

    def _write_totals(self, invoices):
        pool = Pool()
        Total = pool.get('ric.billing.run.total')
        totals = {}
        for invoice in invoices:
            total = totals.setdefault(invoice.company.id, {
                    'run': self.id, 'company': invoice.company.id,
                    'invoice_count': 0, 'clients': set(),
                    'untaxed_amount': Decimal(0), 'tax_amount': Decimal(0),
                    'total_amount': Decimal(0)})
            total['invoice_count'] += 1
            total['clients'].add(invoice.ric_client.id)
            total['untaxed_amount'] += invoice.untaxed_amount
            total['tax_amount'] += invoice.tax_amount
            total['total_amount'] += invoice.total_amount
        for total in totals.values():
            total['client_count'] = len(total.pop('clients'))
        if totals:
            Total.create(list(totals.values()))
        self.__class__.write([self], {'progress': 1.})

    # -- correction ------------------------------------------------------

    def _process_correction(self):
        pool = Pool()
        Log = pool.get('ric.billing.run.log')
        companies = self._companies()
        self._lock(companies)
        self._take_locks(companies)
        logs = []
        start, end = self.month, month_end(self.month)
        credits = self._undue(companies, start, end)
        invoices = CreditBuilder(self, logs).create(credits)
        self._post(invoices, logs)
        if not invoices:
            logs.append(self._log('info', gettext(
                        'ric_billing.msg_log_nothing_to_credit')))
        Log.create(logs)
        self._write_totals(invoices)

    def _undue(self, companies, start, end):
        """Return {billed line: [(date from, date to)]} of the days billed
        between start and end that the spine no longer gives to the client
        with the same system and network type"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        billed_lines = []
        domain = [
            ('company', 'in', [c.id for c in companies]),
            ('date_from', '<=', end),
            ('date_to', '>=', start),
            ]
        if self.clients:
            domain.append(('client', 'in', [c.id for c in self.clients]))
        billed_lines = Pool().get('ric.billing.line').search(domain)
        clients = {b.client.id for b in billed_lines}
        with without_check_access():
            service = Distributive.get_client_distributives(
                clients, start, end)
        in_service = defaultdict(list)
        for client, rows in service.items():
            for distributive, system, network_type, date_from, date_to in rows:
                in_service[(client, distributive, system, network_type)
                    ].append((date_from, date_to))
        result = {}
        for billed in billed_lines:
            line = billed.invoice_line
            key = (billed.client.id, billed.distributive.id,
                line.ric_system.id if line.ric_system else None,
                line.ric_network_type.id if line.ric_network_type else None)
            piece = (max(billed.date_from, start), min(billed.date_to, end))
            undue = subtract(piece, in_service.get(key, []))
            if undue:
                result[billed] = undue
        return result


def _progress(iterable, desc):
    "Show the progress of long runs on a terminal (scripts, cron)"
    import sys
    if len(iterable) > 1 and sys.stderr.isatty():
        from tqdm import tqdm
        return tqdm(iterable, desc=desc, unit='batch')
    return iterable


class InvoiceBuilder:
    "Turn what is due into invoice values, one client at a time"

    def __init__(self, run, logs):
        self.run = run
        self.logs = logs
        self.pool = Pool()
        self.names = {}

    def build(self, due):
        """Return [(invoice values, [piece])]: one invoice per company,
        rule, client and grouping key"""
        clients = {k[2] for k in due}
        counterparties, requisites = self._counterparties(clients)
        prices = self._prices(due)
        approvals = self._approvals(due, prices)
        employees = self._employees(clients)
        self.names = self._names(due)
        result = []
        for (company, rule, client), pieces in sorted(
                due.items(), key=lambda i: (i[0][0].id, i[0][2], i[0][1].id)):
            error = self._check_client(client, requisites.get(client))
            priced = []
            for piece in pieces:
                price = prices.get((company.id, piece['month'],
                        (client, piece['distributive'], piece['system'],
                            piece['network_type'])))
                if price is None:
                    error = error or gettext('ric_billing.msg_log_no_price',
                        distributive=self.run._name(
                            'ric.distributive', piece['distributive']),
                        date=piece['month'])
                    continue
                if (price.list_amount is not None
                        and price.amount < price.list_amount
                        and price.source in {'budget', 'fixed', 'discount'}
                        and (client, piece['system'], piece['network_type'])
                        not in approvals.get(piece['month'], set())):
                    error = error or gettext(
                        'ric_billing.msg_log_not_approved',
                        distributive=self.run._name(
                            'ric.distributive', piece['distributive']),
                        amount=price.amount, list_amount=price.list_amount)
                    continue
                piece = dict(piece, price=price,
                    employee=employees.get(client))
                if price.amount:
                    priced.append(piece)
            if error:
                self.logs.append(self.run._log(
                        'error', error, client=client, company=company))
                continue
            for group in self._group(rule, priced):
                try:
                    values = self._invoice_values(
                        company, rule, client, counterparties[client], group)
                except BillingError as exception:
                    self.logs.append(self.run._log('error',
                            exception.message, client=client,
                            company=company))
                    break
                result.append((values, group))
        return result

    def _names(self, due):
        "Return {(model, id): rec_name} of what the line descriptions name"
        names = {}
        for model, key in [('ric.distributive', 'distributive'),
                ('ric.system', 'system'),
                ('ric.network.type', 'network_type')]:
            Model = self.pool.get(model)
            ids = {p[key] for pieces in due.values() for p in pieces
                if p[key] is not None}
            with without_check_access():
                for record in Model.browse(sorted(ids)):
                    names[(model, record.id)] = record.rec_name
        return names

    def _name(self, model, id_):
        if (model, id_) not in self.names:
            self.names[(model, id_)] = self.run._name(model, id_)
        return self.names[(model, id_)]

    def _counterparties(self, clients):
        Party = self.pool.get('party.party')
        date = self.run.invoice_date
        with without_check_access():
            return (Party.get_counterparties(clients, date),
                Party.get_requisites(clients, date))

    def _check_client(self, client, requisites):
        "Return the error of an invalid requisite of the client or None"
        if not requisites:
            return None
        inn = getattr(requisites, 'inn', None)
        kpp = getattr(requisites, 'kpp', None)
        if inn and not ru_requisites.is_valid_inn(inn):
            return gettext('ric_billing.msg_log_invalid_inn', inn=inn)
        if kpp and not ru_requisites.is_valid_kpp(kpp):
            return gettext('ric_billing.msg_log_invalid_kpp', kpp=kpp)
        return None

    def _prices(self, due):
        "Return {(company id, month, item): MonthPrice}"
        items = defaultdict(set)
        connected = {}
        for (company, rule, client), pieces in due.items():
            for piece in pieces:
                items[(company.id, piece['month'])].add((client,
                        piece['distributive'], piece['system'],
                        piece['network_type']))
                connected[piece['distributive']] = min(
                    connected.get(piece['distributive'], dt.date.max),
                    piece['date_from'])
        result = {}
        for (company, month), month_items in items.items():
            prices = month_prices(company, month_items, month, connected)
            for item, price in prices.items():
                result[(company, month, item)] = price
        return result

    def _approvals(self, due, prices):
        "Return {month: {(client, system, network type)}} approved"
        Approval = self.pool.get('ric.price.approval')
        table = Approval.__table__()
        cursor = Transaction().connection.cursor()
        clients = {k[2] for k in due}
        months = {p['month'] for pieces in due.values() for p in pieces}
        result = defaultdict(set)
        if not months:
            return result
        first, last = min(months), max(months)
        for sub_ids in id_slices(clients):
            cursor.execute(*table.select(table.client, table.system,
                    table.network_type, table.date, table.end_date,
                    where=in_ids(table.client, sub_ids)
                    & (table.state == 'approved')
                    & (table.kind == 'maintenance')
                    & (table.date <= last)
                    & ((table.end_date == Null) | (table.end_date >= first))))
            for client, system, network_type, date, end_date in cursor:
                for month in months:
                    if date <= month and (not end_date or end_date >= month):
                        result[month].add((client, system, network_type))
        return result

    def _employees(self, clients):
        "Return {client id: employee id} of a current responsible"
        Responsible = self.pool.get('ric.party.responsible')
        table = Responsible.__table__()
        cursor = Transaction().connection.cursor()
        date = self.run.month
        result = {}
        for sub_ids in id_slices(clients):
            cursor.execute(*table.select(table.party, table.employee,
                    where=in_ids(table.party, sub_ids)
                    & ((table.date_from == Null) | (table.date_from <= date))
                    & ((table.date_to == Null) | (table.date_to >= date)),
                    order_by=[table.party, table.id.desc]))
            for party, employee in cursor:
                result[party] = employee
        return result

    def _group(self, rule, pieces):
        if not pieces:
            return []
        if rule.grouping == 'distributive':
            def key(p):
                return p['distributive']
        elif rule.grouping == 'contract':
            contracts = self._contracts({p['distributive'] for p in pieces})

            def key(p):
                return contracts.get(p['distributive']) or 0
        else:
            def key(p):
                return 0
        pieces = sorted(pieces, key=lambda p: (key(p), p['month'],
                p['distributive'], p['date_from']))
        return [list(g) for _, g in groupby(pieces, key=key)]

    def _contracts(self, distributives):
        Distributive = self.pool.get('ric.distributive')
        return {d.id: d.ric_contract.id if d.ric_contract else None
            for d in Distributive.browse(list(distributives))}

    def _setup(self, company):
        "Return the cached accounting set-up of the company"
        cache = self.__dict__.setdefault('_setup_cache', {})
        if company.id in cache:
            return cache[company.id]
        Configuration = self.pool.get('ric.billing.configuration')
        Journal = self.pool.get('account.journal')
        config = Configuration(1)
        with Transaction().set_context(company=company.id):
            product = config.get_multivalue(
                'maintenance_product', company=company.id)
            payment_term = config.get_multivalue(
                'payment_term', company=company.id)
            Product = self.pool.get('product.product')
            if product:
                product = Product(product.id)
            journals = Journal.search([('type', '=', 'revenue')], limit=1)
            if not product:
                raise BillingError(gettext(
                        'ric_billing.msg_no_maintenance_product',
                        company=company.rec_name))
            if not journals:
                raise BillingError(gettext(
                        'ric_billing.msg_no_revenue_journal',
                        company=company.rec_name))
            account = product.account_revenue_used
            if not account:
                raise BillingError(gettext(
                        'ric_billing.msg_no_revenue_account',
                        product=product.rec_name, company=company.rec_name))
            value = cache[company.id] = {
                'product': product,
                'account': account,
                'unit': product.default_uom,
                'journal': journals[0],
                'payment_term': payment_term,
                'taxes': {},
                }
        return value

    def _tax(self, company, date):
        setup = self._setup(company)
        if date not in setup['taxes']:
            tax = company.get_ric_maintenance_tax(date)
            setup['taxes'][date] = [tax.id] if tax else []
        return setup['taxes'][date]

    def _invoice_values(self, company, rule, client, counterparty, pieces):
        setup = self._setup(company)
        Party = self.pool.get('party.party')
        with Transaction().set_context(company=company.id):
            # records read their company-dependent values in the context
            # they are instantiated in
            counterparty = Party(counterparty.id)
            account = counterparty.account_receivable_used
            address = counterparty.address_get(type='invoice')
        if not account:
            raise BillingError(gettext(
                    'ric_billing.msg_log_no_receivable',
                    party=counterparty.rec_name))
        if not address:
            raise BillingError(gettext(
                    'ric_billing.msg_log_no_address',
                    party=counterparty.rec_name))
        invoice_date = self.run.invoice_date
        lines = [self._line_values(company, setup, counterparty, piece)
            for piece in pieces]
        payment_term = rule.payment_term or setup['payment_term']
        return {
            'company': company.id,
            'type': 'out',
            'party': counterparty.id,
            'invoice_address': address.id,
            'currency': company.currency.id,
            'journal': setup['journal'].id,
            'account': account.id,
            'payment_term': payment_term.id if payment_term else None,
            'invoice_date': invoice_date,
            'description': gettext('ric_billing.msg_invoice_description',
                start=min(p['date_from'] for p in pieces).strftime(
                    '%d.%m.%Y'),
                end=max(p['date_to'] for p in pieces).strftime('%d.%m.%Y')),
            'ric_client': client,
            'ric_document_set': rule.document_set,
            'ric_period_start': min(p['month'] for p in pieces),
            'ric_period_end': month_end(max(p['month'] for p in pieces)),
            'ric_run': self.run.id,
            'ric_rule': rule.id,
            'lines': [('create', lines)],
            }

    def _line_values(self, company, setup, counterparty, piece):
        price = piece['price']
        month = piece['month']
        month_days = days((month, month_end(month)))
        line_days = days((piece['date_from'], piece['date_to']))
        amount = price.amount
        if line_days != month_days:
            amount = round_kopeck(price.amount * line_days / month_days)
        return {
            'type': 'line',
            'invoice_type': 'out',
            'company': company.id,
            'currency': company.currency.id,
            'party': counterparty.id,
            'product': setup['product'].id,
            'account': setup['account'].id,
            'unit': setup['unit'].id,
            'quantity': 1,
            'unit_price': amount,
            'taxes': [('add', self._tax(company, piece['date_to']))],
            'description': gettext('ric_billing.msg_line_description',
                system=self._name('ric.system', piece['system']),
                network_type=self._name(
                    'ric.network.type', piece['network_type']),
                distributive=self._name(
                    'ric.distributive', piece['distributive']),
                start=piece['date_from'].strftime('%d.%m.%Y'),
                end=piece['date_to'].strftime('%d.%m.%Y')),
            'ric_distributive': piece['distributive'],
            'ric_system': piece['system'],
            'ric_network_type': piece['network_type'],
            'ric_date_from': piece['date_from'],
            'ric_date_to': piece['date_to'],
            'ric_days': line_days,
            'ric_month_days': month_days,
            'ric_monthly_price': price.amount,
            'ric_list_price': price.list_amount,
            'ric_price_source': price.source,
            }

    def record(self, invoices, groups):
        "Write the ledger of billed days and the billed amounts"
        BilledAmount = self.pool.get('ric.billed.amount')
        billed_lines, amounts = [], []
        for invoice, pieces in zip(invoices, groups):
            by_key = {(l.ric_distributive.id, l.ric_date_from): l
                for l in invoice.lines}
            for piece in pieces:
                line = by_key[(piece['distributive'], piece['date_from'])]
                billed_lines.append({
                        'company': invoice.company.id,
                        'client': invoice.ric_client.id,
                        'distributive': piece['distributive'],
                        'date_from': piece['date_from'],
                        'date_to': piece['date_to'],
                        'invoice_line': line.id,
                        'run': self.run.id,
                        })
                amounts.append({
                        'company': invoice.company.id,
                        'client': invoice.ric_client.id,
                        'employee': piece.get('employee'),
                        'distributive': piece['distributive'],
                        'system': piece['system'],
                        'network_type': piece['network_type'],
                        'date': piece['month'],
                        'billed_amount': line.amount,
                        'list_amount': (round_kopeck(
                                piece['price'].list_amount * line.ric_days
                                / line.ric_month_days)
                            if piece['price'].list_amount is not None
                            else None),
                        'origin': str(line),
                        })
        with without_check_access():
            Pool().get('ric.billing.line').create(billed_lines)
            BilledAmount.create(amounts)


class CreditBuilder:
    "Credit notes of the days no longer due"

    def __init__(self, run, logs):
        self.run = run
        self.logs = logs

    def create(self, undue):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        by_invoice = defaultdict(list)
        for billed, stretches in undue.items():
            by_invoice[billed.invoice_line.invoice].append(
                (billed, stretches))
        credits = []
        for invoice, items in sorted(by_invoice.items(),
                key=lambda i: i[0].id):
            if invoice.state not in {'posted', 'paid'}:
                self.logs.append(self.run._log('warning', gettext(
                            'ric_billing.msg_log_credit_draft',
                            invoice=invoice.rec_name),
                        client=invoice.ric_client,
                        company=invoice.company))
                continue
            credit = Invoice()
            for name in ['company', 'tax_identifier', 'party',
                    'party_tax_identifier', 'invoice_address', 'currency',
                    'journal', 'account', 'payment_term', 'type',
                    'ric_client', 'ric_document_set', 'ric_period_start',
                    'ric_period_end', 'ric_rule']:
                setattr(credit, name, getattr(invoice, name))
            credit.invoice_date = self.run.invoice_date
            credit.ric_run = self.run
            credit.description = gettext(
                'ric_billing.msg_credit_description',
                invoice=invoice.number or invoice.rec_name)
            lines = []
            for billed, stretches in items:
                for stretch in stretches:
                    lines.append(self._credit_line(billed, stretch))
            credit.lines = lines
            credits.append(credit)
        if credits:
            with without_check_access():
                Invoice.save(credits)
        return credits

    def _credit_line(self, billed, stretch):
        line = billed.invoice_line._credit()
        line_days = days(stretch)
        month_days = billed.invoice_line.ric_month_days or line_days
        monthly = billed.invoice_line.ric_monthly_price or \
            billed.invoice_line.unit_price
        if line_days == days((billed.date_from, billed.date_to)) \
                and (billed.date_from, billed.date_to) == (
                    billed.invoice_line.ric_date_from,
                    billed.invoice_line.ric_date_to):
            # the whole line: credit exactly what was billed
            line.unit_price = billed.invoice_line.unit_price
        else:
            line.unit_price = round_kopeck(monthly * line_days / month_days)
        line.ric_date_from, line.ric_date_to = stretch
        line.ric_days = line_days
        line.description = gettext('ric_billing.msg_credit_line_description',
            line=billed.invoice_line.description,
            start=stretch[0].strftime('%d.%m.%Y'),
            end=stretch[1].strftime('%d.%m.%Y'))
        return line


class RunCompany(ModelSQL):
    "Billing Run - Legal Entity"
    __name__ = 'ric.billing.run-company.company'
    __string__ = "Billing Run - Legal Entity"
    run = fields.Many2One('ric.billing.run', "Run", required=True,
        ondelete='CASCADE')
    company = fields.Many2One('company.company', "Legal Entity",
        required=True, ondelete='CASCADE')


class RunParty(ModelSQL):
    "Billing Run - Client"
    __name__ = 'ric.billing.run-party.party'
    __string__ = "Billing Run - Client"
    run = fields.Many2One('ric.billing.run', "Run", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Client", required=True,
        ondelete='CASCADE')


class RunLog(ModelSQL, ModelView):
    "Billing Run Log"
    __name__ = 'ric.billing.run.log'
    __string__ = "Billing Run Log"
    run = fields.Many2One('ric.billing.run', "Run", required=True,
        ondelete='CASCADE')
    level = fields.Selection([
            ('info', "Information"),
            ('warning', "Warning"),
            ('error', "Error"),
            ], "Level", required=True)
    client = fields.Many2One('party.party', "Client", ondelete='SET NULL')
    company = fields.Many2One('company.company', "Legal Entity",
        ondelete='SET NULL')
    message = fields.Text("Message", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('run', 'DESC'), ('id', 'ASC')]


class RunTotal(ModelSQL, ModelView):
    "Billing Run Total"
    __name__ = 'ric.billing.run.total'
    __string__ = "Billing Run Total"
    run = fields.Many2One('ric.billing.run', "Run", required=True,
        ondelete='CASCADE')
    company = fields.Many2One('company.company', "Legal Entity",
        required=True, ondelete='CASCADE')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    invoice_count = fields.Integer("Invoices")
    client_count = fields.Integer("Clients")
    untaxed_amount = Monetary("Untaxed", currency='currency',
        digits='currency')
    tax_amount = Monetary("Tax", currency='currency', digits='currency')
    total_amount = Monetary("Total", currency='currency', digits='currency')

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None


class Contract(ModelSQL, ModelView):
    "Maintenance Contract"
    __name__ = 'ric.billing.contract'
    __string__ = "Maintenance Contract"
    _rec_name = 'number'
    company = fields.Many2One('company.company', "Legal Entity",
        required=True, ondelete='RESTRICT')
    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='RESTRICT')
    number = fields.Char("Number", required=True)
    date = fields.Date("Date", required=True)
    start_date = fields.Date("Start Date")
    end_date = fields.Date("End Date")
    distributives = fields.One2Many('ric.distributive', 'ric_contract',
        "Distributives", domain=[('client', '=', Eval('client', -1))])

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return '%s от %s' % (self.number, self.date.strftime('%d.%m.%Y')) \
            if self.date else self.number


class Distributive(metaclass=PoolMeta):
    __name__ = 'ric.distributive'
    ric_contract = fields.Many2One('ric.billing.contract', "Contract",
        ondelete='SET NULL',
        domain=[('client', '=', Eval('client', -1))])


class BilledAmount(metaclass=PoolMeta):
    __name__ = 'ric.billed.amount'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['account.invoice.line']


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ric.billing.run|bill_month', "Bill the Month"))
