# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data of ric_price_list: the RIC's main price list, the list for
budget organisations derived from it (× 1.15, rounded to roubles) and a new
version of the main list from the first day of next quarter."""
import datetime as dt
from decimal import Decimal

from proteus import Model

# Typical monthly maintenance prices of local versions, in roubles
LOCAL_PRICES = {
    'main': (Decimal('9000'), Decimal('15000')),
    'additional': (Decimal('2500'), Decimal('6000')),
    'regional': (Decimal('1200'), Decimal('3000')),
    }


def _round(value, step=Decimal('10')):
    return (value / step).quantize(Decimal('1')) * step


def create(ctx):
    config = ctx.config
    PriceList = Model.get('product.price_list', config=config)
    Version = Model.get('ric.price_list.version', config=config)
    System = Model.get('ric.system', config=config)
    NetworkType = Model.get('ric.network.type', config=config)
    Configuration = Model.get('ric.configuration', config=config)
    Party = Model.get('party.party', config=config)
    Assignment = Model.get('ric.price_list.assignment', config=config)
    rng = ctx.rng
    data = ctx.data

    system_ids = data.get('systems')
    network_ids = data.get('network_types')
    # ric_distributive's demo leaves {code: id} of its catalogue
    systems = ([System(i) for i in system_ids.values()] if system_ids
        else System.find([]))
    networks = ([NetworkType(i) for i in network_ids.values()]
        if network_ids else NetworkType.find([]))
    if not systems or not networks:
        return
    local = [n for n in networks if n.kind == 'local'] or networks[:1]
    local = local[0]

    today = ctx.today
    start = dt.date(today.year, 1, 1)
    main = PriceList(name="Прейскурант РИЦ", code='MAIN', ric_type='main',
        company=ctx.company, currency=ctx.company.currency,
        tax_included=True, rounding=Decimal('1'))
    main.save()
    version = Version(price_list=main, name="Прейскурант %s" % start.year,
        start_date=start)
    for system in systems:
        low, high = LOCAL_PRICES.get(system.kind, LOCAL_PRICES['main'])
        price = _round(low + (high - low) * Decimal(str(rng.random())))
        version.lines.new(item_type='system', system=system,
            network_type=local, maintenance_price=price,
            sale_price=price * 5)
        for network in networks:
            if network == local:
                continue
            version.lines.new(item_type='system', system=system,
                network_type=network, price_type='formula',
                formula='local_price * coefficient')
    version.save()
    version.click('approve')

    budget = PriceList(name="Прейскурант для бюджетных организаций",
        code='BUDGET', ric_type='budget', company=ctx.company,
        currency=ctx.company.currency, tax_included=True,
        base_price_list=main, derive_formula='base_price * 1.15',
        rounding=Decimal('1'))
    budget.save()
    budget_version = Version(price_list=budget,
        name="Бюджетный %s" % start.year, start_date=start)
    budget_version.save()
    budget_version.click('derive')
    budget_version.click('approve')

    # A new version of the main list from the next quarter: +5 %
    quarter = (today.month - 1) // 3 * 3 + 4
    next_start = (dt.date(today.year + (quarter > 12), (quarter - 1) % 12 + 1,
            1))
    new_version, = version.duplicate(default={
            'name': "Прейскурант с %s" % next_start.strftime('%d.%m.%Y'),
            'start_date': next_start,
            })
    for line in new_version.lines:
        if line.price_type == 'fixed':
            line.maintenance_price = _round(
                line.maintenance_price * Decimal('1.05'))
            if line.sale_price:
                line.sale_price = line.maintenance_price * 5
    new_version.save()
    new_version.click('approve')

    configuration = Configuration(1)
    configuration.default_price_list = main
    configuration.save()

    clients = data.get('budget_clients') or []
    if not clients:
        candidates = Party.find([
                ('name', 'ilike', '%школ%')], limit=max(1, ctx.scale))
        clients = [c.id for c in candidates]
    for client in clients:
        Assignment(party=Party(client), price_list=budget,
            start_date=start).save()
    data['price_lists'] = {'main': main.id, 'budget': budget.id}
