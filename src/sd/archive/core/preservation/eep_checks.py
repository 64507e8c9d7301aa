"""The DA/T 48 checklist of a parsed EEP (电子文件封装包校验).

``check_eep`` reads the tree an ``EEPParser`` built, checks structure, version, metadata,
content digests and sizes, events and signatures, and returns the ``AIPRecord`` — or raises
``PackageError`` listing every problem found.
"""

from __future__ import annotations

import base64
import binascii

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

from . import dat46
from . import eep_names as N
from .aip_model import AIPRecord
from .aip_model import Component
from .aip_model import Event
from .aip_model import SignatureInfo
from .eep_parser import EEPParser
from .eep_parser import Node
from .eep_parser import walk


def _required(
    node: Node | None, name: str, problems: list[Problem], where: str = ""
) -> Node | None:
    child = node.child(name) if node is not None else None
    if child is None:
        problems.append(Problem("AIP-REQUIRED", "required element missing", where + name))
    return child


def _read_metadata(entity: Node) -> dict:
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


def check_eep(  # noqa: C901 - the DA/T 48 checklist, read top to bottom
    parser: EEPParser, meta, verifier, require_signature, name
) -> AIPRecord:
    problems: list[Problem] = []
    root = parser.root
    if root is None or root.name != N.ROOT or root.ns != N.NAMESPACE:
        problems.append(Problem("AIP-NAMESPACE", f"root must be {{{N.NAMESPACE}}}{N.ROOT}", name))
        raise PackageError("not a DA/T 48 EEP", problems, 422)
    for node in walk(root):
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


def _original(block: Node | None, problems: list[Problem]) -> Node | None:
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
    root: Node,
    parser: EEPParser,
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
