"""著录更正 and 档号更正 pages of an archived record (the Classic UI of ``@correct``).

Both forms call the same actions as the REST services (``sd.archive.corrections``); a refusal
shows the rules that failed beside the form, nothing is stored.
"""

from __future__ import annotations

import transaction
from plone import api
from plone.dexterity.browser.edit import DefaultEditForm
from plone.protect import CheckAuthenticator
from plone.z3cform import layout
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.core.errors import ArchiveError
from sd.archive.corrections import correct_description
from sd.archive.numbering import correct_code

#: (field, label, kind) offered on the page; kind: text, date, int, lines, textarea
FORM_FIELDS = (
    ("title", _("Title"), "text"),
    ("document_number", _("Document number"), "text"),
    ("author", _("Author"), "text"),
    ("document_date", _("Date"), "date"),
    ("document_type", _("Document type"), "text"),
    ("pages", _("Pages"), "int"),
    ("keywords", _("Keywords"), "lines"),
    ("abstract", _("Abstract"), "textarea"),
    ("agency_name", _("Agency name"), "text"),
)
CODE_PARTS = (
    ("category", "category_code", _("Category code")),
    ("year", "year", _("Year")),
    ("retention", "retention_period", _("Retention period")),
    ("org_code", "org_code", _("Organisation or problem code")),
)


def _shown(value, kind):
    if value is None:
        return ""
    if kind == "lines":
        return "；".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _parsed(text, kind):
    text = (text or "").strip()
    if kind == "lines":
        return [t.strip() for t in text.replace("；", ";").split(";") if t.strip()]
    if kind == "int":
        return int(text) if text.isdigit() else text
    return text or None


class CorrectionView(BrowserView):
    """``@@correct``: both forms, prefilled with the record's values."""

    errors: list = ()
    message = ""

    def fields(self):
        return [
            {
                "name": name,
                "label": label,
                "kind": kind,
                "value": _shown(getattr(self.context, name, None), kind),
            }
            for name, label, kind in FORM_FIELDS
        ]

    def code_parts(self):
        return [
            {
                "name": name,
                "label": label,
                "value": _shown(getattr(self.context, attr, None), "text"),
            }
            for name, attr, label in CODE_PARTS
        ]

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and form.get("form.kind"):
            CheckAuthenticator(self.request)
            try:
                if form["form.kind"] == "code":
                    self._code(form)
                else:
                    self._description(form)
            except ArchiveError as error:
                transaction.doom()
                self.errors = [p.as_dict() for p in error.problems] or [{"message": error.message}]
                self.message = error.message
            else:
                api.portal.show_message(_("The correction was recorded."), self.request)
                return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    def _description(self, form):
        changes = {}
        for name, _label, kind in FORM_FIELDS:
            if name not in form:
                continue
            value = _parsed(form[name], kind)
            if _shown(value, kind) != _shown(getattr(self.context, name, None), kind):
                changes[name] = value.isoformat() if hasattr(value, "isoformat") else value
        correct_description(self.context, changes, form.get("reason", ""))

    def _code(self, form):
        parts = {}
        for name, attr, _label in CODE_PARTS:
            value = (form.get(name) or "").strip()
            if value and value != _shown(getattr(self.context, attr, None), "text"):
                parts[name] = int(value) if name == "year" and value.isdigit() else value
        correct_code(self.context, form.get("reason", ""), **parts)


class RecordEditForm(DefaultEditForm):
    """The edit form of a 件: a pre-archived record is edited here; an archived one is sent to
    @@correct (著录更正), where every change takes a reason, instead of failing on save."""

    def update(self):
        from sd.archive.protection import is_archived

        if is_archived(self.context):
            api.portal.show_message(
                _(
                    "An archived record is corrected only with a reason. The old and new values, "
                    "you and the reason go to the correction log and the evidence ledger."
                ),
                self.request,
                type="warning",
            )
            self.request.response.redirect(f"{self.context.absolute_url()}/@@correct")
            return
        super().update()


RecordEditView = layout.wrap_form(RecordEditForm)
