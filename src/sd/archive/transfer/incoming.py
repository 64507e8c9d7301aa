"""Receiving a transfer package (移交接收): package checks, then record by record.

:func:`receive_package` takes a package spooled under the transfer area and answers as
``spec/interfaces.md`` says:

- 400/413 the package cannot be read (``PackageError`` from the core reader);
- 403 the account may not transfer into the package's fonds;
- 200 the same package (same SM3) was received before: that batch again;
- 422 the package-level checks failed (counts, control files, structure): nothing is stored
  but the rejection record (with every failed item, package and record level);
- 201 (processed now) or 202 (processed in the background): a :class:`TransferBatch` in the
  archives' fonds (created when missing) with per-record results.

:func:`process` runs the records: transfer-stage detection (YJ items, the core), the check
against the sender's ledger when the sender is an admitted node (:mod:`.sender`), then the
record is stored (``sd.archive.repository``), keeps its archival code (``numbering``), arrives
``transferred`` and is moved by the ``receive`` transition to ``received`` (the evidence
subscribers log ``receive``, preservation writes its AIP). A failed record leaves only its
result. Records are stored in groups (one transaction for ``group_size()`` records, the
batch's cursor moving in the same transaction), so a crash resumes exactly after the last
stored group; a record that cannot be stored sends its group back to one record per
transaction, so it stays isolated.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime

import transaction
from Acquisition import aq_parent
from DateTime import DateTime
from persistent.mapping import PersistentMapping
from plone import api
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from ZODB.POSException import ConflictError

from sd.archive import logger
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.packages.readahead import ReadAhead
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package
from sd.archive.intake import flow
from sd.archive.intake.context import Holdings
from sd.archive.intake.rejections import add_rejection
from sd.archive.intake.rejections import site_tree
from sd.archive.numbering import accept_code
from sd.archive.repository import create_record
from sd.archive.transfer import batch as state
from sd.archive.transfer import spool
from sd.archive.transfer.sender import SenderLedger

PACKAGES_KEY = "sd.archive.transfer.packages"
RECORD_WORKFLOW = "sd_record_workflow"
RETRIES = 3
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
    fonds = flow.find_fonds(portal, code)
    if fonds is not None:
        return fonds
    with api.env.adopt_roles(["Manager"]):
        fonds = api.content.create(container=portal, type="Fonds", id=code.lower(),
                                   title=f"{code} {agency}".strip(), fonds_code=code,
                                   agency_name=agency or code)
    logger.info("created fonds %s for a transfer", code)
    return fonds


def may_transfer(portal, fonds) -> bool:
    target = fonds if fonds is not None else portal
    return bool(api.user.has_permission(flow.SUBMIT, obj=target))


# --- detection context ------------------------------------------------------------------

def detection_context(fonds):
    from sd.archive.seals import signature_verifier

    context = Holdings(fonds).context()
    context.signature_verifier = signature_verifier
    return context


def failed_answer(portal, fonds_code, spooled, package, package_report, actor) -> flow.Answer:
    """422: the package-level checks failed; report every failed item, package and records."""
    problems = list(package_report.problems())
    if fonds_code:
        fonds = flow.find_fonds(portal, fonds_code)
        context = detection_context(fonds) if fonds is not None else None
    else:
        context = None
    catalogue = load_catalogue()
    for record in package.records():
        problems.extend(run_detection("transfer", record, catalogue, context).problems())
        remove_files(record)
    error = {"type": "DetectionFailed", "message": f"{len(problems)} checks failed",
             "errors": [p.as_dict() for p in problems]}
    rejection = add_rejection(portal, actor=actor, kind="transfer", fonds_code=fonds_code,
                              package_digest=spooled.sm3, record_id="", error=error)
    return flow.Answer(422, flow.rejection_body(portal, rejection))


def remove_files(record) -> None:
    """Drop the temporary copies of one record's files (the package stays spooled)."""
    for described in record.files.values():
        if described.location:
            try:
                os.unlink(described.location)
            except OSError:
                pass


# --- POST @transfer -------------------------------------------------------------------------

def known_batch(portal, sm3: str):
    tree = site_tree(portal, PACKAGES_KEY)
    uid = tree.get(sm3) if tree is not None else None
    return api.content.get(UID=uid) if uid else None


