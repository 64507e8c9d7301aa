"""Streaming DA/T 48 EEP writer (电子文件封装包写出).

Writes one AIP as a DA/T 48-2009 EEP in one pass: content is read in chunks and written as
Base64 lines, never held whole in memory. Version 1 is 原始型 (封装内容); every later version
is 修改型: 修改封装内容 = 修改标识符, 原封装包 (the previous version's 被签名对象 and 电子签名块,
copied byte for byte, so its own signature still verifies inside) and 修订内容 (the record as
it is now, the same blocks as 封装内容). 被签名对象 is emitted in Canonical XML 1.0 form and
hashed (SM3) on the way; the package signature (电子签名块) signs that digest.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import BinaryIO

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

from . import c14n
from . import dat46
from . import eep_names as N
from .aip_model import DERIVED_ROLE
from .aip_model import AIPRecord
from .aip_model import Component
from .aip_model import PackageSigner
from .hashing import new_sm3

PARALLEL_MIN = 64 * 1024
_HASH_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eep-sm3")
# 57 bytes → one 76-character Base64 line (RFC 2045); read 16,384 lines at a time.
B64_READ = 57 * 16384


def _b64_lines(chunk: bytes) -> bytes:
    """RFC 2045 Base64: 76-character lines ending in LF (one encoder call per chunk)."""
    b64 = binascii.b2a_base64(chunk, newline=False)
    return b"".join(b64[i : i + 76] + b"\n" for i in range(0, len(b64), 76))


@dataclass
class EEPWriteResult:
    """What the writer produced: package SM3 and size, the signed digest, component digests."""

    sm3: str
    size: int
    signed_digest: str
    component_sm3: list[str] = field(default_factory=list)


class _Tee:
    """Writes UTF-8 to the file, hashing everything (package SM3) and, while ``signing``,
    also the canonical bytes of 被签名对象."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.file_hash = new_sm3()
        self.signed_hash = new_sm3()
        self.size = 0
        self.signing = False

    def write(self, data: str | bytes, canonical: str | bytes | None = None) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.out.write(raw)
        self.size += len(raw)
        if self.signing and canonical is None and len(raw) >= PARALLEL_MIN:
            # OpenSSL releases the GIL: hash the two digests of a big chunk on two cores
            pending = _HASH_POOL.submit(self.signed_hash.update, raw)
            self.file_hash.update(raw)
            pending.result()
            return
        self.file_hash.update(raw)
        if self.signing:
            if canonical is None:
                self.signed_hash.update(raw)
            else:
                self.signed_hash.update(
                    canonical.encode("utf-8") if isinstance(canonical, str) else canonical
                )

    def element(self, name: str, value: str) -> None:
        self.write(f"<{name}>{c14n.text(value)}</{name}>\n")


def _check_text(problems: list[Problem], where: str, value: str) -> str:
    value = "" if value is None else str(value)
    if c14n.has_invalid_chars(value):
        problems.append(Problem("AIP-CHARS", "control characters cannot be stored in XML", where))
    return value


def _validate(record: AIPRecord) -> list[Problem]:
    problems = []
    md = record.metadata
    for name in md:
        if name not in dat46.ELEMENTS:
            problems.append(Problem("AIP-ELEMENT", "not a DA/T 46 record-level element", name))
    merged = _metadata_with_defaults(record)
    for name in dat46.REQUIRED:
        if not merged.get(name):
            problems.append(Problem("AIP-REQUIRED", "required element missing", name))
    if not record.components:
        problems.append(Problem("AIP-REQUIRED", "a record needs at least one component", "组件"))
    if not record.events:
        problems.append(
            Problem("AIP-REQUIRED", "at least one 业务实体 (event) is required", "业务实体")
        )
    if int(record.version) < 1:
        problems.append(Problem("AIP-VERSION", "version numbers start at 1", "version"))
    for value in list(md.values()) + [record.uid, record.archival_code]:
        for v in value if isinstance(value, list) else [value]:
            _check_text(problems, "metadata", v)
    return problems


