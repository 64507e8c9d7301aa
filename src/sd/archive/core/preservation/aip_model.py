"""The AIP as plain data (档案信息包的数据模型).

The Plone side fills an ``AIPRecord`` from a record version; the EEP reader returns one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

#: role of a derived representation (派生表现形式): the extracted text of a file, kept in the AIP
#: beside the originals but not one of the record's files
DERIVED_ROLE = "派生文本"


@dataclass
class Component:
    """One file of the record (组件中的一个文档): name, role (角色), format (格式信息),
    content as ``bytes`` or a file path, and the SM3 digest (摘要值) when known."""

    name: str
    role: str
    format: str
    content: bytes | str | os.PathLike | None
    sm3: str | None = None
    size: int | None = None


@dataclass
class Event:
    """One preservation or business event (业务实体): 行为时间, 业务行为, 机构人员, 行为描述."""

    time: str
    action: str
    actor: str
    description: str = ""


@dataclass
class SignatureInfo:
    """The package signature as read (电子签名块)."""

    rule: str
    time: str
    signer: str
    algorithm: str
    signature: bytes
    certificate: bytes
    signed_digest: str  # SM3 of the canonical bytes of 被签名对象
    verified: bool | None = None  # None: no verifier given


@dataclass
class AIPRecord:
    """One record version to preserve (一件电子档案的一个版本).

    ``metadata`` maps DA/T 46 element names (题名, 年度, 全宗号 …) to a string or, for
    repeatable elements, a list of strings. ``components`` and ``events`` accept the
    dataclasses above or plain tuples ``(name, role, format, content, sm3)`` and
    ``(time, action, actor, description)``.
    """

    uid: str
    archival_code: str
    version: int
    metadata: dict[str, str | list[str]]
    components: list = field(default_factory=list)
    events: list = field(default_factory=list)
    created: str | None = None  # 封装包创建时间
    creator_unit: str | None = None  # 封装包创建单位
    package_type: str | None = None  # 原始型 | 修改型 (from version when None)
    signature: SignatureInfo | None = None  # filled by the reader
    #: 原封装包 of a version >= 2 (修改型): the previous version's EEP (path or bytes), whose
    #: 被签名对象 and 电子签名块 the writer embeds unchanged (DA/T 48 修改封装内容)
    original: bytes | str | os.PathLike | None = None
    #: filled by the reader for a 修改型 package: 修改标识符, the SM3 of the canonical
    #: 被签名对象 of the 原封装包, its 封装包类型 and its signature (verified with the verifier)
    modification_id: str | None = None
    original_digest: str | None = None
    original_type: str | None = None
    original_signature: SignatureInfo | None = None

    def __post_init__(self):
        self.components = [
            c if isinstance(c, Component) else Component(*c) for c in self.components
        ]
        self.events = [e if isinstance(e, Event) else Event(*e) for e in self.events]

    @property
    def fonds(self) -> str:
        """全宗号 from the metadata, else the first part of the archival code."""
        value = self.metadata.get("全宗号")
        return str(value) if value else self.archival_code.split("-", 1)[0]

    @property
    def year(self) -> str:
        """年度 from the metadata."""
        return str(self.metadata.get("年度") or "")

    @property
    def file_name(self) -> str:
        """``<档号>.v<N>.eep``."""
        return aip_file_name(self.archival_code, self.version)


def aip_file_name(archival_code: str, version: int) -> str:
    return f"{archival_code}.v{int(version)}.eep"


@dataclass
class PackageSigner:
    """Signs the SM3 digest of the canonical 被签名对象 (封装包签名者).

    ``sign(message) -> signature bytes``; ``certificate`` is the DER certificate or the raw
    public key; ``algorithm`` the 签名算法标识 (``Ed25519``, ``1.2.156.10197.1.501`` SM2-SM3 …).
    """

    sign: Callable[[bytes], bytes]
    signer: str
    algorithm: str
    certificate: bytes


# verify(message, signature, certificate, algorithm) -> bool
SignatureVerifier = Callable[[bytes, bytes, bytes, str], bool]
