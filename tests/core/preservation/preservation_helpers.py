"""Helpers shared by the preservation tests (unique module name: no clash with other areas)."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sd.archive.core.preservation.aip_model import AIPRecord
from sd.archive.core.preservation.aip_model import PackageSigner


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


@pytest.fixture(scope="session")
def ed25519_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def signer(ed25519_key):
    public = ed25519_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return PackageSigner(ed25519_key.sign, "山东省档案馆保存节点", "Ed25519", public)


@pytest.fixture(scope="session")
def verifier():
    def verify(message: bytes, signature: bytes, certificate: bytes, algorithm: str) -> bool:
        assert algorithm == "Ed25519"
        try:
            Ed25519PublicKey.from_public_bytes(certificate).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    return verify


def make_record(
    code="J001-WS·2023-Y-BGS-0001",
    version=1,
    content=b"%PDF-1.7 body",
    year="2023",
    fonds="J001",
    uid="uid-0001",
    extra_components=(),
):
    metadata = {
        "聚合层次": "文件",
        "立档单位名称": "山东省某某厅",
        "全宗号": fonds,
        "电子文件号": "OA-37-2023-000123",
        "年度": year,
        "保管期限": "Y",
        "机构或问题": "BGS",
        "室编件号": "1",
        "题名": '关于做好2023年度档案工作的通知 <&> "引号"',
        "文件编号": "鲁某发〔2023〕12号",
        "责任者": "山东省某某厅",
        "日期": "2023-05-12",
        "密级": "公开",
        "关键词": ["档案工作", "年度"],
        "页数": "5",
        "脱机载体编号": ["A-0001"],
    }
    components = [("正本/正本.pdf", "正本", "PDF", content, sm3(content))]
    components += list(extra_components)
    events = [
        ("2023-05-08T10:02:00+08:00", "拟稿", "张三", ""),
        ("2023-06-01T09:00:00+08:00", "归档", "李四", "归档\r\n说明"),
        ("2024-01-02T08:00:00+08:00", "封装", "张三", "AIP v1"),
    ]
    return AIPRecord(
        uid,
        code,
        version,
        metadata,
        components,
        events,
        created="2024-01-02T08:00:00+08:00",
        creator_unit="山东省档案馆",
    )


@pytest.fixture
def record():
    return make_record()


def flip_byte(path, offset=-200):
    """Flip one byte of a file in place (simulated bit rot)."""
    with open(path, "r+b") as f:
        f.seek(offset, 2 if offset < 0 else 0)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 0xFF]))


@pytest.fixture
def holdings(tmp_path, signer):
    """Two online locations with 6 records (one with two versions); expected digests."""
    from sd.archive.core.preservation.storage import StorageLocation
    from sd.archive.core.preservation.storage import write_aip

    locs = [
        StorageLocation("disk1", str(tmp_path / "disk1")),
        StorageLocation("disk2", str(tmp_path / "disk2")),
    ]
    expected = {}
    for i in range(1, 7):
        year = "2022" if i <= 3 else "2023"
        rec = make_record(
            code=f"J001-WS·{year}-Y-BGS-{i:04d}",
            year=year,
            uid=f"uid-{i}",
            content=f"content {i} ".encode() * 200,
        )
        stored = write_aip(locs, rec, signer)
        expected[stored.relpath] = stored.sm3
    rec = make_record(
        code="J001-WS·2023-Y-BGS-0006",
        year="2023",
        uid="uid-6",
        version=2,
        content=b"converted " * 300,
    )
    stored = write_aip(locs, rec, signer)
    expected[stored.relpath] = stored.sm3
    return locs, expected
