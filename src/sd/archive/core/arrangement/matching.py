"""Whether a schedule rule applies to a record (规则匹配).

All conditions a rule gives must hold (empty condition = any); inside one condition one value
is enough:

- 文件类型 and 文种: equal;
- 题名关键词: occurs in the title or in the 事项名称; 排除关键词: occurs in neither;
- 责任者: occurs in the record's issuer (so ``某某厅`` matches ``山东省某某厅``);
- 事项编码前缀: the 事项编码 starts with it.
"""

from __future__ import annotations

from sd.archive.core.arrangement.facts import RecordFacts
from sd.archive.core.scheme.model import ScheduleRule


def _first(values, test):
    return next((v for v in values if test(v)), None)


def explain_match(rule: ScheduleRule, facts: RecordFacts) -> list[str] | None:
    """The conditions of ``rule`` that ``facts`` meet, or ``None`` when one of them fails."""
    reasons: list[str] = []
    text = f"{facts.title}\n{facts.item_name}"
    checks = [
        (rule.record_kinds, lambda v: v == facts.kind, "文件类型={}"),
        (rule.doc_types, lambda v: v == facts.doc_type, "文种={}"),
        (rule.title_keywords, lambda v: v in text, "题名含「{}」"),
        (rule.authors, lambda v: bool(facts.author) and v in facts.author, "责任者含「{}」"),
        (rule.item_code_prefixes, lambda v: facts.item_code.startswith(v), "事项编码以{}开头"),
    ]
    for values, test, template in checks:
        if not values:
            continue
        found = _first(values, test)
        if found is None:
            return None
        reasons.append(template.format(found))
    excluded = _first(rule.exclude_keywords, lambda v: v in text)
    if excluded is not None:
        return None
    if rule.exclude_keywords:
        reasons.append("题名不含「{}」".format("、".join(rule.exclude_keywords)))
    return reasons


def matches(rule: ScheduleRule, facts: RecordFacts) -> bool:
    return explain_match(rule, facts) is not None
