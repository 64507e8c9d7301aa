"""Supervision metrics per agency (监督指导指标) — the public API other areas read.

Public functions (stable shape; statistics, rectification notices and the annual report use
them, #26)::

    agency_metrics(fonds, year=None, today=None) -> dict
        fonds: a Fonds object or its 全宗号; year None = all years together.
    all_agencies(year=None, today=None, domain=None) -> list[dict]
        one dict per fonds (agency), ordered by fonds code, each as agency_metrics.
    years() -> list[int]     the years that have figures, newest first
    records_behind(fonds, year, metric) -> list[dict]   the records behind a listed figure
        metric in ("late", "components_missing", "seal_failed", "corrected", "pending")
    number_gaps(fonds, year=None) -> list[dict]          the missing 文号 behind number_gaps

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
from sd.archive.supervision.aggregates import MEMBERS

DECLARED = "sd.archive.supervision.declared"
LISTED_METRICS = ("late", "components_missing", "seal_failed", "corrected", "pending")


def _today(today: date | None) -> date:
    from sd.archive.retention import today as beijing_today

    return today or beijing_today()


def _fonds_object(fonds):
    if isinstance(fonds, str):
        from sd.archive.intake.fonds import find_fonds

        found = find_fonds(api.portal.get(), fonds)
        if found is None:
            raise KeyError(fonds)
        return found
    return fonds


def _sums(counts, fonds_code: str, year: int | None) -> tuple[dict, dict]:
    """({metric: sum over categories}, {detection item: rejections}) of one agency's year."""
    sums: dict[str, int] = {}
    items: dict[str, int] = {}
    if counts is None:
        return sums, items
    low, high = (year, year) if year is not None else (1, 9999)
    for key, counter in counts.items(
        min=(fonds_code, low, "", ""), max=(fonds_code, high, "\uffff", "")
    ):
        value = counter()
        if key[2] == "rejected_item":
            items[key[3]] = items.get(key[3], 0) + value
        else:
            sums[key[2]] = sums.get(key[2], 0) + value
    return sums, items


def _held_until(counts, fonds_code: str, latest: int) -> int:
    """Archived records still in the records room from years up to ``latest`` (到期未移交)."""
    if counts is None:
        return 0
    return sum(
        c()
        for k, c in counts.items(
            min=(fonds_code, 1, "", ""), max=(fonds_code, latest, "\uffff", "")
        )
        if k[2] == "held"
    )


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


def declared_entries(portal, fonds_code: str, year: int | None = None) -> list[dict]:
    """The counts declared for an agency (申报数), periods starting in ``year`` (or all)."""
    tree = site_tree(portal, DECLARED)
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


def _comparisons(portal, counts, fonds_code: str, year: int | None) -> list[DeclaredComparison]:
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
        for e in declared_entries(portal, fonds_code, year)
    ]


def scope_categories(fonds) -> list[str]:
    """The categories the agency's filing scope (归档范围) files records into: every category a
    rule of its archiving scope and retention schedule names."""
    from sd.archive import rules

    return sorted({r.category for r in rules.fonds_schedule(fonds).rules if r.category})


def review_queue() -> dict[str, tuple[int, date | None]]:
    """{全宗号: (records waiting for review, the oldest one's day)} in one catalog query
    (待人工整理 of every agency)."""
    from sd.archive.intake.review import PENDING_REVIEW

    catalog = api.portal.get_tool("portal_catalog")
    found: dict[str, tuple[int, date | None]] = {}
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Record", review_state="pre_archived", arrangement_status=PENDING_REVIEW
    ):
        code = getattr(brain, "fonds_code", None) or ""
        day = aggregates.beijing_date(brain.created)
        n, oldest = found.get(code, (0, None))
        found[code] = (n + 1, min(d for d in (oldest, day) if d) if (oldest or day) else None)
    return found


