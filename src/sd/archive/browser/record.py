"""件 page (档案详情): metadata, components with digests, history, ledger, seals."""

from plone import api
from Products.Five.browser import BrowserView
from zope.i18n import translate

from sd.archive import _
from sd.archive.browser.times import BeijingTimeMixin
from sd.archive.browser.times import beijing_time
from sd.archive.vocabularies import COMPONENT_ROLES
from sd.archive.vocabularies import DISPOSITION_STATES
from sd.archive.vocabularies import OPEN_STATUSES
from sd.archive.vocabularies import RECORD_KINDS
from sd.archive.vocabularies import RETENTION_PERIODS
from sd.archive.vocabularies import SECURITY_LEVELS

RETENTION_TITLES = dict(RETENTION_PERIODS)
DISPOSITION_TITLES = dict(DISPOSITION_STATES)
VALUE_TITLES = {
    name: dict(table)
    for name, table in (
        ("record_kind", RECORD_KINDS),
        ("security_level", SECURITY_LEVELS),
        ("open_status", OPEN_STATUSES),
        ("role", COMPONENT_ROLES),
    )
}


class RecordView(BeijingTimeMixin, BrowserView):
    """Everything a records officer or archivist needs to judge one record."""

    def can_correct(self):
        """An archived record is corrected through @@correct (著录更正), never edited."""
        from sd.archive.protection import is_archived

        return (
            is_archived(self.context)
            and self.state() != "destroyed"
            and api.user.has_permission("sd.archive: Correct records", obj=self.context)
        )

    def state(self):
        return api.content.get_state(self.context, default="")

    def state_title(self):
        wf = api.portal.get_tool("portal_workflow")["sd_record_workflow"]
        state = wf.states.get(self.state())
        return _(state.title) if state is not None else self.state()

    def value_title(self, name, value):
        """The title of a vocabulary value in the page's language (``开放`` / "Open"), never
        its token; a value outside the vocabulary is shown as it is."""
        title = VALUE_TITLES[name].get(value)
        return translate(title, context=self.request) if title is not None else value

    def retention_title(self):
        return RETENTION_TITLES.get(self.context.retention_period, self.context.retention_period)

    def metadata_rows(self):
        c = self.context
        rows = [
            (_("Archival code"), c.archival_code),
            (_("Electronic record number"), c.electronic_record_id),
            (_("Record kind"), self.value_title("record_kind", c.record_kind)),
            (_("Fonds code"), c.fonds_code),
            (_("Agency name"), c.agency_name),
            (_("Year"), c.year),
            (_("Category code"), c.category_code),
            (_("Retention period"), self.retention_title()),
            (_("Retention expires"), c.retention_expiry),
            (_("Organisation or problem code"), c.org_code),
            (_("Item number"), c.item_number),
            (_("Document number"), c.document_number),
            (_("Author"), c.author),
            (_("Date"), c.document_date),
            (_("Document type"), c.document_type),
            (_("Security classification"), self.value_title("security_level", c.security_level)),
            (_("Open status"), self.value_title("open_status", c.open_status)),
            (_("Pages"), c.pages),
            (_("Keywords"), "; ".join(c.keywords or [])),
            (
                _("Disposition state"),
                DISPOSITION_TITLES.get(c.disposition_state, c.disposition_state),
            ),
            (_("Holds"), "; ".join(c.holds or [])),
        ]
        if c.record_kind == "政务服务电子文件":
            rows += [
                (_("Service item name"), c.service_item_name),
                (_("Service item code"), c.service_item_code),
                (_("Case number"), c.case_number),
                (_("Applicant"), c.applicant_name),
                (_("Accepting department"), c.accepting_department),
                (_("Handling result"), c.handling_result),
            ]
        return [(label, value) for label, value in rows if value not in (None, "")]

    def components(self):
        return [
            {
                "title": comp.Title(),
                "url": comp.absolute_url(),
                "download": f"{comp.absolute_url()}/@@download/file",
                "role": self.value_title("role", comp.role),
                "sequence": comp.sequence,
                "format": comp.format_name,
                "size": comp.size,
                "sm3": comp.sm3,
                "version_of": comp.version_of,
            }
            for comp in sorted(self.context.objectValues(), key=lambda c: c.sequence or 0)
        ]

    def process_history(self):
        return _timed(self.context.process_history or [])

    def code_log(self):
        return _timed(getattr(self.context, "code_log", None) or [])

    def can_view_audit(self):
        return api.user.has_permission("sd.archive: View audit log", obj=self.context)

    def correction_log(self):
        """The corrections, each change as ``字段：原值 → 新值`` in words (never a list repr)."""
        if not self.can_view_audit():
            return []
        from sd.archive.browser.correction import FORM_FIELDS
        from sd.archive.browser.details import value_text

        labels = {name: label for name, label, _kind in FORM_FIELDS}
        rows = _timed(self.context.correction_log or [])
        for row in rows:
            row["changes_text"] = "；".join(
                "{}：{} → {}".format(
                    translate(labels[c["field"]], context=self.request)
                    if c.get("field") in labels
                    else c.get("field", ""),
                    value_text(self.request, c.get("old")),
                    value_text(self.request, c.get("new")),
                )
                for c in row.get("changes", ())
            )
        return rows

    def review_history(self):
        """The workflow history, newest first, with state and transition titles (中文)."""
        wf = api.portal.get_tool("portal_workflow")["sd_record_workflow"]
        rows = []
        for entry in reversed(self.context.workflow_history.get("sd_record_workflow", ())):
            state = wf.states.get(entry.get("review_state") or "")
            transition = wf.transitions.get(entry.get("action") or "")
            rows.append(
                {
                    **entry,
                    "time": beijing_time(entry.get("time")),
                    "state_title": state.title if state is not None else entry.get("review_state"),
                    "action_title": (
                        transition.title if transition is not None else entry.get("action") or ""
                    ),
                }
            )
        return rows


def _timed(rows) -> list[dict]:
    """Log rows with their ``time`` in 北京时间 (the stored rows are left as they are)."""
    return [
        {**row, "time": beijing_time(row.get("time"))} if isinstance(row, dict) else row
        for row in rows
    ]
