"""Receiving a transfer package (移交接收): package checks, then the batch.

:func:`receive_package` takes a package spooled under the transfer area and ends with an
outcome (``sd.archive.intake.outcomes``) or raises an ``ArchiveError``; the service answers
them as ``spec/interfaces.md`` says:

- the package cannot be read (``PackageError`` from the core reader, 400/413);
- the account may not transfer into the package's fonds (403);
- ``Repeated``: the same package (same SM3) was received before: that batch again (200);
- ``Rejected``: the package-level checks failed (counts, control files, structure): nothing
  is stored but the rejection record (with every failed item, package and record level, 422);
- ``Created`` (processed now, 201) or ``Started`` (processed in the background, 202): a
  :class:`TransferBatch` in the archives' fonds (created when missing) with per-record
  results.

The records themselves are checked and stored by :mod:`.records` (``process``).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime

import transaction
from Acquisition import aq_parent
from persistent.mapping import PersistentMapping
from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent

from sd.archive import domains
from sd.archive import logger
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package
from sd.archive.intake.flow import write_lock_on_workers
from sd.archive.intake.fonds import SUBMIT
from sd.archive.intake.fonds import find_fonds
from sd.archive.intake.limits import limits
from sd.archive.intake.outcomes import Created
from sd.archive.intake.outcomes import Outcome
from sd.archive.intake.outcomes import Rejected
from sd.archive.intake.outcomes import Repeated
from sd.archive.intake.outcomes import Started
from sd.archive.intake.outcomes import refused
from sd.archive.intake.outcomes import rejection_body
from sd.archive.intake.rejections import add_rejection
from sd.archive.sitedata import site_tree
from sd.archive.transfer import batch as state
from sd.archive.transfer import spool
from sd.archive.transfer import worker
from sd.archive.transfer.records import detection_context
from sd.archive.transfer.records import process
from sd.archive.transfer.records import remove_files
from sd.archive.transfer.serialize import batch_body

PACKAGES_KEY = "sd.archive.transfer.packages"
#: batches up to this many records are processed within the request (201), bigger ones in
#: the background (202); ``Prefer: respond-async`` / ``Prefer: wait`` choose explicitly
SYNC_RECORDS = 50


# --- fonds of the package -------------------------------------------------------------------


def package_fonds_code(package) -> str:
    """全宗号 of a transfer package: the first folder level, else the catalogue's 档号."""
    for folder in package.folders:
        if "/" in folder:
            return folder.split("/", 1)[0]
    for row in package.catalogue:
        if row.archival_code:
            return row.archival_code.split("-", 1)[0]
    return ""


def ensure_fonds(portal, code: str, agency: str):
    """The archives' fonds of ``code`` (same code under the site), created when missing."""
    fonds = find_fonds(portal, code)
    if fonds is not None:
        return fonds
    with api.env.adopt_roles(["Manager"]):
        fonds = api.content.create(
            container=portal,
            type="Fonds",
            id=code.lower(),
            title=f"{code} {agency}".strip(),
            fonds_code=code,
            agency_name=agency or code,
        )
    logger.info("created fonds %s for a transfer", code)
    return fonds


RECEIVE = "sd.archive: Receive records"  # the archivist's permission (接收进馆)


def may_transfer(portal, fonds, carrier: str = "online") -> bool:
    """The account submits to the fonds; or, for an offline carrier (离线移交), an archivist
    who receives records for the archives enters the package on the records room's behalf."""
    if carrier == "offline" and api.user.has_permission(RECEIVE, obj=portal):
        return True
    target = fonds if fonds is not None else portal
    return bool(api.user.has_permission(SUBMIT, obj=target))


# --- package checks ----------------------------------------------------------------------


def reject_package(portal, fonds_code, spooled, package, package_report, actor) -> Rejected:
    """The package-level checks failed; report every failed item, package and records."""
    problems = list(package_report.problems())
    if fonds_code:
        fonds = find_fonds(portal, fonds_code)
        context = detection_context(fonds) if fonds is not None else None
    else:
        context = None
    catalogue = load_catalogue()
    for record in package.records():
        problems.extend(run_detection("transfer", record, catalogue, context).problems())
        remove_files(record)
    error = {
        "type": "DetectionFailed",
        "message": f"{len(problems)} checks failed",
        "errors": [p.as_dict() for p in problems],
    }
    rejection = add_rejection(
        portal,
        actor=actor,
        kind="transfer",
        fonds_code=fonds_code,
        package_digest=spooled.sm3,
        record_id="",
        error=error,
    )
    return Rejected(rejection_body(portal, rejection))


# --- POST @transfer -------------------------------------------------------------------------


