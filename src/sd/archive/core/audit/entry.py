"""Audit entries (审计条目) and their canonical bytes.

An entry says who (``actor``, user id), when (``time``, UTC, RFC 3339 with microseconds and
``Z``), from where (``ip``), what (``action``), on which object (``path``, ``uid``, ``code`` — the
archival code 档号 when the object is a record), with which ``outcome`` (``ok``, ``refused``,
``failed``) and ``details`` (a JSON object). ``seq`` is its place in the trail (from 0), ``prev``
the hash of the entry before it (``GENESIS`` for the first), ``hash`` the SM3 digest of the
canonical JSON of every other field: changing any field, the order or the link is seen.

Canonical form, as the ledger's: UTF-8, keys sorted, no whitespace, non-ASCII as itself, no
floats (a detail value that JSON cannot carry exactly is kept as its string).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from typing import Any

HASH_ALGORITHM = "sm3"
GENESIS = "0" * 64
OUTCOMES = ("ok", "refused", "failed")
#: the fields the hash covers, in the order a table shows them
FIELDS = (
    "seq",
    "time",
    "actor",
    "ip",
    "action",
    "path",
    "uid",
    "code",
    "outcome",
    "details",
    "prev",
)


def utc_now() -> str:
    """Now, UTC, RFC 3339 with microseconds: ``2026-12-07T03:51:15.123456Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value (规范化 JSON)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def plain(value: Any) -> Any:
    """``value`` as JSON without floats: dicts with string keys, lists, str, int, bool, None;
    anything else (a float, a date, an object) as its string."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, bool, int)):
        return value
    return str(value)


@dataclass(frozen=True)
class Event:
    """What happened, before it has a place in the trail (待入链的审计事件)."""

    action: str
    actor: str = ""
    ip: str = ""
    path: str = ""
    uid: str = ""
    code: str = ""
    outcome: str = "ok"
    details: dict = field(default_factory=dict)
    time: str = ""

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome is one of {', '.join(OUTCOMES)}, not {self.outcome!r}")
        if not self.action:
            raise ValueError("an audit event has an action")
        object.__setattr__(self, "details", plain(dict(self.details or {})))
        object.__setattr__(self, "time", self.time or utc_now())


@dataclass(frozen=True)
class Entry:
    """One entry of the trail (审计日志条目): an event with its place and its chain link."""

    seq: int
    time: str
    actor: str
    ip: str
    action: str
    path: str
    uid: str
    code: str
    outcome: str
    details: dict
    prev: str
    hash: str = ""

    def fields(self) -> dict:
        """Every field the hash covers (not copied: ``details`` is the entry's own)."""
        return {name: getattr(self, name) for name in FIELDS}

    def computed_hash(self) -> str:
        return hashlib.new(HASH_ALGORITHM, canonical_json(self.fields())).hexdigest()

    def as_dict(self) -> dict:
        return {**self.fields(), "hash": self.hash, "details": dict(self.details)}

    @classmethod
    def from_dict(cls, values: dict) -> Entry:
        return cls(**{name: values[name] for name in (*FIELDS, "hash")})


def chain(event: Event, seq: int, prev: str) -> Entry:
    """``event`` as entry ``seq`` after the entry whose hash is ``prev``."""
    entry = Entry(
        seq=seq,
        prev=prev,
        time=event.time,
        actor=event.actor,
        ip=event.ip,
        action=event.action,
        path=event.path,
        uid=event.uid,
        code=event.code,
        outcome=event.outcome,
        details=event.details,
    )
    return replace(entry, hash=entry.computed_hash())


def chain_all(events, head: tuple[int, str] | None) -> list[Entry]:
    """``events`` appended after ``head`` (``(seq, hash)`` of the last entry, None if empty)."""
    seq, prev = (head[0] + 1, head[1]) if head else (0, GENESIS)
    entries = []
    for event in events:
        entry = chain(event, seq, prev)
        entries.append(entry)
        seq, prev = seq + 1, entry.hash
    return entries
