"""Conversion to preservation formats with attestations (LibreOffice / Ghostscript / Pillow)."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from preservation_helpers import sm3

from sd.archive.core.preservation.conversion import convert
from sd.archive.core.preservation.conversion_tools import ConversionError
from sd.archive.core.preservation.conversion_tools import gs_binary
from sd.archive.core.preservation.conversion_tools import soffice_binary
from sd.archive.core.preservation.significant_properties import text_similarity

needs_lo = pytest.mark.skipif(
    soffice_binary() is None,
    reason=(
        "LibreOffice (soffice) not installed: "
        "apt-get install libreoffice-writer-nogui fonts-noto-cjk"
    ),
)
needs_gs = pytest.mark.skipif(
    gs_binary() is None,
    reason="Ghostscript (gs) not installed: apt-get install ghostscript",
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)

PARAS = [
    "关于做好2023年度档案工作的通知",
    "各市档案局：现将有关事项通知如下。",
    "Electronic records shall be preserved in PDF/A or OFD.",
]


def make_docx(path, paragraphs=PARAS):
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels"'
            ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        )
    return path


def make_pdf(path, pages=2):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(
            72, 720, f"Page {i + 1}: electronic records shall be preserved for the long term."
        )
        c.showPage()
    c.save()
    return path


@pytest.mark.parametrize(
    "a, b, low, high",
    [("档案 工作", "档案工作", 1.0, 1.0), ("abcdef", "abcdeX", 0.7, 0.9), ("abc", "xyz", 0.0, 0.0)],
)
def test_text_similarity(a, b, low, high):
    assert low <= text_similarity(a, b) <= high


@needs_lo
@needs_poppler
def test_docx_to_pdfa_with_attestation(tmp_path):
    src = make_docx(tmp_path / "定稿.docx")
    before = sm3(src.read_bytes())
    res = convert(src, tmp_path / "out")
    att = res.attestation
    assert res.ok, att
    assert res.result.suffix == ".pdf" and res.result.read_bytes().startswith(b"%PDF")
    assert att["tool"] == "LibreOffice" and att["tool_version"].startswith("LibreOffice")
    assert att["source"]["sm3"] == before == sm3(src.read_bytes())  # original untouched
    assert (
        att["result"]["sm3"] == sm3(res.result.read_bytes())
        and att["result"]["format"] == "PDF/A-2b"
    )
    assert att["checks"] == {"output_intents": True, "pdfa_part": "2", "pdfa_conformance": "B"}
    assert att["significant_properties"]["text"]["similarity"] >= 0.95
    assert att["significant_properties"]["pages"]["result"] == 1


@needs_gs
@needs_poppler
def test_pdf_to_pdfa_keeps_pages_and_text(tmp_path):
    src = make_pdf(tmp_path / "正本.pdf", pages=3)
    res = convert(src, tmp_path / "out")
    att = res.attestation
    assert res.ok, att
    assert att["checks"]["output_intents"] and att["checks"]["pdfa_part"] == "2"
    assert att["significant_properties"]["pages"] == {"source": 3, "result": 3, "equal": True}
    assert att["significant_properties"]["text"]["equal"] is True
    assert att["tool_version"].startswith("Ghostscript")


@pytest.mark.parametrize("fmt, suffix", [("PNG", ".png"), ("TIFF", ".tif")])
def test_image_to_lossless_keeps_pixels(tmp_path, fmt, suffix):
    from PIL import Image

    src = tmp_path / "scan.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(src, "JPEG")
    res = convert(src, tmp_path / "out", image_format=fmt)
    assert res.ok and res.result.suffix == suffix
    props = res.attestation["significant_properties"]
    assert props["pixels"]["equal"] and props["dimensions"]["result"] == [64, 48]


def test_ofd_is_kept_as_is(tmp_path):
    src = tmp_path / "正本.ofd"
    src.write_bytes(b"PK\x03\x04 ofd")
    res = convert(src, tmp_path / "out")
    assert res.result == src and res.attestation["action"] == "keep" and res.ok
    assert res.attestation["source"]["sm3"] == res.attestation["result"]["sm3"]


def test_unknown_format_is_refused(tmp_path):
    src = tmp_path / "a.exe"
    src.write_bytes(b"MZ")
    with pytest.raises(ConversionError) as err:
        convert(src, tmp_path)
    assert err.value.problems[0].code == "CONVERT-FORMAT"
