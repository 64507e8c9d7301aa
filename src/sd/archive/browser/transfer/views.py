"""Classic UI of transfer and receipt (移交接收界面).

- ``@@transfer-batch`` — a batch: progress, per-record results, manual items signed off by an
  archivist, accept / return with reasons per record, the registration form (PDF, XML) and
  the receipt; for an outgoing batch, the package download and delivery to another node;
- ``@@transfer-out`` on a fonds (records room) — eligible records by year, category and
  retention, none ticked; a preview of what would move (count, bytes, 档号 range, per year and
  category); only a second post with ``confirm`` transfers them and builds the package, then
  delivers it to the archives' node (online) or leaves it for download (offline);
- ``@@transfer-holdings`` on the site — received batches, unfinished ones with a resume
  button, the upload of an offline package (the same logic as ``POST @transfer``), and the
  holdings tree by fonds / category / year.
"""

from __future__ import annotations

import json
import shutil

import transaction
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.browser.times import BeijingTimeMixin
from sd.archive.core.codes.gaps import GAP_REASONS
from sd.archive.core.codes.gaps import spans
from sd.archive.core.errors import ArchiveError
from sd.archive.core.messages import zh_first
from sd.archive.intake.limits import max_package_bytes
from sd.archive.intake.outcomes import Rejected
from sd.archive.intake.spool import spool as spool_stream
from sd.archive.transfer import actions
from sd.archive.transfer import batch as state
from sd.archive.transfer import continuity
from sd.archive.transfer import delivery
from sd.archive.transfer import form
from sd.archive.transfer import incoming
from sd.archive.transfer import outgoing
from sd.archive.transfer import receipt as receipts
from sd.archive.transfer import spool
from sd.archive.transfer import worker
from sd.archive.transfer.incoming import RECEIVE
from sd.archive.transfer.preview import preview as transfer_preview
from sd.archive.transfer.serialize import batch_body

TRANSFER = "sd.archive: Transfer records"


def parse_reasons(text: str) -> dict[str, str]:
    """``档号: reason`` lines (full-width colon too) into {档号: reason}."""
    reasons = {}
    for line in (text or "").splitlines():
        code, sep, why = line.replace("：", ":").partition(":")
        if sep and code.strip() and why.strip():
            reasons[code.strip()] = why.strip()
    return reasons


class BatchView(BrowserView):
    def __call__(self):
        form_data = self.request.form
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            self.handle(form_data)
            return self.request.response.redirect(self.context.absolute_url())
        return self.index()

    def handle(self, data):
        batch = self.context
        if not api.user.has_permission(RECEIVE, obj=batch):
            api.portal.show_message(_("You may not receive records."), self.request, "error")
            return
        actor = api.user.get_current().getId()
        try:
            if "sign_off" in data:
                state.sign_off(batch, data["code"], data["outcome"], data.get("note", ""), actor)
                api.portal.show_message(_("Manual item signed off."), self.request)
            elif "accept" in data:
                actions.accept(batch, reviewer=actor)
                api.portal.show_message(_("Batch accepted; receipt countersigned."), self.request)
            elif "return" in data:
                returned = actions.return_batch(batch, parse_reasons(data.get("reasons", "")))
                api.portal.show_message(
                    _("Batch returned (${n} records).", mapping={"n": len(returned)}), self.request
                )
            elif "resume" in data:
                worker.start(batch)
                api.portal.show_message(_("Checking resumed."), self.request)
        except (ArchiveError, KeyError, ValueError) as exc:
            message = getattr(exc, "message", None) or zh_first(str(exc), type_="BadRequest")
            api.portal.show_message(message, self.request, "error")

    def body(self):
        return batch_body(self.context)

    def can_receive(self):
        return api.user.has_permission(RECEIVE, obj=self.context)

    def unfinished(self):
        return (
            api.content.get_state(self.context) == "checking"
            and not state.is_done(self.context)
            and not worker.running(self.context)
        )


