"""Field names and value formats shared by the CSV and XML files (字段与取值格式).

One place for the Chinese column/element names and for how values are written:
booleans 是/否, lists joined by ``;`` (``；`` also read),
类别号 order as ``门类·年度·保管期限·机构``, arrangement level 按件/按卷.
"""

from __future__ import annotations

import re

from sd.archive.core.codes import CodeRule
from sd.archive.core.codes.rule import CLASS_PART_LABELS
from sd.archive.core.codes.rule import ITEM
from sd.archive.core.codes.rule import VOLUME

# scheme entries (分类方案)
ROW_FONDS, ROW_CATEGORY, ROW_ORG = "全宗", "门类", "机构"

SCHEME_COLUMNS = (
    "类型",
    "代码",
    "名称",
    "件号起始",
    "档号规则",
    "整理方式",
    "件号位数",
    "案卷号位数",
    "类别号组成",
    "使用机构代码",
    "别名",
)
SCHEME_REQUIRED = ("类型", "代码", "名称")

# code rule attributes: column/attribute name -> CodeRule field
CODE_RULE_FIELDS = {
    "档号规则": "grammar",
    "整理方式": "level",
    "件号位数": "item_width",
    "案卷号位数": "volume_width",
    "类别号组成": "class_parts",
    "使用机构代码": "use_org",
}

# schedule rules (归档范围和保管期限表): column/element name -> ScheduleRule field
RULE_CONDITIONS = {
    "文件类型": "record_kinds",
    "文种": "doc_types",
    "题名关键词": "title_keywords",
    "排除关键词": "exclude_keywords",
    "责任者": "authors",
    "事项编码前缀": "item_code_prefixes",
}
RULE_OUTCOME = {"门类代码": "category", "保管期限": "retention", "机构或问题": "org_code"}
SCHEDULE_COLUMNS = ("规则编号", "优先级", *RULE_CONDITIONS, *RULE_OUTCOME, "说明")
SCHEDULE_REQUIRED = ("规则编号", "门类代码", "保管期限")

LIST_SEPARATOR = ";"
_LIST_SPLIT = re.compile(r"[;；]")
_TRUE, _FALSE = ("是", "true", "1", "y", "yes"), ("否", "false", "0", "n", "no")
_LEVELS = {"按件": ITEM, "按卷": VOLUME}
_PART_NAMES = {label: name for name, label in CLASS_PART_LABELS.items()}


def split_list(text: str) -> tuple[str, ...]:
    """``通知;决定`` → ``("通知", "决定")`` (blank items dropped)."""
    return tuple(v.strip() for v in _LIST_SPLIT.split(text or "") if v.strip())


def join_list(values) -> str:
    return LIST_SEPARATOR.join(values)


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{text!r}: 是 or 否")


def format_bool(value: bool) -> str:
    return "是" if value else "否"


def parse_int(text: str, label: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{label} {text!r}: a whole number") from None


def parse_code_rule(values: dict[str, str]) -> CodeRule:
    """A :class:`CodeRule` from column/attribute values (blank ones keep their default).

    Raises ``ValueError`` with a message naming the bad value.
    """
    kwargs: dict = {}
    for label, name in CODE_RULE_FIELDS.items():
        text = (values.get(label) or "").strip()
        if not text:
            continue
        if name == "level":
            if text not in _LEVELS:
                raise ValueError(f"整理方式 {text!r}: 按件 or 按卷")
            kwargs[name] = _LEVELS[text]
        elif name in ("item_width", "volume_width"):
            kwargs[name] = parse_int(text, label)
        elif name == "use_org":
            kwargs[name] = parse_bool(text)
        elif name == "class_parts":
            parts = [p.strip() for p in re.split(r"[·.]", text)]
            unknown = [p for p in parts if p not in _PART_NAMES]
            if unknown:
                raise ValueError(f"类别号组成 {text!r}: parts are {'·'.join(_PART_NAMES)}")
            kwargs[name] = tuple(_PART_NAMES[p] for p in parts)
        else:
            kwargs[name] = text
    if "class_parts" in kwargs and ("org" not in kwargs["class_parts"]) and "use_org" not in kwargs:
        kwargs["use_org"] = False
    return CodeRule(**kwargs)


def format_code_rule(rule: CodeRule) -> dict[str, str]:
    levels = {v: k for k, v in _LEVELS.items()}
    return {
        "档号规则": rule.grammar,
        "整理方式": levels[rule.level],
        "件号位数": str(rule.item_width),
        "案卷号位数": str(rule.volume_width),
        "类别号组成": "·".join(CLASS_PART_LABELS[p] for p in rule.class_parts),
        "使用机构代码": format_bool(rule.use_org),
    }