def _row(portal, fonds, year, today, counts, queue) -> dict:
    from sd.archive.transfer.outgoing import transfer_after_years

    code = fonds.fonds_code
    sums, items = _sums(counts, code, year)
    void = {s: list(entries) for s, entries in numbers.declared(fonds).items()}
    gaps, series = numbers.gap_summary(portal, code, void, year)
    scope = scope_categories(fonds)
    if year is not None:
        present = {
            k[3]
            for k, c in (counts or {}).items(
                min=(code, year, "archived", ""), max=(code, year, "archived", "\uffff")
            )
            if c()
        }
        scope_missing = [c for c in scope if c not in present]
    else:
        scope_missing = []
    backlog, oldest = queue.get(code, (0, None))
    data = Inputs(
        sums=sums,
        rejected_items=items,
        number_gaps=gaps,
        number_series=series,
        declared=_comparisons(portal, counts, code, year),
        scope_missing=scope_missing,
        review_backlog=backlog,
        review_oldest_days=(today - oldest).days if oldest else 0,
        due_for_transfer=_held_until(counts, code, today.year - transfer_after_years()),
    )
    return {
        "fonds": code,
        "title": fonds.Title(),
        "url": fonds.absolute_url(),
        "domain": getattr(fonds, "network_domain", "") or "",
        "year": year,
        **compute(data),
    }


def agency_metrics(fonds, year: int | None = None, today: date | None = None) -> dict:
    """The figures of one agency (a Fonds or its 全宗号) for ``year`` (None: all years)."""
    portal = api.portal.get()
    fonds = _fonds_object(fonds)
    counts = site_tree(portal, COUNTS)
    return _row(portal, fonds, year, _today(today), counts, review_queue())


def all_agencies(year: int | None = None, today: date | None = None, domain: str | None = None):
    """The figures of every agency, ordered by fonds code (``domain``: only that network
    domain, e.g. ``public-service``)."""
    from sd.archive.intake.fonds import all_fonds

    portal = api.portal.get()
    counts = site_tree(portal, COUNTS)
    queue = review_queue()
    day = _today(today)
    rows = [
        _row(portal, f, year, day, counts, queue)
        for f in all_fonds(portal)
        if getattr(f, "fonds_code", None)
        and (not domain or getattr(f, "network_domain", "") == domain)
    ]
    rows.sort(key=lambda r: r["fonds"])
    return rows


def years(today: date | None = None) -> list[int]:
    """The 年度 with archived records in any agency, newest first (a few range probes per
    agency, never a walk over every counter)."""
    counts = site_tree(api.portal.get(), COUNTS)
    if counts is None:
        return []
    codes = api.portal.get_tool("portal_catalog").uniqueValuesFor("fonds_code")
    found = set()
    for code in codes:
        for year in range(_today(today).year - 50, _today(today).year + 2):
            key = (code, year, "archived", "")
            if any(True for _k in counts.keys(min=key, max=(code, year, "archived", "\uffff"))):
                found.add(year)
    return sorted(found, reverse=True)


def records_behind(fonds, year: int | None, metric: str, limit: int = 500) -> list[dict]:
    """The records behind a listed figure (指标明细): uid, title, 档号, 文号, state, url —
    from catalog brains, never from the records."""
    if metric not in LISTED_METRICS:
        raise KeyError(metric)
    fonds = _fonds_object(fonds)
    members = site_tree(api.portal.get(), MEMBERS)
    if members is None:
        return []
    low, high = (year, year) if year is not None else (0, 9999)
    uids: list[str] = []
    for key, found in members.items(
        min=(fonds.fonds_code, low, ""), max=(fonds.fonds_code, high, "\uffff")
    ):
        if key[2] == metric:
            uids.extend(found)
    catalog = api.portal.get_tool("portal_catalog")
    rows = []
    for brain in (
        catalog.unrestrictedSearchResults(UID=uids[:limit], sort_on="archival_code") if uids else []
    ):
        rows.append(
            {
                "uid": brain.UID,
                "title": brain.Title,
                "archival_code": getattr(brain, "archival_code", "") or "",
                "document_number": getattr(brain, "document_number", "") or "",
                "document_date": getattr(brain, "document_date", None),
                "state": brain.review_state,
                "url": brain.getURL(),
            }
        )
    return rows


def number_gaps(fonds, year: int | None = None) -> list[dict]:
    """The missing 文号 of an agency, per series (发文断号明细)."""
    fonds = _fonds_object(fonds)
    return [g.as_dict() for g in numbers.gaps(api.portal.get(), fonds, year)]
