"""Supervision metrics per agency (监督指导指标) — the public API other areas read.

Public functions (stable shape; statistics, rectification notices and the annual report use
them, #26)::

    agency_metrics(fonds, year=None, today=None) -> dict
        fonds: a Fonds object or its 全宗号; year None = all years together.
    all_agencies(year=None, today=None, domain=None) -> list[dict]
        one dict per fonds (agency), ordered by fonds code, each as agency_metrics.
    years() -> list[int]     the years that have figures, newest first

The records behind a figure (drill-down) are in :mod:`.details`.

One agency's dict::

    {"fonds": "J001", "title": "…", "url": "…", "domain": "administrative", "year": 2023,
     "records": 120,                                    # archived (已归档件数)
     "completeness": {"rate": 96.0,                     # archived / (archived + gaps + shortfall) %
                      "number_gaps": 3, "number_series": 2,   # missing 文号 not marked void
                      "declared": [{"kind", "start", "end", "declared", "archived", "shortfall"}],
                      "declared_shortfall": 2,
                      "scope_missing": ["KJ"],          # filing-scope categories with no record
                      "components_missing": 1},
     "timeliness":   {"rate": 90.0, "timed": 100, "late": 10, "average_days": 211.5,
                      "pending": 4, "due_for_transfer": 30},
     "quality":      {"packages": 130, "rejections": 10, "rejections_per_1000": 76.9,
                      "by_item": {"GD-2-7": {"count": 3, "per_1000": 23.1}},
                      "review_backlog": 2, "review_oldest_days": 12,
                      "seal_failures": 0, "corrected": 1, "corrections": 1}}

Rates are percentages to one decimal, ``None`` when there is nothing to divide by. Every
figure comes from what the system recorded (see :mod:`.aggregates`), none is typed in;
the declared counts are the business systems' own reports (``@declared-counts``).
Reading never writes.
"""

from __future__ import annotations

from datetime import date

from plone import api

from sd.archive.core.supervision.declared import KINDS
from sd.archive.core.supervision.figures import DeclaredComparison
from sd.archive.core.supervision.figures import Inputs
from sd.archive.core.supervision.figures import compute
from sd.archive.sitedata import site_tree
from sd.archive.supervision import aggregates
from sd.archive.supervision import numbers
from sd.archive.supervision.aggregates import COUNTS

DECLARED = "sd.archive.supervision.declared"


def _today(today: date | None) -> date:
    from sd.archive.retention import today as beijing_today

    return today or beijing_today()


def fonds_object(fonds):
    if isinstance(fonds, str):
        from sd.archive.intake.fonds import find_fonds

        found = find_fonds(api.portal.get(), fonds)
        if found is None:
            raise KeyError(fonds)
        return found
    return fonds


def _by_year(counts, fonds_code: str) -> dict[int, tuple[dict, dict]]:
    """{year: ({metric: sum over categories}, {detection item: rejections})} of one agency,
    all years in one range read of the counters (the per-day ``dated`` counters lie beyond)."""
    found: dict[int, tuple[dict, dict]] = {}
    if counts is None:
        return found
    for key, counter in counts.items(
        min=(fonds_code, 1, "", ""), max=(fonds_code, 9999, "\uffff", "")
    ):
        sums, items = found.setdefault(key[1], ({}, {}))
        value = counter()
        if key[2] == "rejected_item":
            items[key[3]] = items.get(key[3], 0) + value
        else:
            sums[key[2]] = sums.get(key[2], 0) + value
    return found


def _combined(by_year: dict, year: int | None) -> tuple[dict, dict]:
    """The sums of one year, or of all years (``year`` None)."""
    if year is not None:
        sums, items = by_year.get(year, ({}, {}))
        return dict(sums), dict(items)
    sums: dict[str, int] = {}
    items: dict[str, int] = {}
    for year_sums, year_items in by_year.values():
        for k, v in year_sums.items():
            sums[k] = sums.get(k, 0) + v
        for k, v in year_items.items():
            items[k] = items.get(k, 0) + v
    return sums, items


def _dated(counts, fonds_code: str, kind: str, start: date, end: date) -> int:
    if counts is None:
        return 0
    metric = f"dated:{KINDS[kind][0]}"
    return sum(
        c()
        for k, c in counts.items(
            min=(fonds_code, start.toordinal(), "", ""),
            max=(fonds_code, end.toordinal(), "\uffff", ""),
        )
        if k[2] == metric
    )


