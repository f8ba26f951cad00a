# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Lifecycles configured as data (seed 002 §1)

A lifecycle belongs to a document model; it lists the states of the
documents of the model and the transitions allowed between them, the
groups that may make each transition and the fields each state requires.
Documents inherit :class:`LifecycleMixin`: they keep a Many2One to their
state and every change of it is checked against the lifecycle.
"""
from collections import defaultdict

from sql import Literal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered)
from trytond.modules.ric_base.batch import joined_values
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import (
    LifecycleMissingError, StateRequiredFieldError, TransitionError)


class Lifecycle(DeactivableMixin, ModelSQL, ModelView):
    "Document Lifecycle"
    __name__ = 'ric.task.lifecycle'
    __string__ = "Document Lifecycle"

    name = fields.Char("Name", required=True, translate=True)
    model = fields.Selection(
        'get_models', "Document", required=True,
        help="The type of document whose states the lifecycle defines.")
    initial_state = fields.Function(fields.Many2One(
            'ric.task.lifecycle.state', "Initial State",
            help="The state of a new document."), 'get_initial_state')
    states = fields.One2Many(
        'ric.task.lifecycle.state', 'lifecycle', "States")
    transitions = fields.One2Many(
        'ric.task.lifecycle.transition', 'lifecycle', "Transitions")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.model, Index.Equality())))

    @classmethod
    def get_models(cls):
        "Return the document models with a lifecycle (extended by modules)"
        pool = Pool()
        Model = pool.get('ir.model')
        names = [n for n, k in pool.iterobject()
            if isinstance(k, type) and issubclass(k, LifecycleMixin)
            and hasattr(k, '_fields') and not k.__name__.endswith('.mixin')]
        return [(n, Model.get_name(n)) for n in sorted(set(names))]

    def get_initial_state(self, name):
        states = [s for s in self.states if s.initial] or list(self.states)
        if states:
            return states[0].id

    @classmethod
    def get_lifecycle(cls, model):
        "Return the active lifecycle of the model or None"
        lifecycles = cls.search([('model', '=', model)], limit=1,
            order=[('id', 'ASC')])
        return lifecycles[0] if lifecycles else None


class LifecycleState(sequence_ordered(), ModelSQL, ModelView):
    "Lifecycle State"
    __name__ = 'ric.task.lifecycle.state'
    __string__ = "Lifecycle State"

    lifecycle = fields.Many2One(
        'ric.task.lifecycle', "Lifecycle", required=True, ondelete='CASCADE')
    model = fields.Function(fields.Char("Document"), 'get_model',
        searcher='search_model')
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True,
        help="The stable identifier of the state used by programs.")
    initial = fields.Boolean(
        "Initial", help="The state of a new document.")
    closed = fields.Boolean(
        "Closed",
        help="A document in a closed state is finished: it is no longer "
        "overdue and an auto-generation rule may create a new one.")
    required_fields = fields.Many2Many(
        'ric.task.lifecycle.state-ir.model.field', 'state', 'field',
        "Required Fields",
        domain=[('model', '=', Eval('model', ''))],
        help="The fields a document must have filled in this state.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('lifecycle_code_unique', Unique(t, t.lifecycle, t.code),
                'ric_task.msg_state_code_unique'),
            ]
        cls.__access__.add('lifecycle')

    @classmethod
    def default_closed(cls):
        return False

    @classmethod
    def default_initial(cls):
        return False

    def get_model(self, name):
        return self.lifecycle.model

    @classmethod
    def search_model(cls, name, clause):
        return [('lifecycle.model',) + tuple(clause[1:])]


class LifecycleStateField(ModelSQL):
    "Lifecycle State - Required Field"
    __name__ = 'ric.task.lifecycle.state-ir.model.field'
    __string__ = "Lifecycle State - Required Field"
    state = fields.Many2One(
        'ric.task.lifecycle.state', "State", required=True,
        ondelete='CASCADE')
    field = fields.Many2One(
        'ir.model.field', "Field", required=True, ondelete='CASCADE')


class LifecycleTransition(sequence_ordered(), ModelSQL, ModelView):
    "Lifecycle Transition"
    __name__ = 'ric.task.lifecycle.transition'
    __string__ = "Lifecycle Transition"

    lifecycle = fields.Many2One(
        'ric.task.lifecycle', "Lifecycle", required=True, ondelete='CASCADE')
    name = fields.Char("Name", translate=True,
        help="The label of the action (the name of the target state when "
        "empty).")
    from_state = fields.Many2One(
        'ric.task.lifecycle.state', "From", required=True,
        ondelete='CASCADE',
        domain=[('lifecycle', '=', Eval('lifecycle', -1))])
    to_state = fields.Many2One(
        'ric.task.lifecycle.state', "To", required=True, ondelete='CASCADE',
        domain=[('lifecycle', '=', Eval('lifecycle', -1))])
    groups = fields.Many2Many(
        'ric.task.lifecycle.transition-res.group', 'transition', 'group',
        "Groups",
        help="The groups allowed to make the transition; leave empty for "
        "every user.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('transition_unique',
                Unique(t, t.lifecycle, t.from_state, t.to_state),
                'ric_task.msg_transition_unique'),
            ]
        cls.__access__.add('lifecycle')

    def get_rec_name(self, name):
        return self.name or self.to_state.name

    def allowed_for(self, group_ids):
        "Return if a user of the groups may make the transition"
        if not self.groups:
            return True
        return bool({g.id for g in self.groups} & set(group_ids))


class LifecycleTransitionGroup(ModelSQL):
    "Lifecycle Transition - Group"
    __name__ = 'ric.task.lifecycle.transition-res.group'
    __string__ = "Lifecycle Transition - Group"
    transition = fields.Many2One(
        'ric.task.lifecycle.transition', "Transition", required=True,
        ondelete='CASCADE')
    group = fields.Many2One(
        'res.group', "Group", required=True, ondelete='CASCADE')


def _user_groups():
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    if transaction.user == 0:
        return None
    return User.get_groups()


class LifecycleMixin:
    """A document whose states come from its configured lifecycle

    The model needs a ``state`` Many2One to ``ric.task.lifecycle.state``
    (see :func:`state_field`).  A change of the state is refused unless the
    lifecycle of the model has a transition from the current state to the
    new one allowed to the groups of the user; the fields required by the
    new state must be filled.  The root user (cron, rules) and the context
    key ``_ric_lifecycle_check=False`` skip the group check, never the
    transition check.
    """
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'change_state': {
                    'invisible': ~Eval('transitions_available', False),
                    'depends': ['transitions_available'],
                    },
                })
        cls.__rpc__.update({
                'move_to': RPC(readonly=False, instantiate=0),
                })

    @classmethod
    def default_state(cls):
        Lifecycle = Pool().get('ric.task.lifecycle')
        lifecycle = Lifecycle.get_lifecycle(cls.__name__)
        if lifecycle and lifecycle.initial_state:
            return lifecycle.initial_state.id

    @classmethod
    def _lifecycle(cls):
        Lifecycle = Pool().get('ric.task.lifecycle')
        lifecycle = Lifecycle.get_lifecycle(cls.__name__)
        if not lifecycle or not lifecycle.initial_state:
            raise LifecycleMissingError(gettext(
                    'ric_task.msg_lifecycle_missing',
                    model=cls.__string__))
        return lifecycle

    @classmethod
    def get_closed(cls, records, name):
        "Set-based: lists and the diary read it for many documents"
        State = Pool().get('ric.task.lifecycle.state')
        return joined_values(cls, records, 'state', State,
            lambda table, state: Literal(True),
            where=lambda table, state: state.closed == Literal(True),
            default=False)

    @classmethod
    def search_closed(cls, name, clause):
        _, operator, value = clause
        if operator not in {'=', '!='}:
            return []
        closed = (operator == '=') == bool(value)
        return [('state.closed', '=', closed)]

    @classmethod
    def get_transitions_available(cls, records, name):
        "Set-based: the transitions of each distinct state are read once"
        allowed = cls._allowed_transitions({r.state for r in records})
        return {r.id: bool(allowed.get(r.state)) for r in records}

    @classmethod
    def _allowed_transitions(cls, states):
        """Return {state: [transition, …]} the user may make from each of
        states"""
        Transition = Pool().get('ric.task.lifecycle.transition')
        states = [s for s in states if s]
        if not states:
            return {}
        groups = _user_groups()
        result = defaultdict(list)
        for transition in Transition.search([
                    ('from_state', 'in', [s.id for s in states]),
                    ]):
            if groups is None or transition.allowed_for(groups):
                result[transition.from_state].append(transition)
        return result

    def allowed_transitions(self):
        "Return the transitions the user may make from the current state"
        return self._allowed_transitions([self.state]).get(self.state, [])

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        missing = [v for v in vlist if not v.get('state')]
        if missing:
            initial = cls._lifecycle().initial_state.id
            for values in missing:
                values['state'] = initial
        records = super().create(vlist)
        cls._check_required_fields(records)
        return records

    @classmethod
    def write(cls, *args):
        pool = Pool()
        State = pool.get('ric.task.lifecycle.state')
        Transition = pool.get('ric.task.lifecycle.transition')
        actions = iter(args)
        changes = []  # (records, new state)
        args = []
        for records, values in zip(actions, actions):
            if 'state' in values and values['state']:
                changes.append((records, values['state']))
            args.extend((records, values))
        if changes:
            groups = _user_groups()
            if not Transaction().context.get('_ric_lifecycle_check', True):
                groups = None
            state_ids = {s for _, s in changes} | {
                r.state.id for records, _ in changes for r in records
                if r.state}
            transitions = defaultdict(list)
            for transition in Transition.search([
                        ('to_state', 'in', list(state_ids)),
                        ]):
                transitions[transition.from_state.id,
                    transition.to_state.id].append(transition)
            for records, state_id in changes:
                state = State(state_id)
                for record in records:
                    if record.state and record.state.id == state_id:
                        continue
                    allowed = transitions.get(
                        (record.state.id if record.state else None,
                            state_id), [])
                    if not allowed:
                        raise TransitionError(gettext(
                                'ric_task.msg_transition_not_allowed',
                                document=record.rec_name,
                                from_state=(record.state.name
                                    if record.state else ''),
                                to_state=state.name))
                    if groups is not None and not any(
                            t.allowed_for(groups) for t in allowed):
                        raise TransitionError(gettext(
                                'ric_task.msg_transition_not_allowed_groups',
                                document=record.rec_name,
                                from_state=record.state.name,
                                to_state=state.name))
        super().write(*args)
        if changes:
            records = cls.browse(
                {r.id for records, _ in changes for r in records})
            cls._check_required_fields(records)
            cls._on_state_changed(records)

    @classmethod
    def _on_state_changed(cls, records):
        "Called after the state of records changed (hook for the modules)"

    @classmethod
    def _check_required_fields(cls, records):
        for record in records:
            if not record.state:
                continue
            for field in record.state.required_fields:
                value = getattr(record, field.name, None)
                if value in (None, '', [], ()):
                    raise StateRequiredFieldError(gettext(
                            'ric_task.msg_state_required_field',
                            document=record.rec_name,
                            state=record.state.name,
                            field=field.string))

    @classmethod
    @ModelView.button_action('ric_task.wizard_change_state')
    def change_state(cls, records):
        pass

    @classmethod
    def move_to(cls, records, code):
        """Move records to the state of code of their lifecycle

        The transition rules apply as for a user's change."""
        State = Pool().get('ric.task.lifecycle.state')
        lifecycle = cls._lifecycle()
        states = State.search([
                ('lifecycle', '=', lifecycle.id), ('code', '=', code)])
        if not states:
            raise TransitionError(gettext(
                    'ric_task.msg_state_unknown', state=code,
                    lifecycle=lifecycle.name))
        cls.write(list(records), {'state': states[0].id})


