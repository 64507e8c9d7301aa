"""Rendering and parsing archival codes (档号的生成与解析) — DA/T 22-2015 and DA/T 13-2022.

- DA/T 22-2015 (按件): ``全宗号-门类代码·年度-保管期限代码[-机构(问题)代码]-件号``,
  e.g. ``Z109-WS·2011-Y-BGS-0001``, ``1031-WS·2009-D30-0029``.
- DA/T 13-2022 (按件): ``全宗号-类别号-件号``, e.g. ``Z109-WS·2011·Y·办公室-0001``;
  (按卷): ``全宗号-类别号-案卷号-件号``, e.g. ``J019-ZY·JC·CC·2019·D30-001-001``;
  类别号 parts are joined by ``·`` in the order given by :attr:`CodeRule.class_parts`.

Parsing is strict: run :func:`~sd.archive.core.codes.normalise.normalise` first on legacy
input (or use :func:`parse_legacy`).
"""

from __future__ import annotations

from sd.archive.core.codes import checks
from sd.archive.core.codes.normalise import CLASS_SEPARATOR
from sd.archive.core.codes.normalise import LEVEL_SEPARATOR
from sd.archive.core.codes.normalise import normalise
from sd.archive.core.codes.parts import CodeParts
from sd.archive.core.codes.rule import CATEGORY
from sd.archive.core.codes.rule import DAT22
from sd.archive.core.codes.rule import EXTRA
from sd.archive.core.codes.rule import ORG
from sd.archive.core.codes.rule import RETENTION
from sd.archive.core.codes.rule import VOLUME
from sd.archive.core.codes.rule import YEAR
from sd.archive.core.codes.rule import CodeRule
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem


