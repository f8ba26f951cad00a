# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql.conditionals import Coalesce

from trytond.model import Index, fields
from trytond.pool import PoolMeta

#: the country of the phone numbers written without international prefix
DEFAULT_PHONE_COUNTRY = 'RU'


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the duplicate search and the import look phones up by their
        # compact E.164 form
        cls._sql_indexes.update({
                Index(t, (t.value_compact, Index.Equality())),
                # the expression the search of a party by fragment filters
                # on (NULL as ''), so that it uses a trigram index
                Index(t, (Coalesce(t.value_compact, ''),
                        Index.Similarity())),
                })

    @fields.depends('party')
    def _phone_country_codes(self):
        # numbers like 8 (4722) 33-44-55 are Russian when the client has
        # no address with a country
        yield from super()._phone_country_codes()
        yield DEFAULT_PHONE_COUNTRY
