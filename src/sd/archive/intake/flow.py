"""The intake flow (接收流程): package → detection → repository → ledger, with its answers.

:func:`submit` takes a package already spooled to disk and returns an :class:`Answer` (HTTP
status, JSON body, ``Location``) exactly as ``spec/interfaces.md`` says:

- 400/413 the package cannot be read (``PackageError`` from the reader);
- 403 the package names a fonds the account may not submit to;
- 200 the same package was accepted before (same 电子文件号 and digest, or the same
  ``Idempotency-Key`` and bytes): the first answer again, nothing stored twice;
- 409 the 电子文件号 was accepted with other content, or the key was used for other bytes;
- 422 detection failed: only a rejection record is kept;
- 201 the record is stored with its components and the original package (原始包),
  numbered, moved to ``archived`` when arranged, and logged in the evidence ledger.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

import transaction
from AccessControl import getSecurityManager
from persistent.mapping import PersistentMapping
from plone import api
from Products.CMFCore.utils import getToolByName
from ZODB.POSException import ConflictError

from sd.archive.core.arrangement import arrange
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.packages.reader import read_package
from sd.archive.core.packages.zipsafe import Limits
from sd.archive.ledger import log_event
from sd.archive.ledger import transition_entry
from sd.archive.intake.context import Holdings
from sd.archive.intake.context import facts_of
from sd.archive.intake.rejections import add_rejection
from sd.archive.intake.rejections import get_rejection
from sd.archive.intake.rejections import site_tree
from sd.archive.numbering import accept_code
from sd.archive.numbering import assign_code
from sd.archive.repository import ORIGINAL_PACKAGE_ROLE
from sd.archive.repository import BlobSinks
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component
from sd.archive.repository import create_record
from sd.archive.repository import is_original_package
from sd.archive.txlocks import LOCK_TIMEOUT
from sd.archive.txlocks import named_lock

SUBMIT = "sd.archive: Submit packages"
IDEMPOTENCY_KEY = "sd.archive.intake.idempotency"
ARRANGED = "arranged"
PENDING_REVIEW = "pending_review"
ARCHIVED = "archived"


@dataclass
class Answer:
    """What the REST service sends back."""

    status: int
    body: dict
    location: str | None = None
    headers: dict = field(default_factory=dict)


def error_answer(exc: ArchiveError) -> Answer:
    return Answer(exc.status, exc.as_dict())


def problem_answer(status: int, type_: str, message: str, code: str, detail: str,
                   obj: str = "", prop: str = "") -> Answer:
    return error_answer(ArchiveError(message, [Problem(code, detail, obj, prop)], status, type_))


# --- fonds and permissions -----------------------------------------------------------------

def all_fonds(portal) -> list:
    catalog = api.portal.get_tool("portal_catalog")
    return [b._unrestrictedGetObject() for b in catalog.unrestrictedSearchResults(portal_type="Fonds")]


#: 全宗号 → where its fonds was last found (a hint: checked on every use)
_fonds_paths: dict[tuple[str, str], tuple[str, ...]] = {}


def find_fonds(portal, fonds_code: str | None):
    """The fonds of 全宗号 ``fonds_code``: where it was found last time when it is still
    there with that code, otherwise its catalog entry (never a walk over every fonds)."""
    if not fonds_code:
        return None
    key = ("/".join(portal.getPhysicalPath()), fonds_code)
    path = _fonds_paths.get(key)
    if path is not None:
        fonds = portal.unrestrictedTraverse(path, None)
        if getattr(fonds, "portal_type", None) == "Fonds" and \
                getattr(fonds, "fonds_code", None) == fonds_code:
            return fonds
    catalog = getToolByName(portal, "portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Fonds", fonds_code=fonds_code):
        fonds = brain._unrestrictedGetObject()
        if getattr(fonds, "fonds_code", None) == fonds_code:
            _fonds_paths[key] = fonds.getPhysicalPath()
            return fonds
    _fonds_paths.pop(key, None)
    return None


#: (site, account) → the fonds where the account could submit last time (a hint: the
#: permission is checked on every request)
_submit_hints: dict[tuple[str, str], tuple[str, ...]] = {}


def may_submit_somewhere(portal) -> bool:
    """Managers and accounts holding Submitter on at least one fonds (报送服务账号). The fonds
    that said yes last time is asked first, before every fonds is looked at."""
    security = getSecurityManager()
    if security.checkPermission(SUBMIT, portal):
        return True
    key = ("/".join(portal.getPhysicalPath()), security.getUser().getId())
    hint = _submit_hints.get(key)
    if hint is not None:
        fonds = portal.unrestrictedTraverse(hint, None)
        if getattr(fonds, "portal_type", None) == "Fonds" and security.checkPermission(SUBMIT, fonds):
            return True
    for fonds in all_fonds(portal):
        if security.checkPermission(SUBMIT, fonds):
            _submit_hints[key] = fonds.getPhysicalPath()
            return True
    _submit_hints.pop(key, None)
    return False


# --- idempotency -----------------------------------------------------------------------------

def _idempotency(portal, create=False):
    return site_tree(portal, IDEMPOTENCY_KEY, create)


def _remember_key(portal, actor: str, key: str | None, digest: str, **answer):
    if key:
        _idempotency(portal, create=True)[(actor, key)] = PersistentMapping(digest=digest, **answer)


def replay_key(portal, actor: str, key: str | None, spooled) -> Answer | None:
    """The first answer for the same Idempotency-Key and bytes; 409 for other bytes.

    The package digest (``spooled.sm3``, made beside the request) is waited for only when
    the key was seen before."""
    tree = _idempotency(portal)
    entry = tree.get((actor, key)) if (key and tree is not None) else None
    if entry is None:
        return None
    if entry["digest"] != spooled.sm3:
        return problem_answer(409, "Conflict", "the Idempotency-Key was used for another package",
                              "idempotency.key-reused",
                              f"key {key!r} was first used for a package with SM3 {entry['digest']}",
                              key, "request")
    if entry.get("rejection"):
        rejection = get_rejection(portal, entry["rejection"])
        return Answer(422, rejection_body(portal, rejection))
    record = _unrestricted_record(entry.get("uid"))
    if record is None:
        return None
    return first_answer(record)


#: the detection part of a 201 answer, taken from the stored report (not stored twice)
ANSWER_DETECTION = ("stage", "result", "catalogue_version", "items")


def answer_detection(record) -> dict | None:
    """The detection part of an intake answer: from the record's archiving report."""
    reports = getattr(record, "detection_reports", None) or []
    return {key: reports[0][key] for key in ANSWER_DETECTION} if reports else None


