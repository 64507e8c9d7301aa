"""Checks of the single parts of an archival code (档号各组成部分的规则).

Every check returns a :class:`~sd.archive.core.errors.Problem` or ``None``; the problem codes
are ``CODE-<PART>`` and say which part is wrong.
"""

from __future__ import annotations

import re

from sd.archive.core.codes.parts import CodeParts
from sd.archive.core.codes.rule import EXTRA
from sd.archive.core.codes.rule import VOLUME
from sd.archive.core.codes.rule import CodeRule
from sd.archive.core.errors import Problem
from sd.archive.core.retention import is_valid_code

PROPERTY = "archival_code"

FONDS = re.compile(r"^[A-Z0-9]{1,6}$")
CATEGORY = re.compile(r"^[A-Z]{2}$")
YEAR = re.compile(r"^\d{4}$")
TOKEN = re.compile(r"^[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]{1,20}$")
"""机构(问题)代码 and extra 类别号 parts: pinyin letters, digits or Chinese, no separators."""
DIGITS = re.compile(r"^\d+$")

CATEGORIES = {
    "WS": "文书",
    "KJ": "科技",
    "RS": "人事",
    "KU": "会计",
    "ZY": "专业",
    "ZP": "照片",
    "LY": "录音",
    "LX": "录像",
    "SJ": "业务数据",
    "YJ": "公务电子邮件",
    "WY": "网页",
    "MT": "社交媒体",
    "SW": "实物",
}
"""门类代码 of DA/T 13-2022 (◐ standards.md §2). Other two-letter codes are local extensions."""


def problem(part: str, message: str, obj: str = "") -> Problem:
    return Problem(code=f"CODE-{part}", message=message, object=obj, property=PROPERTY)


def check_fonds(value: str, obj: str = "") -> Problem | None:
    if not FONDS.match(value):
        return problem("FONDS", f"全宗号 {value!r}: 1–6 upper-case letters or digits", obj)
    return None


def check_category(value: str, obj: str = "") -> Problem | None:
    if not CATEGORY.match(value):
        return problem("CATEGORY", f"门类代码 {value!r}: two upper-case letters (WS, KJ …)", obj)
    return None


def check_year(value: str | int, obj: str = "") -> Problem | None:
    text = str(value)
    if isinstance(value, bool) or not YEAR.match(text) or int(text) < 1000:
        return problem("YEAR", f"年度 {value!r}: four digits", obj)
    return None


def check_retention(value: str, obj: str = "") -> Problem | None:
    if not is_valid_code(value):
        return problem("RETENTION", f"保管期限代码 {value!r}: Y or D<years> (D30, D10)", obj)
    return None


def check_org(value: str, rule: CodeRule, obj: str = "") -> Problem | None:
    if not rule.use_org:
        return None
    if not value:
        return problem("ORG", "机构(问题)代码 missing: this fonds/category uses it", obj)
    if not TOKEN.match(value):
        return problem("ORG", f"机构(问题)代码 {value!r}: letters, digits or Chinese, ≤ 20", obj)
    return None


def check_extra(values: tuple[str, ...], rule: CodeRule, obj: str = "") -> Problem | None:
    if values and EXTRA not in rule.effective_class_parts:
        return problem("EXTRA", f"extra 类别号 parts {list(values)}: the code rule has none", obj)
    for value in values:
        if not TOKEN.match(value):
            return problem("EXTRA", f"类别号 part {value!r}: letters, digits or Chinese", obj)
    return None


def check_number(
    part: str, label: str, value: str | int, width: int, obj: str = ""
) -> Problem | None:
    """件号/案卷号: a positive number that fits ``width`` digits (exactly ``width`` when text)."""
    if isinstance(value, str):
        if not DIGITS.match(value) or len(value) != width:
            return problem(part, f"{label} {value!r}: exactly {width} digits", obj)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 10**width:
        return problem(part, f"{label} {value!r}: a number from 1 to {10**width - 1}", obj)
    return None


def check_parts(parts: CodeParts, rule: CodeRule) -> list[Problem]:
    """All problems of ``parts`` under ``rule`` (empty when they can be rendered)."""
    found = [
        check_fonds(parts.fonds_code),
        check_category(parts.category),
        check_year(parts.year),
        check_retention(parts.retention),
        check_org(parts.org_code, rule),
        check_extra(tuple(parts.extra), rule),
        check_number("ITEM", "件号", parts.item_number, rule.item_width),
    ]
    if rule.level == VOLUME:
        if parts.volume is None:
            found.append(problem("VOLUME", "案卷号 missing: the code rule is 按卷"))
        else:
            found.append(check_number("VOLUME", "案卷号", parts.volume, rule.volume_width))
    elif parts.volume is not None:
        found.append(problem("VOLUME", "案卷号 given but the code rule is 按件"))
    return [p for p in found if p is not None]
