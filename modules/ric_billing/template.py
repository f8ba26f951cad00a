# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Versions of the templates of the printed forms.

Each printed form has the module's template (``report/<form>.fodt``, the
template of its ``ir.action.report``).  A RIC replaces it by uploading
versions, valid for a period, for every company, for one company or for
one client (a client's own layout).  :meth:`FormTemplate.get_templates`
chooses, for each invoice, the version valid on its date: the client's
before the company's before the general one, the latest start first.
"""
import datetime as dt
import hashlib
from collections import OrderedDict

from sql import Null
from sql.operators import Or

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.modules.ric_base.batch import id_slices
from trytond.tools import reduce_ids
from trytond.transaction import Transaction

from .exceptions import FormTemplateValidationError

#: the printed forms: code, name (the report is ric.billing.form.<code>)
FORMS = [
    ('payment_invoice', "Payment Invoice"),
    ('act', "Act of Services"),
    ('vat_invoice', "VAT Invoice"),
    ('upd', "Universal Transfer Document"),
    ('delivery_note', "Delivery Note"),
    ('contract', "Contract"),
    ('specification', "Specification"),
    ('free_act', "Act of Free Distributives"),
    ]


class FormTemplate(DeactivableMixin, ModelSQL, ModelView):
    "Form Template"
    __name__ = 'ric.billing.form.template'
    __string__ = "Form Template"

    name = fields.Char("Name", required=True)
    form = fields.Selection(FORMS, "Form", required=True, sort=False)
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Leave empty for a template of every company.")
    client = fields.Many2One(
        'party.party', "Client", ondelete='CASCADE',
        context={'company': Eval('company', -1)}, depends={'company'},
        help="Fill to print the documents of this client only with the "
        "template.")
    start_date = fields.Date("Start Date",
        help="The first document date the template applies to; "
        "leave empty for since always.")
    end_date = fields.Date("End Date",
        domain=[If(Bool(Eval('start_date')),
                ['OR', ('end_date', '=', None),
                    ('end_date', '>=', Eval('start_date'))],
                [])],
        help="The last document date the template applies to; "
        "leave empty for without end.")
    template = fields.Binary(
        "Template", required=True, filename='template_name',
        help="An OpenDocument text (.odt or flat .fodt) with the "
        "placeholders of the printed form (see the documentation).")
    template_name = fields.Char("Template Name")
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.form, Index.Equality()), (t.client, Index.Range())))
        cls._order.insert(0, ('form', 'ASC'))
        cls._order.insert(1, ('start_date', 'DESC NULLS FIRST'))

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names and 'template' not in field_names:
            return
        for template in templates:
            cls.check_template(template)

    @classmethod
    def check_template(cls, template):
        "Check that the template is an OpenDocument text relatorio loads"
        from .report import load_template
        try:
            load_template(template.template)
        except Exception as exception:
            raise FormTemplateValidationError(gettext(
                    'ric_billing.msg_form_template_invalid',
                    template=template.rec_name,
                    error=str(exception))) from exception

    @property
    def digest(self):
        return hashlib.sha256(self.template or b'').hexdigest()

    @classmethod
    def get_templates(cls, form, invoices):
        """Return {invoice id: template or None} of form for invoices

        The template applies on the invoice date (today when the invoice
        has none), to the invoice's company and RIC client (its party when
        it has no RIC client).  None means the module's template.  One
        query per slice of clients.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        today = Date.today()
        invoices = list(invoices)
        clients = {client_of(i) for i in invoices} - {None}
        rows = []
        for sub_ids in id_slices(clients) if clients else [[]]:
            client_clause = table.client == Null
            if sub_ids:
                client_clause = Or([client_clause,
                        reduce_ids(table.client, list(sub_ids))])
            cursor.execute(*table.select(
                    table.id, table.company, table.client, table.start_date,
                    table.end_date,
                    where=(table.form == form)
                    & (table.active == True)  # noqa: E712
                    & client_clause))
            rows.extend(cursor)
        # dedupe the general templates repeated by the slices
        rows = list(OrderedDict((r[0], r) for r in rows).values())
        if not rows:
            return {i.id: None for i in invoices}
        result = {}
        for invoice in invoices:
            date = invoice.invoice_date or today
            client = client_of(invoice)
            best = None
            for id_, company, client_id, start, end in rows:
                if company is not None and company != invoice.company.id:
                    continue
                if client_id is not None and client_id != client:
                    continue
                start, end = to_date(start), to_date(end)
                if (start and start > date) or (end and end < date):
                    continue
                key = (client_id is not None, company is not None,
                    start or dt.date.min, id_)
                if best is None or key > best[0]:
                    best = (key, id_)
            result[invoice.id] = best[1] if best else None
        templates = {t.id: t for t in cls.browse(
                {i for i in result.values() if i})}
        return {i: templates.get(t) for i, t in result.items()}


def client_of(invoice):
    "Return the id of the RIC client of invoice (its party without one)"
    client = getattr(invoice, 'ric_client', None) or invoice.party
    return client.id if client else None


def to_date(value):
    if isinstance(value, str):  # SQLite
        return dt.date.fromisoformat(value)
    return value
