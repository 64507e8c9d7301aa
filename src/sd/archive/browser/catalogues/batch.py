"""批量著录 page of a fonds (the Classic UI of ``@batch-describe``): tick records (none is
ticked beforehand), choose a field and a value, give one reason, preview old → new, apply.

The page calls the same run as the service (``sd.archive.catalogues.batch``); a refusal shows
which record broke which rule and nothing is stored (the transaction is doomed)."""

from __future__ import annotations

import transaction
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive.browser.catalogues.views import WORKING_SCRIPT
from sd.archive.browser.correction import FORM_FIELDS
from sd.archive.catalogues.batch import BatchDescription
from sd.archive.core.errors import ArchiveError

#: the fields offered for a batch: one value that may well be shared by many records
BATCH_FIELDS = tuple(
    (name, label, kind)
    for name, label, kind in FORM_FIELDS
    if name in ("author", "document_date", "document_type", "pages", "agency_name")
)
#: records listed on the page at most (narrow by year / category first)
LISTED = 500


class BatchDescribeView(BrowserView):
    rows = ()
    errors = ()
    message = ""
    applied = None
    working_script = WORKING_SCRIPT

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST" and ("form.preview" in form or "form.apply" in form):
            CheckAuthenticator(self.request)
            self._run(apply="form.apply" in form)
        return self.index()

    def _run(self, apply: bool):
        form = self.request.form
        uids = form.get("uids") or []
        body = {
            "uids": [uids] if isinstance(uids, str) else list(uids),
            "field": form.get("field", ""),
            "value": form.get("value", ""),
            "reason": form.get("reason", ""),
        }
        try:
            batch = BatchDescription.from_body(self.context, body)
            if apply:
                self.applied = batch.apply()
                self.rows = self.applied["records"]
                return
            self.rows = batch.preview()
            self.errors = [p.as_dict() for p in batch.problems]
        except ArchiveError as error:
            transaction.doom()  # nothing of a refused batch is stored
            self.message = error.message
            self.errors = [p.as_dict() for p in error.problems]
            self.rows = getattr(locals().get("batch"), "rows", ())

    def fields(self):
        return BATCH_FIELDS

    def selected(self):
        uids = self.request.form.get("uids") or []
        return {uids} if isinstance(uids, str) else set(uids)

    def records(self):
        query = {
            "portal_type": "Record",
            "path": "/".join(self.context.getPhysicalPath()),
            "sort_on": "archival_code",
        }
        year = self.request.form.get("year", "")
        if str(year).isdigit():
            query["archive_year"] = int(year)
        if self.request.form.get("category"):
            query["category_code"] = self.request.form["category"]
        return api.portal.get_tool("portal_catalog").searchResults(**query)[:LISTED]