def receive_package(portal, area, spooled, *, actor: str, sender_node: str = "",
                    sender_receipt: str = "", receipt_to: str = "",
                    mode: str = "auto") -> flow.Answer:
    """Check a spooled transfer package and open its batch (接收移交包)."""
    from sd.archive.transfer.serialize import batch_body

    existing = known_batch(portal, spooled.sm3)
    if existing is not None:
        return flow.Answer(200, batch_body(existing), existing.absolute_url())
    with opened(spooled) as (package, refused):
        if refused is not None:
            return refused
        code = package_fonds_code(package)
        fonds = flow.find_fonds(portal, code)
        if not code or not may_transfer(portal, fonds):
            return flow.problem_answer(
                403, "Forbidden", "this account may not transfer into the package's fonds",
                "fonds.mismatch", f"全宗号 {code!r}: no fonds this account transfers to",
                "全宗号", "authorization")
        context = detection_context(fonds) if fonds is not None else None
        package_report = run_detection("transfer", package, load_catalogue(), context)
        if package_report.result == "failed":
            return failed_answer(portal, code, spooled, package, package_report, actor)
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
        }
        manual = [(i.code, i.property, i.title_zh, i.title_en)
                  for i in _manual_catalogue_items()]
        fonds = fonds or ensure_fonds(portal, code, description.get("移交单位", ""))
        batch = open_batch(portal, fonds, area, facts, manual, actor)
    return run_batch(batch, facts["record_count"], mode)


@contextmanager
def opened(spooled):
    """``(package, None)`` read into a scratch directory that is removed afterwards, or
    ``(None, answer)`` with the 400/413 answer when the package cannot be read.

    Every record file is inflated once here (``check_entries``): an entry that lies about its
    size or is corrupt refuses the package before its batch exists, instead of failing the
    batch half-way through its records."""
    work = tempfile.mkdtemp(prefix="sd-transfer-check-")
    try:
        try:
            package = read_package(spooled.path, "transfer", flow.limits(), TempDirSinks(work),
                                   digest=spooled.sm3)
        except ArchiveError as exc:
            yield None, flow.error_answer(exc)
            return
        with package:
            try:
                package.check_entries()
            except ArchiveError as exc:
                yield None, flow.error_answer(exc)
                return
            yield package, None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_batch(batch, count: int, mode: str) -> flow.Answer:
    """Commit the opened (or reopened) batch, then process it now (201) or in the
    background (202, big batches or ``Prefer: respond-async``)."""
    from sd.archive.transfer.serialize import batch_body

    transaction.commit()  # the batch exists whatever happens to its records, and the worker's
    # connection must see it
    if mode == "async" or (mode == "auto" and count > SYNC_RECORDS):
        from sd.archive.transfer import worker

        worker.start(batch)
        return flow.Answer(202, batch_body(batch), batch.absolute_url())
    process(batch)
    return flow.Answer(201, batch_body(batch), batch.absolute_url())


def resubmit_package(portal, batch, area, spooled, *, actor: str, sender_receipt: str = "",
                     mode: str = "auto") -> flow.Answer:
    """A corrected package for a returned batch (重新移交): check it, then process only the
    records the batch still lacks.

    A record of the corrected package takes the place of the returned record with the same
    档号; a record the batch already received is not stored twice (it is skipped and listed);
    any other record is added to the batch. The earlier package is kept beside the new one
    until acceptance, and the receipt then covers every package of the batch.
    """
    from sd.archive.transfer.serialize import batch_body

    existing = known_batch(portal, spooled.sm3)
    if existing is not None:
        return flow.Answer(200, batch_body(existing), existing.absolute_url())
    if api.content.get_state(batch) != "returned":
        return flow.problem_answer(409, "Conflict", "only a returned batch takes a corrected package",
                                   "transfer.not-returned", f"the batch is {api.content.get_state(batch)}",
                                   batch.getId(), "state")
    fonds = aq_parent(batch)
    with opened(spooled) as (package, refused):
        if refused is not None:
            return refused
        code = package_fonds_code(package)
        if code != batch.fonds_code:
            return flow.problem_answer(
                422, "DetectionFailed", "the corrected package is for another fonds",
                "transfer.fonds-mismatch", f"全宗号 {code!r} is not the batch's {batch.fonds_code}",
                "全宗号", "authenticity")
        report = run_detection("transfer", package, load_catalogue(), detection_context(fonds))
        if report.result == "failed":
            return failed_answer(portal, code, spooled, package, report, actor)
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
        rounds.append({"round": round_no, "package_sm3": spooled.sm3, "package_size": spooled.size,
                       "manifest_sm3": manifest, "record_count": count,
                       "sender_receipt": sender_receipt, "received_by": actor,
                       "skipped_received": skipped, "time": datetime.now().astimezone().isoformat()})
        batch.facts["rounds"] = rounds
        batch.progress.update(round=round_no, cursor=1, finished=None, worker=None, error=None,
                              total=len(set(batch.results.keys()) | {k for k in keys.values() if k}))
        for item in batch.manual.values():  # a failed hand-over is done again for the correction
            if item["outcome"] == "failed":
                item.update(outcome="manual", by=None, time=None)
        api.content.transition(obj=batch, transition="resubmit",
                               comment=f"重新移交第{round_no}轮 / corrected package, round {round_no}")
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
            direction="incoming", fonds_code=facts["fonds_code"],
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
        api.content.transition(obj=batch, transition="submit", comment="移交包已接收 / package received")
        api.content.transition(obj=batch, transition="check", comment="开始检测 / checks started")
    batch.changeOwnership(api.user.get(userid=actor) or api.user.get_current())
    site_tree(portal, PACKAGES_KEY, create=True)[facts["package_sm3"]] = batch.UID()
    batch.reindexObject()
    return batch


