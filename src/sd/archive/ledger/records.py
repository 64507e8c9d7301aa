"""What the ledger knows of a record (档案存证摘要) and whether the record still agrees.

- ``content``: {path: SM3} of the record's components (电子文件), as the entry holds them;
- ``state_digest``: SM3 of the canonical JSON of the record's descriptive metadata and
  archival code, kept next to each entry so that a change made behind the API shows;
- ``tamper_status``: re-hashes the stored blobs and the metadata and compares them with the
  record's latest entry (篡改检测).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core import digests
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger.entry import code_title_digest
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.core.messages import zh_first
from sd.archive.interfaces import IComponent
from sd.archive.repository import RECORD_FIELDS

STATE_FIELDS = ("archival_code", *RECORD_FIELDS)


def components(record) -> list:
    return sorted(
        (obj for obj in record.objectValues() if IComponent.providedBy(obj)),
        key=lambda c: (getattr(c, "sequence", 0) or 0, c.getId()),
    )


def component_path(component) -> str:
    """The component's path in the entry: its package path, made safe, else its file name."""
    path = (
        getattr(component, "path", None)
        or getattr(component.file, "filename", None)
        or component.getId()
    )
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return posixpath.join(*parts) if parts else component.getId()


def content_digests(record) -> tuple[dict[str, str], dict[str, str]]:
    """({path: SM3}, {SHA-256: path}) of the record's components, from their stored digests."""
    content, other = {}, {}
    for component in components(record):
        if getattr(component, "file", None) is None:
            continue
        sm3, sha256 = getattr(component, "sm3", None), getattr(component, "sha256", None)
        if not sm3:
            found, _size = blob_digests(component)
            sm3, sha256 = found["SM3"], found["SHA-256"]
        path = component_path(component)
        content[path] = sm3
        if sha256:
            other[sha256] = path
    return content, other


def blob_digests(component) -> tuple[dict[str, str], int]:
    """Re-hash the bytes as stored (the blob file on disk), SM3 and SHA-256."""
    with component.file.open() as stream:
        return digests.digest_stream(stream, ("SM3", "SHA-256"))


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def state_digest(record) -> str:
    """SM3 over the canonical JSON of the record's metadata (著录项) and archival code."""
    state = {name: _plain(getattr(record, name, None)) for name in STATE_FIELDS}
    data = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return digests.digest_bytes(data.encode("utf-8"))


def record_code(record) -> str:
    return (
        getattr(record, "archival_code", None)
        or getattr(record, "electronic_record_id", None)
        or record.UID()
    )


class LedgerDiscrepancy(ArchiveError):
    """The stored record differs from its latest ledger entry (账实不符): HTTP 409.

    Raised instead of writing a new entry over the changed state: the next entry would
    otherwise restate a change made behind the system as the new baseline."""

    def __init__(self, problems):
        super().__init__(
            "the record differs from its latest ledger entry; nothing was logged over it "
            "(档案与最近存证不一致，已拒绝操作，请核查)",
            list(problems),
            409,
            "LedgerDiscrepancy",
        )


def discrepancies(record, log, conn, *, content: bool = True) -> list[Problem]:
    """How the stored record differs from its latest entry, from the stored digests (no file
    is re-read): metadata, and each logged file that is gone or holds another digest."""
    uid = record.UID()
    indexes = log.record_indexes(conn, uid)
    if not indexes:
        return []
    problems = []
    state = log.entry(conn, indexes[-1])[2]
    if state and state != state_digest(record):
        problems.append(
            Problem(
                "LEDGER-METADATA",
                "the metadata differ from the latest entry (著录项与存证不一致)",
                str(indexes[-1]),
                "metadata",
            )
        )
    full = log.record_indexes(conn, uid, full_only=True)
    if not content or not full:
        return problems
    logged = parse_entry(log.entry(conn, full[-1])[0])["content"]
    later = {
        digest
        for i in indexes
        if i > full[-1]
        for digest in parse_entry(log.entry(conn, i)[0])["content"].values()
    }
    stored = {
        component_path(c): getattr(c, "sm3", None)
        for c in components(record)
        if getattr(c, "file", None) is not None
    }
    for path, digest in logged.items():
        if path not in stored:
            problems.append(
                Problem(
                    "LEDGER-FILE-MISSING",
                    "a logged file is not stored under its path any more (存证文件缺失)",
                    path,
                    "content",
                )
            )
        elif stored[path] != digest and stored[path] not in later:
            problems.append(
                Problem(
                    "LEDGER-FILE-DIGEST",
                    "a logged file holds other bytes (存证文件已变化)",
                    path,
                    "content",
                )
            )
    return problems


