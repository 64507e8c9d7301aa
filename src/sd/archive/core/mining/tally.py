"""How suggestions were received (建议采纳情况): accepted as they were, corrected, rejected.

Every answer of a person to a suggestion is one :class:`Answer`: the kind of suggestion
(``arrangement`` 整理建议, ``keywords`` 主题词建议), the outcome and the month. The Plone side
keeps one counter per (fonds, kind, month, outcome) and lists them with :func:`table`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ACCEPTED = "accepted"  # 原样采纳
CORRECTED = "corrected"  # 修改后采纳
REJECTED = "rejected"  # 不采纳
OUTCOMES = (ACCEPTED, CORRECTED, REJECTED)
KINDS = ("arrangement", "keywords")


@dataclass(frozen=True)
class Answer:
    """One answer to a suggestion (一次采纳/修改/拒绝)."""

    fonds: str
    kind: str
    outcome: str
    month: str  # YYYY-MM, Beijing time

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of suggestion: {self.kind}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome: {self.outcome}")

    @property
    def key(self) -> str:
        return "|".join((self.fonds, self.kind, self.month, self.outcome))


def parse_key(key: str) -> Answer:
    fonds, kind, month, outcome = key.split("|")
    return Answer(fonds, kind, outcome, month)


def outcome_of(suggested: dict, chosen: dict) -> str:
    """``accepted`` when every suggested value was kept, else ``corrected``."""
    changed = any((chosen.get(k) or "") != (v or "") for k, v in suggested.items() if k in chosen)
    return CORRECTED if changed else ACCEPTED


def table(counts: Iterable[tuple[str, int]], fonds: str) -> list[dict]:
    """Rows per kind and month (newest first) with the three counts and the acceptance rate
    (share accepted as they were, of all answers)."""
    rows: dict[tuple[str, str], dict] = {}
    for key, count in counts:
        answer = parse_key(key)
        if answer.fonds != fonds:
            continue
        row = rows.setdefault(
            (answer.kind, answer.month),
            {"kind": answer.kind, "month": answer.month, **dict.fromkeys(OUTCOMES, 0)},
        )
        row[answer.outcome] += count
    out = []
    for row in rows.values():
        total = sum(row[o] for o in OUTCOMES)
        out.append({**row, "total": total, "rate": row[ACCEPTED] / total if total else 0.0})
    out.sort(key=lambda r: (r["month"], -KINDS.index(r["kind"])), reverse=True)
    return out


def totals(rows: list[dict]) -> dict[str, dict]:
    """The rows summed per kind (all months)."""
    found: dict[str, dict] = {}
    for row in rows:
        total = found.setdefault(row["kind"], dict.fromkeys((*OUTCOMES, "total"), 0))
        for name in (*OUTCOMES, "total"):
            total[name] += row[name]
    for total in found.values():
        total["rate"] = total[ACCEPTED] / total["total"] if total["total"] else 0.0
    return found
