"""What one record contributes to its agency's counters (一件档案的指标事实).

The Plone side reads a record once per transaction that touched it and keeps its
:class:`RecordFacts`; the counters of each agency (全宗) and year are the sums of every
record's :func:`contributions`. When a record changes, only the difference between its old and
new contributions is applied (:func:`delta`), so the counters stay current without a rescan,
and a rebuild from the records gives the same sums.

Counter keys are ``(fonds, year, metric, category)`` — always ``(str, int, str, str)``, so
that keys of one tree compare and one range query reads an agency's year — with these
metrics:

========================  ======================================================================
``received``              records made (接收), by calendar year of intake: packages accepted
``archived``              records archived (已归档), by 年度
``timed`` / ``days``      archived records with a known start; the sum of their days to archive
``late``                  archived after the deadline (逾期归档)
``pending``               pre-archived, not archived yet (待归档)
``held``                  archived and still in the records room (室存, not sent for transfer)
``components_missing``    no component, or a failed component check in detection (组件缺失)
``seal_failed``           a seal or signature that did not verify (签章验证失败)
``corrected``             corrected after archiving (归档后更正), ``corrections`` their number
``dated:<kind>``          archived records by start day (``year`` = the day's ordinal), for
                          comparing with declared counts of a period (申报数比对)
``rejected``              packages refused at intake (拒收), ``rejected_item`` per detection item
========================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sd.archive.core.supervision import docnumbers
from sd.archive.core.supervision.timeliness import lateness
from sd.archive.core.supervision.timeliness import start_date

#: per-record metrics whose records are kept for the drill-down (明细)
LISTED = ("late", "components_missing", "seal_failed", "corrected", "pending")
#: states of a record that was archived at some point and still counts as archived
NOT_ARCHIVED = ("pre_archived", "rejected")

Key = tuple[str, int, str, str]


@dataclass(frozen=True)
class RecordFacts:
    """The facts of one record the metrics need (指标事实), all read from what was recorded."""

    uid: str
    fonds: str
    year: int = 0
    category: str = ""
    kind: str = ""
    state: str = ""
    document_number: str = ""
    document_date: date | None = None
    completed_at: date | None = None
    received_on: date | None = None
    archived_on: date | None = None
    components_missing: bool = False
    seal_failed: bool = False
    corrections: int = 0
    rules: object = field(default=None, compare=False, repr=False)

    @property
    def archived(self) -> bool:
        return self.archived_on is not None and self.state not in NOT_ARCHIVED

    @property
    def lateness(self):
        if not self.archived:
            return None
        return lateness(
            self.kind, self.archived_on, self.document_date, self.completed_at, self.rules
        )

    @property
    def number(self) -> docnumbers.DocumentNumber | None:
        return docnumbers.parse(self.document_number)

    def flags(self) -> set[str]:
        """The listed metrics this record counts in (its drill-down entries)."""
        found = set()
        timing = self.lateness
        if timing is not None and timing.late:
            found.add("late")
        if self.state == "pre_archived":
            found.add("pending")
        if self.archived and self.components_missing:
            found.add("components_missing")
        if self.seal_failed:
            found.add("seal_failed")
        if self.archived and self.corrections:
            found.add("corrected")
        return found


def contributions(facts: RecordFacts | None) -> dict[Key, int]:
    """The amounts one record adds to its agency's counters (nothing for None)."""
    if facts is None:
        return {}
    found: dict[Key, int] = {}
    year, cat, fonds = int(facts.year or 0), facts.category or "", facts.fonds

    def add(metric: str, amount: int = 1, y: int = year, c: str = cat):
        if amount:
            key = (fonds, y, metric, c)
            found[key] = found.get(key, 0) + amount

    if facts.received_on is not None:
        add("received", y=facts.received_on.year)
    if facts.archived:
        add("archived")
        timing = facts.lateness
        if timing is not None:
            add("timed")
            add("days", timing.days_to_archive)
        start = start_date(facts.kind, facts.document_date, facts.completed_at)
        if start is not None:
            add(f"dated:{facts.kind}", y=start.toordinal(), c="")
        if facts.state == "archived":
            add("held")
    for flag in facts.flags():
        add(flag)
    if facts.archived:
        add("corrections", facts.corrections)
    return found


def delta(old: RecordFacts | None, new: RecordFacts | None) -> dict[Key, int]:
    """What changes in the counters when a record's facts go from ``old`` to ``new``."""
    before, after = contributions(old), contributions(new)
    changes = {k: after.get(k, 0) - before.get(k, 0) for k in before.keys() | after.keys()}
    return {k: v for k, v in changes.items() if v}


def number_key(facts: RecordFacts | None) -> tuple[str, int, str, int] | None:
    """``(fonds, year of the 文号, series, number)`` of an archived record's 文号."""
    if facts is None or not facts.archived:
        return None
    number = facts.number
    return (facts.fonds, number.year, number.series, number.number) if number else None


def rejection_contributions(
    fonds: str, year: int, item_codes: list[str] | tuple[str, ...]
) -> Mapping[Key, int]:
    """One refused package (拒收): ``rejected`` once and ``rejected_item`` per failed item."""
    found: dict[Key, int] = {(fonds, int(year), "rejected", ""): 1}
    for code in sorted(set(item_codes)):
        found[(fonds, int(year), "rejected_item", code)] = 1
    return found
