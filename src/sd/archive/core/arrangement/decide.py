"""Automatic arrangement of a pre-archive record (自动整理): category, retention, org code.

:func:`arrange` applies the fonds' retention schedule to a record:

1. the rules that match (:mod:`.matching`) are ranked by priority (higher wins);
2. the rules of the highest priority must agree on category and retention period, and on
   the organisation code where they give one — otherwise the record is undecided (conflict);
3. values the sending system already gave (门类代码, 保管期限, 机构或问题) win over the rule;
4. the organisation code, when the category's code rule uses one, comes from the sender,
   else the rule, else the record's department hint mapped through the scheme
   (:meth:`ClassificationScheme.resolve_org`);
5. anything missing or unknown leaves the record undecided, with problems saying why, so
   it waits for a records officer (待人工整理).

Item numbers are not allocated here (the repository does that per series); see
:func:`sd.archive.core.codes.next_free`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sd.archive.core.arrangement.facts import RecordFacts
from sd.archive.core.arrangement.matching import explain_match
from sd.archive.core.codes import CodeParts
from sd.archive.core.codes import SeriesKey
from sd.archive.core.codes import series_key
from sd.archive.core.errors import Problem
from sd.archive.core.retention import is_valid_code
from sd.archive.core.scheme.model import ClassificationScheme
from sd.archive.core.scheme.model import RetentionSchedule
from sd.archive.core.scheme.model import ScheduleRule

ARRANGED = "arranged"  # 已自动整理
PENDING_REVIEW = "pending_review"  # 待人工整理


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`arrange` (整理结果).

    ``rule_id`` is the deciding rule ('' when the sender gave everything); ``matched`` lists
    every matching rule, best first; ``reasons`` explain the outcome in words; ``problems``
    say why the record is undecided (empty when decided).
    """

    fonds_code: str
    year: int | None
    category: str = ""
    retention: str = ""
    org_code: str = ""
    rule_id: str = ""
    matched: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def decided(self) -> bool:
        return not self.problems

    @property
    def status(self) -> str:
        """``arranged`` or ``pending_review``, as in the REST answers."""
        return ARRANGED if self.decided else PENDING_REVIEW

    def parts(self, item_number: int) -> CodeParts:
        """The code parts of the record once the repository gave it ``item_number``."""
        if not self.decided:
            raise ValueError("the record is not arranged; it waits for review")
        return CodeParts(
            self.fonds_code, self.category, self.year, self.retention, item_number, self.org_code
        )

    def series(self, scheme: ClassificationScheme) -> SeriesKey:
        """The item-number series the record joins (for the repository's counter)."""
        return series_key(self.parts(1), scheme.code_rule(self.category))


_GIVEN = {"category": "门类代码", "retention": "保管期限", "org_code": "机构或问题"}


def _problem(code: str, message: str, obj: str = "") -> Problem:
    return Problem(code=code, message=message, object=obj, property="arrangement")


def value_problems(
    scheme: ClassificationScheme,
    category: str,
    retention: str,
    org_code: str,
    *,
    required: bool = False,
    org_hint: str = "",
    obj: str | None = None,
) -> list[Problem]:
    """门类, 保管期限 and 机构或问题 against the fonds' scheme (分类方案核对): the one check
    of the values for the automatic arrangement and for a records officer's adjustment.

    ``required``: a missing 门类 or 保管期限 is a problem too (the officer must give them);
    ``obj``: what the problems are about (default: the value in question)."""
    problems = []
    entry = scheme.category(category) if category else None
    if (category or required) and entry is None:
        problems.append(
            _problem(
                "ARRANGE-CATEGORY",
                f"门类 {category!r} 不在分类方案中 / category not in the scheme",
                category if obj is None else obj,
            )
        )
    if (retention or required) and not is_valid_code(retention):
        problems.append(
            _problem(
                "ARRANGE-RETENTION",
                f"保管期限 {retention!r} 无效 / retention period not valid",
                retention if obj is None else obj,
            )
        )
    if org_code and scheme.organisation(org_code) is None:
        problems.append(
            _problem(
                "ARRANGE-ORG",
                f"机构或问题 {org_code!r} 不在分类方案中 / organisation code not in the scheme",
                org_code if obj is None else obj,
            )
        )
    if entry is not None and entry.code_rule.use_org and not org_code:
        hint = f"未知部门「{org_hint}」/ unknown department" if org_hint else "未给出 / none given"
        problems.append(
            _problem(
                "ARRANGE-NO-ORG",
                f"档号规则需要机构或问题代码：{hint} / the code rule needs an organisation code",
                "" if obj is None else obj,
            )
        )
    return problems


