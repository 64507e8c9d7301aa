"""The intake flow (接收流程): package → detection → repository → ledger.

:func:`submit` takes a package already spooled to disk and ends with an outcome
(:mod:`.outcomes`) or raises an :class:`~sd.archive.core.errors.ArchiveError`; the service
answers them as ``spec/interfaces.md`` says:

- the package cannot be read (``PackageError`` from the reader, 400/413);
- the package names a fonds the account may not submit to (403);
- :class:`~.outcomes.Repeated`: the same package was accepted before (same 电子文件号 and
  digest, or the same ``Idempotency-Key`` and bytes): the first answer again, nothing stored
  twice (200);
- the 电子文件号 was accepted with other content, or the key was used for other bytes (409);
- :class:`~.outcomes.Rejected`: detection failed, only a rejection record is kept (422);
- :class:`~.outcomes.Created`: the record is stored with its components and the original
  package (原始包), numbered, moved to ``archived`` when arranged, and logged in the evidence
  ledger (201).

What every step of one submission needs travels in an :class:`IntakeRun`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass

from AccessControl import getSecurityManager
from plone import api
from Products.CMFCore.utils import getToolByName

from sd.archive import domains
from sd.archive.core.arrangement import arrange
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.packages.reader import read_package
from sd.archive.intake.components import component_data
from sd.archive.intake.components import original_package
from sd.archive.intake.context import Holdings
from sd.archive.intake.context import facts_of
from sd.archive.intake.fonds import SUBMIT
from sd.archive.intake.fonds import find_fonds
from sd.archive.intake.limits import limits
from sd.archive.intake.outcomes import Created
from sd.archive.intake.outcomes import Rejected
from sd.archive.intake.outcomes import refused
from sd.archive.intake.outcomes import rejection_body
from sd.archive.intake.rejections import add_rejection
from sd.archive.intake.replay import answer_detection
from sd.archive.intake.replay import remember_key
from sd.archive.intake.replay import repeated
from sd.archive.intake.replay import replay_key
from sd.archive.intake.writelock import mark
from sd.archive.intake.writelock import write_lock
from sd.archive.intake.writelock import write_lock_on_workers  # noqa: F401 (transfer)
from sd.archive.intake.writelock import writing_beside_others
from sd.archive.ledger import log_event
from sd.archive.ledger import transition_entry
from sd.archive.numbering import accept_code
from sd.archive.numbering import assign_code
from sd.archive.repository import BlobSinks
from sd.archive.repository import add_component
from sd.archive.repository import create_record
from sd.archive.repository import is_original_package
from sd.archive.repository import record_fields
from sd.archive.search import deferred

ARCHIVED = "archived"


def submit(
    portal,
    kind: str,
    spooled,
    *,
    actor: str,
    idempotency_key: str | None = None,
    declared_digest: str | None = None,
    workdir: str | None = None,
):
    """Run one spooled package through intake (接收一个信息包).

    The package's files are read into ``workdir`` (the caller's, emptied by the caller; the
    spooling directory) or into a temporary directory of their own."""
    if idempotency_key:
        replayed = replay_key(portal, actor, idempotency_key, spooled)
        if replayed is not None:
            return replayed
    work = workdir or tempfile.mkdtemp(prefix="sd-intake-")
    run = IntakeRun(portal, kind, spooled, actor, idempotency_key, BlobSinks(work))
    try:
        return run.submit(declared_digest)
    finally:
        run.sinks.drop()
        if work != workdir:
            shutil.rmtree(work, ignore_errors=True)


@dataclass
class IntakeRun:
    """One submission (一次报送): the request's companions, then what the flow finds out."""

    portal: object
    kind: str
    spooled: object
    actor: str
    idempotency_key: str | None
    sinks: BlobSinks
    package: object = None
    fonds: object = None
    holdings: Holdings | None = None
    report: object = None

    def submit(self, declared_digest: str | None):
        """Read, check the fonds, find a repetition, detect; then reject or accept."""
        portal, spooled = self.portal, self.spooled
        domains.check_interface(self.kind)  # e.g. the archives LAN serves no business system
        # the copy of the package (原始包) and its digests are made on a helper thread while
        # the package is read, checked and stored (spool.py), and waited for only where they
        # are needed: an Idempotency-Key, a repeated 电子文件号, a declared X-Package-SM3, the
        # original package's component, the receipt
        spooled.begin()
        self.package = read_package(
            spooled.readable(), self.kind, limits(), self.sinks, digest=lambda: spooled.sm3
        )
        metadata = self.package.metadata
        fonds = find_fonds(portal, metadata.fonds_code)
        if fonds is None or not getSecurityManager().checkPermission(SUBMIT, fonds):
            raise refused(
                403,
                "Forbidden",
                "this account may not submit to the package's fonds",
                "fonds.mismatch",
                f"全宗号 {metadata.fonds_code!r}: no fonds this account submits to",
                "来源/全宗号",
                "authorization",
            )
        domains.check_record(metadata.kind, fonds)  # 422: not this node's kind or fonds
        write_lock(fonds)  # from here on the snapshot includes every earlier intake
        self.fonds = portal.unrestrictedTraverse(fonds.getPhysicalPath())
        self.holdings = Holdings(self.fonds)
        known = replay_key(portal, self.actor, self.idempotency_key, spooled) or repeated(
            self.holdings, metadata, spooled, portal, self.actor, self.idempotency_key
        )
        if known is not None:
            return known
        self.report = run_detection(
            "archiving", self.package, load_catalogue(), self.holdings.context(declared_digest)
        )
        mark("detect")
        if self.report.result == "failed":
            return self.reject()
        return self.accept()

    def reject(self) -> Rejected:
        """Detection failed; keep only the rejection record (拒收)."""
        problems = self.report.problems()
        error = {
            "type": "DetectionFailed",
            "message": f"{len(problems)} checks failed",
            "errors": [p.as_dict() for p in problems],
        }
        rejection = add_rejection(
            self.portal,
            actor=self.actor,
            kind=self.kind,
            fonds_code=self.fonds.fonds_code,
            package_digest=self.spooled.sm3,
            record_id=self.package.metadata.record_id or "",
            error=error,
        )
        remember_key(
            self.portal,
            self.actor,
            self.idempotency_key,
            self.spooled.sm3,
            rejection=rejection["id"],
        )
        return Rejected(rejection_body(self.portal, rejection))

    def accept(self) -> Created:
        """Store, number, arrange, log (入库、编号、整理、存证)."""
        package, spooled, actor = self.package, self.spooled, self.actor
        # several workers: the text indexes later, in batches (its commit hook goes first)
        text_later = deferred.defer_next(self.fonds._p_jar.db())
        record = self.store()
        if text_later:
            deferred.defer(record)
        if writing_beside_others():  # catalog the record before the ledger's turn: the ledger
            deferred.index_now()  # is one writer at a time until the commit ends
        mark("store")
        # the receipt (回执) is a ledger entry with the package's digest: the archive
        # interface archives its record on receipt, so its one `archive` entry (everything
        # stored, the original package too, with the 元数据.xml digest) is the receipt; a
        # pre-archived record gets a `pre-archive` entry of the package's content, and an
        # `archive` entry when a rule (below) or a reviewer archives it.
        if self.kind == "archive":
            accept_code(record, package.metadata.archival_code)
            mark("number")
            record.arrangement_status = ARCHIVED
            archived = archive_transition(
                record,
                "归档接口 / archive interface",
                package_digest=record.package_sm3,
                metadata_digest=record.metadata_sm3,
                actor=actor,
            )
            receipt = _with_package_digest(archived, record.package_sm3)
            mark("archive")
            status = ARCHIVED
        else:
            receipt = ledger_event("pre-archive", record, actor)
            status = self.arrange(record, receipt)
        body = {
            "@id": record.absolute_url(),
            "UID": record.UID(),
            "status": status,
            "archival_code": record.archival_code or None,
            "electronic_record_id": record.electronic_record_id,
            "detection": answer_detection(record),
            "receipt": receipt,
        }
        if self.kind == "pre-archive":
            body["arrangement"] = dict(record.arrangement)
        record.intake_answer = {key: value for key, value in body.items() if key != "detection"}
        record.reindexObject()
        remember_key(self.portal, actor, self.idempotency_key, spooled.sm3, uid=record.UID())
        mark("answer")
        return Created(body, record.absolute_url())

    def store(self):
        """The record with its components and the original package (入库)."""
        package, spooled = self.package, self.spooled
        components = component_data(package, self.sinks)
        sequence = max([c.sequence for c in components], default=0) + 1
        try:
            record = create_record(self.fonds, record_fields(package.metadata), components)
        finally:
            for c in components:
                if hasattr(c.data, "close"):  # an open file; a blob written while reading has none
                    c.data.close()
        original = original_package(package, spooled, sequence, record)  # copied meanwhile
        try:
            add_component(record, original)
        finally:
            if hasattr(original.data, "close"):  # the whole package's file; a table has none
                original.data.close()
        record.package_sm3 = spooled.sm3
        metadata_file = package.files.get("元数据.xml")
        record.metadata_sm3 = metadata_file.sm3 if metadata_file is not None else ""
        record.intake_kind = self.kind
        record.detection_reports = [self.report.as_dict()]
        return record

    def arrange(self, record, receipt: dict) -> str:
        """A pre-archived record: arranged by the fonds' rules, archived when they decide."""
        decision = arrange(
            facts_of(self.package.metadata), self.holdings.scheme, self.holdings.schedule
        )
        record.arrangement = {
            "status": decision.status,
            "rule_id": decision.rule_id,
            "category": decision.category,
            "retention": decision.retention,
            "org_code": decision.org_code,
            "matched": list(decision.matched),
            "reasons": list(decision.reasons),
            "problems": [p.as_dict() for p in decision.problems],
        }
        record.arrangement_status = decision.status
        if decision.decided:
            assign_code(
                record, decision.category, decision.year, decision.retention, decision.org_code
            )
            archived = archive_transition(
                record, f"自动整理 / arranged by rule {decision.rule_id}".strip(), actor=self.actor
            )
            receipt["archive_entry"] = {
                "ledger_index": archived["ledger_index"],
                "leaf_hash": archived["leaf_hash"],
            }
        return decision.status


