"""Workflow guards of the records lifecycle (生命周期守卫)."""

from plone import api
from Products.Five.browser import BrowserView


class LifecycleGuards(BrowserView):
    """Used by guard expressions in sd_record_workflow."""

    def can_view(self):
        """Every transition also needs View: a global role never reaches into another
        agency's records room (checked with the current security context, so proxy and
        adopted roles count)."""
        return api.user.has_permission("View", obj=self.context)

    def was_received(self):
        """True once the record has entered the archives' holdings (进馆)."""
        history = self.context.workflow_history.get("sd_record_workflow", ())
        return any(entry.get("action") == "receive" for entry in history)

    def may_dispose(self):
        """No hold (冻结) blocks disposition."""
        return not (getattr(self.context, "holds", None) or [])