def _metadata_with_defaults(record: AIPRecord) -> dict:
    md = dict(record.metadata)
    md.setdefault("聚合层次", "文件")
    md.setdefault("档号", record.archival_code)
    files = [c for c in record.components if _role(c) != DERIVED_ROLE]
    md.setdefault("文件组合类型", "单件" if len(files) == 1 else "组合文件")
    return md


def _role(component) -> str:
    """The role of a component given as an ``aip_model.Component`` or a plain tuple."""
    return component.role if hasattr(component, "role") else component[1]


def _values(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _write_file_entity_metadata(tee: _Tee, md: dict) -> None:
    for container, leaves in dat46.LAYOUT:
        if container == "档号":
            tee.write(f"<档号>{c14n.text(str(md['档号']))}")
            for leaf in leaves:
                for v in _values(md.get(leaf)):
                    tee.write(f"<{leaf}>{c14n.text(v)}</{leaf}>")
            tee.write("</档号>\n")
            continue
        present = [(leaf, v) for leaf in leaves for v in _values(md.get(leaf))]
        if not present:
            continue
        if container:
            tee.write(f"<{container}>\n")
        for leaf, v in present:
            tee.element(leaf, v)
        if container:
            tee.write(f"</{container}>\n")


def _open_content(component: Component):
    if isinstance(component.content, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(component.content))
    if component.content is None:
        raise PackageError(
            "component has no content", [Problem("AIP-CONTENT", "no content", component.name)]
        )
    return open(os.fspath(component.content), "rb")


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _write_component(tee: _Tee, seq: int, component: Component) -> str:
    """Write one 文档 with its Base64 编码数据; return the content SM3."""
    main = "主文档" if component.role in N.MAIN_ROLES else "附属文档"
    with _open_content(component) as src:
        size = component.size
        if size is None:
            src.seek(0, os.SEEK_END)
            size = src.tell()
            src.seek(0)
        digest_hint = component.sm3 or ""
        # The digest goes before the data in the XML, so hash first when it is not given.
        if not digest_hint:
            h = new_sm3()
            while chunk := src.read(B64_READ):
                h.update(chunk)
            digest_hint = h.hexdigest()
            src.seek(0)
        tee.write("<文档>\n")
        tee.element("文档标识符", f"D{seq}")
        tee.element("文档序号", str(seq))
        tee.element("文档主从声明", main)
        tee.element("题名", component.role)
        tee.write(f'<文档数据 文档数据ID="DD{seq}">\n<编码 编码ID="C{seq}">\n<电子属性>\n')
        tee.element("格式信息", component.format)
        tee.element("计算机文件名", component.name)
        tee.element("计算机文件大小", str(size))
        tee.write("</电子属性>\n")
        tee.element("编码描述", N.ENCODING_DESCRIPTION + digest_hint.lower())
        tee.element("反编码关键字", _extension(component.name))
        tee.write(f'<编码数据 编码数据ID="B{seq}">\n')
        h = new_sm3()
        written = 0
        while chunk := src.read(B64_READ):
            h.update(chunk)
            written += len(chunk)
            tee.write(_b64_lines(chunk))
        tee.write("</编码数据>\n</编码>\n</文档数据>\n</文档>\n")
    digest = h.hexdigest()
    problems = []
    if digest != digest_hint.lower():
        problems.append(
            Problem(
                "AIP-DIGEST", f"content SM3 {digest} differs from {digest_hint}", component.name
            )
        )
    if written != size:
        problems.append(
            Problem("AIP-SIZE", f"content has {written} bytes, declared {size}", component.name)
        )
    if problems:
        raise PackageError("component content does not match its digest", problems, 422)
    return digest


_SIGNED_OPEN = f"<{N.SIGNED_OBJECT}".encode()
_SIGNED_CLOSE = f"</{N.SIGNED_OBJECT}>".encode()
_SIGNATURE_OPEN = "<电子签名块>".encode()
_SIGNATURE_CLOSE = "</电子签名块>".encode()


def _open_original(original):
    if isinstance(original, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(original))
    return open(os.fspath(original), "rb")


def _original_ranges(original) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """Byte ranges of the previous EEP's top-level 被签名对象 and 电子签名块 (one pass).

    The top-level 被签名对象 opens first and closes last (older versions nest inside it);
    the package's own 电子签名块 is the last one, after that close."""
    needles = (_SIGNED_OPEN, _SIGNED_CLOSE, _SIGNATURE_OPEN, _SIGNATURE_CLOSE)
    overlap = max(len(n) for n in needles) - 1
    first_open, last = None, dict.fromkeys(needles[1:], -1)
    offset, tail = 0, b""
    with _open_original(original) as src:
        while chunk := src.read(B64_READ):
            buf = tail + chunk
            base = offset - len(tail)
            if first_open is None and (i := buf.find(_SIGNED_OPEN)) >= 0:
                first_open = base + i
            for needle in needles[1:]:
                if (i := buf.rfind(needle)) >= 0:
                    last[needle] = max(last[needle], base + i)
            offset += len(chunk)
            tail = buf[-overlap:]
    close = last[_SIGNED_CLOSE]
    if first_open is None or close < first_open:
        raise PackageError(
            "the original package has no 被签名对象",
            [Problem("AIP-ORIGINAL", "not a DA/T 48 EEP", N.SIGNED_OBJECT)],
            422,
        )
    signed = (first_open, close + len(_SIGNED_CLOSE))
    sig_open, sig_close = last[_SIGNATURE_OPEN], last[_SIGNATURE_CLOSE]
    signature = None
    if sig_open > signed[1] and sig_close > sig_open:
        signature = (sig_open, sig_close + len(_SIGNATURE_CLOSE))
    return signed, signature


def _copy_range(tee: _Tee, original, start: int, end: int) -> None:
    """Copy bytes of the previous EEP unchanged: written by this writer, they are canonical
    already (so the embedded signature still verifies and the new one covers them as read)."""
    with _open_original(original) as src:
        src.seek(start)
        left = end - start
        while left > 0 and (chunk := src.read(min(B64_READ, left))):
            tee.write(chunk)
            left -= len(chunk)


def _write_original(tee: _Tee, record: AIPRecord) -> None:
    """修改标识符 and 原封装包 (the previous version's 被签名对象 and 电子签名块)."""
    signed, signature = _original_ranges(record.original)
    tee.element("修改标识符", f"{record.uid}-v{int(record.version)}")
    tee.write("<原封装包>\n")
    _copy_range(tee, record.original, *signed)
    tee.write("\n")
    if signature is not None:
        _copy_range(tee, record.original, *signature)
        tee.write("\n")
    tee.write("</原封装包>\n")


def write_eep(
    record: AIPRecord,
    out: BinaryIO,
    signer: PackageSigner | None,
    *,
    now: datetime | None = None,
) -> EEPWriteResult:
    """Write ``record`` as a DA/T 48 EEP to the binary stream ``out``.

    Raises ``PackageError`` (with problems) before anything is written when the record is
    incomplete, and while writing when a component's bytes do not match its SM3.
    """
    problems = _validate(record)
    package_type = record.package_type or (N.ORIGINAL if int(record.version) == 1 else N.MODIFIED)
    modified = package_type == N.MODIFIED
    if modified and record.original is None:
        problems.append(
            Problem("AIP-ORIGINAL", "a 修改型 package carries its 原封装包 (DA/T 48)", "原封装包")
        )
    if problems:
        raise PackageError("the record cannot be packaged", problems, 422)
    now = now or datetime.now(UTC).astimezone()
    created = record.created or now.isoformat(timespec="seconds")
    md = _metadata_with_defaults(record)
    file_id = str(md["电子文件号"])

    tee = _Tee(out)
    tee.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tee.write(f'<{N.ROOT} xmlns="{N.NAMESPACE}">\n')
    tee.element("封装包格式描述", N.FORMAT_DESCRIPTION)
    tee.element("版本", N.EEP_VERSION)
    tee.signing = True
    tee.write(
        f'<{N.SIGNED_OBJECT} eep版本="{N.EEP_VERSION}">',
        canonical=f'<{N.SIGNED_OBJECT} xmlns="{N.NAMESPACE}" eep版本="{N.EEP_VERSION}">',
    )
    tee.write("\n")
    tee.element("封装包类型", package_type)
    tee.element("封装包类型描述", N.PACKAGE_TYPE_DESCRIPTIONS[package_type])
    tee.element("封装包创建时间", created)
    tee.element("封装包创建单位", record.creator_unit or str(md.get("立档单位名称", "")))
    if modified:  # 修改封装内容: 修改标识符, 原封装包, 修订内容 (the record as it is now)
        tee.write("<修改封装内容>\n")
        _write_original(tee, record)
        tee.write("<修订内容>\n")
    else:
        tee.write("<封装内容>\n")
    tee.write("<文件实体块>\n<文件实体>\n")
    _write_file_entity_metadata(tee, md)
    tee.write("<文件数据>\n")
    digests = [_write_component(tee, i, c) for i, c in enumerate(record.components, 1)]
    tee.write("</文件数据>\n</文件实体>\n<文件实体关系>\n")
    tee.element("实体标识符", record.uid)
    tee.element("关系类型", N.RELATION_TYPE)
    tee.element("关系", f"v{int(record.version)}")
    tee.element("关系描述", record.archival_code)
    tee.write("</文件实体关系>\n</文件实体块>\n<业务实体块>\n")
    actors: dict[str, str] = {}
    for i, event in enumerate(record.events, 1):
        actor_id = actors.setdefault(event.actor, f"A{len(actors) + 1}")
        tee.write("<业务实体>\n")
        tee.element("业务标识符", f"E{i}")
        tee.element("机构人员标识符", actor_id)
        tee.element("文件标识符", file_id)
        tee.element("业务状态", N.BUSINESS_STATUS)
        tee.element("业务行为", event.action)
        tee.element("行为时间", event.time)
        if event.description:
            tee.element("行为描述", event.description)
        tee.write("</业务实体>\n")
    tee.write("</业务实体块>\n<机构人员实体块>\n")
    for actor, actor_id in actors.items():
        tee.write("<机构人员实体>\n")
        tee.element("机构人员标识符", actor_id)
        tee.element("机构人员名称", actor)
        tee.write("</机构人员实体>\n")
    tee.write("</机构人员实体块>\n")
    tee.write("</修订内容>\n</修改封装内容>\n" if modified else "</封装内容>\n")
    tee.write(f"</{N.SIGNED_OBJECT}>")
    tee.signing = False
    tee.write("\n")
    signed = tee.signed_hash.digest()
    if signer is not None:
        signature = signer.sign(signed)
        tee.write("<电子签名块>\n<电子签名>\n")
        tee.element("签名标识符", "S1")
        tee.element("签名规则", N.SIGNATURE_RULE)
        tee.element("签名时间", now.isoformat(timespec="seconds"))
        tee.element("签名人", signer.signer)
        tee.element("签名结果", base64.b64encode(signature).decode("ascii"))
        tee.write("<证书块>\n")
        tee.element("证书", base64.b64encode(signer.certificate).decode("ascii"))
        tee.write("</证书块>\n")
        tee.element("签名算法标识", signer.algorithm)
        tee.write("</电子签名>\n</电子签名块>\n")
    tee.write(f"</{N.ROOT}>\n")
    return EEPWriteResult(tee.file_hash.hexdigest(), tee.size, signed.hex(), digests)