def ledger_event(event: str, record, actor: str) -> dict:
    """Log ``event`` for ``record`` in the evidence ledger (the package's content files, with
    the digests of the package and of its 元数据.xml); the receipt part of the answer."""
    content = {
        c.path: c.sm3
        for c in record.objectValues()
        if not is_original_package(c) and getattr(c, "sm3", None)
    }
    package_digest = getattr(record, "package_sm3", "") or ""
    receipt = log_event(
        event,
        record,
        code=record.archival_code or record.electronic_record_id,
        title=record.title,
        content=content,
        metadata_digest=getattr(record, "metadata_sm3", "") or "",
        package_digest=package_digest,
        actor=actor,
    )
    return _with_package_digest(receipt, package_digest)


def _with_package_digest(receipt: dict | None, package_digest: str) -> dict:
    receipt = dict(receipt or {})
    receipt.setdefault("package_digest", {"SM3": package_digest})
    return receipt


def archive_transition(record, comment: str, **entry) -> dict:
    """Move the record to ``archived`` (归档) on behalf of the flow; returns the receipt of
    the ``archive`` entry the evidence subscribers log for it, with ``entry``
    (:class:`sd.archive.ledger.TransitionEntry`'s fields) in it. A transition that logged
    no entry raises: a record and its ledger entry are committed together or not at all."""
    with transition_entry(record, **entry) as logged, api.env.adopt_roles(["Manager"]):
        getToolByName(record, "portal_workflow").doActionFor(record, "archive", comment=comment)
    if logged.receipt is None:
        raise RuntimeError(f"archiving {record.electronic_record_id} logged no ledger entry")
    return logged.receipt
