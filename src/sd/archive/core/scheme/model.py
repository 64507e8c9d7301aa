"""Classification scheme and retention schedule as data (分类方案、归档范围和保管期限表).

A fonds (全宗) has one :class:`ClassificationScheme` — its categories (门类) with their code
rules and item-number start, and its organisation/problem codes (机构或问题) — and one
:class:`RetentionSchedule`, the archiving scope and retention schedule: rules that map what a
record is (kind, 文种, title keywords, issuer, 事项编码) to category, retention period and
organisation code. Both are data a manager exports, edits and re-imports (CSV or XML).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.codes import CodeRule
from sd.archive.core.codes.checks import check_category
from sd.archive.core.codes.checks import check_fonds
from sd.archive.core.codes.checks import check_org
from sd.archive.core.codes.rule import DEFAULT_RULE
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.retention import is_valid_code

GONGWEN = "电子公文"
"""Record kind: electronic official document (GB/T 39362-2020)."""
ZHENGWU = "政务服务电子文件"
"""Record kind: government-service e-file (DA/T 85-2019 / GB/T 42727-2023)."""
RECORD_KINDS = (GONGWEN, ZHENGWU)

_ANY_ORG = CodeRule(use_org=True)


class SchemeError(ArchiveError):
    """A scheme or schedule file is not valid (分类方案或保管期限表有误): HTTP 422."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "InvalidScheme")


@dataclass(frozen=True)
class Category:
    """A category of the scheme (门类): code, title, 件号 start and its archival code rule."""

    code: str
    title: str
    numbering_start: int = 1
    code_rule: CodeRule = DEFAULT_RULE


@dataclass(frozen=True)
class Organisation:
    """An organisation or problem code (机构或问题代码) with the names that map to it."""

    code: str
    title: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class ClassificationScheme:
    """The classification scheme of one fonds (分类方案)."""

    fonds_code: str
    fonds_name: str = ""
    categories: tuple[Category, ...] = ()
    organisations: tuple[Organisation, ...] = ()

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def code_rule(self, category: str) -> CodeRule:
        """The archival code rule of ``category``; ``KeyError`` when the scheme lacks it."""
        found = self.category(category)
        if found is None:
            raise KeyError(category)
        return found.code_rule

    def organisation(self, code: str) -> Organisation | None:
        return next((o for o in self.organisations if o.code == code), None)

    def resolve_org(self, hint: str) -> str | None:
        """The organisation code for a hint: a code, a title or an alias (exact, trimmed)."""
        hint = (hint or "").strip()
        if not hint:
            return None
        for org in self.organisations:
            if hint == org.code or hint.upper() == org.code.upper() or hint in org.names:
                return org.code
        return None


@dataclass(frozen=True)
class ScheduleRule:
    """One entry of the archiving scope and retention schedule (归档范围和保管期限表条目).

    Conditions (empty = any): all given conditions must hold; inside one condition any value
    may match. ``record_kinds`` and ``doc_types`` (文种) compare exactly, ``title_keywords``
    must occur in the title, none of ``exclude_keywords`` may, one of ``authors`` must occur
    in the issuer (责任者), and the 事项编码 must start with one of ``item_code_prefixes``.
    Among matching rules the highest ``priority`` wins.
    Outcome: ``category``, ``retention`` and, optionally, ``org_code``.
    """

    id: str
    category: str
    retention: str
    priority: int = 0
    org_code: str = ""
    record_kinds: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    title_keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    item_code_prefixes: tuple[str, ...] = ()
    description: str = ""

    @property
    def outcome(self) -> tuple[str, str, str]:
        return (self.category, self.retention, self.org_code)


@dataclass(frozen=True)
class RetentionSchedule:
    """The archiving scope and retention schedule of one fonds (归档范围和保管期限表)."""

    fonds_code: str = ""
    rules: tuple[ScheduleRule, ...] = field(default_factory=tuple)

    def rule(self, rule_id: str) -> ScheduleRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _problem(code: str, message: str, where: str, prop: str) -> Problem:
    return Problem(code=code, message=message, object=where, property=prop)


def category_problems(category: Category, where: str = "") -> list[Problem]:
    """Problems of one category (门类) entry."""
    found = []
    bad = check_category(category.code)
    if bad:
        found.append(_problem("SCHEME-CATEGORY", bad.message, where, "scheme"))
    if not category.title.strip():
        found.append(
            _problem("SCHEME-VALUE", f"门类 {category.code}: 名称 is empty", where, "scheme")
        )
    if category.numbering_start < 1:
        found.append(_problem("SCHEME-VALUE", "件号起始 must be ≥ 1", where, "scheme"))
    return found


