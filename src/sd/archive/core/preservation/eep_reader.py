"""Strict streaming DA/T 48 EEP reader (电子文件封装包读取与校验).

Parses with expat in chunks: Base64 编码数据 is decoded on the fly into sinks and hashed, the
rest (metadata, events) is small and kept. 被签名对象 is re-serialised as Canonical XML 1.0
while parsing and hashed with SM3, so the package signature is checked without a second pass.
DTDs and entity declarations are refused.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

from . import c14n
from . import dat46
from . import eep_names as N
from .aip_model import AIPRecord
from .aip_model import Component
from .aip_model import Event
from .aip_model import SignatureInfo
from .aip_model import SignatureVerifier
from .hashing import new_sm3

READ_CHUNK = 1 << 20
SEP = "\x1f"
_DIGEST = re.compile(r"SM3=([0-9a-fA-F]{64})")
_WS = b" \t\r\n"

# sink(component) -> binary stream to write the decoded content to (closed by the reader)
ContentSink = Callable[[Component], BinaryIO]


@dataclass
class _Node:
    name: str  # local name
    ns: str
    attrs: dict
    parent: _Node | None = None
    children: list = field(default_factory=list)
    text: list = field(default_factory=list)

    def child(self, name: str) -> _Node | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    def all(self, name: str) -> list[_Node]:
        return [c for c in self.children if c.name == name]

    def value(self) -> str:
        return "".join(self.text)

    def child_value(self, name: str, default: str = "") -> str:
        c = self.child(name)
        return c.value() if c is not None else default


class _Base64Stream:
    """Decodes Base64 text arriving in pieces; writes bytes to ``sink`` and hashes them."""

    def __init__(self, sink: BinaryIO | None):
        self.sink = sink
        self.hash = new_sm3()
        self.size = 0
        self.pending = b""
        self.error: str | None = None

    def feed(self, data: str) -> None:
        if self.error:
            return
        buf = self.pending + data.encode("ascii", "replace").translate(None, _WS)
        cut = len(buf) - len(buf) % 4
        self.pending = buf[cut:]
        if cut:
            self._decode(buf[:cut])

    def _decode(self, chunk: bytes) -> None:
        try:
            raw = binascii.a2b_base64(chunk, strict_mode=True)
        except binascii.Error as exc:
            self.error = str(exc)
            return
        self.hash.update(raw)
        self.size += len(raw)
        if self.sink is not None:
            self.sink.write(raw)

    def close(self) -> None:
        if self.pending and not self.error:
            self.error = "Base64 length is not a multiple of 4"


class _Canon:
    """Canonical XML 1.0 of one element's subtree, hashed while parsing (规范化摘要): the
    apex renders every namespace in scope, descendants only what changes."""

    def __init__(self, depth: int, node, digest):
        self.depth, self.node, self.hash = depth, node, digest
        self.out_ns_stack: list[dict[str, str]] = [{}]

    def start(self, qname: str, scope: dict, sortable: list) -> None:
        rendered = dict(self.out_ns_stack[-1])
        decls = []
        for pfx, ns_uri in sorted(scope.items()):
            if pfx == "xml":
                continue
            if rendered.get(pfx, "") != ns_uri and not (
                pfx == "" and ns_uri == "" and "" not in rendered
            ):
                decls.append((pfx, ns_uri))
                rendered[pfx] = ns_uri
        self.out_ns_stack.append(rendered)
        out = ["<", qname]
        for pfx, ns_uri in decls:
            out.append(
                f' xmlns:{pfx}="{c14n.attr(ns_uri)}"' if pfx else f' xmlns="{c14n.attr(ns_uri)}"'
            )
        for _, qn, value in sorted(sortable):
            out.append(f' {qn}="{c14n.attr(value)}"')
        out.append(">")
        self.hash.update("".join(out).encode("utf-8"))

    def end(self, qname: str) -> None:
        self.hash.update(f"</{qname}>".encode())
        self.out_ns_stack.pop()


class _Parser:
    def __init__(self, sink_for: Callable[[_Node], BinaryIO | None]):
        self.sink_for = sink_for
        self.root: _Node | None = None
        self.stack: list[_Node] = []
        self.ns_stack: list[dict[str, str]] = [{}]  # in-scope prefix → uri
        self.pending_ns: list[tuple[str, str]] = []
        self.signed_hash = new_sm3()
        self.signed_depth: int | None = None
        self.signed_count = 0
        # one Canonical XML rendering per open 被签名对象: the package's own and, inside
        # 原封装包, each original's (its digest is what the original's signature signs)
        self.canons: list[_Canon] = []
        self.nested_digests: dict[int, bytes] = {}  # id(被签名对象 node) → SM3
        self.in_original = 0  # depth of 原封装包 elements around the parser
        self.b64: _Base64Stream | None = None
        self.streams: list[tuple[_Node, _Base64Stream]] = []
        p = expat.ParserCreate("UTF-8", SEP)
        p.namespace_prefixes = True
        p.buffer_text = True
        p.buffer_size = 1 << 16
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._refuse
        p.EntityDeclHandler = self._refuse
        p.ExternalEntityRefHandler = self._refuse
        p.StartNamespaceDeclHandler = self._start_ns
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._chars
        p.ProcessingInstructionHandler = self._pi
        self.parser = p

    @staticmethod
    def _refuse(*args):
        raise PackageError(
            "EEP carries a DTD or entity declaration",
            [Problem("AIP-XML", "DTDs and entities are refused (XXE)", "DOCTYPE")],
        )

    def _pi(self, target, data):
        if self.signed_depth is not None:
            raise PackageError(
                "processing instruction inside 被签名对象",
                [Problem("AIP-XML", "processing instructions are not allowed here", target)],
            )

    def _start_ns(self, prefix, uri):
        self.pending_ns.append((prefix or "", uri or ""))

    @staticmethod
    def _split(name: str) -> tuple[str, str, str]:
        parts = name.split(SEP)
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        if len(parts) == 2:
            return parts[0], parts[1], ""
        return "", parts[0], ""

    def _start(self, name, attrs):
        uri, local, prefix = self._split(name)
        scope = dict(self.ns_stack[-1])
        scope.update(self.pending_ns)
        self.ns_stack.append(scope)
        self.pending_ns = []
        plain_attrs = {}
        sortable = []
        for key, value in attrs.items():
            a_uri, a_local, a_prefix = self._split(key)
            plain_attrs[a_local] = value
            sortable.append(
                ((a_uri, a_local), f"{a_prefix}:{a_local}" if a_prefix else a_local, value)
            )
        parent = self.stack[-1] if self.stack else None
        node = _Node(local, uri, plain_attrs, parent)
        if parent is None:
            self.root = node
        else:
            parent.children.append(node)
        self.stack.append(node)
        depth = len(self.stack)
        if self.signed_depth is None and depth == 2 and local == N.SIGNED_OBJECT:
            self.signed_depth = depth
            self.signed_count += 1
            self.canons.append(_Canon(depth, node, self.signed_hash))
        elif local == N.SIGNED_OBJECT and parent is not None and parent.name == "原封装包":
            self.canons.append(_Canon(depth, node, new_sm3()))
        if local == "原封装包":
            self.in_original += 1
        qname = f"{prefix}:{local}" if prefix else local
        for canon in self.canons:
            canon.start(qname, scope, sortable)
        if local == "编码数据":
            # an original's content is checked (Base64, digest) but not stored again
            self.b64 = _Base64Stream(None if self.in_original else self.sink_for(node))
            self.streams.append((node, self.b64))

    def _end(self, name):
        uri, local, prefix = self._split(name)
        depth = len(self.stack)
        self.stack.pop()
        self.ns_stack.pop()
        qname = f"{prefix}:{local}" if prefix else local
        for canon in self.canons:
            canon.end(qname)
        while self.canons and self.canons[-1].depth == depth:
            done = self.canons.pop()
            self.nested_digests[id(done.node)] = done.hash.digest()
        if self.signed_depth == depth:
            self.signed_depth = None
        if local == "原封装包":
            self.in_original -= 1
        if local == "编码数据" and self.b64 is not None:
            self.b64.close()
            self.b64 = None

    def _chars(self, data):
        if self.canons:
            text = c14n.text(data).encode("utf-8")
            for canon in self.canons:
                canon.hash.update(text)
        if self.b64 is not None:
            self.b64.feed(data)
        elif self.stack:
            self.stack[-1].text.append(data)

    def parse(self, stream: BinaryIO) -> None:
        try:
            while chunk := stream.read(READ_CHUNK):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise PackageError(
                "EEP is not well-formed XML",
                [Problem("AIP-XML", f"{expat.ErrorString(exc.code)} at line {exc.lineno}", "EEP")],
            ) from exc


def _required(
    node: _Node | None, name: str, problems: list[Problem], where: str = ""
) -> _Node | None:
    child = node.child(name) if node is not None else None
    if child is None:
        problems.append(Problem("AIP-REQUIRED", "required element missing", where + name))
    return child


def _read_metadata(entity: _Node) -> dict:
    md: dict[str, str | list[str]] = {}

    def put(name: str, value: str):
        if name in dat46.REPEATABLE:
            md.setdefault(name, [])
            md[name].append(value)
        elif name in md:
            old = md[name]
            md[name] = (old if isinstance(old, list) else [old]) + [value]
        else:
            md[name] = value

    for child in entity.children:
        if child.name in ("文件数据",):
            continue
        if child.name == "档号":
            put("档号", child.value().strip())
            for part in child.children:
                put(part.name, part.value())
        elif child.name in dat46.CONTAINERS:
            for leaf in child.children:
                put(leaf.name, leaf.value())
        elif child.name in dat46.ELEMENTS:
            put(child.name, child.value())
    return md


def read_eep(
    stream: BinaryIO,
    *,
    sink: ContentSink | None = None,
    content_dir: str | os.PathLike | None = None,
    verifier: SignatureVerifier | None = None,
    require_signature: bool = False,
    name: str = "EEP",
) -> AIPRecord:
    """Read and check one EEP; return its ``AIPRecord``.

    Content goes to ``sink(component)`` (a writable binary stream, closed here) or into
    ``content_dir`` as ``<序号>-<file name>`` (then ``Component.content`` is that path); with
    neither, it is decoded, hashed and dropped. Any failed check raises ``PackageError``
    listing every problem found.
    """
    opened: list[BinaryIO] = []
    meta: dict[int, Component] = {}

    def component_for(node: _Node) -> Component:
        code = node.parent  # 编码
        props = code.child("电子属性") if code is not None else None
        doc = code.parent.parent if code is not None and code.parent is not None else None
        comp = Component(
            name=props.child_value("计算机文件名") if props else "",
            role=doc.child_value("题名") if doc else "",
            format=props.child_value("格式信息") if props else "",
            content=None,
        )
        m = _DIGEST.search(code.child_value("编码描述")) if code is not None else None
        comp.sm3 = m.group(1).lower() if m else None
        try:
            comp.size = int(props.child_value("计算机文件大小")) if props else None
        except ValueError:
            comp.size = None
        return comp

    def sink_for(node: _Node) -> BinaryIO | None:
        comp = component_for(node)
        meta[id(node)] = comp
        if sink is not None:
            f = sink(comp)
        elif content_dir is not None:
            base = Path(comp.name.replace("\\", "/")).name or "content"
            path = Path(content_dir) / f"{len(meta):03d}-{base}"
            path.parent.mkdir(parents=True, exist_ok=True)
            comp.content = str(path)
            f = open(path, "wb")  # noqa: SIM115 - returned open to the parser, closed below
        else:
            return None
        opened.append(f)
        return f

    parser = _Parser(sink_for)
    try:
        parser.parse(stream)
    finally:
        for f in opened:
            f.close()
    return _check(parser, meta, verifier, require_signature, name)


def _check(  # noqa: C901 - the DA/T 48 checklist, read top to bottom
    parser: _Parser, meta, verifier, require_signature, name
) -> AIPRecord:
    problems: list[Problem] = []
    root = parser.root
    if root is None or root.name != N.ROOT or root.ns != N.NAMESPACE:
        problems.append(Problem("AIP-NAMESPACE", f"root must be {{{N.NAMESPACE}}}{N.ROOT}", name))
        raise PackageError("not a DA/T 48 EEP", problems, 422)
    for node in _walk(root):
        if node.ns != N.NAMESPACE:
            problems.append(
                Problem("AIP-NAMESPACE", "element outside the EEP namespace", node.name)
            )
            break
    version = _required(root, "版本", problems)
    if version is not None and version.value().strip() != N.EEP_VERSION:
        problems.append(Problem("AIP-VERSION", f"版本 must be {N.EEP_VERSION}", "版本"))
    _required(root, "封装包格式描述", problems)
    signed = _required(root, N.SIGNED_OBJECT, problems)
    if parser.signed_count > 1:
        problems.append(Problem("AIP-STRUCTURE", "more than one 被签名对象", N.SIGNED_OBJECT))
    if signed is None:
        raise PackageError("EEP is incomplete", problems, 422)
    if signed.attrs.get("eep版本") != N.EEP_VERSION:
        problems.append(Problem("AIP-VERSION", "@eep版本 must equal 版本", "被签名对象/@eep版本"))
    ptype = _required(signed, "封装包类型", problems)
    if ptype is not None and ptype.value() not in (N.ORIGINAL, N.MODIFIED):
        problems.append(Problem("AIP-VALUE", "封装包类型 must be 原始型 or 修改型", "封装包类型"))
    for req in ("封装包创建时间", "封装包创建单位"):
        _required(signed, req, problems)
    modified = ptype is not None and ptype.value() == N.MODIFIED
    original = None
    if modified:  # DA/T 48: 修改封装内容 = 修改标识符, 原封装包, 修订内容
        if signed.child("封装内容") is not None:
            problems.append(
                Problem(
                    "AIP-STRUCTURE", "a 修改型 package has 修改封装内容, not 封装内容", "封装内容"
                )
            )
        change = _required(signed, "修改封装内容", problems)
        _required(change, "修改标识符", problems, "修改封装内容/")
        original = _original(_required(change, "原封装包", problems, "修改封装内容/"), problems)
        content = _required(change, "修订内容", problems, "修改封装内容/")
    else:
        if signed.child("修改封装内容") is not None:
            problems.append(
                Problem("AIP-STRUCTURE", "an 原始型 package has no 修改封装内容", "修改封装内容")
            )
        content = _required(signed, "封装内容", problems)
    files = _required(content, "文件实体块", problems)
    entity = _required(files, "文件实体", problems)
    if files is not None and len(files.all("文件实体")) != 1:
        problems.append(Problem("AIP-STRUCTURE", "an AIP holds exactly one 文件实体", "文件实体块"))
    business = _required(content, "业务实体块", problems)
    agents = _required(content, "机构人员实体块", problems)
    if entity is None:
        raise PackageError("EEP is incomplete", problems, 422)

    metadata = _read_metadata(entity)
    for req in dat46.REQUIRED:
        if not metadata.get(req):
            problems.append(Problem("AIP-REQUIRED", "required element missing", req))

    components: list[Component] = []
    streams = {id(n): s for n, s in parser.streams}
    data = _required(entity, "文件数据", problems)
    for doc in data.all("文档") if data is not None else []:
        seq = doc.child_value("文档序号")
        codes = [c for dd in doc.all("文档数据") for c in dd.all("编码")]
        if not codes:
            problems.append(Problem("AIP-REQUIRED", "文档 without 编码", f"文档 {seq}"))
        for code in codes:
            enc = code.child("编码数据")
            if enc is None or id(enc) not in streams:
                problems.append(Problem("AIP-REQUIRED", "编码 without 编码数据", f"文档 {seq}"))
                continue
            comp, st = meta[id(enc)], streams[id(enc)]
            label = comp.name or f"文档 {seq}"
            if st.error:
                problems.append(
                    Problem("AIP-BASE64", f"编码数据 does not decode: {st.error}", label)
                )
                continue
            digest = st.hash.hexdigest()
            if comp.sm3 is None:
                problems.append(Problem("AIP-DIGEST", "编码描述 carries no SM3 digest", label))
            elif digest != comp.sm3:
                problems.append(
                    Problem("AIP-DIGEST", f"content SM3 {digest} differs from {comp.sm3}", label)
                )
            if comp.size is not None and comp.size != st.size:
                problems.append(
                    Problem("AIP-SIZE", f"content has {st.size} bytes, declared {comp.size}", label)
                )
            comp.sm3, comp.size = digest, st.size
            components.append(comp)
    if not components:
        problems.append(Problem("AIP-REQUIRED", "no content", "文件数据"))

    actors = {
        a.child_value("机构人员标识符"): a.child_value("机构人员名称")
        for a in (agents.all("机构人员实体") if agents is not None else [])
    }
    events = []
    for row in business.all("业务实体") if business is not None else []:
        for req in ("业务状态", "业务行为", "行为时间"):
            _required(row, req, problems, "业务实体/")
        actor_id = row.child_value("机构人员标识符")
        events.append(
            Event(
                row.child_value("行为时间"),
                row.child_value("业务行为"),
                actors.get(actor_id, actor_id),
                row.child_value("行为描述"),
            )
        )
    if not events:
        problems.append(Problem("AIP-REQUIRED", "at least one 业务实体", "业务实体块"))

    uid, version = "", 0
    for rel in files.all("文件实体关系"):
        if rel.child_value("关系类型") == N.RELATION_TYPE:
            uid = rel.child_value("实体标识符")
            try:
                version = int(rel.child_value("关系").lstrip("v"))
            except ValueError:
                problems.append(
                    Problem("AIP-VALUE", "version is not a number", "文件实体关系/关系")
                )

    if version >= 2 and not modified:
        problems.append(
            Problem("AIP-VALUE", "a version from 2 on is 修改型 (DA/T 48)", "封装包类型")
        )
    if modified and version < 2:
        problems.append(Problem("AIP-VALUE", "version 1 is 原始型", "封装包类型"))
    signature = _read_signature(root, parser, verifier, problems)
    if signature is None and require_signature:
        problems.append(Problem("AIP-SIGNATURE", "the package is not signed", "电子签名块"))
    original_signature = None
    if original is not None:
        original_signature = _read_signature(
            original,
            parser,
            verifier,
            problems,
            digest=parser.nested_digests.get(id(original.child(N.SIGNED_OBJECT))),
            where="原封装包/电子签名块",
        )
    if problems:
        raise PackageError("EEP failed its checks", problems, 422)
    return AIPRecord(
        uid=uid,
        archival_code=str(metadata.get("档号", "")),
        version=version or 1,
        metadata=metadata,
        components=components,
        events=events,
        created=signed.child_value("封装包创建时间"),
        creator_unit=signed.child_value("封装包创建单位"),
        package_type=ptype.value() if ptype is not None else None,
        signature=signature,
        modification_id=signed.child("修改封装内容").child_value("修改标识符")
        if modified
        else None,
        original_digest=(
            parser.nested_digests[id(original.child(N.SIGNED_OBJECT))].hex()
            if original is not None
            else None
        ),
        original_type=(
            original.child(N.SIGNED_OBJECT).child_value("封装包类型")
            if original is not None
            else None
        ),
        original_signature=original_signature,
    )


def _original(block: _Node | None, problems: list[Problem]) -> _Node | None:
    """原封装包: the previous package's 被签名对象 (with its type and content) and, when it was
    signed, its 电子签名块. Returns the block when it is complete."""
    if block is None:
        return None
    signed = _required(block, N.SIGNED_OBJECT, problems, "原封装包/")
    if signed is None:
        return None
    ptype = _required(signed, "封装包类型", problems, "原封装包/")
    if ptype is not None and ptype.value() not in (N.ORIGINAL, N.MODIFIED):
        problems.append(
            Problem("AIP-VALUE", "封装包类型 must be 原始型 or 修改型", "原封装包/封装包类型")
        )
    if signed.child("封装内容") is None and signed.child("修改封装内容") is None:
        problems.append(Problem("AIP-REQUIRED", "required element missing", "原封装包/封装内容"))
    return block


def _read_signature(
    root: _Node,
    parser: _Parser,
    verifier,
    problems,
    *,
    digest: bytes | None = None,
    where: str = "电子签名块",
) -> SignatureInfo | None:
    """The 电子签名块 under ``root`` (the package, or an 原封装包 with ``digest``, the SM3 of
    its canonical 被签名对象), checked with ``verifier`` when one is given."""
    block = root.child("电子签名块")
    sig = block.child("电子签名") if block is not None else None
    if sig is None:
        return None
    for req in ("签名规则", "签名结果", "签名算法标识"):
        _required(sig, req, problems, "电子签名/")
    try:
        value = base64.b64decode(sig.child_value("签名结果"), validate=True)
        certs = sig.child("证书块")
        cert = base64.b64decode(certs.child_value("证书") if certs else "", validate=True)
    except binascii.Error:
        problems.append(Problem("AIP-BASE64", "签名结果 or 证书 is not Base64", "电子签名"))
        return None
    digest = parser.signed_hash.digest() if digest is None else digest
    info = SignatureInfo(
        rule=sig.child_value("签名规则"),
        time=sig.child_value("签名时间"),
        signer=sig.child_value("签名人"),
        algorithm=sig.child_value("签名算法标识"),
        signature=value,
        certificate=cert,
        signed_digest=digest.hex(),
    )
    if verifier is not None:
        try:
            ok = bool(verifier(digest, value, cert, info.algorithm))
        except Exception:  # a verifier that raises means "invalid"
            ok = False
        info.verified = ok
        if not ok:
            problems.append(Problem("AIP-SIGNATURE", "package signature does not verify", where))
    return info


def _walk(node: _Node):
    yield node
    for c in node.children:
        yield from _walk(c)