def state_fields():
    "Return the fields state, closed and transitions_available of a document"
    return {
        'state': fields.Many2One(
            'ric.task.lifecycle.state', "State", readonly=True,
            ondelete='RESTRICT'),
        'closed': fields.Function(
            fields.Boolean("Closed"), 'get_closed', searcher='search_closed'),
        'transitions_available': fields.Function(
            fields.Boolean("Transitions Available"),
            'get_transitions_available'),
        }


class ChangeStateStart(ModelView):
    "Change State"
    __name__ = 'ric.task.change_state.start'
    __string__ = "Change State"
    current_state = fields.Many2One(
        'ric.task.lifecycle.state', "Current State", readonly=True)
    transition = fields.Many2One(
        'ric.task.lifecycle.transition', "Action", required=True,
        domain=[('id', 'in', Eval('transitions', []))])
    transitions = fields.Many2Many(
        'ric.task.lifecycle.transition', None, None, "Transitions",
        readonly=True)


class ChangeState(Wizard):
    "Change State"
    __name__ = 'ric.task.change_state'
    start = StateView('ric.task.change_state.start',
        'ric_task.change_state_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Change", 'change', 'tryton-ok', default=True),
            ])
    change = StateTransition()

    def default_start(self, fields):
        record = self.record
        transitions = record.allowed_transitions() if record else []
        return {
            'current_state': record.state.id if record and record.state
            else None,
            'transitions': [t.id for t in transitions],
            'transition': transitions[0].id if len(transitions) == 1
            else None,
            }

    def transition_change(self):
        self.model.write(list(self.records), {
                'state': self.start.transition.to_state.id})
        return 'end'