def archived_in_period(portal, fonds_code: str, kind: str, start: date, end: date) -> int:
    """Records of the declared kind archived from a period (by document date or completion)."""
    return _dated(site_tree(portal, COUNTS), fonds_code, kind, start, end)


def declared_entries(tree, fonds_code: str, year: int | None = None) -> list[dict]:
    """The counts declared for an agency (申报数) in ``tree`` (the site's ``DECLARED``),
    periods starting in ``year`` (or all)."""
    if tree is None:
        return []
    found = []
    for key, entry in tree.items(min=(fonds_code, "", "", ""), max=(fonds_code, "\uffff", "", "")):
        if year is not None and not key[2].startswith(f"{year:04d}-"):
            continue
        found.append(
            {"fonds": key[0], "kind": key[1], "start": key[2], "end": key[3], **dict(entry)}
        )
    return found


def _comparisons(tree, counts, fonds_code: str, year: int | None) -> list[DeclaredComparison]:
    return [
        DeclaredComparison(
            e["kind"],
            e["start"],
            e["end"],
            e["count"],
            _dated(
                counts,
                fonds_code,
                e["kind"],
                date.fromisoformat(e["start"]),
                date.fromisoformat(e["end"]),
            ),
        )
        for e in declared_entries(tree, fonds_code, year)
    ]


def scope_categories(fonds) -> list[str]:
    """The categories the agency's filing scope (归档范围) files records into: every category a
    rule of its archiving scope and retention schedule names."""
    from sd.archive import rules

    return sorted({r.category for r in rules.fonds_schedule(fonds).rules if r.category})


def review_queue() -> dict[str, tuple[int, date | None]]:
    """{全宗号: (records waiting for review, the oldest one's day)} of every agency
    (待人工整理): the catalog's own indexes, intersected once and read entry by entry
    (全宗号 and 创建时间 of each waiting entry), no brain and no record."""
    from BTrees.IIBTree import intersection
    from Products.CMFCore.indexing import processQueue

    from sd.archive.intake.review import PENDING_REVIEW

    processQueue()  # pending reindexing first, as a catalog search would
    catalog = api.portal.get_tool("portal_catalog")._catalog
    waiting = None
    for index, value in (
        ("review_state", "pre_archived"),
        ("arrangement_status", PENDING_REVIEW),
        ("portal_type", "Record"),
    ):
        found = catalog.getIndex(index)._index.get(value)
        if found is None:
            return {}
        if isinstance(found, int):  # a value held by one entry only
            from BTrees.IIBTree import IITreeSet

            found = IITreeSet([found])
        waiting = found if waiting is None else intersection(waiting, found)
    fonds_of = catalog.getIndex("fonds_code")._unindex
    created_of = catalog.getIndex("created")._unindex
    counts: dict[str, list] = {}
    for rid in waiting or ():
        code = fonds_of.get(rid) or ""
        entry = counts.setdefault(code, [0, None])
        entry[0] += 1
        made = created_of.get(rid)
        if made is not None and (entry[1] is None or made < entry[1]):
            entry[1] = made
    return {code: (n, _index_day(oldest)) for code, (n, oldest) in counts.items()}


def _index_day(value) -> date | None:
    """A DateIndex value (its packed UTC year·month·day·hour·minute) as the day in Beijing."""
    if value is None:
        return None
    from datetime import UTC
    from datetime import datetime

    value, minute = divmod(int(value), 60)
    value, hour = divmod(value, 24)
    value, day = divmod(value, 31)
    if day == 0:
        day, value = 31, value - 1
    year, month = divmod(value, 12)
    if month == 0:
        month, year = 12, year - 1
    try:
        return aggregates.beijing_date(datetime(year, month, day, hour, minute, tzinfo=UTC))
    except ValueError:
        return None


