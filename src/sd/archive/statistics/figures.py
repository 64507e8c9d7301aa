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

import numpy as np
from DateTime import DateTime
from plone import api

from sd.archive.core.access.period import BEIJING
from sd.archive.core.access.period import beijing_text
from sd.archive.core.statistics import tables
from sd.archive.core.statistics.columns import Scoped
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


def holdings(dim: str, fonds_codes=None, states=None, ctl=None, shared=None) -> dict:
    """One holdings table (馆藏统计表) of ``dim``."""
    shared = shared or Shared(ctl if ctl is not None else catalog())
    return tables.holdings_table(shared.scope(fonds_codes, states), dim)


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
    shared = Shared(ctl)
    records = shared.scope(fonds_codes)
    held = records.mask & ~shared.columns.where("state", NOT_HELD)
    moved = records.mask & shared.columns.where("state", TRANSFERRED_STATES)
    rows = []
    for name, first, last in tables.periods(start, end, period):
        use = use_counts(fonds_codes, first, last)
        rows.append(
            (
                name,
                {
                    "intake": shared.columns.count(held & shared.dated("created", first, last)),
                    "rejections": _rejections(fonds_codes, first, last),
                    "transfers": _transfer_batches(ctl, fonds_codes, first, last),
                    "transferred": shared.columns.count(
                        moved & shared.dated("modified", first, last)
                    ),
                    "requests": use["use_persons"],
                    "uses": use["use_items"],
                },
            )
        )
    return tables.activity_table(rows)


class View:
    """Record columns with the masks of one computation cached (states, date ranges); a view
    of some agencies (``parent``, ``index``) takes its date masks from the whole catalog's."""

    def __init__(self, ctl, columns, parent=None, index=None):
        self.ctl = ctl
        self.columns = columns
        self.parent = parent
        self.index = index
        self._masks: dict = {}

    def dated(self, index: str, first: date, last: date):
        """The records whose date ``index`` lies in the range: read from the date index for
        the range only (the ids in it), not a date per record."""
        key = (index, first, last)
        if key not in self._masks:
            if self.parent is not None:
                self._masks[key] = self.parent.dated(index, first, last)[self.index]
            else:
                ids = cat.date_range_ids(self.ctl, index, _moment(first), _moment(last, True))
                self._masks[key] = self.columns.mask_of(ids)
        return self._masks[key]

    def where(self, name: str, values):
        key = (name, tuple(values))
        if key not in self._masks:
            self._masks[key] = self.columns.where(name, values)
        return self._masks[key]

    def scope(self, fonds_codes=None, states=None) -> Scoped:
        mask = self.columns.all()
        if fonds_codes:
            mask &= self.where("fonds", fonds_codes)
        if states:
            mask &= self.where("state", states)
        return Scoped(self.columns, mask)


class Shared(View):
    """The record columns of one computation (一次统计共用: a request, the annual reports of
    every agency), built once from the catalog; made per computation, never kept. ``view``
    narrows them to some agencies (their records only, so a hundred agencies cost about one
    pass over the catalog)."""

    def __init__(self, ctl):
        super().__init__(ctl, cat.record_columns(ctl))
        self._groups = None

    def view(self, fonds_codes=None) -> View:
        if not fonds_codes:
            return self
        if self._groups is None:
            self._groups = self.columns.groups("fonds")
        parts = [self._groups[c] for c in fonds_codes if c in self._groups]
        index = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
        return View(self.ctl, self.columns.take(index), self, index)


def annual_figures(
    form: str,
    year: int,
    fonds_code: str | None = None,
    ctl=None,
    live: bool = True,
    shared: Shared | None = None,
) -> dict:
    """The figures the annual report's computed cells read (see core.statistics.annual):
    ``room`` — one agency's records room (``fonds_code``); ``archives`` — the archives' holdings.
    ``live=False`` leaves out what needs the site (use of records, supervision figures): the
    benchmark counts a bare catalog."""
    ctl = ctl if ctl is not None else catalog()
    shared = shared or Shared(ctl)
    codes = [fonds_code] if fonds_code else None
    shared = shared.view(codes)  # the agency's records only
    records = shared.scope()
    first, last = date(year, 1, 1), date(year, 12, 31)

    def in_states(states):
        return records.within(shared.where("state", states))

    def dated(scoped, index):
        return scoped.count(shared.dated(index, first, last))

    held = in_states(ROOM_STATES if form == "room" else ARCHIVES_STATES)
    retention = {r["value"]: r["count"] for r in held.breakdown("retention", with_bytes=False)}
    if codes:  # one agency: its fonds, when it holds anything
        fonds = 1 if held.count() else 0
    else:
        fonds = sum(
            1 for r in held.breakdown("fonds", with_bytes=False) if r["value"] != tables.UNKNOWN
        )
    volumes = cat.ids_with(ctl, "portal_type", "Dossier")
    if codes:
        volumes = cat._intersect(volumes, cat.ids_with(ctl, "fonds_code", *codes))
    size = held.bytes()
    not_held = records.within(~shared.where("state", NOT_HELD))
    figures = {
        "fonds": fonds,
        "volumes": len(volumes),
        "items": held.count(),
        "retention_Y": retention.get("Y", 0),
        "retention_D30": retention.get("D30", 0),
        "retention_D10": retention.get("D10", 0),
        "electronic_items": held.count(),
        "electronic_gb": size / 1024**3,
        "electronic_bytes": size,
        "intake_year": dated(not_held, "created"),
        "transferred_year": dated(in_states(TRANSFERRED_STATES), "modified"),
        "received_year": dated(in_states(ARCHIVES_STATES), "modified"),
        "destroyed_year": dated(in_states(("destroyed",)), "modified"),
        "open_items": in_states(("open",)).count(),
        "due_for_transfer": 0,
    }
    if fonds_code and live:
        try:
            from sd.archive.supervision.metrics import agency_metrics

            figures["due_for_transfer"] = (agency_metrics(fonds_code).get("timeliness") or {}).get(
                "due_for_transfer", 0
            ) or 0
        except (ImportError, LookupError, AttributeError):
            pass
    if live:
        figures.update(use_counts(codes, first, last))
    return figures


def annual_reports(year: int, fonds_codes, ctl=None, live: bool = True) -> dict:
    """The computed figures of the archives' report and of every agency's records-room report
    of ``year`` in one pass (统计年报汇总): postings, sizes and date ranges read once."""
    ctl = ctl if ctl is not None else catalog()
    shared = Shared(ctl)
    out = {"archives": annual_figures("archives", year, None, ctl, live, shared)}
    for code in fonds_codes:
        out[code] = annual_figures("room", year, code, ctl, live, shared)
    return out


def holdings_tables(fonds_codes=None, states=None, ctl=None) -> list[dict]:
    """Every holdings table (one per dimension) of one scope, the columns built once."""
    scoped = Shared(ctl if ctl is not None else catalog()).scope(fonds_codes, states)
    return [tables.holdings_table(scoped, dim) for dim in tables.DIMENSIONS]
