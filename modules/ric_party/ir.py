# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('party.party|ric_update_segments',
                    "Update Client Segments and Readiness"),
                ('ric.party.duplicate|find_duplicates_cron',
                    "Find Duplicate Clients"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        context = super()._get_context(model_name)
        context['employees'] = list(User.get_employees())
        context['today'] = Date.today()
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_employees(), Date.today())
