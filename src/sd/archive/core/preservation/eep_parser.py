"""Streaming expat parser of a DA/T 48 EEP (电子文件封装包的流式解析).

Parses in chunks: Base64 编码数据 is decoded on the fly into sinks and hashed, the rest
(metadata, events) is small and kept as a light tree of ``Node``. 被签名对象 is re-serialised
as Canonical XML 1.0 while parsing and hashed with SM3, so the package signature is checked
without a second pass. DTDs and entity declarations are refused.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO
from xml.parsers import expat

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

from . import c14n
from . import eep_names as N
from .hashing import new_sm3

READ_CHUNK = 1 << 20
SEP = "\x1f"
_WS = b" \t\r\n"


@dataclass
class Node:
    name: str  # local name
    ns: str
    attrs: dict
    parent: Node | None = None
    children: list = field(default_factory=list)
    text: list = field(default_factory=list)

    def child(self, name: str) -> Node | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    def all(self, name: str) -> list[Node]:
        return [c for c in self.children if c.name == name]

    def value(self) -> str:
        return "".join(self.text)

    def child_value(self, name: str, default: str = "") -> str:
        c = self.child(name)
        return c.value() if c is not None else default


class Base64Stream:
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


class CanonicalDigest:
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


class EEPParser:
    """One pass of expat over an EEP: builds the ``Node`` tree, streams each 编码数据 into
    ``sink_for(node)`` and keeps the SM3 of every canonical 被签名对象."""

    def __init__(self, sink_for: Callable[[Node], BinaryIO | None]):
        self.sink_for = sink_for
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.ns_stack: list[dict[str, str]] = [{}]  # in-scope prefix → uri
        self.pending_ns: list[tuple[str, str]] = []
        self.signed_hash = new_sm3()
        self.signed_depth: int | None = None
        self.signed_count = 0
        # one Canonical XML rendering per open 被签名对象: the package's own and, inside
        # 原封装包, each original's (its digest is what the original's signature signs)
        self.canons: list[CanonicalDigest] = []
        self.nested_digests: dict[int, bytes] = {}  # id(被签名对象 node) → SM3
        self.in_original = 0  # depth of 原封装包 elements around the parser
        self.b64: Base64Stream | None = None
        self.streams: list[tuple[Node, Base64Stream]] = []
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
        node = Node(local, uri, plain_attrs, parent)
        if parent is None:
            self.root = node
        else:
            parent.children.append(node)
        self.stack.append(node)
        depth = len(self.stack)
        if self.signed_depth is None and depth == 2 and local == N.SIGNED_OBJECT:
            self.signed_depth = depth
            self.signed_count += 1
            self.canons.append(CanonicalDigest(depth, node, self.signed_hash))
        elif local == N.SIGNED_OBJECT and parent is not None and parent.name == "原封装包":
            self.canons.append(CanonicalDigest(depth, node, new_sm3()))
        if local == "原封装包":
            self.in_original += 1
        qname = f"{prefix}:{local}" if prefix else local
        for canon in self.canons:
            canon.start(qname, scope, sortable)
        if local == "编码数据":
            # an original's content is checked (Base64, digest) but not stored again
            self.b64 = Base64Stream(None if self.in_original else self.sink_for(node))
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


def walk(node: Node):
    yield node
    for c in node.children:
        yield from walk(c)
