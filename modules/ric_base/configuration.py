# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "RIC Configuration"
    __name__ = 'ric.configuration'
    __string__ = "RIC Configuration"

    ric_code = fields.Char(
        "RIC Code", size=10,
        help="The number of the RIC in the ConsultantPlus network "
        "(e.g. 502).")
    ric_name = fields.Char("RIC Name")
    company = fields.Many2One(
        'company.company', "Company",
        help="The legal entity that runs the RIC.")
    country = fields.Many2One('country.country', "Country")
    region = fields.Many2One(
        'country.subdivision', "Region",
        domain=[('country', '=', Eval('country', -1))])
    city = fields.Char("City")
    timezone = fields.Char("Timezone", help="For example Europe/Moscow.")
    coordination_centre = fields.Char(
        "Coordination Centre",
        help="The network head office the RIC reports to.")

    @classmethod
    def default_timezone(cls):
        return 'Europe/Moscow'

    @classmethod
    def get_ric_code(cls):
        "Return the configured RIC code or an empty string"
        return cls(1).ric_code or ''

    @classmethod
    def get_company(cls):
        "Return the company running the RIC, falling back to the context"
        pool = Pool()
        Company = pool.get('company.company')
        config = cls(1)
        if config.company:
            return config.company
        company_id = Company.default_company() if hasattr(
            Company, 'default_company') else None
        return Company(company_id) if company_id else None
