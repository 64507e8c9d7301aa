"""Record metadata (元数据.xml, ``packages.md`` §2).

Reading into :class:`RecordMetadata`, writing back.

Scalar values are kept as the sender wrote them (``None`` = element missing, ``""`` = empty),
so that detection can tell 缺项 (missing) from 必填项为空 (empty) and report bad values
verbatim; typed views (``year_int`` …) are helpers for the callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields as dc_fields

from lxml import etree

from sd.archive.core.errors import Problem
from sd.archive.core.packages.xmlsafe import parse_xml
from sd.archive.core.packages.xmlsafe import xml_error

METADATA_NAME = "元数据.xml"
KIND_DOCUMENT = "电子公文"
KIND_SERVICE = "政务服务电子文件"
KINDS = (KIND_DOCUMENT, KIND_SERVICE)

#: field name → element path below <电子文件>, in the order the writer renders them.
ELEMENTS: tuple[tuple[str, str], ...] = (
    ("aggregation_level", "聚合层次"),
    ("agency", "来源/立档单位名称"),
    ("fonds_code", "来源/全宗号"),
    ("record_id", "电子文件号"),
    ("archival_code", "档号"),
    ("category", "门类代码"),
    ("year", "年度"),
    ("retention", "保管期限"),
    ("org_code", "机构或问题"),
    ("item_number", "件号"),
    ("title", "题名"),
    ("doc_number", "文件编号"),
    ("author", "责任者"),
    ("date", "日期"),
    ("doc_type", "文种"),
    ("security", "密级"),
    ("open_status", "开放状态"),
    ("pages", "页数"),
    ("keywords", "关键词"),
    ("abstract", "摘要"),
)
FIELD_BY_ELEMENT = {path: name for name, path in ELEMENTS}

COMPONENT_ELEMENTS = (
    ("path", "计算机文件名"),
    ("size", "计算机文件大小"),
    ("format", "格式信息"),
    ("digest", "摘要值"),
)
PROCESS_ELEMENTS = (
    ("action", "业务行为"),
    ("time", "行为时间"),
    ("agent", "机构人员"),
    ("department", "所在部门"),
    ("description", "行为描述"),
)
SERVICE_ELEMENTS = (
    ("item_name", "事项名称"),
    ("item_code", "事项编码"),
    ("case_number", "办件编号"),
    ("applicant", "申请人名称"),
    ("department", "受理部门"),
    ("accepted_at", "受理时间"),
    ("completed_at", "办结时间"),
    ("result", "办理结果"),
)

#: The two layouts of a government-service record (政务服务电子文件的两种元数据结构), see
#: docs/dat85.md: the province's flat ``<政务服务>`` block beside ``<组件>`` (packages.md §2),
#: and DA/T 85 / GB/T 42727's nesting ``<事项>`` → ``<办件>`` → ``<材料>``. Both use the element
#: names of ``SERVICE_ELEMENTS`` and ``COMPONENT_ELEMENTS``; only where they sit differs.
LAYOUT_PROVINCE = "province"
LAYOUT_DAT85 = "dat85"
ITEM = "事项"
CASE = "办件"
MATERIAL = "材料"
MATERIAL_NAME = "材料名称"
#: the 政务服务 fields that DA/T 85 puts on the 事项 (the rest sit on the 办件)
ITEM_FIELDS = ("item_name", "item_code")


def service_element_path(attr: str, layout: str | None) -> str:
    """Where a government-service field sits in ``layout`` (政务服务元素路径), e.g.
    ``政务服务/办件编号`` or ``事项/办件/办件编号``."""
    name = dict(SERVICE_ELEMENTS)[attr]
    if layout == LAYOUT_DAT85:
        return f"{ITEM}/{name}" if attr in ITEM_FIELDS else f"{ITEM}/{CASE}/{name}"
    return f"政务服务/{name}"


@dataclass
class Component:
    """One file of the record (组件/文档).

    Its path inside the package, declared size, format and digest."""

    seq: str | None = None
    role: str | None = None
    path: str | None = None
    size: str | None = None
    format: str | None = None
    digest: str | None = None
    digest_algorithm: str = "SM3"
    signature_hint: bool | None = None
    #: 材料名称 of a DA/T 85 材料 (the province's 文档 has none)
    name: str | None = None

    @property
    def size_int(self) -> int | None:
        return _int(self.size)


@dataclass
class ProcessStep:
    """One row of the processing history (办理过程/业务实体)."""

    seq: str | None = None
    action: str | None = None
    time: str | None = None
    agent: str | None = None
    department: str | None = None
    description: str | None = None


@dataclass
class GovernmentService:
    """The government-service block (政务服务) of a 政务服务电子文件."""

    item_name: str | None = None
    item_code: str | None = None
    case_number: str | None = None
    applicant: str | None = None
    department: str | None = None
    accepted_at: str | None = None
    completed_at: str | None = None
    result: str | None = None


@dataclass
class RecordMetadata:
    """The metadata of one record (件的元数据), DA/T 46 element names in ``ELEMENTS``."""

    kind: str | None = None
    version: str | None = "1.0"
    aggregation_level: str | None = None
    agency: str | None = None
    fonds_code: str | None = None
    record_id: str | None = None
    archival_code: str | None = None
    category: str | None = None
    year: str | None = None
    retention: str | None = None
    org_code: str | None = None
    item_number: str | None = None
    title: str | None = None
    doc_number: str | None = None
    author: str | None = None
    date: str | None = None
    doc_type: str | None = None
    security: str | None = None
    open_status: str | None = None
    pages: str | None = None
    keywords: str | None = None
    abstract: str | None = None
    components: list[Component] = field(default_factory=list)
    process: list[ProcessStep] | None = None
    government_service: GovernmentService | None = None
    #: LAYOUT_PROVINCE / LAYOUT_DAT85 for a record with government-service metadata, else None
    layout: str | None = field(default=None, compare=False)
    #: what the reader found wrong in the layout itself (given to detection, never raised)
    problems: list[Problem] = field(default_factory=list, compare=False, repr=False)

    def value(self, element: str) -> str | None:
        """The raw value of an element path such as ``来源/全宗号`` (None when missing)."""
        return getattr(self, FIELD_BY_ELEMENT[element])

    @property
    def year_int(self) -> int | None:
        return _int(self.year)

    @property
    def item_number_int(self) -> int | None:
        return _int(self.item_number)

    @property
    def pages_int(self) -> int | None:
        return _int(self.pages)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in (self.keywords or "").replace("；", ";").split(";") if k.strip()]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip().isdigit() else None
    except ValueError:
        return None


def _text(parent: etree._Element, path: str) -> str | None:
    node = parent.find(path)
    if node is None:
        return None
    return "".join(node.itertext()).strip()


def _component(node: etree._Element) -> Component:
    """A 文档 (province) or 材料 (DA/T 85) element as a Component: one rule for both."""
    component = Component(seq=node.get("序号"), role=node.get("角色"))
    for attr, path in COMPONENT_ELEMENTS:
        setattr(component, attr, _text(node, path))
    digest = node.find("摘要值")
    if digest is not None:
        component.digest_algorithm = (digest.get("算法") or "SM3").upper()
    signature = node.find("电子签名")
    if signature is not None:
        component.signature_hint = signature.get("有", "是") == "是"
    if node.tag == MATERIAL:
        component.name = _text(node, MATERIAL_NAME)
    return component


def _service(parents: dict[str, etree._Element | None]) -> GovernmentService:
    """The 政务服务 fields, each read from the element its layout puts it in (``parents``
    maps 'item' / 'case' to that element)."""
    service = GovernmentService()
    for attr, path in SERVICE_ELEMENTS:
        parent = parents["item" if attr in ITEM_FIELDS else "case"]
        setattr(service, attr, None if parent is None else _text(parent, path))
    return service


def _case_label(case: etree._Element) -> str:
    return f"{CASE} {_text(case, '办件编号') or '(无办件编号)'}"


def _read_dat85(root: etree._Element, record: RecordMetadata) -> None:
    """The DA/T 85 nesting 事项 → 办件 → 材料 (GB/T 42727 附录B/C): one 办件 is one record."""
    items = root.findall(ITEM)
    cases = [(item, case) for item in items for case in item.findall(CASE)]
    orphans = root.findall(CASE)
    problems = record.problems
    for case in orphans:
        problems.append(
            Problem(
                "service.case-without-item",
                f"{CASE}不在任何<{ITEM}>之内 / a {CASE} outside any {ITEM}",
                _case_label(case),
            )
        )
    for item in items:
        if item.find(CASE) is None:
            code = _text(item, "事项编码") or "(无事项编码)"
            problems.append(
                Problem(
                    "service.item-without-case",
                    f"{ITEM}没有<{CASE}> / {ITEM} without a {CASE}",
                    f"{ITEM} {code}",
                )
            )
    everything = cases + [(None, case) for case in orphans]
    if len(everything) > 1:
        problems.append(
            Problem(
                "service.several-cases",
                f"一个信息包只能有一个{CASE}（一办件一件）/ one {CASE} per package",
                ", ".join(_case_label(case) for _, case in everything),
            )
        )
    if not everything:
        item = items[0] if items else None
        record.government_service = _service({"item": item, "case": None})
        return
    item, case = everything[0]
    record.government_service = _service({"item": item, "case": case})
    record.components = [_component(node) for node in case.findall(MATERIAL)]


def service_layout(root: etree._Element) -> str | None:
    """Which government-service layout a <电子文件> uses (识别元数据结构), None for neither.

    Raises nothing: both at once is reported by :func:`metadata_from_element`."""
    if root.find(ITEM) is not None or root.find(CASE) is not None:
        return LAYOUT_DAT85
    if root.find("政务服务") is not None:
        return LAYOUT_PROVINCE
    return None


def metadata_from_element(root: etree._Element, name: str = METADATA_NAME) -> RecordMetadata:
    """Map a parsed <电子文件> element to RecordMetadata (元数据映射), in either layout."""
    if root.tag != "电子文件":
        raise xml_error("metadata.root", f"root element is <{root.tag}>, expected <电子文件>", name)
    record = RecordMetadata(kind=root.get("类型"), version=root.get("版本"))
    for attr, path in ELEMENTS:
        setattr(record, attr, _text(root, path))
    process = root.find("办理过程")
    if process is not None:
        record.process = []
        for row in process.findall("业务"):
            step = ProcessStep(seq=row.get("序号"))
            for attr, path in PROCESS_ELEMENTS:
                setattr(step, attr, _text(row, path))
            record.process.append(step)
    record.layout = service_layout(root)
    province = [tag for tag in ("政务服务", "组件") if root.find(tag) is not None]
    if record.layout == LAYOUT_DAT85 and province:
        record.problems.append(
            Problem(
                "metadata.layout-conflict",
                f"同时使用两种结构：<{ITEM}>/<{CASE}> 与 <{'>、<'.join(province)}> "
                "/ both the DA/T 85 and the province layout",
                name,
            )
        )  # the standard's own nesting is read, the province parts ignored: fails GD-3-1
    if record.layout == LAYOUT_DAT85:
        _read_dat85(root, record)
        return record
    record.components = [_component(doc) for doc in root.findall("组件/文档")]
    service = root.find("政务服务")
    if service is not None:
        record.government_service = _service({"item": service, "case": service})
    return record


def parse_metadata(
    data: bytes, name: str = METADATA_NAME, max_size: int = 8 * 1024 * 1024
) -> RecordMetadata:
    """Parse 元数据.xml bytes safely (解析元数据); PackageError on unsafe or malformed XML."""
    return metadata_from_element(parse_xml(data, name, max_size), name)


def metadata_fields() -> list[str]:
    """Names of the scalar fields, for serialisers on the Plone side."""
    skip = {"components", "process", "government_service", "layout", "problems"}
    return [f.name for f in dc_fields(RecordMetadata) if f.name not in skip]
