"""元数据.xml: parsing the samples, round trip, safe XML, manifests, 说明文件."""

import zipfile
from pathlib import Path

import pytest
from build_corpus import LAUGHS
from build_corpus import SAMPLES
from build_corpus import XXE

from sd.archive.core.errors import PackageError
from sd.archive.core.packages.manifest import Manifest
from sd.archive.core.packages.manifest import parse_manifest
from sd.archive.core.packages.metadata import parse_metadata
from sd.archive.core.packages.metadata_render import render_metadata
from sd.archive.core.packages.transfer import parse_description
from sd.archive.core.packages.transfer import render_description
from sd.archive.core.packages.xmlsafe import parse_xml


def sample_metadata(name: str) -> bytes:
    with zipfile.ZipFile(Path(SAMPLES) / name) as z:
        return z.read("元数据.xml")


@pytest.mark.parametrize(
    "name", ["archive-gongwen.zip", "archive-zhengwu.zip", "pre-archive-gongwen.zip"]
)
def test_metadata_round_trip(name):
    record = parse_metadata(sample_metadata(name))
    assert parse_metadata(render_metadata(record)) == record


def test_metadata_fields_of_the_gongwen_sample():
    record = parse_metadata(sample_metadata("archive-gongwen.zip"))
    assert (record.kind, record.fonds_code, record.archival_code, record.year_int) == (
        "电子公文",
        "J001",
        "J001-WS·2023-D30-BGS-0007",
        2023,
    )
    assert [c.role for c in record.components] == ["正本", "处理单", "附件"]
    assert (
        record.components[0].size_int == 100594 and record.components[0].digest_algorithm == "SM3"
    )
    assert [s.action for s in record.process] == ["拟稿", "审核", "签发", "归档"]
    assert record.government_service is None


def test_metadata_missing_and_empty_are_distinguished():
    record = parse_metadata("<电子文件 类型='电子公文'><题名/></电子文件>".encode())
    assert record.title == "" and record.author is None and record.process is None


@pytest.mark.parametrize(
    "data, code",
    [
        (XXE.encode(), "xml.doctype"),
        (LAUGHS.encode(), "xml.doctype"),
        ('<?xml version="1.0"?><a>档案</a>'.encode("gbk"), "xml.encoding"),
        ('<?xml version="1.0" encoding="UTF-8"?><a>档案</a>'.encode("gbk"), "xml.encoding"),
        (
            b"<a xmlns:xi='http://www.w3.org/2001/XInclude'><xi:include href='/etc/passwd'/></a>",
            "xml.xinclude",
        ),
        (b"<a><b></a>", "xml.malformed"),
        (b"\xff\xfe<\x00a\x00/\x00>\x00", "xml.encoding"),
    ],
)
def test_unsafe_xml_is_refused(data, code):
    with pytest.raises(PackageError) as info:
        parse_xml(data, "x.xml")
    assert info.value.problems[0].code == code


@pytest.mark.parametrize("encoding", ["GBK", "GB18030", "gb2312", "UTF-8"])
def test_declared_chinese_encodings_are_accepted(encoding):
    data = f'<?xml version="1.0" encoding="{encoding}"?><a>山东省档案馆</a>'.encode(encoding)
    assert parse_xml(data).text == "山东省档案馆"


def test_metadata_size_cap_is_413():
    with pytest.raises(PackageError) as info:
        parse_xml(b"<a>" + b"x" * 2000 + b"</a>", "x.xml", max_size=1000)
    assert info.value.status == 413


def test_manifest_round_trip_and_errors():
    manifest = parse_manifest(
        ("A" * 64 + "  正本/正本.ofd\n" + "b" * 64 + "  附件/附 件.pdf\n").encode()
    )
    assert manifest.entries == {"正本/正本.ofd": "a" * 64, "附件/附 件.pdf": "b" * 64}
    assert parse_manifest(manifest.render()) == Manifest(
        "sm3", manifest.entries, "manifest-sm3.txt"
    )
    assert parse_manifest(b"", "manifest-sha256.txt").algorithm == "sha256"
    for bad in (b"xyz  a.pdf\n", ("a" * 64 + "  x\n" + "b" * 64 + "  x\n").encode()):
        with pytest.raises(PackageError):
            parse_manifest(bad)


@pytest.mark.parametrize(
    "encoding, colon", [("utf-8", "："), ("gbk", ":"), ("utf-8-sig", ":"), ("gb18030", "：")]
)
def test_description_encodings_and_colons(encoding, colon):
    text = f"移交单位{colon}山东省示例厅\r\n档案数量{colon} 5 \r\n软硬件环境{colon}Linux: x86\r\n"
    values = parse_description(text.encode(encoding))
    assert values == {"移交单位": "山东省示例厅", "档案数量": "5", "软硬件环境": "Linux: x86"}
    assert parse_description(render_description(values)) == values