def known_batch(portal, sm3: str):
    tree = site_tree(portal, PACKAGES_KEY)
    uid = tree.get(sm3) if tree is not None else None
    return api.content.get(UID=uid) if uid else None


def receive_package(
    portal,
    area,
    spooled,
    *,
    actor: str,
    sender_node: str = "",
    sender_receipt: str = "",
    receipt_to: str = "",
    mode: str = "auto",
    carrier: str = "online",
) -> Outcome:
    """Check a spooled transfer package and open its batch (接收移交包); ``carrier`` is
    ``offline`` for a package an archivist uploads from a carrier (离线载体)."""
    domains.check_interface("transfer")
    existing = known_batch(portal, spooled.sm3)
    if existing is not None:
        return Repeated(batch_body(existing), existing.absolute_url())
    with opened(spooled) as package:
        code = package_fonds_code(package)
        fonds = find_fonds(portal, code)
        if not code or not may_transfer(portal, fonds, carrier):
            raise refused(
                403,
                "Forbidden",
                "this account may not transfer into the package's fonds",
                "fonds.mismatch",
                f"全宗号 {code!r}: no fonds this account transfers to",
                "全宗号",
                "authorization",
            )
        domains.check_fonds(fonds)  # 422: a fonds this node may not hold
        package_report = run_detection(
            "transfer", package, load_catalogue(), detection_context(fonds)
        )
        if package_report.result == "failed":
            return reject_package(portal, code, spooled, package, package_report, actor)
        description = dict(package.description)
        facts = {
            "fonds_code": code,
            "package_sm3": spooled.sm3,
            "package_size": spooled.size,
            "manifest_sm3": _manifest_digest(package),
            "record_count": len(package.catalogue) or package.record_count,
            "folder_count": package.record_count,
            "data_bytes": package.total_size,
            "description": description,
            "package_report": package_report.as_dict(),
            "sender_receipt": sender_receipt,
            "sender_node": sender_node,
            "receipt_to": receipt_to if receipt_to.startswith(("http://", "https://")) else "",
            "received_by": actor,
            "carrier": carrier,
        }
        manual = [(i.code, i.property, i.title_zh, i.title_en) for i in _manual_catalogue_items()]
        if fonds is not None:
            write_lock_on_workers(fonds)  # several workers: the batch waits for their intake
        fonds = fonds or ensure_fonds(portal, code, description.get("移交单位", ""))
        batch = open_batch(portal, fonds, area, facts, manual, actor)
    return run_batch(batch, facts["record_count"], mode)


@contextmanager
def opened(spooled):
    """The package read into a scratch directory that is removed afterwards; a
    ``PackageError`` (400/413) when it cannot be read.

    Every record file is inflated once here (``check_entries``): an entry that lies about its
    size or is corrupt refuses the package before its batch exists, instead of failing the
    batch half-way through its records."""
    work = tempfile.mkdtemp(prefix="sd-transfer-check-")
    try:
        package = read_package(
            spooled.path, "transfer", limits(), TempDirSinks(work), digest=spooled.sm3
        )
        with package:
            package.check_entries()
            yield package
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_batch(batch, count: int, mode: str) -> Created | Started:
    """Commit the opened (or reopened) batch, then process it now (``Created``) or in the
    background (``Started``: big batches or ``Prefer: respond-async``)."""
    transaction.commit()  # the batch exists whatever happens to its records, and the worker's
    # connection must see it
    if mode == "async" or (mode == "auto" and count > SYNC_RECORDS):
        worker.start(batch)
        return Started(batch_body(batch), batch.absolute_url())
    process(batch)
    return Created(batch_body(batch), batch.absolute_url())