# --- record by record -------------------------------------------------------------------------

def process(batch, *, stop_after: int | None = None, should_stop=None) -> bool:
    """Run the records of a batch from its cursor, in groups of records per transaction (the
    next records read ahead meanwhile); True when the batch is finished.

    ``stop_after`` (tests, benchmarks) and ``should_stop()`` end the run early, leaving the
    batch resumable.
    """
    token = batch.token
    fonds = aq_parent(batch)
    work = tempfile.mkdtemp(prefix="sd-transfer-", dir=str(spool.batch_area(token)))
    done = 0
    try:
        package = read_package(str(spool.package_path(token)), "transfer", flow.limits(),
                               TempDirSinks(work))
        with package:
            context = detection_context(fonds)
            catalogue = load_catalogue()
            sender = SenderLedger.from_package(package, batch.facts.get("sender_node") or "")
            keys = getattr(batch, "round_keys", None) or {}
            this_round = state.current_round(batch)
            group: list[tuple[int, int, object]] = []
            ahead = ReadAhead(package.records(), depth=read_ahead_depth(), discard=remove_files,
                              name=f"sd-read-ahead-{token}")
            try:
                for position, record in enumerate(ahead, 1):
                    sequence = keys.get(position, position) if this_round else position
                    earlier = batch.results.get(sequence) if sequence is not None else None
                    if (position < batch.progress["cursor"] or sequence is None
                            or (earlier is not None and earlier.get("round", 0) == this_round)):
                        remove_files(record)  # done before a crash, or in an earlier round
                        continue
                    if (should_stop and should_stop()) or (
                            stop_after is not None and done + len(group) >= stop_after):
                        remove_files(record)
                        _store_group(batch, fonds, group, catalogue, context, sender, package)
                        return False
                    group.append((position, sequence, record))
                    if len(group) >= group_size():
                        _store_group(batch, fonds, group, catalogue, context, sender, package)
                        done, group = done + len(group), []
                _store_group(batch, fonds, group, catalogue, context, sender, package)
            finally:
                ahead.close()
                for _position, _sequence, record in group:
                    remove_files(record)
        finish(batch)
        transaction.commit()
        return True
    finally:
        shutil.rmtree(work, ignore_errors=True)


def group_size() -> int:
    """Records stored per transaction (``SD_ARCHIVE_TRANSFER_GROUP``, default 20): one commit
    (one fsync, one write of the shared catalog buckets) for the group instead of per record."""
    return max(1, int(os.environ.get("SD_ARCHIVE_TRANSFER_GROUP", 20)))


def read_ahead_depth() -> int:
    """Records read ahead of the one being stored (``SD_ARCHIVE_TRANSFER_READ_AHEAD``, default
    one group): reading (hashing, temporary files) runs on the other core meanwhile."""
    return max(1, int(os.environ.get("SD_ARCHIVE_TRANSFER_READ_AHEAD", group_size())))


class _Isolate(Exception):
    """A record of a group could not be stored: redo the group one record at a time."""


def fresh(package, record):
    """The record read again from the package: storing consumes its temporary files (the
    blobs take them over), so a retry after an abort needs new copies."""
    if package is None or not record.folder:
        return record
    remove_files(record)
    return package.read_record(record.folder, record.catalogue_row)


def _store_group(batch, fonds, group, catalogue, context, sender, package=None) -> None:
    """Check and store a group of records in one transaction, the cursor moving with them.

    When one record cannot be stored (or conflicts keep coming) the transaction is aborted
    and the group is done again one record per transaction, so the bad record is isolated
    and nothing of it stays; a crash loses at most the group in hand, which is redone."""
    if not group:
        return
    for attempt in range(RETRIES if len(group) > 1 else 0):
        if attempt:
            group[:] = [(pos, seq, fresh(package, rec)) for pos, seq, rec in group]
        try:
            for position, sequence, record in group:
                handle_record(batch, fonds, sequence, record, catalogue, context, sender,
                              position, isolated=False)
            transaction.commit()
            for _position, _sequence, record in group:
                remove_files(record)
            group.clear()
            return
        except ConflictError:
            transaction.abort()
        except _Isolate:
            transaction.abort()
            group[:] = [(pos, seq, fresh(package, rec)) for pos, seq, rec in group]
            break
    while group:
        position, sequence, record = group[0]
        record = _one(batch, fonds, sequence, record, catalogue, context, sender, position,
                      package)
        remove_files(record)
        group.pop(0)


