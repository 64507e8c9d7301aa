"""Workflow guards of the records lifecycle (生命周期守卫)."""

from plone import api
from Products.Five.browser import BrowserView

from sd.archive.core import codes
from sd.archive.core.errors import ArchiveError
from sd.archive.numbering import fonds_of
from sd.archive.retention import destruction_problems
from sd.archive.rules import code_rule


def valid_code(record) -> bool:
    """True when ``record`` carries a frozen archival code that parses under its fonds' rule
    and agrees with its category and retention period."""
    code = getattr(record, "archival_code", None)
    if not (
        code
        and getattr(record, "code_frozen", False)
        and getattr(record, "category_code", None)
        and getattr(record, "retention_period", None)
    ):
        return False
    fonds = fonds_of(record)
    if fonds is None:
        return False
    try:
        volume = int(record.volume_number) if getattr(record, "volume_number", None) else None
        parts = codes.parse(code, codes.level_rule(code_rule(fonds, record.category_code), volume))
    except (ArchiveError, ValueError):
        return False
    return parts.category == record.category_code and parts.retention == record.retention_period


class LifecycleGuards(BrowserView):
    """Used by guard expressions in sd_record_workflow."""

    def can_view(self):
        """Every transition also needs View: a global role never reaches into another
        agency's records room (checked with the current security context, so proxy and
        adopted roles count)."""
        return api.user.has_permission("View", obj=self.context)

    def has_valid_code(self):
        """A record is archived only with a valid archival code (归档须有合规档号): assigned
        and frozen, with its category and retention period, parsing under its fonds' rule.
        Intake and the review queue give it one first; the state menu never skips them."""
        return valid_code(self.context)

    def was_received(self):
        """True once the record has entered the archives' holdings (进馆)."""
        history = self.context.workflow_history.get("sd_record_workflow", ())
        return any(entry.get("action") == "receive" for entry in history)

    def may_dispose(self):
        """Destroy (销毁) only a record whose period has run out, never a permanent one, and
        no hold (冻结) on it (``sd.archive.retention.destruction_problems``), and only inside
        the execution of an approved appraisal batch (#25: never a lone transition)."""
        from sd.archive.appraisal.execution import destruction_sanctioned

        return destruction_sanctioned(self.context) and not destruction_problems(self.context)
