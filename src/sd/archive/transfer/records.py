"""A transfer batch's records, one by one (逐件检测与入库).

:func:`process` runs the records of a batch from its cursor: transfer-stage detection (YJ
items, the core), the check against the sender's ledger when the sender is an admitted node
(:mod:`.sender`), then the record is stored (``sd.archive.repository``), keeps its archival
code (``numbering``), arrives ``transferred`` and is moved by the ``receive`` transition to
``received`` (the evidence subscribers log ``receive``, preservation writes its AIP). A failed
record leaves only its result. Records are stored in groups (one transaction for
``group_size()`` records, the batch's cursor moving in the same transaction), so a crash
resumes exactly after the last stored group; a record that cannot be stored sends its group
back to one record per transaction, so it stays isolated.

What every step needs travels in one :class:`TransferRun`. The worker (:mod:`.worker`) and
the request (:mod:`.incoming`) both call :func:`process`; this module imports neither.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass

import transaction
from Acquisition import aq_parent
from DateTime import DateTime
from plone import api
from ZODB.POSException import ConflictError

from sd.archive import logger
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.errors import Problem
from sd.archive.core.packages.readahead import ReadAhead
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package
from sd.archive.intake.components import component_data
from sd.archive.intake.context import Holdings
from sd.archive.intake.flow import write_lock_on_workers
from sd.archive.intake.limits import limits
from sd.archive.numbering import accept_code
from sd.archive.repository import create_record
from sd.archive.repository import record_fields
from sd.archive.transfer import batch as state
from sd.archive.transfer import spool
from sd.archive.transfer.sender import SenderLedger

RECORD_WORKFLOW = "sd_record_workflow"
RETRIES = 3


def detection_context(fonds):
    """The detection context of a fonds' holdings (or of no fonds yet: ``None``), with the
    seal/signature verifier and the package-level series check."""
    from sd.archive.seals import signature_verifier
    from sd.archive.transfer.continuity import package_series_check

    context = Holdings(fonds).context() if fonds is not None else DetectionContext()
    context.signature_verifier = signature_verifier
    # YJ-2-6 on the package: its series as a whole with the holdings, less its 断号说明
    context.series_continuity = lambda package: package_series_check(fonds, package)
    return context


def remove_files(record) -> None:
    """Drop the temporary copies of one record's files (the package stays spooled)."""
    for described in record.files.values():
        if described.location:
            with suppress(OSError):
                os.unlink(described.location)


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
        package = read_package(
            str(spool.package_path(token)), "transfer", limits(), TempDirSinks(work)
        )
        with package:
            run = TransferRun(
                batch,
                fonds,
                package,
                load_catalogue(),
                detection_context(fonds),
                SenderLedger.from_package(package, batch.facts.get("sender_node") or ""),
            )
            keys = getattr(batch, "round_keys", None) or {}
            this_round = state.current_round(batch)
            group: list[tuple[int, int, object]] = []
            ahead = ReadAhead(
                package.records(),
                depth=read_ahead_depth(),
                discard=remove_files,
                name=f"sd-read-ahead-{token}",
            )
            try:
                for position, record in enumerate(ahead, 1):
                    sequence = keys.get(position, position) if this_round else position
                    earlier = batch.results.get(sequence) if sequence is not None else None
                    if (
                        position < batch.progress["cursor"]
                        or sequence is None
                        or (earlier is not None and earlier.get("round", 0) == this_round)
                    ):
                        remove_files(record)  # done before a crash, or in an earlier round
                        continue
                    if (should_stop and should_stop()) or (
                        stop_after is not None and done + len(group) >= stop_after
                    ):
                        remove_files(record)
                        run.store_group(group)
                        return False
                    group.append((position, sequence, record))
                    if len(group) >= group_size():
                        run.store_group(group)
                        done, group = done + len(group), []
                run.store_group(group)
            finally:
                ahead.close()
                for _position, _sequence, record in group:
                    remove_files(record)
        finish(batch)
        transaction.commit()
        return True
    finally:
        shutil.rmtree(work, ignore_errors=True)


