"""Pages of appraisal and destruction (鉴定与销毁).

- ``{fonds}/@@appraisal-batches``: the fonds' batches, its appraisal groups (鉴定小组) and the
  proposal form (from the due list, or the expired records ticked).
- ``{batch}`` (``@@appraisal-batch``, the batch's default view): the records with each
  member's opinion side by side, and the step the current user may take: an opinion (group
  member), submission (proposer), approval (leader), execution with two supervisors, the
  confirmation of offline carriers; the register (XLSX/PDF) and the certificate.

Every form posts to the page itself with the authenticator; a refusal is shown in words
with its status (4xx), nothing changed; times in Beijing.
"""

from __future__ import annotations

from plone import api
from Products.Five.browser import BrowserView

from sd.archive import retention
from sd.archive.appraisal import batches
from sd.archive.appraisal import execution
from sd.archive.browser.steps import StepPage
from sd.archive.core import retention as retention_rules
from sd.archive.core.appraisal.batch import WHOLE_BATCH
from sd.archive.core.appraisal.batch import Decision
from sd.archive.core.appraisal.batch import Kind
from sd.archive.core.appraisal.batch import State

DECISIONS = [(d.value, d.label_zh) for d in Decision]
#: expired records the proposal form lists
EXPIRED_ROWS = 500


class _Page(StepPage):
    problems_shown = 5


class AppraisalBatchesView(_Page):
    """{fonds}/@@appraisal-batches"""

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST":
            if "form.group" in form:
                members = [m for m in (form.get("members") or "").replace("，", ",").split(",")]
                self.run(
                    lambda: batches.set_group(self.context, form.get("kind"), members),
                    "group saved",
                )
            elif "form.propose" in form:
                uids = form.get("uids") or []
                uids = [uids] if isinstance(uids, str) else list(uids)
                self.made = None

                def propose():
                    self.made = batches.propose(
                        self.context,
                        uids,
                        title=form.get("title") or "",
                        reason=form.get("reason") or "",
                        kind=form.get("kind"),
                        from_due_list=not uids,
                    )

                if self.run(propose, "proposed") and self.made is not None:
                    return self.request.response.redirect(self.made.absolute_url())
        return self.index()

    def kinds(self):
        return [{"value": k.value, "label": k.label_zh} for k in Kind]

    def groups(self):
        return [
            {
                "kind": k.value,
                "label": k.label_zh,
                "members": "，".join(batches.group(self.context, k)),
            }
            for k in Kind
        ]

    def batches(self):
        rows = []
        for batch in batches.batches_of(self.context):
            if batches.may_see(batch):
                summary = batches.summary(batch)
                summary["proposed_text"] = self.time(summary["proposed"])
                rows.append(summary)
        rows.sort(key=lambda r: r["proposed"], reverse=True)
        return rows

    def expired(self):
        """The first expired records of the due list (to tick for a proposal; ticking none
        takes every expired record that may go, however many)."""
        return [
            dict(r, due_text=r["due"].isoformat() if r["due"] else "")
            for r in retention.due_list(self.context, within=0, size=EXPIRED_ROWS)
        ]