class CodeError(ArchiveError):
    """An archival code does not follow its rule (档号不符合编制规则): HTTP 422."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "InvalidArchivalCode")


def pattern(rule: CodeRule) -> str:
    """Human-readable pattern of ``rule`` (for messages and forms)."""
    if rule.grammar == DAT22:
        org = "-机构(问题)代码" if rule.use_org else ""
        return f"全宗号-门类代码·年度-保管期限代码{org}-件号"
    labels = {
        CATEGORY: "门类代码",
        YEAR: "年度",
        RETENTION: "保管期限代码",
        ORG: "机构(问题)代码",
        EXTRA: "…",
    }
    klass = CLASS_SEPARATOR.join(labels[p] for p in rule.effective_class_parts)
    volume = "-案卷号" if rule.level == VOLUME else ""
    return f"全宗号-{klass}{volume}-件号"


def _class_values(parts: CodeParts, rule: CodeRule) -> list[str]:
    values = {CATEGORY: [parts.category], YEAR: [str(parts.year)], RETENTION: [parts.retention]}
    values[ORG] = [parts.org_code]
    values[EXTRA] = list(parts.extra)
    return [v for name in rule.effective_class_parts for v in values[name]]


def render(parts: CodeParts, rule: CodeRule) -> str:
    """The archival code of ``parts`` under ``rule``; raise :class:`CodeError` if a part is bad.

    An ``org_code`` is left out when the rule does not use it.
    """
    problems = checks.check_parts(parts, rule)
    if problems:
        raise CodeError("archival code parts are not valid", problems)
    item = str(parts.item_number).zfill(rule.item_width)
    if rule.grammar == DAT22:
        levels = [
            parts.fonds_code,
            f"{parts.category}{CLASS_SEPARATOR}{parts.year}",
            parts.retention,
        ]
        if rule.use_org:
            levels.append(parts.org_code)
        levels.append(item)
    else:
        levels = [parts.fonds_code, CLASS_SEPARATOR.join(_class_values(parts, rule))]
        if rule.level == VOLUME:
            levels.append(str(parts.volume).zfill(rule.volume_width))
        levels.append(item)
    return LEVEL_SEPARATOR.join(levels)


def render_volume(parts: CodeParts, rule: CodeRule) -> str:
    """The code of the volume (案卷档号) ``全宗号-类别号-案卷号``: the volume form of ``rule``
    without the 件号 (``parts.item_number`` is not rendered). The rule must be 按卷."""
    if rule.level != VOLUME:
        raise CodeError(
            "the code rule is not 按卷: a volume has no code of its own",
            [checks.problem("VOLUME", f"按件 rule {pattern(rule)}: no 案卷档号")],
        )
    item = render(parts.with_item(1), rule)
    return item.rsplit(LEVEL_SEPARATOR, 1)[0]


def _levels_problem(code: str, rule: CodeRule, found: int) -> Problem:
    return checks.problem(
        "LEVELS", f"{found} levels separated by '-', expected {pattern(rule)}", code
    )


def _split_dat22(code: str, rule: CodeRule) -> tuple[dict, list[Problem]]:
    levels = code.split(LEVEL_SEPARATOR)
    expected = 5 if rule.use_org else 4
    if len(levels) != expected:
        if rule.use_org and len(levels) == 4:
            return {}, [
                checks.problem("ORG", f"机构(问题)代码 missing, expected {pattern(rule)}", code)
            ]
        return {}, [_levels_problem(code, rule, len(levels))]
    klass = levels[1].split(CLASS_SEPARATOR)
    if len(klass) != 2:
        return {}, [checks.problem("CLASS", f"{levels[1]!r}: expected 门类代码·年度", code)]
    raw = {CATEGORY: klass[0], YEAR: klass[1], RETENTION: levels[2], EXTRA: ()}
    raw[ORG] = levels[3] if rule.use_org else ""
    raw["fonds"], raw["item"], raw["volume"] = levels[0], levels[-1], None
    return raw, []


def _split_dat13(code: str, rule: CodeRule) -> tuple[dict, list[Problem]]:
    levels = code.split(LEVEL_SEPARATOR)
    expected = 4 if rule.level == VOLUME else 3
    if len(levels) != expected:
        return {}, [_levels_problem(code, rule, len(levels))]
    tokens = levels[1].split(CLASS_SEPARATOR)
    names = rule.effective_class_parts
    fixed = len(names) - (1 if EXTRA in names else 0)
    if len(tokens) < fixed or (EXTRA not in names and len(tokens) != fixed):
        want = CLASS_SEPARATOR.join(names)
        return {}, [checks.problem("CLASS", f"类别号 {levels[1]!r}: expected parts {want}", code)]
    raw: dict = {ORG: "", EXTRA: ()}
    position = 0
    for name in names:
        if name == EXTRA:
            count = len(tokens) - fixed
            raw[EXTRA] = tuple(tokens[position : position + count])
            position += count
        else:
            raw[name] = tokens[position]
            position += 1
    raw["fonds"], raw["item"] = levels[0], levels[-1]
    raw["volume"] = levels[2] if rule.level == VOLUME else None
    return raw, []


def _parse(code: str, rule: CodeRule) -> tuple[CodeParts | None, list[Problem]]:
    if not isinstance(code, str) or not code:
        return None, [checks.problem("EMPTY", "archival code is empty", "")]
    split = _split_dat22 if rule.grammar == DAT22 else _split_dat13
    raw, problems = split(code, rule)
    if problems:
        return None, problems
    found = [
        checks.check_fonds(raw["fonds"], code),
        checks.check_category(raw[CATEGORY], code),
        checks.check_year(raw[YEAR], code),
        checks.check_retention(raw[RETENTION], code),
        checks.check_org(raw[ORG], rule, code),
        checks.check_extra(raw[EXTRA], rule, code),
        checks.check_number("ITEM", "件号", raw["item"], rule.item_width, code),
    ]
    if raw["volume"] is not None:
        found.append(
            checks.check_number("VOLUME", "案卷号", raw["volume"], rule.volume_width, code)
        )
    problems = [p for p in found if p is not None]
    if problems:
        return None, problems
    parts = CodeParts(
        fonds_code=raw["fonds"],
        category=raw[CATEGORY],
        year=int(raw[YEAR]),
        retention=raw[RETENTION],
        item_number=int(raw["item"]),
        org_code=raw[ORG],
        volume=int(raw["volume"]) if raw["volume"] is not None else None,
        extra=raw[EXTRA],
    )
    return parts, []


def parse(code: str, rule: CodeRule) -> CodeParts:
    """Parse ``code`` strictly under ``rule``; raise :class:`CodeError` naming the wrong parts."""
    parts, problems = _parse(code, rule)
    if problems:
        raise CodeError(f"archival code does not follow {rule.grammar}: {pattern(rule)}", problems)
    return parts


def parse_legacy(code: str, rule: CodeRule) -> CodeParts:
    """:func:`normalise` then :func:`parse` (for imports of legacy catalogues)."""
    return parse(normalise(code), rule)


def validate(code: str, rule: CodeRule) -> list[Problem]:
    """Problems of ``code`` under ``rule``; empty when it is valid (strict, not normalised)."""
    return _parse(code, rule)[1]


def is_valid(code: str, rule: CodeRule) -> bool:
    return not validate(code, rule)
