# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Client Configuration"
    __name__ = 'ric.party.configuration'
    __string__ = "Client Configuration"

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
