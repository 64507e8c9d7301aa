"""Archival code rules (档号编制规则) configured per fonds and category."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace

DAT22 = "DA/T 22-2015"
"""按件 form of DA/T 22-2015: ``全宗号-门类代码·年度-保管期限代码[-机构(问题)代码]-件号``."""

DAT13 = "DA/T 13-2022"
"""DA/T 13-2022: ``全宗号-类别号-件号`` (按件) or ``全宗号-类别号-案卷号-件号`` (按卷)."""

GRAMMARS = (DAT22, DAT13)

ITEM = "item"  # 按件
VOLUME = "volume"  # 按卷
LEVELS = (ITEM, VOLUME)

CATEGORY = "category"  # 门类代码
YEAR = "year"  # 年度
RETENTION = "retention"  # 保管期限
ORG = "org"  # 机构或问题
EXTRA = "extra"  # further 类别号 parts (专业 sub-classes …)
CLASS_PART_NAMES = (CATEGORY, YEAR, RETENTION, ORG, EXTRA)

CLASS_PART_LABELS = {
    CATEGORY: "门类",
    YEAR: "年度",
    RETENTION: "保管期限",
    ORG: "机构",
    EXTRA: "附加",
}
"""Chinese names of the 类别号 parts, as used in the CSV and XML files."""


@dataclass(frozen=True)
class CodeRule:
    """How the archival codes of one fonds + category are made (档号规则).

    - ``grammar``: :data:`DAT22` or :data:`DAT13`
    - ``item_width``: digits of the zero-padded 件号 (4 in DA/T 22 examples)
    - ``use_org``: whether the 机构(问题)代码 is part of the code
    - ``class_parts``: DA/T 13-2022 only, the order of the 类别号 parts joined by ``·``;
      :data:`ORG` is left out automatically when ``use_org`` is false; at most one
      :data:`EXTRA` slot, which takes any number of parts
    - ``level``: :data:`ITEM` (按件) or :data:`VOLUME` (按卷, DA/T 13-2022 only)
    - ``volume_width``: digits of the zero-padded 案卷号
    """

    grammar: str = DAT22
    item_width: int = 4
    use_org: bool = True
    class_parts: tuple[str, ...] = (CATEGORY, YEAR, RETENTION, ORG)
    level: str = ITEM
    volume_width: int = 3

    def __post_init__(self):
        if self.grammar not in GRAMMARS:
            raise ValueError(f"unknown code grammar {self.grammar!r}")
        if self.level not in LEVELS:
            raise ValueError(f"unknown arrangement level {self.level!r}")
        if self.grammar == DAT22 and self.level != ITEM:
            raise ValueError("DA/T 22-2015 codes are item codes (按件) only")
        if not 1 <= self.item_width <= 8 or not 1 <= self.volume_width <= 8:
            raise ValueError("widths must be between 1 and 8")
        unknown = set(self.class_parts) - set(CLASS_PART_NAMES)
        if unknown:
            raise ValueError(f"unknown 类别号 parts {sorted(unknown)}")
        for name in (CATEGORY, YEAR, RETENTION, ORG, EXTRA):
            if self.class_parts.count(name) > 1:
                raise ValueError(f"类别号 part {name!r} given twice")
        if self.grammar == DAT13:
            for name in (CATEGORY, YEAR, RETENTION):
                if name not in self.class_parts:
                    raise ValueError(f"类别号 needs the part {name!r}")
            if self.use_org and ORG not in self.class_parts:
                raise ValueError("use_org needs 'org' in class_parts")

    @property
    def effective_class_parts(self) -> tuple[str, ...]:
        """The 类别号 parts actually rendered (ORG dropped when not used)."""
        return tuple(p for p in self.class_parts if p != ORG or self.use_org)


DEFAULT_RULE = CodeRule()
"""DA/T 22-2015, 4-digit 件号, with 机构(问题)代码: ``J001-WS·2023-Y-BGS-0001``."""


def level_rule(rule: CodeRule, volume: int | None) -> CodeRule:
    """The rule a code is rendered under (按卷规则下的按件形式).

    Under a 按卷 rule (DA/T 13-2022) a record placed in a volume carries the volume form
    ``全宗号-类别号-案卷号-件号``; a record not (yet, or no longer) in a volume keeps the 按件
    form of the same rule, ``全宗号-类别号-件号``, until it is placed (案卷整理)."""
    if rule.level == VOLUME and volume is None:
        return replace(rule, level=ITEM)
    return rule
