"""DA/T 48-2009 EEP archive packages (电子文件封装包) read into RecordMetadata + files.

The EEP is parsed with expat in 64 KiB chunks: every element except ``编码数据`` goes into a
small lxml tree, while the Base64 content of each ``编码数据`` is decoded on the fly into a
sink with SM3 (and SHA-256) computed in the same pass — a large EEP is never held in memory.
DOCTYPE, entity declarations and external entities are refused as in :mod:`.xmlsafe`.
"""

from __future__ import annotations

import base64
import codecs
import hashlib
import os
import re
from typing import BinaryIO
from xml.parsers import expat

from lxml import etree

from sd.archive.core.errors import PackageError
from sd.archive.core.packages.metadata import KIND_DOCUMENT
from sd.archive.core.packages.metadata import KIND_SERVICE
from sd.archive.core.packages.metadata import Component
from sd.archive.core.packages.metadata import ProcessStep
from sd.archive.core.packages.metadata import RecordMetadata
from sd.archive.core.packages.model import Package
from sd.archive.core.packages.model import PackageFile
from sd.archive.core.packages.model import SinkFactory
from sd.archive.core.packages.probe import FileProbe
from sd.archive.core.packages.xmlsafe import ACCEPTED_ENCODINGS
from sd.archive.core.packages.xmlsafe import declared_encoding
from sd.archive.core.packages.xmlsafe import xml_error
from sd.archive.core.packages.zipsafe import CHUNK
from sd.archive.core.packages.zipsafe import Limits

EEP_NAMESPACE = "http://www.saac.gov.cn/standards/ERM/encapsulation"
ROOT = "电子文件封装包"
DATA = "编码数据"
_SPACE = re.compile(rb"\s+")
_ROLE_BY_DECLARATION = {"主文档": "正本", "附属文档": "附件"}


class _Base64Sink:
    """Decodes Base64 text pieces into a sink, hashing as it goes."""

    def __init__(self, path: str, sink: BinaryIO | None, sha256: bool):
        self.path, self.sink = path, sink
        self.sm3, self.sha = hashlib.new("sm3"), (hashlib.sha256() if sha256 else None)
        self.probe, self.size, self.pending = FileProbe(), 0, b""

    def feed(self, text: str) -> None:
        self.pending += _SPACE.sub(b"", text.encode("ascii", "replace"))
        usable = len(self.pending) - len(self.pending) % 4
        if usable:
            self._write(self.pending[:usable])
            self.pending = self.pending[usable:]

    def _write(self, chunk: bytes) -> None:
        try:
            data = base64.b64decode(chunk, validate=True)
        except ValueError:
            raise xml_error("eep.base64", "编码数据 is not Base64", self.path) from None
        self.sm3.update(data)
        if self.sha is not None:
            self.sha.update(data)
        self.probe.feed(data)
        self.size += len(data)
        if self.sink is not None:
            self.sink.write(data)

    def close(self) -> PackageFile:
        if self.pending:
            self._write(self.pending)
        location = getattr(self.sink, "name", None) if self.sink is not None else None
        if self.sink is not None:
            self.sink.close()
        return PackageFile(
            path=self.path,
            package_path=self.path,
            size=self.size,
            sm3=self.sm3.hexdigest(),
            sha256=self.sha.hexdigest() if self.sha else None,
            location=location if isinstance(location, str) else None,
            **self.probe.facts(),
        )


