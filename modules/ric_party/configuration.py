# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Client Configuration"
    __name__ = 'ric.party.configuration'
    __string__ = "Client Configuration"

    client_sequence = fields.Many2One(
        'ir.sequence', "Client Sequence",
        domain=[
            ('sequence_type', '=', Id('ric_party', 'sequence_type_client')),
            ],
        help="Numbers the new clients (the client number shown on the "
        "card); the sequence of the module when empty.")
    sales_high_users = fields.Integer(
        "High Potential Users", required=True,
        help="The minimal number of potential users of a client with a high "
        "sales potential.")
    sales_medium_users = fields.Integer(
        "Medium Potential Users", required=True,
        help="The minimal number of potential users of a client with a "
        "medium sales potential.")
    duplicate_name_threshold = fields.Integer(
        "Duplicate Name Similarity", required=True,
        help="The minimal similarity (0-100) of the names of two clients "
        "of the same city to propose them as duplicates.")
    duplicate_address_threshold = fields.Integer(
        "Duplicate Address Similarity", required=True,
        help="The minimal similarity (0-100) of the addresses of two "
        "clients with similar names to propose them as duplicates.")
    duplicate_max_group = fields.Integer(
        "Duplicate Maximal Group", required=True,
        help="A phone or e-mail shared by more clients is ignored "
        "(a switchboard, a common accountant).")

    @classmethod
    def default_client_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('ric_party', 'sequence_client')
        except KeyError:
            return None

    def get_client_numbers(self, count):
        """Return count new client numbers from the client sequence

        A number already given to a client (typed or imported) is skipped.
        """
        pool = Pool()
        Party = pool.get('party.party')
        Sequence = pool.get('ir.sequence')
        sequence = self.client_sequence or Sequence(
            self.default_client_sequence())
        numbers = []
        while len(numbers) < count:
            wanted = count - len(numbers)
            batch = [sequence.get() for _ in range(wanted)]
            used = {p.client_number for p in Party.search([
                        ('client_number', 'in', batch),
                        ], order=[])}
            numbers.extend(n for n in batch if n not in used)
        return numbers

    @classmethod
    def default_sales_high_users(cls):
        return 5

    @classmethod
    def default_sales_medium_users(cls):
        return 2

    @classmethod
    def default_duplicate_name_threshold(cls):
        return 90

    @classmethod
    def default_duplicate_address_threshold(cls):
        return 80

    @classmethod
    def default_duplicate_max_group(cls):
        return 10


class PartyConfiguration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = list(cls.identifier_types.selection)
        if 'ru_kpp' not in dict(selection):
            cls.identifier_types.selection = selection + [
                ('ru_kpp', "Russian Tax Registration Reason Code (KPP)")]