@dataclass
class TransferRun:
    """One run over a batch's records (一次逐件入库): the batch, its fonds, the package read
    again from the transfer area, the detection catalogue and context, the sender's ledger."""

    batch: object
    fonds: object
    package: object
    catalogue: object
    context: object
    sender: SenderLedger

    def fresh(self, record):
        """The record read again from the package: storing consumes its temporary files (the
        blobs take them over), so a retry after an abort needs new copies."""
        if self.package is None or not record.folder:
            return record
        remove_files(record)
        return self.package.read_record(record.folder, record.catalogue_row)

    def store_group(self, group) -> None:
        """Check and store a group of records in one transaction, the cursor moving with them.

        When one record cannot be stored (or conflicts keep coming) the transaction is aborted
        and the group is done again one record per transaction, so the bad record is isolated
        and nothing of it stays; a crash loses at most the group in hand, which is redone."""
        if not group:
            return
        for attempt in range(RETRIES if len(group) > 1 else 0):
            if attempt:
                group[:] = [(pos, seq, self.fresh(rec)) for pos, seq, rec in group]
            try:
                write_lock_on_workers(self.fonds)  # several workers: one writer at a time
                for position, sequence, record in group:
                    self.handle_record(sequence, record, position, isolated=False)
                transaction.commit()
                for _position, _sequence, record in group:
                    remove_files(record)
                group.clear()
                return
            except ConflictError:
                transaction.abort()
            except _Isolate:
                transaction.abort()
                group[:] = [(pos, seq, self.fresh(rec)) for pos, seq, rec in group]
                break
        while group:
            position, sequence, record = group[0]
            record = self.one(sequence, record, position)
            remove_files(record)
            group.pop(0)

    def one(self, sequence, record, position=None):
        """One record in its own transaction (retried on conflicts); returns the record as
        last read, whose temporary files the caller removes."""
        for attempt in range(RETRIES):
            if attempt:
                record = self.fresh(record)
            try:
                write_lock_on_workers(self.fonds)
                self.handle_record(sequence, record, position)
                transaction.commit()
                return record
            except ConflictError:
                transaction.abort()
                if attempt == RETRIES - 1:
                    raise
        return record

    def handle_record(self, sequence, record, position=None, isolated: bool = True) -> dict:
        """Check one record and store it, or keep why it failed (逐件检测与入库).

        ``isolated``: the record is alone in its transaction, so a storage failure aborts it
        and keeps the failure as its result; in a group the failure raises :class:`_Isolate`."""
        batch, fonds = self.batch, self.fonds
        report = run_detection("transfer", record, self.catalogue, self.context)
        problems = report.problems()
        ledger_check = self.sender.check(record)
        problems.extend(ledger_check.problems)
        metadata = record.metadata
        if metadata is not None and metadata.fonds_code and metadata.fonds_code != fonds.fonds_code:
            problems.append(
                Problem(
                    "transfer.fonds-mismatch",
                    f"全宗号 {metadata.fonds_code} is not the batch's {fonds.fonds_code}",
                    record.object,
                    "authenticity",
                )
            )
        base = {
            "archival_code": record.archival_code,
            "folder": record.folder,
            "title": metadata.title if metadata is not None else "",
            "detection": {
                "result": report.result,
                "catalogue_version": report.catalogue_version,
                "items": [i.as_dict() for i in report.items],
            },
            "sender_ledger": ledger_check.as_dict(),
        }
        if problems:
            return state.set_result(
                batch,
                sequence,
                position=position,
                outcome=state.FAILED,
                codes=sorted({p.code for p in problems}),
                errors=[p.as_dict() for p in problems],
                **base,
            )
        try:
            stored = store_record(batch, fonds, record, report)
        except ConflictError:
            raise
        except Exception as exc:  # noqa: BLE001 - one record's failure must not stop the batch
            if not isolated:
                raise _Isolate(str(exc)) from exc
            transaction.abort()  # this record only: the ones before are committed
            logger.exception("transfer: record %s not stored", record.object)
            problem = Problem(
                "transfer.store-failed", f"{type(exc).__name__}: {exc}", record.object, "integrity"
            )
            return state.set_result(
                batch,
                sequence,
                position=position,
                outcome=state.FAILED,
                codes=[problem.code],
                errors=[problem.as_dict()],
                **base,
            )
        receipt = {
            "ledger_index": getattr(stored, "ledger_index", None),
            "leaf_hash": getattr(stored, "leaf_hash", None),
        }
        return state.set_result(
            batch,
            sequence,
            position=position,
            outcome=state.RECEIVED,
            uid=stored.UID(),
            url=stored.absolute_url(),
            codes=[],
            errors=[],
            receipt=receipt,
            **base,
        )


def store_record(batch, fonds, record, report):
    """Store one checked record and move it into the holdings (入库, ``receive``)."""
    metadata = record.metadata
    components = component_data(record)
    try:
        obj = create_record(fonds, record_fields(metadata), components)
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
        api.content.transition(
            obj=obj, transition="receive", comment=f"移交接收 / received in {batch.getId()}"
        )
    obj.reindexObject()
    return obj


def arrive_transferred(record, batch) -> None:
    """A received record arrives in the state it left the sender in: ``transferred``.

    It was archived (and sealed) in the records room; the archives' own history starts here.
    """
    wf = api.portal.get_tool("portal_workflow")
    wf.setStatusOf(
        RECORD_WORKFLOW,
        record,
        {
            "review_state": "transferred",
            "action": "transfer-in",
            "actor": api.user.get_current().getId(),
            "comments": f"移交包 {batch.facts['package_sm3'][:16]}… / transfer package",
            "time": DateTime(),
        },
    )
    wf.getWorkflowById(RECORD_WORKFLOW).updateRoleMappingsFor(record)


def finish(batch) -> None:
    """All records done: the batch awaits the archivist (待接收)."""
    if state.is_done(batch):
        return
    from sd.archive.actors import now

    batch.progress["finished"] = now()
    batch.progress["worker"] = None
    with api.env.adopt_roles(["Manager"]):
        api.content.transition(
            obj=batch,
            transition="finish_check",
            comment=f"{batch.progress['received']} received, {batch.progress['failed']} failed",
        )
