# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool
from trytond.report import Report


class ClientCard(Report):
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
        context['responsibles'] = {
            p.id: [r for r in p.ric_responsibles if r.current]
            for p in records}
        return context