def _one(batch, fonds, sequence, record, catalogue, context, sender, position=None,
         package=None):
    """One record in its own transaction (retried on conflicts); returns the record as last
    read, whose temporary files the caller removes."""
    for attempt in range(RETRIES):
        if attempt:
            record = fresh(package, record)
        try:
            handle_record(batch, fonds, sequence, record, catalogue, context, sender, position)
            transaction.commit()
            return record
        except ConflictError:
            transaction.abort()
            if attempt == RETRIES - 1:
                raise
    return record


def handle_record(batch, fonds, sequence, record, catalogue, context, sender,
                  position=None, isolated: bool = True) -> dict:
    """Check one record and store it, or keep why it failed (逐件检测与入库).

    ``isolated``: the record is alone in its transaction, so a storage failure aborts it and
    keeps the failure as its result; in a group the failure raises :class:`_Isolate`."""
    report = run_detection("transfer", record, catalogue, context)
    problems = report.problems()
    ledger_check = sender.check(record)
    problems.extend(ledger_check.problems)
    metadata = record.metadata
    if metadata is not None and metadata.fonds_code and metadata.fonds_code != fonds.fonds_code:
        problems.append(Problem("transfer.fonds-mismatch",
                                f"全宗号 {metadata.fonds_code} is not the batch's {fonds.fonds_code}",
                                record.object, "authenticity"))
    base = {"archival_code": record.archival_code, "folder": record.folder,
            "title": metadata.title if metadata is not None else "",
            "detection": {"result": report.result, "catalogue_version": report.catalogue_version,
                          "items": [i.as_dict() for i in report.items]},
            "sender_ledger": ledger_check.as_dict()}
    if problems:
        return state.set_result(batch, sequence, position=position, outcome=state.FAILED,
                                codes=sorted({p.code for p in problems}),
                                errors=[p.as_dict() for p in problems], **base)
    try:
        stored = store_record(batch, fonds, record, report)
    except ConflictError:
        raise
    except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the batch
        if not isolated:
            raise _Isolate(str(exc)) from exc
        transaction.abort()  # this record only: the ones before are committed
        logger.exception("transfer: record %s not stored", record.object)
        problem = Problem("transfer.store-failed", f"{type(exc).__name__}: {exc}", record.object,
                          "integrity")
        return state.set_result(batch, sequence, position=position, outcome=state.FAILED,
                                codes=[problem.code],
                                errors=[problem.as_dict()], **base)
    receipt = {"ledger_index": getattr(stored, "ledger_index", None),
               "leaf_hash": getattr(stored, "leaf_hash", None)}
    return state.set_result(batch, sequence, position=position, outcome=state.RECEIVED,
                            uid=stored.UID(),
                            url=stored.absolute_url(), codes=[], errors=[], receipt=receipt,
                            **base)


def store_record(batch, fonds, record, report):
    """Store one checked record and move it into the holdings (入库, ``receive``)."""
    metadata = record.metadata
    components = flow.component_data(record)
    try:
        obj = create_record(fonds, flow.record_fields(metadata), components)
    finally:
        for c in components:
            c.data.close()
    metadata_file = record.files.get("元数据.xml")
    obj.metadata_sm3 = metadata_file.sm3 if metadata_file is not None else ""
    obj.intake_kind = "transfer"
    obj.transfer_batch = batch.UID()
    obj.detection_reports = [report.as_dict()]
    accept_code(obj, metadata.archival_code or record.archival_code)
    arrive_transferred(obj, batch)
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=obj, transition="receive",
                               comment=f"移交接收 / received in {batch.getId()}")
    obj.reindexObject()
    return obj


def arrive_transferred(record, batch) -> None:
    """A received record arrives in the state it left the sender in: ``transferred``.

    It was archived (and sealed) in the records room; the archives' own history starts here.
    """
    wf = api.portal.get_tool("portal_workflow")
    wf.setStatusOf(RECORD_WORKFLOW, record, {
        "review_state": "transferred", "action": "transfer-in",
        "actor": api.user.get_current().getId(),
        "comments": f"移交包 {batch.facts['package_sm3'][:16]}… / transfer package",
        "time": DateTime(),
    })
    wf.getWorkflowById(RECORD_WORKFLOW).updateRoleMappingsFor(record)


def finish(batch) -> None:
    """All records done: the batch awaits the archivist (待接收)."""
    if state.is_done(batch):
        return
    from sd.archive.actors import now

    batch.progress["finished"] = now()
    batch.progress["worker"] = None
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(obj=batch, transition="finish_check",
                               comment=f"{batch.progress['received']} received, "
                                       f"{batch.progress['failed']} failed")
