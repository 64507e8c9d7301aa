"""Safe ZIP reading: refusals, name decoding, streaming digests and lying headers."""

import hashlib
import io
import zipfile

import pytest
from build_corpus import CORPUS
from build_corpus import gongwen
from build_corpus import patch_headers
from build_corpus import write

from sd.archive.core.errors import PackageError
from sd.archive.core.packages.zipsafe import Limits
from sd.archive.core.packages.zipsafe import check_name
from sd.archive.core.packages.zipsafe import file_digest
from sd.archive.core.packages.zipsafe import open_zip

REFUSED = [c for c in CORPUS if c.status in (400, 413) and c.codes[0].startswith("zip.")]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_open_and_stream_refuses(case, tmp_path):
    path = tmp_path / "p.zip"
    case.build(str(path))
    with pytest.raises(PackageError) as info, open_zip(path) as archive:
        for entry in archive.files():
            archive.stream(entry)
    assert info.value.status == case.status
    assert [p.code for p in info.value.problems] == list(case.codes[:1])


@pytest.mark.parametrize(
    "name, code",
    [
        ("../a", "zip.path-traversal"),
        ("a/../../b", "zip.path-traversal"),
        ("/a", "zip.absolute-path"),
        ("c:/a", "zip.absolute-path"),
        ("a\\b", "zip.backslash"),
        ("a//b", "zip.bad-path"),
        ("./a", "zip.bad-path"),
        ("a\x00b", "zip.control-character"),
    ],
)
def test_check_name_refuses(name, code):
    with pytest.raises(PackageError) as info:
        check_name(name, Limits())
    assert info.value.problems[0].code == code


@pytest.mark.parametrize("name", ["正本/正本.ofd", "a..b/c.pdf", "附件/附件 1.pdf", "x/"])
def test_check_name_accepts(name):
    check_name(name, Limits())


def test_stream_computes_sm3_and_sha256_once_into_sink(tmp_path):
    path = tmp_path / "p.zip"
    write(str(path), gongwen())
    expected = gongwen()["正本/正本.pdf"]
    with open_zip(path) as archive:
        sink = io.BytesIO()
        digest, kept = archive.stream(archive.by_name["正本/正本.pdf"], sink, sha256=True)
    assert sink.getvalue() == expected and kept is None
    assert digest.sm3 == hashlib.new("sm3", expected).hexdigest()
    assert digest.sha256 == hashlib.sha256(expected).hexdigest()


def test_file_object_source_and_package_digest(tmp_path):
    path = tmp_path / "p.zip"
    write(str(path), gongwen())
    data = path.read_bytes()
    with open(path, "rb") as fp:
        assert file_digest(fp) == hashlib.new("sm3", data).hexdigest()
        with open_zip(fp) as archive:
            assert len(archive.files()) == 5
        assert not fp.closed  # the caller owns its file object


def test_lying_header_larger_than_content_is_refused(tmp_path):
    path = tmp_path / "p.zip"
    write(str(path), {"a.txt": b"hello"})
    patch_headers(str(path), "a.txt", size=50)
    with open_zip(path) as archive, pytest.raises(PackageError) as info:
        archive.stream(archive.files()[0])
    assert info.value.problems[0].code == "zip.size-mismatch"


def test_limits_are_configurable(tmp_path):
    path = tmp_path / "p.zip"
    write(str(path), gongwen())
    with pytest.raises(PackageError) as info:
        open_zip(path, Limits(max_entries=3))
    assert info.value.problems[0].code == "zip.too-many-entries"
    with pytest.raises(PackageError) as info:
        open_zip(path, Limits(max_total_size=1000))
    assert info.value.status == 413


def test_gbk_names_without_utf8_flag_are_decoded(tmp_path):
    from build_corpus import _gbk_info

    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(_gbk_info("正本/正本.pdf"), b"%PDF-1.4")
    with open_zip(path) as archive:
        assert [e.name for e in archive.files()] == ["正本/正本.pdf"]
