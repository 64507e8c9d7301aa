"""Continuity before transfer (移交前连续性检查) and the declared gaps of a fonds (断号登记).

Every item-number series an outgoing transfer takes (全宗 + 门类 + 年度 + 保管期限 [+ 机构]) is
checked as a whole — over all records of the series in the fonds, whatever their state, not
only the selected ones. A number between the series start and its highest number that no
record has is a gap (断号); a gap blocks the transfer (409 ``SeriesGaps`` naming series and
numbers) until the records officer records a reason for it (:func:`declare`: 作废 void,
撤回 withdrawn, 本单位留存 kept by the agency, with a note). The declared gaps are kept per
fonds (an annotation), each with who and when, every declaration in the audit trail
(``transfer.gap-declared``); those of the series taken travel in the package's 说明文件
(``断号说明``) and the registration form, where the receiving side reads them for YJ-2-6
(:func:`package_series_check`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass

from persistent.mapping import PersistentMapping
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive import audit
from sd.archive.actors import now
from sd.archive.core import codes
from sd.archive.core.codes.gaps import GAP_REASONS
from sd.archive.core.codes.gaps import NOTE_KEY
from sd.archive.core.codes.gaps import SeriesGap
from sd.archive.core.codes.gaps import missing_numbers
from sd.archive.core.codes.gaps import parse_note
from sd.archive.core.codes.gaps import render_note
from sd.archive.core.codes.gaps import undeclared_gaps
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.intake.context import Holdings

ANNOTATION = "sd.archive.transfer.declared_gaps"


# --- series of codes ----------------------------------------------------------------------


class Series:
    """Parses archival codes of one fonds into (series name, 件号) with the fonds' rules
    (the default DA/T 22 rule, series starting at 1, when there is no fonds yet)."""

    def __init__(self, fonds):
        self.holdings = Holdings(fonds) if fonds is not None else None

    def of(self, code: str | None) -> tuple[str, int] | None:
        if not code:
            return None
        code = codes.normalise(code)
        category = code.partition("-")[2].split("·", 1)[0]
        rule = self.holdings.rule(category) if self.holdings else codes.DEFAULT_RULE
        if rule is None or not codes.is_valid(code, rule):
            return None
        parts = codes.parse(code, rule)
        return str(codes.series_key(parts, rule)), parts.item_number

    def start(self, series: str) -> int:
        if self.holdings is None:
            return 1
        category = series.partition("-")[2].split("·", 1)[0]
        found = self.holdings.scheme.category(category)
        return found.numbering_start if found is not None else 1


def holdings_numbers(fonds, wanted: set[str] | None = None, parser: Series | None = None):
    """``{series: [件号]}`` of every record of ``fonds`` (any state, tombstones included)."""
    parser = parser or Series(fonds)
    catalog = api.portal.get_tool("portal_catalog")
    numbers: dict[str, list[int]] = {}
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Record", fonds_code=fonds.fonds_code
    ):
        found = parser.of(getattr(brain, "archival_code", None))
        if found is None or (wanted is not None and found[0] not in wanted):
            continue
        numbers.setdefault(found[0], []).append(found[1])
    return numbers


# --- the declared gaps (断号登记) ---------------------------------------------------------


def _registry(fonds, create: bool = False, annotation: str = ANNOTATION):
    annotations = IAnnotations(fonds)
    registry = annotations.get(annotation)
    if registry is None and create:
        registry = annotations[annotation] = PersistentMapping()
    return registry


def declared(fonds, annotation: str = ANNOTATION) -> dict[str, dict[int, dict]]:
    """``{series: {件号: {reason, reason_zh, note, by, time}}}`` recorded for ``fonds``
    (``annotation``: another kind of numbers' register, e.g. 文号)."""
    registry = _registry(fonds, annotation=annotation) or {}
    return {
        series: {number: dict(entry) for number, entry in sorted(entries.items())}
        for series, entries in sorted(registry.items())
    }


def declared_list(fonds) -> list[dict]:
    return [
        {"series": series, "number": number, **entry}
        for series, entries in declared(fonds).items()
        for number, entry in entries.items()
    ]


def parse_numbers(text: str) -> list[int]:
    """``"3, 5-7；9"`` → ``[3, 5, 6, 7, 9]`` (a form's number field); unreadable parts are
    dropped, so that :func:`declare` names what is left."""
    numbers: list[int] = []
    for part in str(text or "").replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        first, dash, last = part.strip().replace("–", "-").partition("-")
        if first.strip().isdigit() and (not dash or last.strip().isdigit()):
            low, high = int(first), int(last) if dash else int(first)
            if 0 < high - low < 10000 or high == low:
                numbers.extend(range(low, high + 1))
    return numbers


@dataclass(frozen=True)
class MissingNumbers:
    """A kind of number series whose missing numbers get a recorded reason (断号登记): 件号
    of the holdings here, 文号 of an agency's documents in ``supervision.numbers``. Same
    reasons, same entries, same refusals; ``prefix`` names the rule codes
    (``<prefix>.gap-reason`` …), ``present(fonds, series)`` the numbers held and
    ``missing(present, series)`` those between them that are gaps."""

    annotation: str
    prefix: str
    error_type: str
    action: str
    word: str  # 件号 / 文号
    present: Callable
    missing: Callable


def _refuse(kind, message: str, code: str, obj: str, prop: str, text: str):
    raise ArchiveError(
        message, [Problem(f"{kind.prefix}.{code}", text, obj, prop)], 422, kind.error_type
    )


def record_reasons(
    fonds, kind: MissingNumbers, series, numbers: Iterable, reason, note
) -> list[dict]:
    """Record the reason for missing numbers of a series (登记断号原因): a recorded action,
    in the audit trail. Only numbers missing below the series' highest number can be
    declared; a new declaration of a number replaces the old one and is audited as such."""
    series = str(series or "").strip()
    note = " ".join(str(note or "").split())
    if reason not in GAP_REASONS:
        _refuse(
            kind,
            "unknown reason",
            "gap-reason",
            str(reason),
            "reason",
            f"原因须为 {', '.join(GAP_REASONS)}（{'、'.join(GAP_REASONS.values())}）",
        )
    if not note:
        _refuse(kind, "a note is required", "gap-note", series, "note", "须说明断号情况 / note")
    try:
        wanted = sorted({int(n) for n in numbers})
    except (TypeError, ValueError):
        wanted = []
    if not wanted:
        _refuse(kind, "no numbers", "gap-numbers", series, "numbers", f"须列出缺失的{kind.word}")
    present = kind.present(fonds, series)
    if not present:
        _refuse(
            kind,
            "no such series",
            "gap-series",
            series,
            "series",
            f"全宗 {fonds.fonds_code} 没有这一{kind.word}序列的档案 / no records in this series",
        )
    missing = set(kind.missing(present, series))
    not_missing = [n for n in wanted if n not in missing]
    if not_missing:
        _refuse(
            kind,
            "not a gap",
            "gap-not-missing",
            series,
            "numbers",
            f"{kind.word} {', '.join(map(str, not_missing))} 不是断号"
            f"（已有档案或在最大{kind.word}之后）",
        )
    registry = _registry(fonds, create=True, annotation=kind.annotation)
    entries = registry.setdefault(series, PersistentMapping())
    actor = api.user.get_current().getId()
    time = now()
    for number in wanted:
        entries[number] = PersistentMapping(
            reason=reason, reason_zh=GAP_REASONS[reason], note=note, by=actor, time=time
        )
    registry[series] = entries
    audit.log(
        kind.action,
        fonds,
        details={"series": series, "numbers": wanted, "reason": reason, "note": note},
    )
    return [{"series": series, "number": n, **dict(entries[n])} for n in wanted]


def declare(fonds, series: str, numbers: Iterable, reason: str, note: str) -> list[dict]:
    """Record the reason for missing 件号 of a series (登记断号原因), see
    :func:`record_reasons`."""
    parser = Series(fonds)
    kind = MissingNumbers(
        annotation=ANNOTATION,
        prefix="transfer",
        error_type="GapDeclarationRefused",
        action="transfer.gap-declared",
        word="件号",
        present=lambda f, s: holdings_numbers(f, {s}, parser).get(s),
        missing=lambda present, s: missing_numbers(present, parser.start(s)),
    )
    return record_reasons(fonds, kind, series, numbers, reason, note)


# --- the check before transfer --------------------------------------------------------------


def series_taken(fonds, records, parser: Series | None = None) -> set[str]:
    parser = parser or Series(fonds)
    return {
        found[0]
        for found in (parser.of(getattr(r, "archival_code", None)) for r in records)
        if found
    }


def gaps(fonds, records) -> list[SeriesGap]:
    """The undeclared gaps of every series ``records`` take, each series as a whole."""
    parser = Series(fonds)
    taken = series_taken(fonds, records, parser)
    if not taken:
        return []
    numbers = holdings_numbers(fonds, taken, parser)
    registry = declared(fonds)
    return undeclared_gaps(
        numbers,
        {s: list(registry.get(s, {})) for s in numbers},
        {s: parser.start(s) for s in numbers},
    )


def fonds_gaps(fonds) -> list[SeriesGap]:
    """The undeclared gaps of every series of ``fonds``."""
    parser = Series(fonds)
    numbers = holdings_numbers(fonds, None, parser)
    registry = declared(fonds)
    return undeclared_gaps(
        numbers,
        {s: list(registry.get(s, {})) for s in numbers},
        {s: parser.start(s) for s in numbers},
    )


def check(fonds, records) -> None:
    """Refuse the transfer while a series it takes has a gap without a reason (409)."""
    found = gaps(fonds, records)
    if found:
        raise ArchiveError(
            "item-number series have gaps without a recorded reason",
            [gap.as_problem() for gap in found],
            409,
            "SeriesGaps",
        )


def note_for(fonds, records) -> str:
    """The 断号说明 of the series ``records`` take (empty when none was declared)."""
    taken = series_taken(fonds, records)
    return render_note(
        {
            series: {n: (e["reason"], e["note"]) for n, e in entries.items()}
            for series, entries in declared(fonds).items()
            if series in taken
        }
    )


# --- the receiving side (YJ-2-6) --------------------------------------------------------------


def package_series_check(fonds, package) -> list[Problem]:
    """YJ-2-6 on a received package: each series in its 目录文件, together with what the
    archives already hold of it in ``fonds``, has no gap the 说明文件's 断号说明 leaves
    unexplained. ``fonds`` may be None (nothing held yet): the package's own numbers are
    then checked with the default DA/T 22 rule."""
    parser = Series(fonds)
    declared_in_package, unreadable = parse_note((package.description or {}).get(NOTE_KEY))
    problems = [
        Problem("YJ-2-6", f"断号说明无法解析 / unreadable entry: {entry}", NOTE_KEY, "说明文件")
        for entry in unreadable
    ]
    numbers: dict[str, list[int]] = {}
    for row in package.catalogue:
        found = parser.of(row.archival_code)
        if found is not None:
            numbers.setdefault(found[0], []).append(found[1])
    if not numbers:
        return problems
    held = holdings_numbers(fonds, set(numbers), parser) if fonds is not None else {}
    for series, present in held.items():
        numbers[series] = numbers[series] + present
    found_gaps = undeclared_gaps(
        numbers,
        {s: list(declared_in_package.get(s, {})) for s in numbers},
        {s: parser.start(s) for s in numbers},
    )
    return problems + [gap.as_problem("YJ-2-6") for gap in found_gaps]
