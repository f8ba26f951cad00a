# This file is part of RIC Express.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class LifecycleMissingError(UserError):
    "A document model without an active lifecycle"
    pass


class TransitionError(UserError):
    "A change of state the lifecycle does not allow (to the user)"
    pass


class StateRequiredFieldError(ValidationError):
    "A document in a state without a field the state requires"
    pass


class RuleError(UserError):
    "An auto-generation rule that cannot run"
    pass
