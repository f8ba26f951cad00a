# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction


class Selection(ModelSQL, ModelView):
    "Client Selection"
    __name__ = 'ric.party.selection'
    __string__ = "Client Selection"
    name = fields.Char("Name", required=True)
    model = fields.Selection([
            ('party.party', "Clients"),
            ('ric.party.contact', "Contact Persons"),
            ], "Applies To", required=True)
    domain = fields.Char(
        "Domain", required=True,
        help="A Tryton domain, for example "
        "[[\"sales_potential\", \"=\", \"high\"]].")
    description = fields.Text("Description")
    exclude_stop_list = fields.Boolean(
        "Exclude Stop List",
        help="Leave out the contact persons in the stop list.")
    count = fields.Function(fields.Integer("Count"), 'get_count')
    view_search = fields.Many2One(
        'ir.ui.view_search', "Saved Search", ondelete='SET NULL',
        domain=[('model', 'in', ['party.party', 'ric.party.contact'])],
        help="A search saved in the search bar of the clients or contact "
        "persons list: the selection takes its filter.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'open_records': {},
                'save_search': {},
                })

    @classmethod
    def default_model(cls):
        return 'party.party'

    @classmethod
    def default_domain(cls):
        return '[]'

    @classmethod
    def default_exclude_stop_list(cls):
        return True

    @fields.depends('view_search', 'name')
    def on_change_view_search(self):
        if self.view_search:
            self.model = self.view_search.model
            self.domain = self.view_search.domain or '[]'
            if not self.name:
                self.name = self.view_search.name

    def get_domain(self):
        domain = PYSONDecoder({}).decode(self.domain)
        if self.model == 'party.party':
            domain = [('is_client', '=', True), domain]
        elif self.exclude_stop_list:
            domain = [('stop_list', '=', False), domain]
        return domain

    @classmethod
    def validate_fields(cls, selections, field_names):
        super().validate_fields(selections, field_names)
        pool = Pool()
        for selection in selections:
            Model = pool.get(selection.model)
            try:
                Model.search(selection.get_domain(), limit=1)
            except Exception as exception:
                raise ValidationError(gettext(
                        'ric_party.msg_selection_invalid_domain',
                        selection=selection.name,
                        error=str(exception))) from exception

    def get_records(self):
        "Return the records matching the selection (for campaigns)"
        Model = Pool().get(self.model)
        return Model.search(self.get_domain())

    def get_count(self, name):
        Model = Pool().get(self.model)
        return Model.search(self.get_domain(), count=True)

    @classmethod
    @ModelView.button
    def open_records(cls, selections):
        if len(selections) != 1:
            return
        selection, = selections
        pool = Pool()
        Action = pool.get('ir.action')
        action_id = Action.get_action_id(pool.get('ir.model.data').get_id(
                'ric_party', 'act_client_form'
                if selection.model == 'party.party'
                else 'act_contact_form'))
        action = Action(action_id).get_action_value()
        action['pyson_domain'] = PYSONEncoder().encode(
            selection.get_domain())
        action['name'] = selection.name
        action['domains'] = []
        return action

    @classmethod
    @ModelView.button
    def save_search(cls, selections):
        """Save the selections in the user's searches of the list they
        apply to (the bookmarks of the client's search bar)"""
        pool = Pool()
        ViewSearch = pool.get('ir.ui.view_search')
        user = Transaction().user
        existing = {(s.model, s.name) for s in ViewSearch.search([
                    ('user', '=', user),
                    ('model', 'in', list({s.model for s in selections})),
                    ])}
        to_create = []
        for selection in selections:
            if (selection.model, selection.name) in existing:
                continue
            to_create.append({
                    'name': selection.name,
                    'model': selection.model,
                    'domain': PYSONEncoder().encode(selection.get_domain()),
                    'user': user,
                    })
        if to_create:
            ViewSearch.create(to_create)