class Reader:
    """One reading of the figures (一次读取): the site's trees, the review queue, the fonds
    and the settings looked up once, and each agency's counters read in one pass (all its
    years), then any number of agencies and years — a page reads every agency for several
    years (table and trend) at the cost of one."""

    def __init__(self, today: date | None = None):
        from sd.archive.intake.fonds import all_fonds
        from sd.archive.transfer.outgoing import transfer_after_years

        self.portal = api.portal.get()
        self.today = _today(today)
        self.counts = site_tree(self.portal, COUNTS)
        self.numbers = site_tree(self.portal, aggregates.NUMBERS)
        self.declared = site_tree(self.portal, DECLARED)
        self.transfer_after = transfer_after_years()
        self._queue = None
        self._fonds = None
        self._all_fonds = all_fonds
        self._static: dict[str, tuple] = {}
        self._years: dict[str, dict] = {}
        self._gaps: dict[str, dict] = {}

    @property
    def queue(self) -> dict:
        if self._queue is None:
            self._queue = review_queue()
        return self._queue

    def fonds(self) -> list:
        if self._fonds is None:
            found = [f for f in self._all_fonds(self.portal) if getattr(f, "fonds_code", None)]
            self._fonds = sorted(found, key=lambda f: f.fonds_code)
        return self._fonds

    def _about(self, fonds) -> tuple:
        """(title, url, domain, scope categories, void 文号) of a fonds, read once."""
        code = fonds.fonds_code
        if code not in self._static:
            void = {s: list(entries) for s, entries in numbers.declared(fonds).items()}
            self._static[code] = (
                fonds.Title(),
                fonds.absolute_url(),
                getattr(fonds, "network_domain", "") or "",
                scope_categories(fonds),
                void,
            )
        return self._static[code]

    def by_year(self, code: str) -> dict:
        if code not in self._years:
            self._years[code] = _by_year(self.counts, code)
        return self._years[code]

    def gaps(self, fonds, year: int | None) -> tuple[int, int]:
        code = fonds.fonds_code
        if code not in self._gaps:
            self._gaps[code] = numbers.gaps_by_year(self.numbers, code, self._about(fonds)[4])
        found = self._gaps[code]
        if year is not None:
            return found.get(year, (0, 0))
        return sum(g for g, _s in found.values()), sum(s for _g, s in found.values())

    def years(self, fonds=None) -> list[int]:
        """The 年度 with archived records in any agency (or in ``fonds``), newest first."""
        found = set()
        for each in [fonds] if fonds is not None else self.fonds():
            found |= {
                y for y, (sums, _i) in self.by_year(each.fonds_code).items() if sums.get("archived")
            }
        return sorted((y for y in found if 1900 <= y <= 2999), reverse=True)

    def row(self, fonds, year: int | None) -> dict:
        code = fonds.fonds_code
        title, url, domain, scope, _void = self._about(fonds)
        by_year = self.by_year(code)
        sums, items = _combined(by_year, year)
        gaps, series = self.gaps(fonds, year)
        if year is not None:
            present = {
                k[3]
                for k, c in (self.counts or {}).items(
                    min=(code, year, "archived", ""), max=(code, year, "archived", "\uffff")
                )
                if c()
            }
            scope_missing = [c for c in scope if c not in present]
        else:
            scope_missing = []
        backlog, oldest = self.queue.get(code, (0, None))
        latest = self.today.year - self.transfer_after
        data = Inputs(
            sums=sums,
            rejected_items=items,
            number_gaps=gaps,
            number_series=series,
            declared=_comparisons(self.declared, self.counts, code, year),
            scope_missing=scope_missing,
            review_backlog=backlog,
            review_oldest_days=(self.today - oldest).days if oldest else 0,
            due_for_transfer=sum(s.get("held", 0) for y, (s, _i) in by_year.items() if y <= latest),
        )
        return {
            "fonds": code,
            "title": title,
            "url": url,
            "domain": domain,
            "year": year,
            **compute(data),
        }

    def all_agencies(self, year: int | None = None, domain: str | None = None) -> list[dict]:
        return [
            self.row(f, year)
            for f in self.fonds()
            if not domain or getattr(f, "network_domain", "") == domain
        ]


def agency_metrics(fonds, year: int | None = None, today: date | None = None) -> dict:
    """The figures of one agency (a Fonds or its 全宗号) for ``year`` (None: all years)."""
    return Reader(today).row(fonds_object(fonds), year)


def all_agencies(year: int | None = None, today: date | None = None, domain: str | None = None):
    """The figures of every agency, ordered by fonds code (``domain``: only that network
    domain, e.g. ``public-service``)."""
    return Reader(today).all_agencies(year, domain)


def years(today: date | None = None) -> list[int]:
    """The 年度 with archived records in any agency, newest first."""
    return Reader(today).years()
