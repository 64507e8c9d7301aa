"""AIP (DA/T 48 EEP) write/read round trips, canonical signing and tamper detection."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest
from lxml import etree
from preservation_helpers import make_record
from preservation_helpers import sm3

from sd.archive.core.errors import PackageError
from sd.archive.core.preservation import eep_names as N
from sd.archive.core.preservation.aip import read_aip_file
from sd.archive.core.preservation.aip import read_eep
from sd.archive.core.preservation.aip import write_aip_file
from sd.archive.core.preservation.aip import write_eep
from sd.archive.core.preservation.aip_model import DERIVED_ROLE
from sd.archive.core.preservation.aip_model import Component


def written(record, signer) -> bytes:
    buf = io.BytesIO()
    write_eep(record, buf, signer)
    return buf.getvalue()


def codes(exc: PackageError) -> set[str]:
    return {p.code for p in exc.problems}


def test_round_trip_keeps_metadata_components_events(tmp_path, record, signer, verifier):
    path = tmp_path / record.file_name
    result = write_aip_file(record, path, signer)
    assert path.name == "J001-WS·2023-Y-BGS-0001.v1.eep"
    assert result.sm3 == sm3(path.read_bytes()) and result.size == path.stat().st_size
    back = read_aip_file(
        path, content_dir=tmp_path / "out", verifier=verifier, require_signature=True
    )
    assert (
        back.uid == record.uid and back.version == 1 and back.archival_code == record.archival_code
    )
    for key, value in record.metadata.items():
        assert back.metadata[key] == value, key
    assert back.metadata["文件组合类型"] == "单件"
    assert [(c.name, c.role, c.format, c.sm3) for c in back.components] == [
        (c.name, c.role, c.format, c.sm3) for c in record.components
    ]
    assert Path(back.components[0].content).read_bytes() == b"%PDF-1.7 body"
    assert [(e.time, e.action, e.actor, e.description) for e in back.events] == [
        (e.time, e.action, e.actor, e.description) for e in record.events
    ]
    assert back.package_type == N.ORIGINAL and back.creator_unit == "山东省档案馆"
    assert back.signature.verified is True and back.signature.signer == "山东省档案馆保存节点"
    assert back.signature.signed_digest == result.signed_digest


def test_xml_shape_follows_dat48(record, signer):
    root = etree.fromstring(written(record, signer))
    ns = {"e": N.NAMESPACE}
    assert root.tag == f"{{{N.NAMESPACE}}}电子文件封装包"
    assert root.findtext("e:版本", namespaces=ns) == "2009"
    signed = root.find("e:被签名对象", ns)
    assert signed.get("eep版本") == "2009"
    entity = signed.find("e:封装内容/e:文件实体块/e:文件实体", ns)
    assert entity.findtext("e:内容描述/e:题名", namespaces=ns).startswith("关于做好")
    assert entity.find("e:档号", ns).text == record.archival_code
    assert entity.findtext("e:档号/e:年度", namespaces=ns) == "2023"
    data = entity.findtext("e:文件数据/e:文档/e:文档数据/e:编码/e:编码数据", namespaces=ns)
    assert base64.b64decode(data) == b"%PDF-1.7 body"
    assert len(signed.findall("e:封装内容/e:业务实体块/e:业务实体", ns)) == 3
    assert len(signed.findall("e:封装内容/e:机构人员实体块/e:机构人员实体", ns)) == 2
    assert root.findtext("e:电子签名块/e:电子签名/e:签名算法标识", namespaces=ns) == "Ed25519"


def test_signed_digest_is_sm3_of_lxml_c14n(record, signer):
    data = written(record, signer)
    signed = etree.fromstring(data).find(f"{{{N.NAMESPACE}}}被签名对象")
    # the subtree as its own document (lxml's c14n of a bare sub-element adds xmlns="")
    subtree = etree.tostring(signed, encoding="utf-8")
    canonical = etree.tostring(etree.fromstring(subtree).getroottree(), method="c14n")
    back = read_eep(io.BytesIO(data))
    assert back.signature.signed_digest == sm3(canonical)
    assert sm3(ElementTree.canonicalize(subtree.decode()).encode()) == sm3(canonical)


def test_signature_survives_reindenting_outside_signed_object(record, signer, verifier):
    data = written(record, signer).replace(
        "<版本>2009</版本>\n".encode(), "<版本>2009</版本>\n\n   ".encode()
    )
    assert read_eep(io.BytesIO(data), verifier=verifier).signature.verified is True


def versions(signer, count=3):
    """v1 … v<count> of one record, each later one written on the one before (bytes)."""
    out, previous = [], None
    for version in range(1, count + 1):
        rec = make_record(version=version, content=f"%PDF-1.7 v{version}".encode())
        rec.original = previous
        previous = written(rec, signer)
        out.append(previous)
    return out


def test_later_versions_carry_the_original_package(signer, verifier):
    """DA/T 48 修改型: 修改封装内容 = 修改标识符, 原封装包 (the previous version's 被签名对象
    and 电子签名块, unchanged: its signature still verifies), 修订内容 (the record now)."""
    v1, v2, v3 = versions(signer)
    first = read_eep(io.BytesIO(v1), verifier=verifier)
    assert first.package_type == N.ORIGINAL and first.original_digest is None
    second = read_eep(io.BytesIO(v2), verifier=verifier, require_signature=True)
    assert (second.version, second.package_type) == (2, N.MODIFIED)
    assert second.modification_id == "uid-0001-v2" and second.original_type == N.ORIGINAL
    assert second.original_signature.verified is True and second.signature.verified is True
    assert second.original_digest == first.signature.signed_digest
    assert [c.sm3 for c in second.components] == [sm3(b"%PDF-1.7 v2")]  # 修订内容, not v1
    third = read_eep(io.BytesIO(v3), verifier=verifier)
    assert third.original_type == N.MODIFIED
    assert third.original_digest == second.signature.signed_digest
    text = v3.decode("utf-8")
    assert text.count("<原封装包>") == 2 and "<封装内容>" in text  # v2 inside v3, v1 inside v2
    assert text.index("<修改封装内容>") < text.index("<原封装包>") < text.index("<修订内容>")


def test_a_modified_package_without_its_original_is_not_written(signer):
    with pytest.raises(PackageError) as refused:
        written(make_record(version=2), signer)
    assert codes(refused.value) == {"AIP-ORIGINAL"}


def test_a_changed_original_fails_both_signatures(signer, verifier):
    _v1, v2 = versions(signer, 2)
    head, _, tail = v2.partition("<原封装包>".encode())
    tampered = head + "<原封装包>".encode() + tail.replace("拟稿".encode(), "改稿".encode(), 1)
    with pytest.raises(PackageError) as refused:
        read_eep(io.BytesIO(tampered), verifier=verifier)
    assert {(p.code, p.object) for p in refused.value.problems} == {
        ("AIP-SIGNATURE", "电子签名块"),
        ("AIP-SIGNATURE", "原封装包/电子签名块"),
    }


def test_package_type_and_version_must_agree(signer):
    as_original = make_record(version=2)
    as_original.package_type = N.ORIGINAL
    with pytest.raises(PackageError) as refused:
        read_eep(io.BytesIO(written(as_original, signer)))
    assert "AIP-VALUE" in codes(refused.value)
    v1 = versions(signer, 1)[0]
    modified_v1 = make_record(version=1)
    modified_v1.package_type, modified_v1.original = N.MODIFIED, v1
    with pytest.raises(PackageError) as refused:
        read_eep(io.BytesIO(written(modified_v1, signer)))
    assert "AIP-VALUE" in codes(refused.value)


def test_large_component_streams_from_file(tmp_path, signer, verifier):
    big = tmp_path / "big.bin"
    blob = os.urandom(3 * 1024 * 1024 + 17)
    big.write_bytes(blob)
    rec = make_record(content=b"x")
    rec.components = [Component("正本/big.pdf", "正本", "PDF", str(big), sm3(blob))]
    path = tmp_path / rec.file_name
    write_aip_file(rec, path, signer)
    chunks = []

    class Sink(io.BytesIO):
        def write(self, b):
            chunks.append(len(b))
            return super().write(b)

    sink = Sink()
    sink.close = lambda: None
    back = read_aip_file(path, sink=lambda comp: sink, verifier=verifier)
    assert sink.getvalue() == blob and back.components[0].size == len(blob)
    assert max(chunks) < len(blob)  # streamed in pieces, not decoded whole


def test_wrong_declared_digest_is_refused_and_nothing_is_written(tmp_path, signer):
    rec = make_record()
    rec.components[0].sm3 = "0" * 64
    with pytest.raises(PackageError) as err:
        write_aip_file(rec, tmp_path / "x.eep", signer)
    assert codes(err.value) == {"AIP-DIGEST"}
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda md: md.pop("题名"), "AIP-REQUIRED"),
        (lambda md: md.update({"不存在的元素": "x"}), "AIP-ELEMENT"),
        (lambda md: md.update({"摘要": "bad \x01 char"}), "AIP-CHARS"),
    ],
)
def test_incomplete_records_are_refused(change, code, signer):
    rec = make_record()
    change(rec.metadata)
    with pytest.raises(PackageError) as err:
        write_eep(rec, io.BytesIO(), signer)
    assert code in codes(err.value)


def flip_in_content(data: bytes) -> bytes:
    b64 = base64.encodebytes(b"%PDF-1.7 body").strip()
    forged = base64.encodebytes(b"%PDF-1.7 bodY").strip()
    assert b64 in data
    return data.replace(b64, forged)


TAMPERS = [
    ("content", flip_in_content, "AIP-DIGEST"),
    ("title", lambda d: d.replace("关于做好".encode(), "关于做坏".encode()), "AIP-SIGNATURE"),
    ("namespace", lambda d: d.replace(N.NAMESPACE.encode(), b"urn:other"), "AIP-NAMESPACE"),
    (
        "version",
        lambda d: d.replace(b"<\xe7\x89\x88\xe6\x9c\xac>2009", "<版本>2010".encode()),
        "AIP-VERSION",
    ),
    (
        "base64",
        lambda d: d.replace(base64.encodebytes(b"%PDF-1.7 body").strip(), b"JVBER!!!"),
        "AIP-BASE64",
    ),
    (
        "required",
        lambda d: d.replace("<责任者>山东省某某厅</责任者>".encode(), b""),
        "AIP-REQUIRED",
    ),
    ("xml", lambda d: d[:-40], "AIP-XML"),
    ("dtd", lambda d: d.replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY e "x">]>\n', 1), "AIP-XML"),
    ("signature", lambda d: d.replace("<签名人>".encode(), "<签名人>假".encode()), None),
]


@pytest.mark.parametrize("name, tamper, code", TAMPERS, ids=[t[0] for t in TAMPERS])
def test_tampering_is_detected(name, tamper, code, record, signer, verifier):
    data = tamper(written(record, signer))
    if code is None:  # outside 被签名对象 and not the signature value: still verifies
        assert read_eep(io.BytesIO(data), verifier=verifier).signature.signer.startswith("假")
        return
    with pytest.raises(PackageError) as err:
        read_eep(io.BytesIO(data), verifier=verifier)
    assert code in codes(err.value)


def test_unsigned_package_reads_unless_signature_required(record, verifier):
    data = written(record, None)
    assert read_eep(io.BytesIO(data)).signature is None
    with pytest.raises(PackageError) as err:
        read_eep(io.BytesIO(data), verifier=verifier, require_signature=True)
    assert codes(err.value) == {"AIP-SIGNATURE"}


def test_other_signer_key_fails(record, verifier):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sd.archive.core.preservation.aip_model import PackageSigner

    k1, k2 = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    pub2 = k2.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    data = written(record, PackageSigner(k1.sign, "x", "Ed25519", pub2))
    with pytest.raises(PackageError) as err:
        read_eep(io.BytesIO(data), verifier=verifier)
    assert codes(err.value) == {"AIP-SIGNATURE"}


def test_prefixed_namespace_variant_is_read(record, signer):
    """Another producer may use a prefix; the reader matches names by namespace."""
    data = written(record, None).decode()
    data = data.replace(f'xmlns="{N.NAMESPACE}"', f'xmlns:eep="{N.NAMESPACE}"')
    import re

    data = re.sub(r"<(/?)(?!\?)([^\s>/!]+)", lambda m: f"<{m.group(1)}eep:{m.group(2)}", data)
    back = read_eep(io.BytesIO(data.encode()))
    assert back.metadata["题名"] == record.metadata["题名"]
    signed = etree.fromstring(data.encode()).find(f"{{{N.NAMESPACE}}}被签名对象")
    assert back.signature is None
    # and the streaming canonical form still equals lxml's for prefixed documents
    from sd.archive.core.preservation.eep_parser import EEPParser

    p = EEPParser(lambda n: None)
    p.parse(io.BytesIO(data.encode()))
    subtree = etree.tostring(signed, encoding="utf-8")
    assert p.signed_hash.hexdigest() == sm3(ElementTree.canonicalize(subtree.decode()).encode())


def test_derived_text_does_not_make_a_single_file_a_combination(tmp_path, record, signer):
    """The extracted text (派生/文本/…) travels in the AIP beside the file but is no file of the
    record: a one-file record stays 单件 (it was labelled 组合文件 once its text was added)."""
    text = "关于做好档案工作的通知".encode()
    record.components.append(
        Component("派生/文本/正文.pdf.txt", DERIVED_ROLE, "TXT", text, sm3(text), len(text))
    )
    back = read_eep(io.BytesIO(written(record, signer)), content_dir=tmp_path / "out")
    assert back.metadata["文件组合类型"] == "单件"
    assert [c.role for c in back.components][-1] == DERIVED_ROLE