class AppraisalBatchView(_Page):
    """{batch} / @@appraisal-batch"""

    def __call__(self):
        if self.request.method == "POST":
            self.handle(self.request.form)
        return self.index()

    def handle(self, form):
        batch = self.context
        if "form.opinion" in form:
            body = {
                "record": form.get("record") or WHOLE_BATCH,
                "decision": form.get("decision"),
                "reason": form.get("reason"),
            }
            years = (form.get("years") or "").strip()
            if years:
                body["years"] = int(years) if years.isdigit() else years
            self.run(lambda: batches.record_opinion(batch, body), "opinion recorded")
        elif "form.submit" in form:
            self.run(lambda: batches.submit(batch), "submitted")
        elif "form.approve" in form:
            self.run(lambda: batches.decide(batch, True, form.get("comment") or ""), "approved")
        elif "form.reject" in form:
            self.run(lambda: batches.decide(batch, False, form.get("comment") or ""), "rejected")
        elif "form.execute" in form:
            names = [form.get("supervisor1") or "", form.get("supervisor2") or ""]

            def go():
                execution.check_executor(batch)
                if batches.batch_state(batch) is State.APPROVED:
                    execution.start(batch, names)
                execution.execute(batch)

            self.run(go, "executed")
        elif "form.carrier" in form:
            self.run(
                lambda: execution.confirm_carrier(batch, form.get("carrier"), form.get("note")),
                "carrier confirmed",
            )

    # --- what the template shows ----------------------------------------------------------

    def summary(self):
        found = batches.summary(self.context)
        for key in ("proposed", "approved", "executed"):
            found[f"{key}_text"] = self.time(found[key])
        return found

    def rows(self):
        rows = batches.side_by_side(self.context)
        for row in rows:
            period = row.get("period") or ""
            row["period_label"] = retention_rules.label(period) if period else ""
        return rows

    def members(self):
        return list(self.context.members)

    def decisions(self):
        return DECISIONS

    def state(self) -> str:
        return batches.batch_state(self.context).value

    def me(self) -> str:
        return api.user.get_current().getId()

    def may_opine(self) -> bool:
        return self.state() == State.OPINIONS.value and self.me() in self.context.members

    def may_submit(self) -> bool:
        return self.state() == State.OPINIONS.value and api.user.has_permission(
            batches.APPRAISE, obj=self.context
        )

    def may_approve(self) -> bool:
        return (
            self.state() == State.SUBMITTED.value
            and batches.is_leader(self.context)
            and self.me() != self.context.proposer
        )

    def may_execute(self) -> bool:
        return self.state() in (State.APPROVED.value, State.EXECUTING.value) and (
            api.user.has_permission(execution.DISPOSE, obj=self.context.__parent__)
        )

    def has_register(self) -> bool:
        return self.state() not in (State.OPINIONS.value, State.REJECTED.value)

    def execution(self):
        return execution.status(self.context)

    def pending_carriers(self):
        return execution.pending_carriers(self.context)

    def may_confirm(self) -> bool:
        return bool(self.pending_carriers()) and api.user.has_permission(
            execution.DISPOSE, obj=self.context.__parent__
        )

    def certificate_url(self) -> str:
        if getattr(self.context, "certificate_file", None) is None:
            return ""
        return f"{self.context.absolute_url()}/@@appraisal-certificate-file"

    def certificate_record(self):
        uid = self.context.certificate_uid
        return api.content.get(UID=uid) if uid else None

    def log(self):
        return [
            dict(e, time_text=self.time(e.get("time")))
            for e in getattr(self.context, "step_log", None) or ()
        ]


class RegisterFile(BrowserView):
    """{batch}/@@appraisal-register-file?format=xlsx|pdf (a download for the page)."""

    def __call__(self):
        from sd.archive.appraisal import certificate

        fmt = "pdf" if self.request.form.get("format") == "pdf" else "xlsx"
        if batches.batch_state(self.context) in (State.OPINIONS, State.REJECTED):
            self.request.response.setStatus(409)
            return "销毁清册尚未形成 / no register yet"
        data = certificate.register_file(self.context, fmt)
        kind = (
            "application/pdf"
            if fmt == "pdf"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        self.request.response.setHeader("Content-Type", kind)
        self.request.response.setHeader(
            "Content-Disposition", f'attachment; filename="register-{self.context.getId()}.{fmt}"'
        )
        return data


class CertificateFile(BrowserView):
    """{batch}/@@appraisal-certificate-file (the certificate PDF)."""

    def __call__(self):
        found = getattr(self.context, "certificate_file", None)
        if found is None:
            self.request.response.setStatus(404)
            return "销毁证明尚未生成 / no certificate yet"
        self.request.response.setHeader("Content-Type", "application/pdf")
        self.request.response.setHeader(
            "Content-Disposition", f'attachment; filename="certificate-{self.context.getId()}.pdf"'
        )
        return found.data