def first_answer(record) -> Answer:
    """200 with the body of the record's first (201) answer: what the record keeps of it,
    plus the detection part from its archiving report."""
    body = dict(record.intake_answer)
    if "detection" not in body:  # older records kept it in the answer itself
        body["detection"] = answer_detection(record)
    return Answer(200, body, body.get("@id"))


def _unrestricted_record(uid):
    if not uid:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(UID=uid)
    return found[0]._unrestrictedGetObject() if found else None


def repeated(holdings, metadata, spooled, portal, actor, idempotency_key) -> Answer | None:
    """200 for the same 电子文件号 with the same package digest, 409 for other content."""
    known = holdings.record(metadata.record_id)
    if known is None:
        return None
    if getattr(known, "package_sm3", None) == spooled.sm3:
        _remember_key(portal, actor, idempotency_key, spooled.sm3, uid=known.UID())
        return first_answer(known)
    return problem_answer(
        409, "Conflict", "this 电子文件号 was already accepted with other content",
        "record.duplicate-id", f"电子文件号 {metadata.record_id} is {known.absolute_url()}",
        metadata.record_id or "", "integrity")


def rejection_body(portal, rejection: dict) -> dict:
    return {
        "type": rejection["type"],
        "message": rejection["message"],
        "errors": rejection["errors"],
        "rejection": {"@id": f"{portal.absolute_url()}/@rejections/{rejection['id']}",
                      "id": rejection["id"]},
    }