@dataclass
class TamperStatus:
    """Result of comparing a record with its latest ledger entry (篡改检测结果)."""

    logged: bool = False
    index: int | None = None
    problems: list[dict] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path -> intact|changed|missing|added

    @property
    def intact(self) -> bool:
        return self.logged and not self.problems

    def as_dict(self) -> dict:
        return {
            "logged": self.logged,
            "intact": self.intact,
            "ledger_index": self.index,
            "files": self.files,
            "problems": self.problems,
        }


def tamper_status(record, ledger, rehash_limit: int | None = None) -> TamperStatus:
    """Compare the stored record with its latest entry and check the entry's inclusion."""
    status = TamperStatus()
    with ledger.log.reading() as conn:
        indexes = ledger.log.record_indexes(conn, record.UID())
        if not indexes:
            return status
        index = indexes[-1]
        data, leaf, state = ledger.log.entry(conn, index)
        full = ledger.log.record_indexes(conn, record.UID(), full_only=True)
        content_entry = parse_entry(ledger.log.entry(conn, full[-1])[0]) if full else None
        # digests logged for the record since (files added or repaired by later events)
        later = set()
        for i in indexes:
            if full and i > full[-1]:
                later |= set(parse_entry(ledger.log.entry(conn, i)[0])["content"].values())
        log = ledger.log.merkle(conn)
        root, size = log.root(), log.size
        proof = log.inclusion_proof(index, size)
    status.logged, status.index = True, index

    def problem(code, message, obj=""):
        status.problems.append({"code": code, "message": zh_first(message, code), "object": obj})

    if not verify_inclusion(index, size, leaf, proof, root, log.algorithm):
        problem("LEDGER-INCLUSION", "the entry is not in the log any more", str(index))
    if getattr(record, "ledger_index", None) == index and record.leaf_hash != leaf.hex():
        problem("LEDGER-RECORD-LEAF", "the record's leaf hash differs from the log's")
    entry = parse_entry(data)
    alg = entry.get("alg", "sm3")
    if entry["code_title"] and entry["code_title"] != code_title_digest(
        entry["code"], record.Title(), alg
    ):
        problem("LEDGER-TITLE", "the title differs from the one logged", "title")
    if state and state != state_digest(record):
        problem("LEDGER-METADATA", "the metadata differ from those logged", "metadata")
    if entry["event"] == "destroy" or content_entry is None:
        return status
    _compare_files(record, content_entry, later, rehash_limit, status, problem)
    return status


def _compare_files(record, content_entry, later, rehash_limit, status, problem) -> None:
    """Compare the stored files with the logged digests (``later``: digests logged since)."""
    stored = {
        component_path(c): c for c in components(record) if getattr(c, "file", None) is not None
    }
    for path, logged in content_entry["content"].items():
        component = stored.get(path)
        if component is None:
            status.files[path] = "missing"
            problem("LEDGER-FILE-MISSING", "a logged file is not stored any more", path)
            continue
        found = _rehash(component, rehash_limit, status, path, problem)
        if found is None:
            continue
        if found == logged or found in later:
            status.files[path] = "intact"
        else:
            status.files[path] = "changed"
            problem("LEDGER-FILE-DIGEST", f"SM3 {found} differs from the logged {logged}", path)
    for path, component in stored.items():
        if path in content_entry["content"]:
            continue
        found = _rehash(component, rehash_limit, status, path, problem)
        if found is None:
            continue
        if found in later:
            status.files[path] = "intact"
        else:
            status.files[path] = "added"
            problem("LEDGER-FILE-ADDED", "a stored file is not in the log", path)


def _rehash(component, limit, status, path, problem) -> str | None:
    """The SM3 of the stored bytes, or None when not checked (too large, unreadable)."""
    if limit is not None and (getattr(component, "size", 0) or 0) > limit:
        status.files[path] = "not checked"
        return None
    try:
        return blob_digests(component)[0]["SM3"]
    except OSError as error:
        status.files[path] = "unreadable"
        problem("LEDGER-FILE-UNREADABLE", str(error), path)
        return None