def resubmit_package(
    portal, batch, area, spooled, *, actor: str, sender_receipt: str = "", mode: str = "auto"
) -> Outcome:
    """A corrected package for a returned batch (重新移交): check it, then process only the
    records the batch still lacks.

    A record of the corrected package takes the place of the returned record with the same
    档号; a record the batch already received is not stored twice (it is skipped and listed);
    any other record is added to the batch. The earlier package is kept beside the new one
    until acceptance, and the receipt then covers every package of the batch.
    """
    existing = known_batch(portal, spooled.sm3)
    if existing is not None:
        return Repeated(batch_body(existing), existing.absolute_url())
    if api.content.get_state(batch) != "returned":
        raise refused(
            409,
            "Conflict",
            "only a returned batch takes a corrected package",
            "transfer.not-returned",
            f"the batch is {api.content.get_state(batch)}",
            batch.getId(),
            "state",
        )
    fonds = aq_parent(batch)
    with opened(spooled) as package:
        code = package_fonds_code(package)
        if code != batch.fonds_code:
            raise refused(
                422,
                "DetectionFailed",
                "the corrected package is for another fonds",
                "transfer.fonds-mismatch",
                f"全宗号 {code!r} is not the batch's {batch.fonds_code}",
                "全宗号",
                "authenticity",
            )
        report = run_detection("transfer", package, load_catalogue(), detection_context(fonds))
        if report.result == "failed":
            return reject_package(portal, code, spooled, package, report, actor)
        codes = package.record_codes()
        manifest = _manifest_digest(package)
        count = len(package.catalogue) or package.record_count
    keys, skipped = resubmission_keys(batch, codes)
    round_no = state.current_round(batch) + 1
    with api.env.adopt_roles(["Manager"]):
        spool.set_aside(batch.token, round_no - 1)
        spool.adopt(area, batch.token)
        batch.round_keys = PersistentMapping(keys)
        rounds = list(batch.facts.get("rounds", ()))
        rounds.append(
            {
                "round": round_no,
                "package_sm3": spooled.sm3,
                "package_size": spooled.size,
                "manifest_sm3": manifest,
                "record_count": count,
                "sender_receipt": sender_receipt,
                "received_by": actor,
                "skipped_received": skipped,
                "time": datetime.now().astimezone().isoformat(),
            }
        )
        batch.facts["rounds"] = rounds
        batch.progress.update(
            round=round_no,
            cursor=1,
            finished=None,
            worker=None,
            error=None,
            total=len(set(batch.results.keys()) | {k for k in keys.values() if k}),
        )
        for item in batch.manual.values():  # a failed hand-over is done again for the correction
            if item["outcome"] == "failed":
                item.update(outcome="manual", by=None, time=None)
        api.content.transition(
            obj=batch,
            transition="resubmit",
            comment=f"重新移交第{round_no}轮 / corrected package, round {round_no}",
        )
        api.content.transition(obj=batch, transition="check", comment="开始检测 / checks started")
    site_tree(portal, PACKAGES_KEY, create=True)[spooled.sm3] = batch.UID()
    batch.reindexObject()
    return run_batch(batch, count, mode)


def resubmission_keys(batch, codes: list[str]) -> tuple[dict[int, int | None], list[str]]:
    """{position in the corrected package: result key}: the returned record's key for its
    档号, None for a record already received (skipped), a new key for any other record."""
    by_code = {r["archival_code"]: r for r in state.results(batch)}
    next_key = max(batch.results.keys(), default=0) + 1
    keys, skipped = {}, []
    for position, code in enumerate(codes, 1):
        earlier = by_code.get(code)
        if earlier is not None and earlier["outcome"] == state.RECEIVED:
            keys[position] = None
            skipped.append(code)
        elif earlier is not None:
            keys[position] = earlier["sequence"]
        else:
            keys[position], next_key = next_key, next_key + 1
    return keys, skipped


def _manifest_digest(package) -> str:
    manifest = package.files.get("manifest-sm3.txt") or package.files.get("manifest-sha256.txt")
    return manifest.sm3 if manifest is not None else ""


def _manual_catalogue_items():
    catalogue = load_catalogue()
    items = [i for i in catalogue.for_stage("transfer", ("package",)) if i.executor == "manual"]
    return [*items, _Handover()]


class _Handover:
    code, property, title_zh, title_en = state.HANDOVER


def open_batch(portal, fonds, area, facts: dict, manual, actor: str):
    """Create the batch in the fonds, move the package under it, submit and start checking."""
    token = f"transfer-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    description = facts["description"]
    with api.env.adopt_roles(["Manager"]):
        batch = createContent(
            "TransferBatch",
            title=f"移交 {facts['fonds_code']} {description.get('内容描述', '')}".strip(),
            direction="incoming",
            fonds_code=facts["fonds_code"],
            transferring_unit=description.get("移交单位", ""),
            content_description=description.get("内容描述", ""),
            sender_node=facts.get("sender_node") or None,
        )
        batch.id = token
        # a fonds holds dossiers and records; its batches are added past the type constraint
        batch = addContentToContainer(fonds, batch, checkConstraints=False)
        batch.token = token
        state.init_state(batch, facts, manual)
        spool.adopt(area, token)
        api.content.transition(
            obj=batch, transition="submit", comment="移交包已接收 / package received"
        )
        api.content.transition(obj=batch, transition="check", comment="开始检测 / checks started")
    batch.changeOwnership(api.user.get(userid=actor) or api.user.get_current())
    site_tree(portal, PACKAGES_KEY, create=True)[facts["package_sm3"]] = batch.UID()
    batch.reindexObject()
    return batch
