# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The documents of the invoices e-mailed to the clients' accountants.

:meth:`EmailLog.send_invoices` renders the forms of the invoices as PDF
with the facsimile of the signatures and stamp (one LibreOffice process
for all), sends one message per company and client through Tryton's
transactional e-mail queue (the messages leave when the transaction
commits) and records them as ``ir.email`` with their attachments.  Each
invoice gets a line of ``ric.billing.email.log``: sent, or why not (no
e-mail of the client, a failed conversion).
"""
from collections import OrderedDict
from email.message import EmailMessage

import trytond.config as config
from trytond.i18n import gettext
from trytond.modules.ric_base.exceptions import ConversionError
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.tools.email_ import format_address, set_from_header
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .report import TITLES, date_short, render_forms
from .template import FORMS

STATES = [
    ('sent', "Sent"),
    ('no_email', "No E-mail"),
    ('failed', "Failed"),
    ]
#: the positions of the contact persons the documents go to, in order
ACCOUNTING_POSITIONS = ('chief_accountant', 'accountant')


class EmailLog(ModelSQL, ModelView):
    "Document E-mail Log"
    __name__ = 'ric.billing.email.log'
    __string__ = "Document E-mail Log"

    invoice = fields.Many2One(
        'account.invoice', "Invoice", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True,
        ondelete='CASCADE')
    client = fields.Many2One(
        'party.party', "Client", required=True, readonly=True,
        ondelete='CASCADE',
        context={'company': Eval('company', -1)},
        depends={'company'})
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    recipients = fields.Char("Recipients", readonly=True)
    forms = fields.Char("Documents", readonly=True,
        help="The documents attached to the e-mail.")
    email = fields.Many2One(
        'ir.email', "E-mail", readonly=True, ondelete='SET NULL')
    message = fields.Text("Message", readonly=True)
    date = fields.Function(fields.DateTime("Date"), 'get_date')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.invoice, Index.Range())),
                Index(t, (t.client, Index.Range())),
                })
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))
        cls.__access__.add('invoice')

    def get_date(self, name):
        return self.create_date.replace(microsecond=0)

    @classmethod
    def get_addresses(cls, clients):
        """Return {client id: [(name, e-mail)]} where their documents go

        The active contact persons of the client whose position is chief
        accountant or accountant, not in the stop list, with an e-mail;
        then the client's e-mail contact mechanisms marked for invoices.
        """
        pool = Pool()
        Contact = pool.get('ric.party.contact')
        Mechanism = pool.get('party.contact_mechanism')
        ids = sorted({int(c) for c in clients})
        result = {i: [] for i in ids}
        contacts = Contact.search([
                ('party', 'in', ids),
                ('position_type', 'in', ACCOUNTING_POSITIONS),
                ('email', 'not in', [None, '']),
                ('stop_list', '!=', True),
                ], order=[('party', 'ASC'), ('id', 'ASC')])
        contacts.sort(key=lambda c: (
                ACCOUNTING_POSITIONS.index(c.position_type), c.id))
        for contact in contacts:
            result[contact.party.id].append((contact.name, contact.email))
        mechanisms = Mechanism.search([
                ('party', 'in', ids),
                ('type', '=', 'email'),
                ('invoice', '=', True),
                ], order=[('party', 'ASC'), ('sequence', 'ASC'),
                ('id', 'ASC')])
        for mechanism in mechanisms:
            result[mechanism.party.id].append(
                (mechanism.name or '', mechanism.value))
        for key, addresses in result.items():
            seen, unique = set(), []
            for name, address in addresses:
                if address.lower() not in seen:
                    seen.add(address.lower())
                    unique.append((name, address))
            result[key] = unique
        return result

    @classmethod
    def send_invoices(cls, invoices, forms=None):
        """E-mail the documents of invoices to their clients; return logs

        One message per company and client with the PDF of every form of
        their invoices (see ``report.invoice_forms``), with the facsimile.
        Every invoice gets a log line, a client without e-mail included.
        """
        groups = OrderedDict()
        for invoice in invoices:
            client = getattr(invoice, 'ric_client', None) or invoice.party
            groups.setdefault(
                (invoice.company.id, client.id), []).append(invoice)
        addresses = cls.get_addresses({c for _, c in groups})
        to_log = []
        to_render = [i for (_, c), group in groups.items()
            if addresses[c] for i in group]
        for (company, client), group in groups.items():
            if not addresses[client]:
                for invoice in group:
                    to_log.append(cls._log(invoice, client, 'no_email',
                            message=gettext(
                                'ric_billing.msg_email_no_address')))
        rendered = cls._render(to_render, forms, to_log)
        emails = []
        for (company, client), group in groups.items():
            group = [i for i in group if i.id in rendered]
            if group:
                emails.append(cls._send(
                        group, client, addresses[client], rendered, to_log))
        cls._store(emails)
        for log in to_log:
            if log.get('email') is not None:
                log['email'] = log['email'].id
        return cls.create(to_log)

    @classmethod
    def _render(cls, invoices, forms, to_log):
        """Return {invoice id: [document]} of the PDF forms of invoices;
        log the invoices of a failed conversion"""
        rendered = {}
        if not invoices:
            return rendered
        try:
            documents = render_forms(
                invoices, forms=forms, extension='pdf', facsimile=True)
        except ConversionError as exception:
            for invoice in invoices:
                client = (getattr(invoice, 'ric_client', None)
                    or invoice.party)
                to_log.append(cls._log(invoice, client.id, 'failed',
                        message=str(exception)))
            return rendered
        for invoice in invoices:
            rendered[invoice.id] = []
        for document in documents:
            rendered[document.invoices[0].id].append(document)
        return rendered

    @classmethod
    def _send(cls, invoices, client, addresses, rendered, to_log):
        """Send the message of the invoices of a client; log it and return
        (e-mail, files) to store"""
        Email = Pool().get('ir.email')
        files = [(d.name + '.' + d.extension, d.data)
            for i in invoices for d in rendered[i.id]]
        msg = cls._message(invoices, addresses, files)
        send_message_transactional(msg, strict=False)
        email = Email.from_message(
            msg, body=cls._body(invoices), resource=invoices[0])
        for invoice in invoices:
            to_log.append(cls._log(invoice, client, 'sent',
                    recipients=msg['To'], email=email,
                    forms=', '.join(d.form for d in rendered[invoice.id])))
        return email, files

    @classmethod
    def _store(cls, emails):
        "Save the e-mails sent and their files as attachments"
        pool = Pool()
        Email = pool.get('ir.email')
        Attachment = pool.get('ir.attachment')
        Email.save([e for e, _ in emails])
        Attachment.save([Attachment(resource=email, name=name, data=data)
                for email, files in emails for name, data in files])

    @classmethod
    def _log(cls, invoice, client, state, **values):
        return dict(invoice=invoice.id, company=invoice.company.id,
            client=client, state=state, **values)

    @classmethod
    def _subject(cls, invoices):
        invoice = invoices[0]
        start = getattr(invoice, 'ric_period_start', None)
        end = getattr(invoice, 'ric_period_end', None)
        if start and end:
            period = '%s–%s' % (date_short(start), date_short(end))
        else:
            period = date_short(invoice.invoice_date)
        return gettext('ric_billing.msg_email_subject',
            company=invoice.company.rec_name, period=period)

    @classmethod
    def _body(cls, invoices):
        lines = []
        for invoice in invoices:
            lines.append('%s № %s от %s: %s' % (
                    TITLES['payment_invoice'], invoice.number or '',
                    date_short(invoice.invoice_date),
                    invoice.total_amount))
        return '<p>%s</p>' % '<br/>'.join(lines)

    @classmethod
    def _message(cls, invoices, addresses, files):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        msg = EmailMessage()
        msg.set_content(cls._body(invoices), subtype='html')
        for name, data in files:
            msg.add_attachment(data, maintype='application', subtype='pdf',
                filename=('utf-8', '', name))
        from_ = config.get('email', 'from')
        set_from_header(msg, from_, user.email or from_)
        msg['To'] = [format_address(a, n) for n, a in addresses]
        msg['Subject'] = cls._subject(invoices)
        return msg


class EmailSendStart(ModelView):
    "Send Documents by E-mail"
    __name__ = 'ric.billing.email.send.start'
    __string__ = "Send Documents by E-mail"

    invoices = fields.Many2Many(
        'account.invoice', None, None, "Invoices", readonly=True)
    forms = fields.MultiSelection(FORMS, "Documents", sort=False,
        help="Leave empty for the documents of the document set of each "
        "invoice.")


class EmailSend(Wizard):
    "Send Documents by E-mail"
    __name__ = 'ric.billing.email.send'
    __string__ = "Send Documents by E-mail"

    start = StateView('ric.billing.email.send.start',
        'ric_billing.email_send_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()

    def default_start(self, fields):
        return {'invoices': [r.id for r in self.records
                if r.state in {'posted', 'paid'}]}

    def transition_send(self):
        EmailLog = Pool().get('ric.billing.email.log')
        EmailLog.send_invoices(self.start.invoices,
            forms=list(self.start.forms or []) or None)
        return 'end'
