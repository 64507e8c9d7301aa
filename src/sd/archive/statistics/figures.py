"""The figures of statistics (统计数据) and of the annual report (统计年报), from the catalog.

Holdings come from :mod:`.catalog` postings (no record is woken). Activity per period —
intake, rejections, transfers, requests and use — comes from the catalog's date indexes, the
intake rejections kept on the site and the register of use of the access requests (the
requests are woken: a few thousand a year, not the holdings).

Approximations, said where they are used (docs/statistics.md): a record's transfer or
destruction day is its last modification (``modified``); holdings are counted as they stand
when the figures are computed, so a year's report is computed just after the year's end.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time

from DateTime import DateTime
from plone import api

from sd.archive.core.access.period import BEIJING
from sd.archive.core.access.period import beijing_text
from sd.archive.core.statistics import tables
from sd.archive.sitedata import site_tree
from sd.archive.statistics import catalog as cat

ARCHIVES_STATES = tables.ARCHIVES_STATES
ROOM_STATES = tables.ROOM_STATES
#: states a record reaches once the records room sent it to the archives (已移交及以后)
TRANSFERRED_STATES = ("transferred", *ARCHIVES_STATES)
#: states of records that never entered the holdings (预归档、退回)
NOT_HELD = ("pre_archived", "rejected")


def _moment(day: date, end: bool = False) -> DateTime:
    t = time(23, 59, 59) if end else time(0)
    return DateTime(datetime.combine(day, t, tzinfo=BEIJING).isoformat())


def catalog():
    return api.portal.get_tool("portal_catalog")


def scope_postings(ctl, fonds_codes, states):
    """The record postings of the scope: some fonds (or all) and some states."""
    postings = cat.record_postings(ctl, fonds_codes)
    return postings.within(postings.ids_of("state", states)) if states else postings


def holdings(dim: str, fonds_codes=None, states=None, ctl=None) -> dict:
    """One holdings table (馆藏统计表) of ``dim``."""
    ctl = ctl if ctl is not None else catalog()
    return tables.holdings_table(scope_postings(ctl, fonds_codes, states), dim)


def _dated(ctl, postings, index: str, start: date, end: date) -> int:
    return len(
        cat._intersect(
            postings.universe, cat.date_range_ids(ctl, index, _moment(start), _moment(end, True))
        )
    )


def _rejections(fonds_codes, start: date, end: date) -> int:
    from sd.archive.intake.rejections import ANNOTATION_KEY

    tree = site_tree(api.portal.get(), ANNOTATION_KEY) or {}
    first, last = start.isoformat(), end.isoformat()
    return sum(
        1
        for e in tree.values()
        if (fonds_codes is None or e.get("fonds_code") in fonds_codes)
        and first <= beijing_text(e.get("time"))[:10] <= last
    )


def _transfer_batches(ctl, fonds_codes, start: date, end: date) -> int:
    ids = cat.ids_with(ctl, "portal_type", "TransferBatch")
    if fonds_codes:
        ids = cat._intersect(ids, cat.ids_with(ctl, "fonds_code", *fonds_codes))
    return len(
        cat._intersect(ids, cat.date_range_ids(ctl, "created", _moment(start), _moment(end, True)))
    )


def use_counts(fonds_codes, start: date, end: date) -> dict:
    """利用: requests (人次: approved requests made in the range), uses (卷/件次: readings and
    downloads in the range) and certificates (出具档案证明: certified-form requests approved),
    narrowed to records of ``fonds_codes`` when given (档号 prefix)."""
    ctl = catalog()
    first, last = start.isoformat(), end.isoformat()
    persons, uses, certificates = 0, 0, 0
    prefixes = tuple(f"{c}-" for c in fonds_codes or ())
    for brain in ctl.unrestrictedSearchResults(portal_type="AccessRequest"):
        request = brain._unrestrictedGetObject()
        register = list(getattr(request, "register", None) or ())
        mine = [
            e for e in register if not prefixes or (e.get("record_code") or "").startswith(prefixes)
        ]
        approved = [
            e
            for e in register
            if e.get("action") == "approved" and first <= beijing_text(e.get("time"))[:10] <= last
        ]
        touches = (
            not prefixes
            or mine
            or any(
                ref
                for ref in (getattr(request, "records", None) or ())
                if _in_fonds(ref, fonds_codes)
            )
        )
        if approved and touches:
            persons += 1
            if request.form == "certified":
                certificates += 1
        uses += sum(
            1
            for e in mine
            if e.get("action") in ("viewed", "downloaded")
            and first <= beijing_text(e.get("time"))[:10] <= last
        )
    return {"use_persons": persons, "use_items": uses, "certificates": certificates}


def _in_fonds(uid: str, fonds_codes) -> bool:
    brains = catalog().unrestrictedSearchResults(UID=uid, fonds_code=list(fonds_codes))
    return bool(brains)


def activity(fonds_codes, start: date, end: date, period: str) -> dict:
    """The activity table (业务量统计) per period from ``start`` to ``end``."""
    start, end, period = tables.check_range(start, end, period)
    ctl = catalog()
    records = cat.record_postings(ctl, fonds_codes)
    held = records.within(cat._intersect(records.universe, _not(records, NOT_HELD)))
    moved = records.within(records.ids_of("state", TRANSFERRED_STATES))
    rows = []
    for name, first, last in tables.periods(start, end, period):
        use = use_counts(fonds_codes, first, last)
        rows.append(
            (
                name,
                {
                    "intake": _dated(ctl, held, "created", first, last),
                    "rejections": _rejections(fonds_codes, first, last),
                    "transfers": _transfer_batches(ctl, fonds_codes, first, last),
                    "transferred": _dated(ctl, moved, "modified", first, last),
                    "requests": use["use_persons"],
                    "uses": use["use_items"],
                },
            )
        )
    return tables.activity_table(rows)


def _not(postings, states):
    """The ids in scope whose state is not one of ``states``."""
    from BTrees.IIBTree import difference

    return difference(postings.universe, postings.ids_of("state", states))


def annual_figures(
    form: str, year: int, fonds_code: str | None = None, ctl=None, with_use=True
) -> dict:
    """The figures the annual report's computed cells read (see core.statistics.annual):
    ``room`` — one agency's records room (``fonds_code``); ``archives`` — the archives' holdings."""
    ctl = ctl if ctl is not None else catalog()
    codes = [fonds_code] if fonds_code else None
    states = ROOM_STATES if form == "room" else ARCHIVES_STATES
    records = cat.record_postings(ctl, codes)
    held = records.within(records.ids_of("state", states))
    first, last = date(year, 1, 1), date(year, 12, 31)
    retention = {r["value"]: r["count"] for r in held.breakdown("retention", with_bytes=False)}
    fonds = {r["value"] for r in held.breakdown("fonds", with_bytes=False)} - {tables.UNKNOWN}
    volumes = cat.ids_with(ctl, "portal_type", "Dossier")
    if codes:
        volumes = cat._intersect(volumes, cat.ids_with(ctl, "fonds_code", *codes))
    size = held.bytes()
    not_held = records.within(cat._intersect(records.universe, _not(records, NOT_HELD)))
    figures = {
        "fonds": len(fonds),
        "volumes": len(volumes),
        "items": held.count(),
        "retention_Y": retention.get("Y", 0),
        "retention_D30": retention.get("D30", 0),
        "retention_D10": retention.get("D10", 0),
        "electronic_items": held.count(),
        "electronic_gb": size / 1024**3,
        "electronic_bytes": size,
        "intake_year": _dated(ctl, not_held, "created", first, last),
        "transferred_year": _dated(
            ctl,
            records.within(records.ids_of("state", TRANSFERRED_STATES)),
            "modified",
            first,
            last,
        ),
        "received_year": _dated(
            ctl, records.within(records.ids_of("state", ARCHIVES_STATES)), "modified", first, last
        ),
        "destroyed_year": _dated(
            ctl, records.within(records.ids_of("state", ("destroyed",))), "modified", first, last
        ),
        "open_items": len(records.ids_of("state", ("open",))),
        "due_for_transfer": 0,
    }
    if fonds_code:
        try:
            from sd.archive.supervision.metrics import agency_metrics

            figures["due_for_transfer"] = (agency_metrics(fonds_code).get("timeliness") or {}).get(
                "due_for_transfer", 0
            ) or 0
        except (ImportError, LookupError, AttributeError):
            pass
    if with_use:
        figures.update(use_counts(codes, first, last))
    return figures