def _ranked(schedule: RetentionSchedule, facts: RecordFacts):
    found = []
    for order, rule in enumerate(schedule.rules):
        why = explain_match(rule, facts)
        if why is not None:
            found.append((rule, why, order))
    found.sort(key=lambda item: (-item[0].priority, item[2]))
    return [(rule, why) for rule, why, _ in found]


def _agree(rules: list[ScheduleRule]) -> bool:
    if len({(r.category, r.retention) for r in rules}) > 1:
        return False
    return len({r.org_code for r in rules if r.org_code}) <= 1


def _pick_winner(ranked, reasons: list[str], problems: list[Problem]) -> ScheduleRule | None:
    """The rule that decides among the top-priority matches, or None.

    Appends the winning rules' reasons, or an ARRANGE-CONFLICT problem when rules of
    equal priority disagree.
    """
    if not ranked:
        return None
    top = [(r, why) for r, why in ranked if r.priority == ranked[0][0].priority]
    rules = [r for r, _ in top]
    if not _agree(rules):
        ids = ", ".join(r.id for r in rules)
        outcomes = "; ".join(
            f"{r.id} → {r.category}/{r.retention}/{r.org_code or '-'}" for r in rules
        )
        problems.append(
            _problem(
                "ARRANGE-CONFLICT",
                f"同优先级（{rules[0].priority}）规则结论不一致 / "
                f"rules of equal priority disagree: {outcomes}",
                ids,
            )
        )
        return None
    for rule, why in top:
        reasons.append(f"规则 {rule.id}（优先级 {rule.priority}）：{'；'.join(why) or '无条件'}")
    return next((r for r in rules if r.org_code), rules[0])


def arrange(
    facts: RecordFacts, scheme: ClassificationScheme, schedule: RetentionSchedule
) -> Decision:
    """Decide category, retention period and organisation code of a record (自动整理)."""
    problems: list[Problem] = []
    reasons: list[str] = []
    year = facts.record_year
    if year is None:
        problems.append(
            _problem("ARRANGE-YEAR", "年度和日期均缺失 / 年度 and 日期 are both missing")
        )
    if facts.fonds_code and facts.fonds_code != scheme.fonds_code:
        problems.append(
            _problem(
                "ARRANGE-FONDS",
                f"文件属全宗 {facts.fonds_code}，分类方案属全宗 {scheme.fonds_code} / "
                f"record of fonds {facts.fonds_code}, scheme of {scheme.fonds_code}",
            )
        )

    ranked = _ranked(schedule, facts)
    matched = tuple(rule.id for rule, _ in ranked)
    winner = _pick_winner(ranked, reasons, problems)

    category = facts.category or (winner.category if winner else "")
    retention = facts.retention or (winner.retention if winner else "")
    for name, label in _GIVEN.items():
        value = getattr(facts, name)
        if value:
            ruled = getattr(winner, name) if winner else ""
            differs = f"，规则 {winner.id} 为 {ruled}" if ruled and ruled != value else ""
            reasons.append(f"{label} {value} 由发送系统给定{differs}")

    if not category or not retention:
        if not ranked:
            problems.append(
                _problem(
                    "ARRANGE-NO-RULE",
                    "归档范围与保管期限表中没有适用的规则 / no schedule rule matches the record",
                )
            )
        elif winner is not None:
            problems.append(
                _problem(
                    "ARRANGE-NO-RULE",
                    "适用规则未给出门类或保管期限 / the matching rule gives no category or period",
                )
            )
    org_code = facts.org_code or (winner.org_code if winner else "")
    if not org_code and facts.org_hint:
        org_code = scheme.resolve_org(facts.org_hint) or ""
        if org_code:
            reasons.append(f"机构或问题 {org_code} 由「{facts.org_hint}」确定")
    problems.extend(
        value_problems(scheme, category, retention, org_code, org_hint=facts.org_hint or "")
    )

    return Decision(
        fonds_code=scheme.fonds_code,
        year=year,
        category=category,
        retention=retention,
        org_code=org_code,
        rule_id=winner.id if winner else "",
        matched=matched,
        reasons=tuple(reasons),
        problems=tuple(problems),
    )
