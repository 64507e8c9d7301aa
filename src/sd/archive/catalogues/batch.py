"""Batch description (批量著录): one field set to one value on selected records of a fonds.

A pre-archived record (预归档) is still being described and is edited directly; an archived
record changes only through the correction action (著录更正,
:func:`sd.archive.corrections.correct_description`) with the one reason given for the batch.

:class:`BatchDescription` first builds the preview (old → new per record, the path each
takes) and checks every record against every rule before anything is written; ``apply`` writes
only when no record is refused, and any refusal while writing is raised, so the caller
(the service base, the page) dooms the transaction: all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from plone import api
from plone.restapi.interfaces import IFieldDeserializer
from zope.component import queryMultiAdapter
from zope.event import notify
from zope.globalrequest import getRequest
from zope.lifecycleevent import ObjectModifiedEvent

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.corrections import _field as _schema_field  # the one field look-up
from sd.archive.corrections import _plain  # values as the correction log keeps them
from sd.archive.corrections import correct_description
from sd.archive.protection import CODE_FIELDS
from sd.archive.protection import CORRECTABLE_FIELDS
from sd.archive.protection import is_archived
from sd.archive.protection import record_state
from sd.archive.repository import RECORD_FIELDS

#: never set for a batch: what identifies a record (档号构成项 have @correct-code), the
#: process history (办理过程, one per record), the retention start the server keeps, and the
#: open status, which only the open-access review (开放审核) sets
FIXED = {
    *CODE_FIELDS,
    "record_kind",
    "electronic_record_id",
    "aggregation_level",
    "process_history",
    "retention_start",
    "open_status",
}
#: the fields a pre-archived record may be given in a batch (still being described)
DRAFT_FIELDS = tuple(name for name in RECORD_FIELDS if name not in FIXED)
#: at most this many records in one batch (one transaction)
MAX_RECORDS = 5000


def refused(problems: list[Problem], status: int = 422) -> ArchiveError:
    return ArchiveError(
        "the batch description is refused; nothing was stored (批量著录未执行)",
        problems,
        status,
        "BatchRefused",
    )


@dataclass
class BatchDescription:
    """One batch: ``uids`` of records in ``fonds``, ``field`` := ``value``, ``reason`` (著录
    更正理由, required when any record is archived)."""

    fonds: object
    uids: list
    field: str
    value: object
    reason: str = ""
    rows: list = dataclass_field(default_factory=list)
    problems: list = dataclass_field(default_factory=list)

    @classmethod
    def from_body(cls, fonds, body: dict) -> BatchDescription:
        uids = body.get("uids")
        if not isinstance(uids, list) or not uids or not all(isinstance(u, str) for u in uids):
            raise refused([Problem("BATCH-UIDS", "uids: a list of record UIDs", "", "uids")], 400)
        if len(uids) > MAX_RECORDS:
            raise refused(
                [Problem("BATCH-SIZE", f"at most {MAX_RECORDS} records a batch", "", "uids")], 400
            )
        name = body.get("field")
        if not isinstance(name, str) or name not in DRAFT_FIELDS:
            raise refused(
                [
                    Problem(
                        "BATCH-FIELD",
                        f"{name} is not set in a batch (该项不可批量著录)",
                        "",
                        "field",
                    )
                ],
                400,
            )
        return cls(
            fonds, list(dict.fromkeys(uids)), name, body.get("value"), body.get("reason") or ""
        )

    # -- preview ----------------------------------------------------------------------------

    def _records(self):
        path = "/".join(self.fonds.getPhysicalPath())
        brains = api.portal.get_tool("portal_catalog").searchResults(
            UID=self.uids, portal_type="Record", path=path
        )
        found = {brain.UID: brain for brain in brains}
        for uid in self.uids:
            brain = found.get(uid)
            if brain is None:
                self.problems.append(
                    Problem(
                        "BATCH-RECORD", "no such record in this fonds (本全宗无此件)", uid, "uids"
                    )
                )
                continue
            yield uid, brain.getObject()

    def _convert(self, record):
        schema_field = _schema_field(record, self.field)
        if schema_field is None:
            raise ValueError(f"the record has no field {self.field}")
        deserializer = queryMultiAdapter((schema_field, record, getRequest()), IFieldDeserializer)
        return deserializer(self.value) if deserializer is not None else self.value

    def preview(self) -> list[dict]:
        """Old → new for every record, the path it takes (``edit`` / ``correct`` /
        ``unchanged``), and :attr:`problems` (each names its record and rule). Writes nothing."""
        self.rows, self.problems = [], []
        archived_any = False
        for uid, record in self._records():
            code = getattr(record, "archival_code", None) or ""
            who = code or uid
            archived = is_archived(record)
            archived_any = archived_any or archived
            row = {
                "uid": uid,
                "@id": record.absolute_url(),
                "archival_code": code,
                "title": record.Title(),
                "state": record_state(record),
                "field": self.field,
                "old": _plain(getattr(record, self.field, None)),
            }
            self.rows.append(row)
            rule = self._rule(record, archived)
            if rule:
                self.problems.append(Problem(rule[0], rule[1], who, self.field))
                row["action"] = "refused"
                continue
            try:
                converted = self._convert(record)
            except Exception as error:  # noqa: BLE001 - any invalid value is the caller's error
                self.problems.append(Problem("BATCH-VALUE", f"{self.field}: {error}", who, "value"))
                row["action"] = "refused"
                continue
            row["new"] = _plain(converted)
            if row["new"] == row["old"]:
                row["action"] = "unchanged"
            else:
                row["action"] = "correct" if archived else "edit"
        if archived_any and not self.reason.strip():
            self.problems.append(
                Problem(
                    "CORRECTION-REASON",
                    "archived records need a reason (须说明更正理由)",
                    "",
                    "reason",
                )
            )
        return self.rows

    def _rule(self, record, archived) -> tuple[str, str] | None:
        """The rule a record breaks, if any: its state, the field, the user's permission."""
        if record_state(record) == "destroyed":
            return "BATCH-DESTROYED", "a destroyed record is not described (已销毁)"
        if archived:
            if self.field not in CORRECTABLE_FIELDS:
                return "CORRECTION-FIELD", f"{self.field} cannot be corrected (该项不可更正)"
            if not api.user.has_permission("sd.archive: Correct records", obj=record):
                return "BATCH-PERMISSION", "you may not correct this record (无更正权限)"
        elif not api.user.has_permission("Modify portal content", obj=record):
            return "BATCH-PERMISSION", "you may not edit this record (无修改权限)"
        return None

    # -- apply ------------------------------------------------------------------------------

    def apply(self) -> dict:
        """Write the batch, or raise with every problem (nothing written then). On an error
        raised while writing, the caller dooms the transaction (what was written is dropped)."""
        self.preview()
        if self.problems:
            raise refused(self.problems)
        records = {brain_uid: record for brain_uid, record in self._records()}
        applied = 0
        for row in self.rows:
            if row["action"] == "unchanged":
                continue
            record = records[row["uid"]]
            try:
                if row["action"] == "correct":
                    row["entry"] = correct_description(
                        record, {self.field: self.value}, self.reason
                    )
                else:
                    setattr(record, self.field, self._convert(record))
                    notify(ObjectModifiedEvent(record))  # catalog, snapshot, ledger
            except ArchiveError as error:
                detail = "; ".join([error.message, *(p.message for p in error.problems)])
                raise refused(
                    [
                        Problem(
                            "BATCH-WRITE", detail, row["archival_code"] or row["uid"], self.field
                        )
                    ],
                    error.status,
                ) from error
            applied += 1
        return {
            "applied": applied,
            "unchanged": sum(1 for r in self.rows if r["action"] == "unchanged"),
            "records": self.rows,
        }
