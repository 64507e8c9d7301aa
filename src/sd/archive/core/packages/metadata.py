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


def metadata_from_element(root: etree._Element, name: str = METADATA_NAME) -> RecordMetadata:
    """Map a parsed <电子文件> element to RecordMetadata (元数据映射)."""
    if root.tag != "电子文件":
        raise xml_error("metadata.root", f"root element is <{root.tag}>, expected <电子文件>", name)
    record = RecordMetadata(kind=root.get("类型"), version=root.get("版本"))
    for attr, path in ELEMENTS:
        setattr(record, attr, _text(root, path))
    for doc in root.findall("组件/文档"):
        component = Component(seq=doc.get("序号"), role=doc.get("角色"))
        for attr, path in COMPONENT_ELEMENTS:
            setattr(component, attr, _text(doc, path))
        digest = doc.find("摘要值")
        if digest is not None:
            component.digest_algorithm = (digest.get("算法") or "SM3").upper()
        signature = doc.find("电子签名")
        if signature is not None:
            component.signature_hint = signature.get("有", "是") == "是"
        record.components.append(component)
    process = root.find("办理过程")
    if process is not None:
        record.process = []
        for row in process.findall("业务"):
            step = ProcessStep(seq=row.get("序号"))
            for attr, path in PROCESS_ELEMENTS:
                setattr(step, attr, _text(row, path))
            record.process.append(step)
    service = root.find("政务服务")
    if service is not None:
        record.government_service = GovernmentService(
            **{a: _text(service, p) for a, p in SERVICE_ELEMENTS}
        )
    return record


def parse_metadata(
    data: bytes, name: str = METADATA_NAME, max_size: int = 8 * 1024 * 1024
) -> RecordMetadata:
    """Parse 元数据.xml bytes safely (解析元数据); PackageError on unsafe or malformed XML."""
    return metadata_from_element(parse_xml(data, name, max_size), name)


def _sub(parent: etree._Element, tag: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, tag).text = value


def render_metadata(record: RecordMetadata) -> bytes:  # noqa: C901 - one branch per element
    """Write RecordMetadata back to 元数据.xml (生成元数据), UTF-8; parse(render(m)) == m."""
    root = etree.Element("电子文件")
    if record.kind is not None:
        root.set("类型", record.kind)
    if record.version is not None:
        root.set("版本", record.version)
    source = None
    for attr, path in ELEMENTS:
        value = getattr(record, attr)
        if path.startswith("来源/"):
            if source is None and (record.agency is not None or record.fonds_code is not None):
                source = etree.SubElement(root, "来源")
            if source is not None:
                _sub(source, path.split("/", 1)[1], value)
            continue
        _sub(root, path, value)
    if record.components:
        container = etree.SubElement(root, "组件")
        for component in record.components:
            doc = etree.SubElement(container, "文档")
            if component.seq is not None:
                doc.set("序号", component.seq)
            if component.role is not None:
                doc.set("角色", component.role)
            for attr, path in COMPONENT_ELEMENTS:
                _sub(doc, path, getattr(component, attr))
            digest = doc.find("摘要值")
            if digest is not None:
                digest.set("算法", component.digest_algorithm)
            if component.signature_hint is not None:
                etree.SubElement(doc, "电子签名").set(
                    "有", "是" if component.signature_hint else "否"
                )
    if record.process is not None:
        process = etree.SubElement(root, "办理过程")
        for step in record.process:
            row = etree.SubElement(process, "业务")
            if step.seq is not None:
                row.set("序号", step.seq)
            for attr, path in PROCESS_ELEMENTS:
                _sub(row, path, getattr(step, attr))
    if record.government_service is not None:
        service = etree.SubElement(root, "政务服务")
        for attr, path in SERVICE_ELEMENTS:
            _sub(service, path, getattr(record.government_service, attr))
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def metadata_fields() -> list[str]:
    """Names of the scalar fields, for serialisers on the Plone side."""
    skip = {"components", "process", "government_service"}
    return [f.name for f in dc_fields(RecordMetadata) if f.name not in skip]