# --- metadata → record fields ------------------------------------------------------------

def _date(value: str | None):
    try:
        return date.fromisoformat(value.strip()[:10]) if value else None
    except ValueError:
        return None


def _datetime(value: str | None):
    try:
        return datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def _int(value):
    return int(value) if value is not None and str(value).strip().isdigit() else None


def record_fields(metadata) -> dict:
    """The record's fields from 元数据.xml (DA/T 46 element → schema field)."""
    m = metadata
    values = {
        "title": m.title,
        "description": m.abstract or "",
        "record_kind": m.kind,
        "electronic_record_id": m.record_id,
        "aggregation_level": m.aggregation_level,
        "agency_name": m.agency,
        "document_number": m.doc_number,
        "author": m.author,
        "document_date": _date(m.date),
        "document_type": m.doc_type,
        "security_level": m.security,
        "open_status": m.open_status or None,
        "pages": m.pages_int,
        "keywords": m.keyword_list,
        "abstract": m.abstract,
        "fonds_code": m.fonds_code,
        "year": m.year_int,
        "process_history": [
            {"sequence": _int(s.seq) or n, "activity": s.action or "", "time": s.time or "",
             "agent": s.agent or "", "department": s.department or "",
             "description": s.description or ""}
            for n, s in enumerate(m.process or [], 1)
        ],
    }
    service = m.government_service
    if service is not None:
        values.update({
            "service_item_name": service.item_name,
            "service_item_code": service.item_code,
            "case_number": service.case_number,
            "applicant_name": service.applicant,
            "accepting_department": service.department,
            "accepted_at": _datetime(service.accepted_at),
            "completed_at": _datetime(service.completed_at),
            "handling_result": service.result,
        })
    return {k: v for k, v in values.items() if v is not None}


def component_data(package, sinks: BlobSinks | None = None) -> list[ComponentData]:
    """The record's files as listed in 元数据.xml: the blobs they were read into (``sinks``),
    else each opened from its temporary copy."""
    found = []
    for n, component in enumerate(package.metadata.components, 1):
        stored = package.files[component.path]
        name = os.path.basename(component.path)
        blob = sinks.blob(stored.location) if sinks is not None else None
        if blob is None:  # not read into a blob: the new blob consumes the temporary copy
            blob = open(stored.location, "rb")  # noqa: SIM115
        found.append(ComponentData(
            filename=name,
            data=blob,
            role=component.role or "其他",
            sequence=_int(component.seq) or n,
            path=component.path,
            format_name=component.format or "",
            content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            sm3=stored.sm3,
            sha256=stored.sha256,
            size=stored.size,
            unsigned=stored.pdf_signature is False and not stored.head.startswith(b"PK"),
        ))
    return found


def original_package(package, spooled, sequence: int) -> ComponentData:
    """The package as received (原始包), kept beside the components."""
    eep = package.source_format == "eep"
    name = f"{package.metadata.record_id or 'package'}.{'eep' if eep else 'zip'}"
    sha256 = spooled.sha256
    return ComponentData(
        filename=name,
        data=open(spooled.file(), "rb"),  # noqa: SIM115 - the blob consumes the file
        role=ORIGINAL_PACKAGE_ROLE,
        sequence=sequence,
        path=name,
        format_name="EEP" if eep else "ZIP",
        content_type="application/xml" if eep else "application/zip",
        sm3=spooled.sm3,
        sha256=sha256,
        size=spooled.size,
    )


# --- the flow ---------------------------------------------------------------------------------

def limits() -> Limits:
    return Limits(max_total_size=max_package_bytes())


def max_package_bytes() -> int:
    return api.portal.get_registry_record("sd.archive.settings.max_package_bytes",
                                          default=4 * 1024**3)


