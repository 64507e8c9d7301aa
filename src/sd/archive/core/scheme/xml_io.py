"""XML files of the scheme and the schedule (分类方案、保管期限表 XML 导入导出).

Element and attribute names are the Chinese names of :mod:`sd.archive.core.scheme.fields`::

    <分类方案 全宗号="J001" 全宗名称="山东省示例厅">
      <门类 代码="WS" 名称="文书" 件号起始="1">
        <档号规则 档号规则="DA/T 22-2015" 整理方式="按件" 件号位数="4" 案卷号位数="3"
                 类别号组成="门类·年度·保管期限·机构" 使用机构代码="是"/>
      </门类>
      <机构 代码="BGS" 名称="办公室"><别名>综合处</别名></机构>
    </分类方案>

    <归档范围和保管期限表 全宗号="J001">
      <规则 规则编号="GW-01" 优先级="50">
        <说明>本机关的决定、命令</说明>
        <条件><文件类型>电子公文</文件类型><文种>决定</文种><文种>命令</文种></条件>
        <结果 门类代码="WS" 保管期限="Y" 机构或问题=""/>
      </规则>
    </归档范围和保管期限表>

Reading refuses DTDs and entities (XXE); unknown elements and attributes are errors, reported
with their line.
"""

from __future__ import annotations

from lxml import etree

from sd.archive.core.errors import Problem
from sd.archive.core.scheme import fields
from sd.archive.core.scheme.model import Category
from sd.archive.core.scheme.model import ClassificationScheme
from sd.archive.core.scheme.model import Organisation
from sd.archive.core.scheme.model import RetentionSchedule
from sd.archive.core.scheme.model import ScheduleRule
from sd.archive.core.scheme.model import SchemeError
from sd.archive.core.scheme.model import schedule_problems
from sd.archive.core.scheme.model import scheme_problems

SCHEME_ROOT = "分类方案"
SCHEDULE_ROOT = "归档范围和保管期限表"
CODE_RULE = "档号规则"
ALIAS = "别名"
RULE, CONDITIONS, OUTCOME, DESCRIPTION = "规则", "条件", "结果", "说明"


def _where(element) -> str:
    return f"line {element.sourceline}, <{element.tag}>"


