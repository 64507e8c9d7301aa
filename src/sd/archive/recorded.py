"""A workflow transition as a recorded action (记录的操作): the object's guards let a transition
through only while its owning action marks it (``_v_recorded_action``); a transition the
state does not allow is a 409 in the error shape, naming the rule's ``code``."""

from __future__ import annotations

from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem


def recorded_transition(obj, name: str, code: str, label: str, message: str) -> None:
    """Run transition ``name`` on ``obj`` from its recorded action; ``label`` names the object
    in the problem, ``message`` says why it cannot happen now."""
    obj._v_recorded_action = True  # the workflow's guards let only these actions through
    try:
        api.content.transition(obj, transition=name)
    except api.exc.InvalidParameterError:
        raise ArchiveError(
            message, [Problem(code, name, label, "state")], 409, "Conflict"
        ) from None
    finally:
        obj._v_recorded_action = False
