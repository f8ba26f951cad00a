# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond.modules.ric_base.office import ConvertMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction


class ClientCard(ConvertMixin, Report):
    "Client Card"
    __name__ = 'ric.party.card'
    __string__ = "Client Card"

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Party = pool.get('party.party')
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        today = Date.today()
        context['today'] = today

        def label(record, name):
            "The translated label of the selection field name of record"
            value = getattr(record, name)
            selection = dict(
                record.fields_get([name])[name]['selection'])
            return selection.get(value, value or '')
        context['label'] = label
        context['requisites'] = Party.get_requisites(records, today)
        # without a legal address the first address of the client
        context['legal_addresses'] = {
            p.id: p.addresses[0].full_address.replace('\n', ', ')
            if p.addresses else '' for p in records}
        context['responsibles'] = {
            p.id: [r for r in p.ric_responsibles if r.current]
            for p in records}
        context['distributives'] = cls._distributives(records)
        company = cls._company()
        context['company'] = company
        context['company_requisites'] = (
            Party.get_requisites([company.party], today)[company.party.id]
            if company else None)
        return context

    @classmethod
    def _company(cls):
        pool = Pool()
        Company = pool.get('company.company')
        company_id = Transaction().context.get('company')
        if company_id:
            return Company(company_id)
        companies = Company.search([], limit=1)
        return companies[0] if companies else None

    @classmethod
    def _distributives(cls, parties):
        """Return {party id: [row]} of the distributives of the clients
        (when ric_distributive is activated): number, system, network type
        and state labels"""
        pool = Pool()
        result = defaultdict(list)
        try:
            Distributive = pool.get('ric.distributive')
        except KeyError:
            return result
        states = dict(Distributive.fields_get(['state'])['state']['selection'])
        for distributive in Distributive.search([
                    ('client', 'in', [p.id for p in parties]),
                    ], order=[('number', 'ASC')]):
            result[distributive.client.id].append(_Row(
                    number=distributive.number or '',
                    system=distributive.system.rec_name
                    if distributive.system else '',
                    network_type=distributive.network_type.rec_name
                    if distributive.network_type else '',
                    state=states.get(distributive.state, distributive.state
                        or '')))
        return result


class _Row(dict):
    "A row of a table of the card: its keys are attributes"
    __getattr__ = dict.__getitem__
