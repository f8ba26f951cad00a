# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt


from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction


class Installation(Workflow, ModelSQL, ModelView):
    "Distributive Installation"
    __name__ = 'ric.installation'
    __string__ = "Distributive Installation"

    _states = {'readonly': Eval('state').in_(['done', 'cancelled'])}

    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    client = fields.Many2One('party.party', "Client", required=True,
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    installer = fields.Many2One('company.employee', "Installer",
        ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))], states={
            'readonly': _states['readonly'],
            'required': Eval('state') == 'planned',
            })
    order_date = fields.Date("Order Date", required=True, states=_states)
    planned_date = fields.Date("Planned Date", required=True,
        states=_states,
        domain=[('planned_date', '>=', Eval('order_date'))])
    done_date = fields.Date("Done Date", readonly=True)
    distributives = fields.Many2Many(
        'ric.installation-ric.distributive', 'installation', 'distributive',
        "Distributives", states=_states)
    documents = fields.One2Many('ric.installation.document', 'installation',
        "Documents", states=_states)
    works = fields.One2Many('ric.installation.work', 'installation',
        "Extra Works", states=_states)
    overdue = fields.Function(fields.Boolean("Overdue"),
        'get_overdue', searcher='search_overdue')
    delay = fields.Function(fields.Integer("Delay (days)",
            help="Days past the planned date."), 'get_delay')
    comment = fields.Text("Comment")
    state = fields.Selection([
            ('draft', "Draft"),
            ('planned', "Planned"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(['draft', 'planned'])),
                # the overdue search and the deadline report
                Index(t, (t.planned_date, Index.Range())),
                })
        cls._order = [('planned_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'planned'),
            ('planned', 'draft'),
            ('planned', 'done'),
            ('draft', 'cancelled'),
            ('planned', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['planned', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'plan': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'planned']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_order_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_planned_date(cls):
        pool = Pool()
        config = pool.get('ric.distributive.configuration')(1)
        return pool.get('ir.date').today() + dt.timedelta(
            days=config.installation_days or 0)

    def get_rec_name(self, name):
        return '%s %s' % (self.client.rec_name, self.planned_date)

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return (self.state in {'draft', 'planned'}
            and self.planned_date < today)

    @classmethod
    def search_overdue(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause
        domain = [
            ('state', 'in', ['draft', 'planned']),
            ('planned_date', '<', today),
            ]
        if (operator == '=') == bool(value):
            return domain
        return ['OR',
            ('state', 'not in', ['draft', 'planned']),
            ('planned_date', '>=', today),
            ]

    def get_delay(self, name):
        today = Pool().get('ir.date').today()
        end = self.done_date or today
        return max((end - self.planned_date).days, 0)

    @classmethod
    def check_modification(cls, mode, installations, values=None,
            external=False):
        super().check_modification(
            mode, installations, values=values, external=external)
        if mode == 'delete':
            for installation in installations:
                if installation.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'ric_distributive.msg_installation_delete',
                            installation=installation.rec_name))

    @classmethod
    def _check_distributives(cls, installations):
        for installation in installations:
            if not installation.distributives:
                raise UserError(gettext(
                        'ric_distributive.msg_installation_no_distributive',
                        installation=installation.rec_name))
            for distributive in installation.distributives:
                reserved_for_other = any(
                    r.state == 'reserved' and r.client
                    and r.client != installation.client
                    for r in distributive.reservations)
                if (distributive.state not in {'in_stock', 'reserved'}
                        or reserved_for_other):
                    raise UserError(gettext(
                            'ric_distributive'
                            '.msg_installation_distributive_state',
                            distributive=distributive.rec_name,
                            installation=installation.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, installations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, installations):
        cls._check_distributives(installations)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, installations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, installations):
        """Issue the reserved distributives and connect them to the client
        on the done date."""
        pool = Pool()
        Movement = pool.get('ric.distributive.movement')
        Reservation = pool.get('ric.distributive.reservation')
        Date = pool.get('ir.date')
        cls._check_distributives(installations)
        today = Date.today()
        reservations, vlist = [], []
        for installation in installations:
            date = installation.done_date or today
            for distributive in installation.distributives:
                reservations.extend(r for r in distributive.reservations
                    if r.state == 'reserved')
                vlist.append({
                        'company': installation.company.id,
                        'date': date,
                        'kind': 'connection',
                        'distributive': distributive.id,
                        'client': installation.client.id,
                        'origin': str(installation),
                        })
        if reservations:
            Reservation.issue(reservations)
        cls.write([i for i in installations if not i.done_date],
            {'done_date': today})
        Movement.create_and_do(vlist)


class InstallationDistributive(ModelSQL):
    "Installation - Distributive"
    __name__ = 'ric.installation-ric.distributive'
    __string__ = "Installation - Distributive"
    installation = fields.Many2One('ric.installation', "Installation",
        required=True, ondelete='CASCADE')
    distributive = fields.Many2One('ric.distributive', "Distributive",
        required=True, ondelete='RESTRICT')


class InstallationDocument(sequence_ordered(), ModelSQL, ModelView):
    "Installation Document"
    __name__ = 'ric.installation.document'
    __string__ = "Installation Document"
    installation = fields.Many2One('ric.installation', "Installation",
        required=True, ondelete='CASCADE')
    name = fields.Char("Document", required=True)
    direction = fields.Selection([
            ('hand_over', "To Hand Over"),
            ('get_back', "To Get Back"),
            ], "Direction", required=True)
    done = fields.Boolean("Done")

    @classmethod
    def default_direction(cls):
        return 'hand_over'

    @classmethod
    def default_done(cls):
        return False


class InstallationWork(sequence_ordered(), ModelSQL, ModelView):
    "Installation Extra Work"
    __name__ = 'ric.installation.work'
    __string__ = "Installation Extra Work"
    installation = fields.Many2One('ric.installation', "Installation",
        required=True, ondelete='CASCADE')
    name = fields.Char("Work", required=True)
    done = fields.Boolean("Done")

    @classmethod
    def default_done(cls):
        return False
