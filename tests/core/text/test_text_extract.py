"""Text of files (#30 item 2): PDF text layers, OFD text, plain text, OCR of scans and images,
and every failure as an ``unavailable`` result with a reason, never an exception."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from sd.archive.core.text import extract
from sd.archive.core.text import kind_of
from sd.archive.core.text import ocr_available
from sd.archive.core.text.render import page_images
from sd.archive.core.text.render import scanned_pdf
from sd.archive.core.text.render import text_pdf

SAMPLES = Path("/work/shared/samples")
REPORT = ["关于2023年度财务预算执行情况的报告", "山东省档案馆办公室"]
needs_ocr = pytest.mark.skipif(not ocr_available(), reason="tesseract not installed")


def test_pdf_text_layer_in_chinese_page_by_page():
    result = extract(text_pdf([REPORT, ["第二页：固定资产清查"]]), "报告.pdf")
    assert result.ok and result.method == "pdf-text" and result.pages == 2
    assert result.text.splitlines() == [*REPORT, "第二页：固定资产清查"]
    assert result.ocr_pages == []


def test_real_sample_pdf_from_a_package(tmp_path):
    with zipfile.ZipFile(SAMPLES / "packages" / "archive-gongwen.zip") as z:
        data = z.read("正本/正本.pdf")
    result = extract(data, "正本.pdf")
    assert result.ok and result.method == "pdf-text"
    assert result.text.startswith("record")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("helloworld.ofd", "你好呀，OFD Reader&Writer！"),
        ("发票示例.ofd", "北京市海淀区颐和园西路一亩园11号"),
    ],
)
def test_ofd_text_from_every_page(name, expected):
    result = extract(SAMPLES / "ofd" / name)
    assert result.ok and result.method == "ofd-text"
    assert expected in result.text.splitlines()


def test_ofd_without_text_and_broken_ofd():
    src = zipfile.ZipFile(SAMPLES / "ofd" / "helloworld.ofd")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("Content.xml"):
                data = re.sub(rb"(<[^>/]*TextCode[^>]*>)[^<]*", rb"\1", data)
            z.writestr(info, data)
    empty = extract(out.getvalue(), "x.ofd")
    assert empty.status == "unavailable" and "no text" in empty.reason
    broken = extract(b"PK\x03\x04 not really a zip OFD.xml", "y.ofd")
    assert broken.status == "unavailable" and "OFD" in broken.reason


def test_corrupt_and_encrypted_pdfs_are_unavailable_with_reasons():
    corrupt = extract(b"%PDF-1.7\n1 0 obj garbage", "坏.pdf")
    assert corrupt.status == "unavailable" and "损坏" in corrupt.reason
    assert "corrupt" in corrupt.reason
    locked = extract(text_pdf([REPORT], encrypt="secret"), "加密.pdf")
    assert locked.status == "unavailable" and "加密" in locked.reason
    assert "encrypted" in locked.reason


def test_plain_text_and_xml():
    assert extract("档案工作".encode("gb18030"), "a.txt").text == "档案工作"
    xml = '<?xml version="1.0" encoding="UTF-8"?><r><题名>财务报告</题名><x>2023</x></r>'
    result = extract(xml.encode(), "m.xml")
    assert result.ok and result.text.splitlines() == ["财务报告", "2023"]
    assert extract(b"", "empty.txt").status == "unavailable"


def test_unknown_format_and_missing_file():
    assert "format" in extract(b"\x00\x01binary", "a.bin").reason
    missing = extract("/nonexistent/file.pdf")
    assert missing.status == "unavailable" and "cannot be read" in missing.reason


def test_kind_of():
    assert kind_of(b"%PDF-1.4") == "pdf"
    assert kind_of(b"\x89PNG\r\n") == "png"
    assert kind_of(b"\xff\xd8\xff\xe0") == "jpeg"
    assert kind_of(b"II*\x00") == "tiff"
    assert kind_of(b"PK\x03\x04", "a.ofd") == "ofd"
    assert kind_of(b"PK\x03\x04", "a.docx") == "other"


def test_missing_tool_is_a_reason_not_an_exception(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = extract(text_pdf([REPORT]), "a.pdf")
    assert result.status == "unavailable" and "not installed" in result.reason


@needs_ocr
def test_scanned_pdf_is_read_by_ocr():
    scan = scanned_pdf([REPORT, ["第二页：档案管理工作要点"]])
    assert extract(scan, "扫描.pdf", ocr=False).status == "unavailable"
    result = extract(scan, "扫描.pdf")  # two pages: rendering of page 2 runs beside OCR of 1
    assert result.ok and result.method == "ocr" and result.ocr_pages == [1, 2]
    lines = result.text.splitlines()
    assert "财务预算执行情况" in lines[0] and "山东省档案馆" in lines[1]
    assert "档案管理工作要点" in lines[-1]


@needs_ocr
def test_image_without_text_and_ocr_timeout(tmp_path):
    blank = page_images(text_pdf([[""]]), tmp_path)[0]
    result = extract(blank)
    assert result.status == "unavailable" and result.method == "ocr"
    assert "no text was recognised" in result.reason
    slow = extract(blank, timeout=0.01)
    assert slow.status == "unavailable" and "timed out" in slow.reason


def test_generated_ofd_reads_back_line_by_line():
    from sd.archive.core.text.render import text_ofd

    result = extract(text_ofd([REPORT, ["第二页"]]), "公文.ofd")
    assert result.ok and result.pages == 2
    assert result.text.splitlines() == [*REPORT, "第二页"]
