"""Chain check (审计链校验): is a stored trail the one that was written?

The check walks the entries in order and stops at the first one that is missing (a gap in
``seq``), altered (its hash is not the hash of its fields) or unlinked (``prev`` is not the
hash of the entry before it). Then it compares the trail with the latest anchor (锚定): the
head ``(seq, hash)`` written into the evidence ledger. A trail shorter than the anchor lost its
tail; a trail whose entry at the anchored place has another hash was rewritten from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from dataclasses import dataclass

from sd.archive.core.audit.entry import GENESIS
from sd.archive.core.audit.entry import Entry


@dataclass(frozen=True)
class Anchor:
    """A chain head written into the ledger (审计链锚点)."""

    seq: int
    hash: str
    ledger_index: int | None = None
    time: str = ""


@dataclass(frozen=True)
class CheckResult:
    valid: bool
    checked: int
    anchored_index: int | None = None
    first_bad_index: int | None = None
    reason: str = ""
    head_hash: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def check_chain(
    entries: Iterable[Entry], anchor: Anchor | None = None, start: int = 0, prev: str = GENESIS
) -> CheckResult:
    """Check ``entries`` (in ``seq`` order from ``start``; ``prev`` the hash before it)."""
    checked, expected, head = 0, start, prev
    for entry in entries:
        if entry.seq != expected:
            return _bad(checked, anchor, expected, f"审计条目缺失: entry {expected} is missing")
        if entry.prev != head:
            return _bad(
                checked,
                anchor,
                expected,
                f"审计链断开: entry {expected} does not link to the entry before it",
            )
        if entry.computed_hash() != entry.hash:
            return _bad(checked, anchor, expected, f"审计条目被篡改: entry {expected} was altered")
        if anchor is not None and entry.seq == anchor.seq and entry.hash != anchor.hash:
            return _bad(
                checked,
                anchor,
                expected,
                f"与存证锚点不一致: entry {expected} differs from the anchor in the ledger",
            )
        checked, expected, head = checked + 1, expected + 1, entry.hash
    if anchor is not None and anchor.seq >= expected:
        return _bad(
            checked,
            anchor,
            expected,
            f"审计条目被删除: the trail ends at {expected - 1} but the ledger anchored entry "
            f"{anchor.seq}: entries were removed",
        )
    return CheckResult(True, checked, anchor.seq if anchor else None, None, "", head)


def _bad(checked: int, anchor: Anchor | None, index: int, reason: str) -> CheckResult:
    return CheckResult(False, checked, anchor.seq if anchor else None, index, reason)