def organisation_problems(org: Organisation, where: str = "") -> list[Problem]:
    """Problems of one organisation/problem (机构或问题) entry."""
    found = []
    bad = check_org(org.code, _ANY_ORG)
    if bad:
        found.append(_problem("SCHEME-ORG", bad.message, where, "scheme"))
    if not org.title.strip():
        found.append(_problem("SCHEME-VALUE", f"机构 {org.code}: 名称 is empty", where, "scheme"))
    return found


def _place(places: Sequence[str] | None, index: int) -> str:
    return places[index] if places is not None and index < len(places) else ""


def scheme_problems(
    scheme: ClassificationScheme,
    fonds_place: str = "",
    category_places: Sequence[str] | None = None,
    org_places: Sequence[str] | None = None,
) -> list[Problem]:
    """Problems of a whole scheme; the places say where each entry is in its file."""
    found = []
    bad = check_fonds(scheme.fonds_code)
    if bad:
        found.append(_problem("SCHEME-FONDS", bad.message, fonds_place, "scheme"))
    seen: set[str] = set()
    for index, cat in enumerate(scheme.categories):
        place = _place(category_places, index)
        found += category_problems(cat, place)
        if cat.code in seen:
            found.append(_problem("SCHEME-DUPLICATE", f"门类 {cat.code} twice", place, "scheme"))
        seen.add(cat.code)
    seen = set()
    for index, org in enumerate(scheme.organisations):
        place = _place(org_places, index)
        found += organisation_problems(org, place)
        if org.code in seen:
            found.append(_problem("SCHEME-DUPLICATE", f"机构 {org.code} twice", place, "scheme"))
        seen.add(org.code)
    return found


def rule_problems(
    rule: ScheduleRule, scheme: ClassificationScheme | None = None, where: str = ""
) -> list[Problem]:
    """Problems of one schedule rule; with a ``scheme``, its codes must exist there."""
    found = []

    def add(code, message):
        found.append(_problem(code, f"规则 {rule.id}: {message}", where, "schedule"))

    if not rule.id.strip():
        add("SCHEDULE-ID", "规则编号 is empty")
    bad = check_category(rule.category)
    if bad:
        add("SCHEDULE-CATEGORY", bad.message)
    elif scheme is not None and scheme.category(rule.category) is None:
        add(
            "SCHEDULE-CATEGORY", f"门类 {rule.category} is not in the scheme of {scheme.fonds_code}"
        )
    if not is_valid_code(rule.retention):
        add("SCHEDULE-RETENTION", f"保管期限 {rule.retention!r}: Y or D<years>")
    if rule.org_code:
        bad = check_org(rule.org_code, _ANY_ORG)
        if bad:
            add("SCHEDULE-ORG", bad.message)
        elif scheme is not None and scheme.organisation(rule.org_code) is None:
            add("SCHEDULE-ORG", f"机构 {rule.org_code} is not in the scheme of {scheme.fonds_code}")
    for kind in rule.record_kinds:
        if kind not in RECORD_KINDS:
            add("SCHEDULE-KIND", f"文件类型 {kind!r}: one of {'/'.join(RECORD_KINDS)}")
    return found


def schedule_problems(
    schedule: RetentionSchedule,
    scheme: ClassificationScheme | None = None,
    places: Sequence[str] | None = None,
) -> list[Problem]:
    """Problems of a whole schedule; ``places`` say where each rule is in its file."""
    found = []
    seen: set[str] = set()
    for index, rule in enumerate(schedule.rules):
        place = _place(places, index)
        found += rule_problems(rule, scheme, place)
        if rule.id in seen:
            found.append(
                _problem("SCHEDULE-DUPLICATE", f"规则编号 {rule.id} twice", place, "schedule")
            )
        seen.add(rule.id)
    if scheme is not None and schedule.fonds_code and schedule.fonds_code != scheme.fonds_code:
        found.append(
            _problem(
                "SCHEDULE-FONDS",
                f"schedule of {schedule.fonds_code} used with scheme of {scheme.fonds_code}",
                "",
                "schedule",
            )
        )
    return found
