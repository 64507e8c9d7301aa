"""The package as received kept as a splice table beside its components (#31 item 6)."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import pytest

from sd.archive.core.preservation import splice


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def make_zip(path, files: dict[str, bytes], deflated=()) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(name, data, zipfile.ZIP_DEFLATED if name in deflated else zipfile.ZIP_STORED)
    return open(path, "rb").read()


@pytest.fixture
def package(tmp_path):
    files = {
        "元数据.xml": "<电子文件/>".encode(),
        "正本/正本.pdf": b"%PDF-1.4\n" + os.urandom(200_000),
        "附件/附件1.pdf": b"%PDF-1.4\n" + os.urandom(50_000),
        "说明.txt": b"deflated " * 1000,
    }
    data = make_zip(tmp_path / "p.zip", files, deflated={"说明.txt"})
    parts = {}
    for name in ("正本/正本.pdf", "附件/附件1.pdf", "说明.txt"):
        part = tmp_path / f"part-{len(parts)}"
        part.write_bytes(files[name])
        parts[name] = part
    return tmp_path / "p.zip", data, files, parts


def build(tmp_path, package):
    path, data, files, parts = package
    members = {n: (sm3(files[n]), len(files[n])) for n in parts}
    sources = {sm3(files[n]): str(p) for n, p in parts.items()}
    table = splice.build_zip_table(
        path,
        members,
        tmp_path / "table",
        sm3=sm3(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sources=sources,
    )
    return table, sources


def test_table_keeps_what_is_not_a_stored_component(tmp_path, package):
    _path, data, files, _parts = package
    table, sources = build(tmp_path, package)
    assert [p.name for p in table.parts] == ["正本/正本.pdf", "附件/附件1.pdf"]  # not deflated
    size = os.path.getsize(tmp_path / "table")
    assert size < len(data) - table.shared + 2000  # the runs are gone, the rest is kept
    assert table.shared == len(files["正本/正本.pdf"]) + len(files["附件/附件1.pdf"])
    assert splice.is_table((tmp_path / "table").read_bytes()[:64])
    assert not splice.is_table(data[:64])


def test_assembled_is_the_package_byte_for_byte_and_seekable(tmp_path, package):
    _path, data, _files, _parts = package
    _table, sources = build(tmp_path, package)
    with splice.Assembled(tmp_path / "table", sources) as reader:
        assert reader.read() == data
        for start, n in ((0, 10), (len(data) - 5, 100), (123_456, 70_000), (30, 1)):
            reader.seek(start)
            assert reader.read(n) == data[start : start + n]
        reader.seek(-3, os.SEEK_END)
        assert reader.read() == data[-3:]
    opened = splice.SplicedFile(str(tmp_path / "table"), tuple(sources.items())).open()
    with opened, zipfile.ZipFile(opened) as z:  # a ZIP reader reads the assembled package
        assert z.read("附件/附件1.pdf") == _files["附件/附件1.pdf"]


def test_a_part_that_differs_refuses_the_table(tmp_path, package):
    path, data, files, parts = package
    parts["正本/正本.pdf"].write_bytes(
        b"%PDF-1.4\n" + os.urandom(200_000)
    )  # same size, other bytes
    with pytest.raises(splice.SpliceError):
        build(tmp_path, package)
    assert not (tmp_path / "table").exists()


def test_no_stored_component_no_table(tmp_path):
    files = {"元数据.xml": b"<x/>", "a.pdf": b"a" * 5000}
    data = make_zip(tmp_path / "d.zip", files, deflated={"a.pdf"})
    (tmp_path / "a").write_bytes(files["a.pdf"])
    table = splice.build_zip_table(
        tmp_path / "d.zip",
        {"a.pdf": (sm3(files["a.pdf"]), 5000)},
        tmp_path / "table",
        sm3=sm3(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sources={sm3(files["a.pdf"]): str(tmp_path / "a")},
    )
    assert table is None and not (tmp_path / "table").exists()


def test_unreadable_tables(tmp_path):
    with pytest.raises(splice.SpliceError):
        splice.read_table(io.BytesIO(b"PK\x03\x04"))
    with pytest.raises(splice.SpliceError):
        splice.read_table(io.BytesIO(splice.MAGIC + b"{not json\n"))
    overlapping = b'{"size":10,"sm3":"","sha256":"","parts":[[0,5,"a",""],[3,2,"b",""]]}\n'
    with pytest.raises(splice.SpliceError):
        splice.read_table(io.BytesIO(splice.MAGIC + overlapping))
    beyond = b'{"size":4,"sm3":"","sha256":"","parts":[[0,5,"a",""]]}\n'
    with pytest.raises(splice.SpliceError):
        splice.read_table(io.BytesIO(splice.MAGIC + beyond))


def test_a_missing_part_is_named(tmp_path, package):
    _table, sources = build(tmp_path, package)
    with pytest.raises(splice.SpliceError, match="no file"):
        splice.Assembled(tmp_path / "table", {})
    short = dict(sources)
    key = next(iter(short))
    (tmp_path / "short").write_bytes(b"x")
    short[key] = str(tmp_path / "short")
    with splice.Assembled(tmp_path / "table", short) as reader, pytest.raises(splice.SpliceError):
        reader.read()
