# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond.modules.ric_base import tools
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction


def _format(value):
    "Return a price as printed in Russian: 12 345,00"
    if value is None:
        return '—'
    text = '{:,.2f}'.format(value)
    return text.replace(',', '\u00a0').replace('.', ',')


class _LinesMixin:
    __slots__ = ()

    @classmethod
    def get_row(cls, line):
        return {
            'name': line.rec_name,
            'system': line.system.rec_name if line.system else '',
            'network_type': (
                line.network_type.rec_name if line.network_type else ''),
            'maintenance': _format(line.maintenance_price),
            'sale': _format(line.sale_price),
            }

    @classmethod
    def get_sections(cls, version):
        "Return [(title, rows)]: one section for the whole list"
        lines = sorted(version.lines, key=lambda l: (l.sequence or 0, l.id))
        return [('', [cls.get_row(l) for l in lines])]

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['sections'] = cls.get_sections
        context['format_price'] = _format
        context['amount_in_words'] = tools.amount_in_words
        return context


class PriceListReport(_LinesMixin, Report):
    "Price List (full)"
    __name__ = 'ric.price_list.report'
    __string__ = "Price List (full)"


class PriceListKindReport(_LinesMixin, Report):
    "Price List by Kind of System"
    __name__ = 'ric.price_list.report.kind'
    __string__ = "Price List by Kind of System"

    @classmethod
    def get_sections(cls, version):
        "One section per kind of system, then kits and other lines"
        pool = Pool()
        System = pool.get('ric.system')
        Line = pool.get('product.price_list.line')
        kinds = dict(System.fields_get(['kind'])['kind']['selection'])
        item_types = dict(Line.fields_get(['item_type'])['item_type'][
                'selection'])
        groups = defaultdict(list)
        for line in sorted(version.lines,
                key=lambda l: (l.sequence or 0, l.id)):
            if line.item_type == 'system':
                key = ('system', line.system.kind)
            else:
                key = (line.item_type, None)
            groups[key].append(cls.get_row(line))
        order = [('system', k) for k in kinds] + [
            ('kit', None), ('product', None)]
        sections = []
        for key in order:
            if groups.get(key):
                title = kinds[key[1]] if key[0] == 'system' else (
                    item_types[key[0]])
                sections.append((title, groups[key]))
        return sections


class ClientPriceListReport(Report):
    "Client Price List"
    __name__ = 'ric.price_list.report.client'
    __string__ = "Client Price List"

    @classmethod
    def get_client_data(cls, clients, date):
        """Return {client id: {'price_list', 'version', 'rows', 'total'}}
        for the systems connected to the clients on date (set-based)"""
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        PriceList = pool.get('product.price_list')
        Version = pool.get('ric.price_list.version')
        System = pool.get('ric.system')
        NetworkType = pool.get('ric.network.type')
        client_ids = [c.id for c in clients]
        connected = Distributive.get_on_date(date, client_ids)
        lists = PriceList.get_client_price_lists(
            [(c, date) for c in client_ids])
        versions = PriceList.get_valid_versions(
            [(lists[(c, date)], date) for c in client_ids])
        requests = []
        for client in client_ids:
            for _, system, network_type in connected.get(client, []):
                for kind in ('maintenance', 'sale'):
                    requests.append(
                        (client, system, network_type, date, kind))
        prices = PriceList.get_prices(requests, date=date)
        result = {}
        for client in client_ids:
            price_list = lists[(client, date)]
            version = versions[(price_list, date)]
            rows, total = [], 0
            for distributive, system, network_type in connected.get(
                    client, []):
                maintenance = prices[
                    (client, system, network_type, date, 'maintenance')]
                sale = prices[(client, system, network_type, date, 'sale')]
                total += maintenance or 0
                rows.append({
                        'distributive': distributive,
                        'system': System(system).rec_name,
                        'network_type': NetworkType(network_type).rec_name,
                        'maintenance': _format(maintenance),
                        'sale': _format(sale),
                        })
            result[client] = {
                'price_list': (PriceList(price_list).rec_name
                    if price_list else ''),
                'version': Version(version).rec_name if version else '',
                'rows': rows,
                'total': _format(total),
                'total_in_words': tools.amount_in_words(total),
                }
        return result

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        date = Transaction().context.get('date') or Date.today()
        context['date'] = date
        context['clients'] = cls.get_client_data(records, date)
        return context
