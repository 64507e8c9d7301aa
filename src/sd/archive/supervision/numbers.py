"""文号 series of an agency (发文字号序列): the gaps found and the numbers marked void.

A missing 文号 counts against the agency's completeness until its records officer records why
it is missing (:func:`declare`), with the same reasons and the same shape as a missing 件号
(``transfer.continuity.declare``: 作废 void, 撤回 withdrawn, 本单位留存 kept, a note, who and
when), each declaration in the audit trail (``supervision.number-declared``).
"""

from __future__ import annotations

from collections.abc import Iterable

from plone import api

from sd.archive.core.supervision.docnumbers import NumberGap
from sd.archive.core.supervision.docnumbers import gap_count
from sd.archive.core.supervision.docnumbers import series_gaps
from sd.archive.core.supervision.docnumbers import series_year
from sd.archive.sitedata import site_tree
from sd.archive.supervision.aggregates import NUMBERS

ANNOTATION = "sd.archive.supervision.void_numbers"


def declared(fonds) -> dict[str, dict[int, dict]]:
    """``{series: {number: {reason, reason_zh, note, by, time}}}`` recorded for ``fonds``."""
    from sd.archive.transfer.continuity import declared as declared_in

    return declared_in(fonds, ANNOTATION)


def declared_list(fonds, year: int | None = None) -> list[dict]:
    return [
        {"series": series, "number": number, **entry}
        for series, entries in declared(fonds).items()
        if year is None or series_year(series) == year
        for number, entry in entries.items()
    ]


def series_numbers(portal, fonds_code: str, year: int | None = None) -> dict[str, list[int]]:
    """``{series: 文号 numbers archived}`` of an agency (one year or all)."""
    tree = site_tree(portal, NUMBERS)
    if tree is None:
        return {}
    low, high = (year, year) if year is not None else (0, 9999)
    return {
        key[2]: list(present.keys())
        for key, present in tree.items(min=(fonds_code, low, ""), max=(fonds_code, high, "\uffff"))
        if len(present)
    }


def gaps(portal, fonds, year: int | None = None) -> list[NumberGap]:
    """The missing 文号 of each series not marked void (发文断号明细)."""
    registry = declared(fonds)
    numbers = series_numbers(portal, fonds.fonds_code, year)
    return series_gaps(numbers, {s: list(registry.get(s, {})) for s in numbers})


def gaps_by_year(tree, fonds_code: str, void: dict) -> dict[int, tuple[int, int]]:
    """{year: (missing 文号, series)} of one agency from the counters alone (``tree``: the
    site's ``NUMBERS``; one range read): per series, its highest number minus the numbers
    present minus those marked void below it (the dashboard's figure; no list is built)."""
    found: dict[int, tuple[int, int]] = {}
    if tree is None:
        return found
    for key, present in tree.items(min=(fonds_code, 0, ""), max=(fonds_code, 9999, "\uffff")):
        if not present:
            continue
        highest = present.maxKey()
        voided = sum(1 for n in void.get(key[2], ()) if n < highest and n not in present)
        missing, series = found.get(key[1], (0, 0))
        found[key[1]] = (missing + gap_count(highest, len(present), voided), series + 1)
    return found


def declare(fonds, series: str, numbers: Iterable, reason: str, note: str) -> list[dict]:
    """Record why 文号 of a series are missing (登记发文断号原因): the same recorded action
    as for 件号 (``transfer.continuity.record_reasons``), audited as
    ``supervision.number-declared``; only numbers missing below the series' highest
    archived number."""
    from sd.archive.transfer.continuity import MissingNumbers
    from sd.archive.transfer.continuity import record_reasons

    portal = api.portal.get()
    kind = MissingNumbers(
        annotation=ANNOTATION,
        prefix="supervision",
        error_type="NumberDeclarationRefused",
        action="supervision.number-declared",
        word="文号",
        present=lambda f, s: series_numbers(portal, f.fonds_code, series_year(s)).get(s),
        missing=lambda present, s: [n for g in series_gaps({s: present}) for n in g.missing],
    )
    return record_reasons(fonds, kind, series, numbers, reason, note)