def submit(portal, kind: str, spooled, *, actor: str, idempotency_key: str | None = None,
           declared_digest: str | None = None, workdir: str | None = None) -> Answer:
    """Run one spooled package through intake (接收一个信息包).

    The package's files are read into ``workdir`` (the caller's, emptied by the caller; the
    spooling directory) or into a temporary directory of their own."""
    if idempotency_key:
        replayed = replay_key(portal, actor, idempotency_key, spooled)
        if replayed is not None:
            return replayed
    work = workdir or tempfile.mkdtemp(prefix="sd-intake-")
    sinks = BlobSinks(work)
    try:
        # the copy of the package (原始包) and its digests are made on a helper thread while
        # the package is read, checked and stored (spool.py), and waited for only where they
        # are needed: an Idempotency-Key, a repeated 电子文件号, a declared X-Package-SM3, the
        # original package's component, the receipt
        spooled.begin()
        try:
            package = read_package(spooled.readable(), kind, limits(), sinks,
                                   digest=lambda: spooled.sm3)
        except ArchiveError as exc:
            return error_answer(exc)
        metadata = package.metadata
        fonds = find_fonds(portal, metadata.fonds_code)
        if fonds is None or not getSecurityManager().checkPermission(SUBMIT, fonds):
            return problem_answer(
                403, "Forbidden", "this account may not submit to the package's fonds",
                "fonds.mismatch",
                f"全宗号 {metadata.fonds_code!r}: no fonds this account submits to",
                "来源/全宗号", "authorization")
        write_lock(fonds)  # from here on the snapshot includes every earlier intake
        fonds = portal.unrestrictedTraverse(fonds.getPhysicalPath())
        holdings = Holdings(fonds)
        known = replay_key(portal, actor, idempotency_key, spooled) or \
            repeated(holdings, metadata, spooled, portal, actor, idempotency_key)
        if known is not None:
            return known
        report = run_detection("archiving", package, load_catalogue(),
                               holdings.context(declared_digest))
        if report.result == "failed":
            return reject(portal, kind, fonds, package, spooled, report, actor, idempotency_key)
        return accept(portal, kind, fonds, holdings, package, spooled, report, actor,
                      idempotency_key, sinks)
    finally:
        sinks.drop()
        if work != workdir:
            shutil.rmtree(work, ignore_errors=True)


def write_lock(fonds) -> None:
    """Serialise the write phase of intake per fonds in this process (写入串行化).

    Reading and detection run in parallel; writing a record touches objects every intake of
    the fonds shares (the fonds itself, catalog buckets), so concurrent writers would end in
    ConflictErrors. The lock is taken before a fresh snapshot is started (nothing has been
    written yet, so dropping the read snapshot loses nothing) and released when the
    transaction ends: the next writer then sees everything the previous one committed.
    Across processes (ZEO/RelStorage) the publisher's retry remains the safety net.
    """
    lock = named_lock(("sd.archive.intake", "/".join(fonds.getPhysicalPath())))
    if not lock.acquire(timeout=LOCK_TIMEOUT):
        raise ConflictError(f"intake of {fonds.fonds_code} busy")
    released = threading.Event()

    def release(*_args):
        if not released.is_set():
            released.set()
            lock.release()

    try:
        old = transaction.get()
        user, note = old.user, old.description
        transaction.abort()
        txn = transaction.get()
        txn.user, txn.description = user, note
        txn.addAfterCommitHook(release)
        txn.addAfterAbortHook(release)
    except BaseException:
        release()
        raise


def reject(portal, kind, fonds, package, spooled, report, actor, idempotency_key) -> Answer:
    """422: detection failed; keep only the rejection record (拒收)."""
    problems = report.problems()
    error = {"type": "DetectionFailed", "message": f"{len(problems)} checks failed",
             "errors": [p.as_dict() for p in problems]}
    rejection = add_rejection(portal, actor=actor, kind=kind, fonds_code=fonds.fonds_code,
                              package_digest=spooled.sm3,
                              record_id=package.metadata.record_id or "", error=error)
    _remember_key(portal, actor, idempotency_key, spooled.sm3, rejection=rejection["id"])
    return Answer(422, rejection_body(portal, rejection))