class BatchDownload(BrowserView):
    """?what=form.pdf | form.xml | receipt.json | package.zip | sender-receipt.txt"""

    def __call__(self):
        batch, what = self.context, self.request.form.get("what", "")
        response = self.request.response
        name = batch.getId()
        if what in ("form.pdf", "form.xml"):
            xml = getattr(batch, "registration_xml", None) or form.registration_xml(batch)
            data, mime = (
                (xml, "application/xml")
                if what == "form.xml"
                else (form.registration_pdf(xml), "application/pdf")
            )
        elif what == "receipt.json":
            data, mime = (
                json.dumps(receipts.load(batch), ensure_ascii=False, indent=1).encode("utf-8"),
                "application/json",
            )
        elif what == "sender-receipt.txt":
            data, mime = (batch.facts.get("sender_receipt") or "").encode("utf-8"), "text/plain"
        elif what == "package.zip" and batch.direction == "outgoing":
            path = spool.package_path(batch.token)
            response.setHeader("Content-Type", "application/zip")
            response.setHeader("Content-Disposition", f'attachment; filename="{name}.zip"')
            response.setHeader("Content-Length", str(path.stat().st_size))
            from ZPublisher.Iterators import filestream_iterator

            return filestream_iterator(str(path), "rb")
        else:
            response.setStatus(404)
            return "unknown download"
        response.setHeader("Content-Type", mime)
        response.setHeader("Content-Disposition", f'attachment; filename="{name}-{what}"')
        return data


class TransferOutView(BeijingTimeMixin, BrowserView):
    """移交出库: select (nothing ticked) → preview → confirm; nothing moves before ``confirm``."""

    preview = None  # set by a preview post: transfer.preview.preview() of the selection

    def filters(self):
        f = self.request.form
        year = f.get("year", "")
        return {
            "year": int(year) if str(year).isdigit() else None,
            "category": f.get("category") or None,
            "retention": f.get("retention") or None,
        }

    def eligible(self):
        return outgoing.eligible(self.context, **self.filters())

    def years(self):
        return outgoing.transfer_after_years()

    def chosen(self):
        wanted = set(self.request.form.get("uids", []))
        return [r for r in self.eligible() if r.UID() in wanted]

    gaps = ()  # the undeclared gaps of the series the selection takes (断号), with the preview
    declared_gaps = ()  # the recorded reasons in those series

    def gap_reasons(self):
        return [{"value": code, "title": word} for code, word in GAP_REASONS.items()]

    def _show_gaps(self, records) -> None:
        """The preview's continuity section: each series taken, as a whole (移交前连续性检查)."""
        self.gaps = [
            gap.as_dict() | {"text": spans(gap.missing)}
            for gap in continuity.gaps(self.context, records)
        ]
        taken = continuity.series_taken(self.context, records)
        self.declared_gaps = [
            e for e in continuity.declared_list(self.context) if e["series"] in taken
        ]

    def declare_gap(self) -> None:
        """The records officer records why numbers are missing (登记断号原因)."""
        data = self.request.form
        try:
            continuity.declare(
                self.context,
                data.get("series", ""),
                continuity.parse_numbers(data.get("numbers", "")),
                data.get("reason", ""),
                data.get("note", ""),
            )
        except ArchiveError as exc:
            details = "; ".join(p.message for p in exc.problems)
            api.portal.show_message(f"{exc.message} {details}".strip(), self.request, "error")
            return
        api.portal.show_message(_("The reason for the missing numbers is recorded."), self.request)

    def __call__(self):
        data = self.request.form
        if self.request.method != "POST" or not (
            "preview" in data or "build" in data or "declare_gap" in data
        ):
            return self.index()
        CheckAuthenticator(self.request)
        records = self.chosen()
        if not records:
            api.portal.show_message(_("Select at least one record."), self.request, "error")
            return self.index()
        if "declare_gap" in data:
            self.declare_gap()
        self.preview = transfer_preview(records)
        self._show_gaps(records)
        if not ("build" in data and data.get("confirm") == "1"):
            return self.index()  # the preview, with the confirmation form
        if self.gaps:
            api.portal.show_message(
                _("Record a reason for every missing item number before the transfer."),
                self.request,
                "error",
            )
            return self.index()
        if str(data.get("expected", "")) != str(len(records)):
            api.portal.show_message(
                _("The selection changed; check the preview again."), self.request, "error"
            )
            return self.index()
        target = {}
        if data.get("send") == "online" and data.get("node_url"):
            target = {
                "url": data["node_url"],
                "user": data.get("node_user", ""),
                "password": data.get("node_password", ""),
            }
        try:
            batch = delivery.transfer_and_deliver(
                self.context,
                records,
                unit=self.context.agency_name,
                description=data.get("description", ""),
                target=target,
            )
        except ArchiveError as exc:  # e.g. SeriesGaps: nothing moved
            details = "; ".join(f"{p.object} {p.message}" for p in exc.problems)
            api.portal.show_message(f"{exc.message} {details}".strip(), self.request, "error")
            return self.index()
        return self.request.response.redirect(batch.absolute_url())


