"""Writing 元数据.xml (生成元数据) from :class:`RecordMetadata`: the province layout or DA/T 85's
nesting; ``parse_metadata(render_metadata(m)) == m``."""

from __future__ import annotations

from lxml import etree

from sd.archive.core.packages.metadata import CASE
from sd.archive.core.packages.metadata import COMPONENT_ELEMENTS
from sd.archive.core.packages.metadata import ELEMENTS
from sd.archive.core.packages.metadata import ITEM
from sd.archive.core.packages.metadata import ITEM_FIELDS
from sd.archive.core.packages.metadata import LAYOUT_DAT85
from sd.archive.core.packages.metadata import LAYOUT_PROVINCE
from sd.archive.core.packages.metadata import MATERIAL
from sd.archive.core.packages.metadata import MATERIAL_NAME
from sd.archive.core.packages.metadata import PROCESS_ELEMENTS
from sd.archive.core.packages.metadata import SERVICE_ELEMENTS
from sd.archive.core.packages.metadata import Component
from sd.archive.core.packages.metadata import ProcessStep
from sd.archive.core.packages.metadata import RecordMetadata


def _sub(parent: etree._Element, tag: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, tag).text = value


def _render_component(parent: etree._Element, tag: str, component: Component) -> None:
    doc = etree.SubElement(parent, tag)
    if component.seq is not None:
        doc.set("序号", component.seq)
    if component.role is not None:
        doc.set("角色", component.role)
    if tag == MATERIAL:
        _sub(doc, MATERIAL_NAME, component.name)
    for attr, path in COMPONENT_ELEMENTS:
        _sub(doc, path, getattr(component, attr))
    digest = doc.find("摘要值")
    if digest is not None:
        digest.set("算法", component.digest_algorithm)
    if component.signature_hint is not None:
        etree.SubElement(doc, "电子签名").set("有", "是" if component.signature_hint else "否")


def _render_process(root: etree._Element, steps: list[ProcessStep]) -> None:
    process = etree.SubElement(root, "办理过程")
    for step in steps:
        row = etree.SubElement(process, "业务")
        if step.seq is not None:
            row.set("序号", step.seq)
        for attr, path in PROCESS_ELEMENTS:
            _sub(row, path, getattr(step, attr))


def _render_service(root: etree._Element, record: RecordMetadata, layout: str) -> None:
    service = record.government_service
    if layout != LAYOUT_DAT85:
        block = etree.SubElement(root, "政务服务")
        for attr, path in SERVICE_ELEMENTS:
            _sub(block, path, getattr(service, attr))
        return
    item = etree.SubElement(root, ITEM)
    case = etree.Element(CASE)
    for attr, path in SERVICE_ELEMENTS:
        _sub(item if attr in ITEM_FIELDS else case, path, getattr(service, attr))
    item.append(case)
    for component in record.components:
        _render_component(case, MATERIAL, component)


def render_metadata(record: RecordMetadata, layout: str | None = None) -> bytes:
    """Write RecordMetadata back to 元数据.xml (生成元数据), UTF-8; parse(render(m)) == m.

    ``layout``: LAYOUT_DAT85 writes a government-service record in DA/T 85's nesting (its
    components as the 办件's 材料); otherwise the province layout (packages.md §2)."""
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
    nested = layout == LAYOUT_DAT85 and record.government_service is not None
    if record.components and not nested:
        container = etree.SubElement(root, "组件")
        for component in record.components:
            _render_component(container, "文档", component)
    if record.process is not None:
        _render_process(root, record.process)
    if record.government_service is not None:
        _render_service(root, record, LAYOUT_DAT85 if nested else LAYOUT_PROVINCE)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
