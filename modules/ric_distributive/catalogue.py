# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from decimal import Decimal

from sql import Null

from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.modules.ric_base.model import CodeNameMixin
from trytond.pool import Pool
from trytond.transaction import Transaction

SYSTEM_KINDS = [
    ('main', "Main"),
    ('additional', "Additional"),
    ('regional', "Regional Edition"),
    ]

NETWORK_KINDS = [
    ('local', "Local"),
    ('network', "Network"),
    ('flash', "Flash"),
    ('online', "Online"),
    ]


class ProductMixin:
    "Create a service product for the record when none is given"
    __slots__ = ()

    @classmethod
    def _product_values(cls, values):
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        unit = Uom(ModelData.get_id('product', 'uom_unit'))
        return {
            'name': values.get('name') or values.get('code'),
            'type': 'service',
            'default_uom': unit.id,
            'products': [('create', [{'suffix_code': None}])],
            }

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Template = pool.get('product.template')
        vlist = [v.copy() for v in vlist]
        to_create = [v for v in vlist if not v.get('product')]
        if to_create and not Transaction().context.get('_ric_no_product'):
            templates = Template.create(
                [cls._product_values(v) for v in to_create])
            for values, template in zip(to_create, templates):
                values['product'] = template.products[0].id
        return super().create(vlist)


class System(
        ProductMixin, CodeNameMixin, DeactivableMixin, sequence_ordered(),
        ModelSQL, ModelView):
    "ConsultantPlus System"
    __name__ = 'ric.system'
    __string__ = "ConsultantPlus System"

    code = fields.Char("Code", required=True,
        help="The code of the system in the registration centre.")
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(SYSTEM_KINDS, "Kind", required=True)
    information_banks = fields.Text("Information Banks",
        help="The information banks the system contains, one per line.")
    weight = fields.Numeric("Weight", digits=(16, 4), required=True,
        help="The weight of the system used by the network statistics.")
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT',
        domain=[('type', '=', 'service')],
        help="The service product used by stock, price lists and invoices.\n"
        "Leave empty to create one.")
    distributives = fields.One2Many(
        'ric.distributive', 'system', "Distributives", readonly=True)
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ric_distributive.msg_system_code_unique'),
            ]
        cls._order.insert(1, ('code', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'main'

    @classmethod
    def default_weight(cls):
        return Decimal(1)

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default else {}
        default.setdefault('distributives')
        default.setdefault('product')
        default.setdefault('code', lambda d: (d['code'] or '') + '-copy')
        return super().copy(records, default=default)


class NetworkType(CodeNameMixin, DeactivableMixin, sequence_ordered(),
        ModelSQL, ModelView):
    "Network Type"
    __name__ = 'ric.network.type'
    __string__ = "Network Type"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(NETWORK_KINDS, "Kind", required=True)
    user_count = fields.Integer("User Count", required=True,
        help="How many users may work with the distributive at once.")
    coefficient = fields.Numeric("Coefficient", digits=(16, 4),
        required=True,
        help="The price coefficient relative to the local single-user "
        "version.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ric_distributive.msg_network_type_code_unique'),
            ]

    @classmethod
    def default_kind(cls):
        return 'local'

    @classmethod
    def default_user_count(cls):
        return 1

    @classmethod
    def default_coefficient(cls):
        return Decimal(1)


class Kit(ProductMixin, CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    "Kit"
    __name__ = 'ric.kit'
    __string__ = "Kit"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT',
        domain=[('type', '=', 'service')],
        help="Leave empty to create one.")
    lines = fields.One2Many('ric.kit.line', 'kit', "Lines")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ric_distributive.msg_kit_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default else {}
        default.setdefault('product')
        default.setdefault('code', lambda d: (d['code'] or '') + '-copy')
        return super().copy(records, default=default)


class KitLine(sequence_ordered(), ModelSQL, ModelView):
    "Kit Line"
    __name__ = 'ric.kit.line'
    __string__ = "Kit Line"

    kit = fields.Many2One('ric.kit', "Kit", required=True, ondelete='CASCADE')
    system = fields.Many2One('ric.system', "System", required=True,
        ondelete='RESTRICT')
    network_type = fields.Many2One('ric.network.type', "Network Type",
        required=True, ondelete='RESTRICT')
    quantity = fields.Integer("Quantity", required=True,
        domain=[('quantity', '>', 0)])

    @classmethod
    def default_quantity(cls):
        return 1


class ServiceScheme(CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    "Service Scheme"
    __name__ = 'ric.service.scheme'
    __string__ = "Service Scheme"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'ric_distributive.msg_service_scheme_code_unique'),
            ]


class SubHost(DeactivableMixin, ModelSQL, ModelView):
    "Sub-host"
    __name__ = 'ric.sub_host'
    __string__ = "Sub-host"

    name = fields.Char("Name", required=True)
    code = fields.Char("Code")
    kind = fields.Selection([
            ('sub_host', "Sub-host"),
            ('representation', "Representation"),
            ('partner', "Partner RIC"),
            ], "Kind", required=True)
    party = fields.Many2One('party.party', "Party", ondelete='RESTRICT')
    distributives = fields.One2Many(
        'ric.distributive', 'sub_host', "Distributives", readonly=True)
    clients = fields.Function(fields.Many2Many(
            'party.party', None, None, "Clients"), 'get_clients')

    @classmethod
    def default_kind(cls):
        return 'sub_host'

    @classmethod
    def get_clients(cls, sub_hosts, name):
        pool = Pool()
        Distributive = pool.get('ric.distributive')
        table = Distributive.__table__()
        cursor = Transaction().connection.cursor()
        result = {s.id: [] for s in sub_hosts}
        cursor.execute(*table.select(
                table.sub_host, table.client,
                where=table.sub_host.in_(list(result))
                & (table.client != Null)
                & (table.state == 'connected'),
                group_by=[table.sub_host, table.client]))
        for sub_host, client in cursor:
            result[sub_host].append(client)
        return result