def _parse(data: bytes | str, root_name: str) -> etree._Element:
    if isinstance(data, str):
        data = data.encode("utf-8")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise SchemeError(
            "not well-formed XML", [Problem("SCHEME-XML", str(exc), f"line {exc.lineno}", "file")]
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise SchemeError(
            "DTDs are not allowed", [Problem("SCHEME-XML", "DOCTYPE/DTD refused", "line 1", "file")]
        )
    root = tree.getroot()
    if root.tag != root_name:
        raise SchemeError(
            f"root element must be <{root_name}>",
            [
                Problem(
                    "SCHEME-ELEMENT",
                    f"root <{root.tag}>, expected <{root_name}>",
                    _where(root),
                    "file",
                )
            ],
        )
    return root


def _check_attributes(element, allowed, required, problems) -> dict[str, str]:
    values = {k: (v or "").strip() for k, v in element.attrib.items()}
    for name in values:
        if name not in allowed:
            problems.append(
                Problem("SCHEME-ELEMENT", f"unknown attribute {name!r}", _where(element), "file")
            )
    for name in required:
        if not values.get(name):
            problems.append(
                Problem("SCHEME-ELEMENT", f"attribute {name!r} missing", _where(element), "file")
            )
    return values


def _unknown(element, problems) -> None:
    problems.append(
        Problem("SCHEME-ELEMENT", f"unexpected element <{element.tag}>", _where(element), "file")
    )


def _elements(parent):
    return [c for c in parent if isinstance(c.tag, str)]


# --- classification scheme (分类方案) ---------------------------------------------------------


def read_scheme_xml(data: bytes | str) -> ClassificationScheme:
    """Import a scheme XML file; raise :class:`SchemeError` with all problems found."""
    root = _parse(data, SCHEME_ROOT)
    problems: list[Problem] = []
    top = _check_attributes(root, ("全宗号", "全宗名称", "版本"), ("全宗号",), problems)
    categories, category_places, orgs, org_places = [], [], [], []
    for child in _elements(root):
        if child.tag == fields.ROW_CATEGORY:
            values = _check_attributes(
                child, ("代码", "名称", "件号起始"), ("代码", "名称"), problems
            )
            rule_values: dict[str, str] = {}
            for sub in _elements(child):
                if sub.tag == CODE_RULE:
                    rule_values = _check_attributes(
                        sub, tuple(fields.CODE_RULE_FIELDS), (), problems
                    )
                else:
                    _unknown(sub, problems)
            try:
                start = fields.parse_int(values.get("件号起始") or "1", "件号起始")
                rule = fields.parse_code_rule(rule_values)
            except ValueError as exc:
                problems.append(Problem("SCHEME-VALUE", str(exc), _where(child), "scheme"))
                continue
            categories.append(Category(values.get("代码", ""), values.get("名称", ""), start, rule))
            category_places.append(_where(child))
        elif child.tag == fields.ROW_ORG:
            values = _check_attributes(child, ("代码", "名称"), ("代码", "名称"), problems)
            aliases = []
            for sub in _elements(child):
                if sub.tag == ALIAS and (sub.text or "").strip():
                    aliases.append(sub.text.strip())
                elif sub.tag != ALIAS:
                    _unknown(sub, problems)
            orgs.append(
                Organisation(values.get("代码", ""), values.get("名称", ""), tuple(aliases))
            )
            org_places.append(_where(child))
        else:
            _unknown(child, problems)
    scheme = ClassificationScheme(
        top.get("全宗号", ""), top.get("全宗名称", ""), tuple(categories), tuple(orgs)
    )
    problems += scheme_problems(scheme, _where(root), category_places, org_places)
    if problems:
        raise SchemeError(f"{len(problems)} problems in the scheme file", problems)
    return scheme


def _pretty(root) -> bytes:
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_scheme_xml(scheme: ClassificationScheme) -> bytes:
    """Export a scheme as XML (UTF-8)."""
    root = etree.Element(SCHEME_ROOT, {"全宗号": scheme.fonds_code, "全宗名称": scheme.fonds_name})
    for cat in scheme.categories:
        element = etree.SubElement(
            root,
            fields.ROW_CATEGORY,
            {"代码": cat.code, "名称": cat.title, "件号起始": str(cat.numbering_start)},
        )
        etree.SubElement(element, CODE_RULE, fields.format_code_rule(cat.code_rule))
    for org in scheme.organisations:
        element = etree.SubElement(root, fields.ROW_ORG, {"代码": org.code, "名称": org.title})
        for alias in org.aliases:
            etree.SubElement(element, ALIAS).text = alias
    return _pretty(root)


# --- retention schedule (归档范围和保管期限表) --------------------------------------------------


def _read_conditions(element, conditions: dict[str, list[str]], problems: list[Problem]) -> None:
    """Add the non-empty values of a rule's <条件> children to ``conditions``."""
    for cond in _elements(element):
        name = fields.RULE_CONDITIONS.get(cond.tag)
        if name is None:
            _unknown(cond, problems)
        elif (cond.text or "").strip():
            conditions[name].append(cond.text.strip())


def read_schedule_xml(
    data: bytes | str, scheme: ClassificationScheme | None = None
) -> RetentionSchedule:
    """Import a schedule XML file; with a ``scheme``, its codes must exist there."""
    root = _parse(data, SCHEDULE_ROOT)
    problems: list[Problem] = []
    top = _check_attributes(root, ("全宗号", "版本"), (), problems)
    rules, places = [], []
    for child in _elements(root):
        if child.tag != RULE:
            _unknown(child, problems)
            continue
        values = _check_attributes(child, ("规则编号", "优先级"), ("规则编号",), problems)
        conditions: dict[str, list[str]] = {name: [] for name in fields.RULE_CONDITIONS.values()}
        outcome: dict[str, str] = {}
        description = ""
        for sub in _elements(child):
            if sub.tag == DESCRIPTION:
                description = (sub.text or "").strip()
            elif sub.tag == CONDITIONS:
                _read_conditions(sub, conditions, problems)
            elif sub.tag == OUTCOME:
                attrs = _check_attributes(
                    sub, tuple(fields.RULE_OUTCOME), ("门类代码", "保管期限"), problems
                )
                outcome = {f: attrs.get(c, "") for c, f in fields.RULE_OUTCOME.items()}
            else:
                _unknown(sub, problems)
        if not outcome:
            problems.append(
                Problem("SCHEME-ELEMENT", f"<{OUTCOME}> missing", _where(child), "file")
            )
            continue
        try:
            priority = fields.parse_int(values.get("优先级") or "0", "优先级")
        except ValueError as exc:
            problems.append(Problem("SCHEDULE-PRIORITY", str(exc), _where(child), "schedule"))
            continue
        rules.append(
            ScheduleRule(
                id=values.get("规则编号", ""),
                priority=priority,
                description=description,
                **{k: tuple(v) for k, v in conditions.items()},
                **outcome,
            )
        )
        places.append(_where(child))
    fonds_code = top.get("全宗号", "") or (scheme.fonds_code if scheme else "")
    schedule = RetentionSchedule(fonds_code, tuple(rules))
    problems += schedule_problems(schedule, scheme, places)
    if problems:
        raise SchemeError(f"{len(problems)} problems in the schedule file", problems)
    return schedule


def write_schedule_xml(schedule: RetentionSchedule) -> bytes:
    """Export a schedule as XML (UTF-8)."""
    root = etree.Element(SCHEDULE_ROOT, {"全宗号": schedule.fonds_code})
    for rule in schedule.rules:
        element = etree.SubElement(root, RULE, {"规则编号": rule.id, "优先级": str(rule.priority)})
        if rule.description:
            etree.SubElement(element, DESCRIPTION).text = rule.description
        conditions = etree.SubElement(element, CONDITIONS)
        for tag, name in fields.RULE_CONDITIONS.items():
            for value in getattr(rule, name):
                etree.SubElement(conditions, tag).text = value
        etree.SubElement(
            element, OUTCOME, {c: getattr(rule, f) for c, f in fields.RULE_OUTCOME.items()}
        )
    return _pretty(root)