def ledger_event(event: str, record, actor: str) -> dict:
    """Log ``event`` for ``record`` in the evidence ledger (the package's content files, with
    the digests of the package and of its 元数据.xml); the receipt part of the answer."""
    content = {c.path: c.sm3 for c in record.objectValues()
               if not is_original_package(c) and getattr(c, "sm3", None)}
    package_digest = getattr(record, "package_sm3", "") or ""
    receipt = log_event(
        event, record,
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


def accept(portal, kind, fonds, holdings, package, spooled, report, actor,
           idempotency_key, sinks: BlobSinks | None = None) -> Answer:
    """201: store, number, arrange, log (入库、编号、整理、存证)."""
    metadata = package.metadata
    components = component_data(package, sinks)
    sequence = max([c.sequence for c in components], default=0) + 1
    try:
        record = create_record(fonds, record_fields(metadata), components)
    finally:
        for c in components:
            if hasattr(c.data, "close"):  # an open file; a blob written while reading has none
                c.data.close()
    original = original_package(package, spooled, sequence)  # copied and digested meanwhile
    try:
        add_component(record, original)
    finally:
        original.data.close()
    record.package_sm3 = spooled.sm3
    metadata_file = package.files.get("元数据.xml")
    record.metadata_sm3 = metadata_file.sm3 if metadata_file is not None else ""
    record.intake_kind = kind
    record.detection_reports = [report.as_dict()]
    # the receipt (回执) is a ledger entry with the package's digest: the archive interface
    # archives its record on receipt, so its one `archive` entry (everything stored, the
    # original package too, with the 元数据.xml digest) is the receipt; a pre-archived record
    # gets a `pre-archive` entry of the package's content, and an `archive` entry when a rule
    # (below) or a reviewer archives it.
    if kind == "archive":
        accept_code(record, metadata.archival_code)
        record.arrangement_status = ARCHIVED
        archived = archive_transition(record, "归档接口 / archive interface",
                                      package_digest=record.package_sm3,
                                      metadata_digest=record.metadata_sm3, actor=actor)
        receipt = _with_package_digest(archived, record.package_sm3)
        status = ARCHIVED
    else:
        receipt = ledger_event("pre-archive", record, actor)
        decision = arrange(facts_of(metadata), holdings.scheme, holdings.schedule)
        record.arrangement = {
            "status": decision.status, "rule_id": decision.rule_id,
            "category": decision.category, "retention": decision.retention,
            "org_code": decision.org_code, "matched": list(decision.matched),
            "reasons": list(decision.reasons),
            "problems": [p.as_dict() for p in decision.problems],
        }
        record.arrangement_status = decision.status
        if decision.decided:
            assign_code(record, decision.category, decision.year, decision.retention,
                        decision.org_code)
            archived = archive_transition(
                record, f"自动整理 / arranged by rule {decision.rule_id}".strip(), actor=actor)
            receipt["archive_entry"] = {"ledger_index": archived["ledger_index"],
                                        "leaf_hash": archived["leaf_hash"]}
        status = decision.status
    body = {
        "@id": record.absolute_url(),
        "UID": record.UID(),
        "status": status,
        "archival_code": record.archival_code or None,
        "electronic_record_id": record.electronic_record_id,
        "detection": answer_detection(record),
        "receipt": receipt,
    }
    if kind == "pre-archive":
        body["arrangement"] = dict(record.arrangement)
    record.intake_answer = {key: value for key, value in body.items() if key != "detection"}
    record.reindexObject()
    _remember_key(portal, actor, idempotency_key, spooled.sm3, uid=record.UID())
    return Answer(201, body, record.absolute_url())