class HoldingsView(BrowserView):
    def batches(self):
        catalog = api.portal.get_tool("portal_catalog")
        return [
            b.getObject()
            for b in catalog(
                portal_type="TransferBatch", sort_on="created", sort_order="descending"
            )
        ]

    def summary(self, batch):
        return state.summary(batch)

    def unfinished(self):
        return worker.unfinished(self.context)

    def tree(self):
        """{fonds: {category: {year: count}}} of the received holdings (馆藏树)."""
        catalog = api.portal.get_tool("portal_catalog")
        tree: dict = {}
        for brain in catalog(portal_type="Record", review_state=["received", "open", "controlled"]):
            node = tree.setdefault(brain.fonds_code or "—", {}).setdefault(
                getattr(brain, "category_code", None) or "—", {}
            )
            year = getattr(brain, "archive_year", None) or "—"
            node[year] = node.get(year, 0) + 1
        return {
            f: {
                c: dict(sorted(y.items(), key=lambda i: str(i[0]))) for c, y in sorted(cats.items())
            }
            for f, cats in sorted(tree.items())
        }

    def __call__(self):
        if self.request.method == "POST" and "upload" in self.request.form:
            CheckAuthenticator(self.request)
            return self.upload(self.request.form.get("package"))
        if self.request.method == "POST" and "resume" in self.request.form:
            CheckAuthenticator(self.request)
            for batch in self.unfinished():
                worker.start(batch)
            api.portal.show_message(_("Unfinished batches resumed."), self.request)
            return self.request.response.redirect(
                self.context.absolute_url() + "/@@transfer-holdings"
            )
        return self.index()

    def upload(self, package):
        """离线移交: a package from an offline carrier, received as ``POST @transfer`` would."""
        if not getattr(package, "filename", None):
            api.portal.show_message(_("Choose a transfer package (ZIP)."), self.request, "error")
            return self.index()
        area = spool.new_area()
        try:
            package.seek(0)
            spooled = spool_stream(package, str(area), max_package_bytes(), spool.PACKAGE_NAME)
            outcome = incoming.receive_package(
                api.portal.get(),
                area,
                spooled,
                actor=api.user.get_current().getId(),
                carrier="offline",
            )
        except ArchiveError as exc:
            transaction.doom()
            api.portal.show_message(exc.message, self.request, "error")
            return self.index()
        finally:
            shutil.rmtree(area, ignore_errors=True)  # an adopted package was moved out
        if isinstance(outcome, Rejected):
            api.portal.show_message(outcome.body.get("message", ""), self.request, "error")
            return self.index()
        return self.request.response.redirect(outcome.location)