class _EepParser:
    def __init__(self, sink_factory: SinkFactory | None, sha256: bool, max_tree_text: int):
        self.builder = etree.TreeBuilder()
        self.sink_factory, self.sha256 = sink_factory, sha256
        self.files: dict[str, PackageFile] = {}
        self.current_name: str | None = None
        self.stack: list[str] = []
        self.text_budget = max_tree_text
        self.decoder: _Base64Sink | None = None
        self.parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse
        self.parser.ExternalEntityRefHandler = self._refuse
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data
        self.parser.buffer_text = True

    def _refuse(self, *args):
        raise xml_error("xml.doctype", "DOCTYPE and entity declarations are refused", "EEP")

    def _start(self, name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        self.stack.append(local)
        if local == DATA:
            path = self.current_name or f"文档{len(self.files) + 1}"
            sink = self.sink_factory(path) if self.sink_factory else None
            self.decoder = _Base64Sink(path, sink, self.sha256)
        self.builder.start(local, {k.rsplit(" ", 1)[-1]: v for k, v in attrs.items()})

    def _end(self, name: str) -> None:
        local = self.stack.pop()
        element = self.builder.end(local)
        if local == "计算机文件名":
            self.current_name = (element.text or "").strip()
        if local == DATA and self.decoder is not None:
            described = self.decoder.close()
            if described.path in self.files:
                raise xml_error(
                    "zip.duplicate-name", "two 编码 with the same 计算机文件名", described.path
                )
            self.files[described.path] = described
            self.decoder = None
            self.current_name = None

    def _data(self, text: str) -> None:
        if self.decoder is not None:
            self.decoder.feed(text)
            return
        self.text_budget -= len(text)
        if self.text_budget < 0:
            raise xml_error("xml.too-large", "EEP metadata over the size cap", "EEP", 413)
        self.builder.data(text)

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise xml_error("xml.malformed", f"EEP does not parse: {exc}", "EEP") from None


def _first(element, *names: str) -> str | None:
    for name in names:
        found = next(element.iter(name), None)
        if found is not None:
            return "".join(found.itertext()).strip()
    return None


def _record(root, files: dict[str, PackageFile]) -> RecordMetadata:
    entity = next(root.iter("文件实体"), None)
    if entity is None:
        raise xml_error("eep.structure", "no 文件实体 in the EEP", "EEP")
    scope = etree.Element("x")
    for child in entity:
        if child.tag != "文件数据":
            scope.append(child)
    code = next(scope.iter("档号"), None)
    record = RecordMetadata(
        kind=KIND_SERVICE if next(root.iter("政务服务"), None) is not None else KIND_DOCUMENT,
        version="DA/T 48-2009",
        aggregation_level=_first(scope, "聚合层次"),
        agency=_first(scope, "立档单位名称"),
        fonds_code=_first(scope, "全宗号"),
        record_id=_first(scope, "电子文件号"),
        archival_code=(code.text or "").strip() if code is not None else None,
        category=_first(scope, "门类代码", "类别号"),
        year=_first(scope, "年度"),
        retention=_first(scope, "保管期限"),
        org_code=_first(scope, "机构或问题"),
        item_number=_first(scope, "件号", "室编件号", "馆编件号"),
        title=_first(scope, "题名"),
        doc_number=_first(scope, "文件编号"),
        author=_first(scope, "责任者"),
        date=_first(scope, "日期"),
        doc_type=_first(scope, "文种"),
        security=_first(scope, "密级"),
        open_status=_first(scope, "控制标识", "开放状态"),
        pages=_first(scope, "页数"),
        keywords=_first(scope, "关键词"),
        abstract=_first(scope, "摘要"),
    )
    for seq, document in enumerate(entity.iter("文档"), 1):
        declared = _first(document, "文档主从声明")
        for encoding in document.iter("编码"):
            path = _first(encoding, "计算机文件名")
            file = files.get(path or "")
            record.components.append(
                Component(
                    seq=_first(document, "文档序号") or str(seq),
                    role=_first(document, "稿本")
                    or _ROLE_BY_DECLARATION.get(declared or "", declared),
                    path=path,
                    size=_first(encoding, "计算机文件大小"),
                    format=_first(encoding, "格式信息"),
                    digest=_first(encoding, "摘要值") or (file.sm3 if file else None),
                    digest_algorithm="SM3",
                )
            )
    agents = {
        (_first(a, "机构人员标识符") or ""): _first(a, "名称", "机构人员名称")
        for a in root.iter("机构人员实体")
    }
    steps = list(root.iter("业务实体"))
    if steps:
        record.process = [
            ProcessStep(
                seq=str(n),
                action=_first(s, "业务行为"),
                time=_first(s, "行为时间"),
                agent=agents.get(_first(s, "机构人员标识符") or ""),
                description=_first(s, "行为描述"),
            )
            for n, s in enumerate(steps, 1)
        ]
    return record


def read_eep(
    source: str | os.PathLike | BinaryIO,
    limits: Limits,
    sink_factory: SinkFactory | None = None,
    *,
    sha256: bool = False,
    digest: str = "",
) -> Package:
    """Read one EEP file (读取 EEP 封装包) as an archive Package (``source_format='eep'``)."""
    owns = isinstance(source, (str, os.PathLike))
    fp: BinaryIO = open(source, "rb") if owns else source  # noqa: SIM115
    try:
        fp.seek(0)
        first = fp.read(CHUNK)
        encoding = declared_encoding(first) or "utf-8"
        if encoding not in ACCEPTED_ENCODINGS:
            raise xml_error("xml.encoding", f"encoding {encoding!r} is not accepted", "EEP")
        decoder = codecs.getincrementaldecoder(
            "utf-8-sig" if encoding in ("utf-8", "utf8") else "gb18030"
        )()
        parser = _EepParser(sink_factory, sha256, limits.max_metadata_size)
        chunk = first
        total = 0
        while chunk:
            total += len(chunk)
            if total > limits.max_total_size:
                raise xml_error("zip.too-large", "EEP over the size limit", "EEP", 413)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                raise xml_error("xml.encoding", f"bytes are not {encoding}", "EEP") from None
            parser.feed(text.encode("utf-8"))
            chunk = fp.read(CHUNK)
        parser.feed(b"", final=True)
        root = parser.builder.close()
    finally:
        if owns:
            fp.close()
    if root.tag != ROOT:
        raise xml_error("metadata.root", f"root element is <{root.tag}>, expected <{ROOT}>", "EEP")
    try:
        record = _record(root, parser.files)
    except PackageError:
        raise
    return Package(
        kind="archive",
        metadata=record,
        files=parser.files,
        manifest=None,
        digest=digest,
        source_format="eep",
    )


def render_eep(
    record: RecordMetadata, contents: dict[str, bytes], created: str = "2023-05-12T10:00:00+08:00"
) -> bytes:
    """Write a minimal 原始型 EEP (生成 EEP) for a record and its file bytes (tests, exchange).

    The AIP writer of the preservation area produces the full signed form.
    """
    ns = f"{{{EEP_NAMESPACE}}}"

    def sub(parent, tag, text=None):
        element = etree.SubElement(parent, ns + tag)
        if text is not None:
            element.text = text
        return element

    root = etree.Element(ns + ROOT, nsmap={None: EEP_NAMESPACE})
    sub(
        root,
        "封装包格式描述",
        "本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成",
    )
    sub(root, "版本", "2009")
    signed = sub(root, "被签名对象")
    signed.set("eep版本", "2009")
    sub(signed, "封装包类型", "原始型")
    sub(signed, "封装包创建时间", created)
    entity = sub(sub(sub(signed, "封装内容"), "文件实体块"), "文件实体")
    sub(entity, "聚合层次", record.aggregation_level)
    source = sub(entity, "来源")
    sub(source, "立档单位名称", record.agency)
    sub(entity, "电子文件号", record.record_id)
    code = sub(entity, "档号", record.archival_code)
    for tag, value in (
        ("全宗号", record.fonds_code),
        ("门类代码", record.category),
        ("年度", record.year),
        ("保管期限", record.retention),
        ("机构或问题", record.org_code),
        ("室编件号", record.item_number),
    ):
        if value is not None:
            sub(code, tag, value)
    description = sub(entity, "内容描述")
    for tag, value in (
        ("题名", record.title),
        ("文件编号", record.doc_number),
        ("责任者", record.author),
        ("日期", record.date),
        ("文种", record.doc_type),
        ("密级", record.security),
    ):
        if value is not None:
            sub(description, tag, value)
    if record.pages is not None:
        sub(sub(entity, "形式特征"), "页数", record.pages)
    data = sub(entity, "文件数据")
    for component in record.components:
        document = sub(data, "文档")
        sub(document, "文档序号", component.seq)
        sub(document, "稿本", component.role)
        encoding = sub(sub(document, "文档数据"), "编码")
        attributes = sub(encoding, "电子属性")
        sub(attributes, "格式信息", component.format)
        sub(attributes, "计算机文件名", component.path)
        sub(attributes, "计算机文件大小", component.size)
        sub(attributes, "摘要值", component.digest)
        sub(encoding, "反编码关键字", (component.path or "").rsplit(".", 1)[-1])
        sub(encoding, DATA, base64.b64encode(contents[component.path or ""]).decode("ascii"))
    steps = sub(signed[-1], "业务实体块")
    for step in record.process or []:
        row = sub(steps, "业务实体")
        sub(row, "业务行为", step.action)
        sub(row, "行为时间", step.time)
        if step.description:
            sub(row, "行为描述", step.description)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
