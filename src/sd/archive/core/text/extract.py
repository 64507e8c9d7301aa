"""Extract the text of one file (提取文件文本) into a :class:`TextResult`.

Which way depends on what the bytes are (never the file name alone):

- PDF: ``pdftotext`` (UTF-8, reading order, no layout); a page with fewer than
  ``MIN_PAGE_CHARS`` characters of text is a scanned page and goes through OCR;
- OFD: each page's ``Content.xml`` ``TextObject/TextCode``, read with the project's OFD reader
  (``core.seals.ofd.package``);
- plain text and XML: decoded (UTF-8, else GB 18030), XML reduced to its text nodes;
- PNG, JPEG, TIFF: OCR.

Anything that goes wrong is an ``unavailable`` result with a reason (中文 (English)); the
function itself does not raise.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from lxml import etree

from . import ocr as _ocr
from .tools import ToolFailed
from .tools import run

PDF_TEXT = "pdf-text"
OFD_TEXT = "ofd-text"
PLAIN_TEXT = "plain-text"
OCR = "ocr"
NONE = "none"
OK = "ok"
UNAVAILABLE = "unavailable"

#: A PDF page with fewer non-blank characters than this has no real text layer (扫描页).
MIN_PAGE_CHARS = int(os.environ.get("SD_ARCHIVE_TEXT_MIN_PAGE_CHARS", 4))
#: The longest text kept for one file (characters), so a huge file cannot bloat the record.
MAX_CHARS = int(os.environ.get("SD_ARCHIVE_TEXT_MAX_CHARS", 2_000_000))

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
_BLANK = re.compile(r"\s+")


@dataclass
class TextResult:
    """The text of one file: ``method`` pdf-text | ofd-text | plain-text | ocr | none,
    ``status`` ok | unavailable, ``reason`` (中文 (English)) when unavailable."""

    text: str = ""
    method: str = NONE
    status: str = OK
    reason: str = ""
    pages: int = 0
    ocr_pages: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == OK


def unavailable(reason: str, method: str = NONE, pages: int = 0) -> TextResult:
    return TextResult("", method, UNAVAILABLE, reason, pages)


def kind_of(head: bytes, name: str = "") -> str:
    """pdf | ofd | png | jpeg | tiff | xml | text | other, from the first bytes."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "ofd" if name.lower().endswith(".ofd") or b"OFD.xml" in head[:4096] else "other"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    sample = head[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if sample.startswith(b"<?xml") or (sample.startswith(b"<") and name.lower().endswith(".xml")):
        return "xml"
    if name.lower().endswith((".txt", ".csv", ".md")) and b"\x00" not in sample:
        return "text"
    return "other"


def _count(text: str) -> int:
    return len(_BLANK.sub("", text))


def _clip(result: TextResult) -> TextResult:
    result.text = result.text.strip()[:MAX_CHARS]
    return result


def extract(
    source: str | os.PathLike | bytes,
    name: str = "",
    *,
    ocr: bool = True,
    timeout: float | None = None,
) -> TextResult:
    """The text of ``source`` (a path or the bytes); never raises for a bad file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        with tempfile.TemporaryDirectory(prefix="sd-text-") as folder:
            path = Path(folder) / "file"
            path.write_bytes(bytes(source))
            return extract(path, name, ocr=ocr, timeout=timeout)
    try:
        with open(source, "rb") as f:
            head = f.read(8192)
    except OSError as error:
        return unavailable(f"文件无法读取 (the file cannot be read: {error.strerror})")
    kind = kind_of(head, name or os.fspath(source))
    try:
        if kind == "pdf":
            return _clip(_pdf(source, ocr, timeout))
        if kind == "ofd":
            return _clip(_ofd(source))
        if kind in ("png", "jpeg", "tiff"):
            return _clip(_image(source, ocr, timeout))
        if kind in ("xml", "text"):
            return _clip(_plain(Path(source).read_bytes(), kind))
    except ToolFailed as failed:
        return unavailable(failed.reason)
    except Exception as error:  # noqa: BLE001 - a bad file must never stop the caller
        return unavailable(
            f"文本提取失败 (text extraction failed: {type(error).__name__}: {error})"
        )
    return unavailable("该格式不提取文本 (no text is extracted from this format)")


# --- PDF ----------------------------------------------------------------------------------


def _pdf_error(failed: ToolFailed) -> TextResult:
    stderr = failed.stderr.lower()
    if "password" in stderr or "encrypt" in stderr:
        return unavailable("PDF 已加密，无法读取文本 (the PDF is encrypted)", PDF_TEXT)
    if "timed out" in failed.reason or "not installed" in failed.reason:
        return unavailable(failed.reason, PDF_TEXT)
    return unavailable(
        "PDF 文件已损坏或无法解析 (the PDF is corrupt or cannot be parsed)", PDF_TEXT
    )


def _pdf(path, ocr: bool, timeout) -> TextResult:
    try:
        out = run(["pdftotext", "-enc", "UTF-8", os.fspath(path), "-"], timeout)
    except ToolFailed as failed:
        return _pdf_error(failed)
    raw = out.stdout.decode("utf-8", "replace")
    if "\f" not in raw:  # pdftotext ends every page with a form feed
        return unavailable("PDF 没有页面 (the PDF has no pages)", PDF_TEXT)
    pages = raw.split("\f")[:-1] if raw.endswith("\f") else raw.split("\f")
    scanned = [n for n, text in enumerate(pages, 1) if _count(text) < MIN_PAGE_CHARS]
    result = TextResult("", PDF_TEXT, OK, "", len(pages))
    if scanned and ocr:
        if not _ocr.ocr_available():
            if len(scanned) == len(pages):
                return unavailable(
                    "扫描件需要OCR，但未安装 Tesseract "
                    "(a scan needs OCR; Tesseract is not installed)",
                    OCR,
                    len(pages),
                )
        else:
            read = _ocr.ocr_pdf_pages(path, scanned, timeout)
            for page, text in read.items():
                pages[page - 1] = text
            result.ocr_pages = scanned
            if len(scanned) == len(pages):
                result.method = OCR
    result.text = "\n".join(text.strip() for text in pages if text.strip())
    if not _count(result.text):
        result.status = UNAVAILABLE
        result.reason = (
            "未识别出文字（页面可能是空白或图片）"
            "(no text was recognised: blank or picture-only pages)"
        )
    return result


# --- OFD ----------------------------------------------------------------------------------


def _ofd(path) -> TextResult:
    from ..errors import ArchiveError
    from ..seals.ofd.elements import descendants
    from ..seals.ofd.elements import local
    from ..seals.ofd.elements import parse_box
    from ..seals.ofd.package import OfdPackage

    try:
        package = OfdPackage.open(path)
    except ArchiveError as error:
        return unavailable(
            f"OFD 文件已损坏或无法解析 (the OFD is corrupt or cannot be parsed: {error})", OFD_TEXT
        )
    texts, pages = [], 0
    for document in package.documents:
        for page in document.pages:
            pages += 1
            if not package.exists(page.path):
                continue
            lines: list[str] = []
            last_y = None
            for obj in descendants(package.xml(page.path), "TextObject"):
                box = parse_box(obj.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
                for code in obj:
                    if local(code.tag) != "TextCode" or not code.text:
                        continue
                    y = round(box[1] + float(code.get("Y") or 0), 0)
                    if last_y is not None and abs(y - last_y) < 1 and lines:
                        lines[-1] += code.text
                    else:
                        lines.append(code.text)
                    last_y = y
            texts.append("\n".join(line.strip() for line in lines if line.strip()))
    if not pages:
        return unavailable("OFD 没有页面 (the OFD has no pages)", OFD_TEXT)
    text = "\n".join(t for t in texts if t)
    if not _count(text):
        return unavailable("OFD 页面中没有文字 (the OFD pages hold no text)", OFD_TEXT, pages)
    return TextResult(text, OFD_TEXT, OK, "", pages)


# --- images and plain text -------------------------------------------------------------


def _image(path, ocr: bool, timeout) -> TextResult:
    if not ocr or not _ocr.ocr_available():
        return unavailable(
            "图片需要OCR，但未安装 Tesseract (an image needs OCR; Tesseract is not installed)",
            OCR,
            1,
        )
    text = _ocr.ocr_image(path, timeout)
    if not _count(text):
        return unavailable("图片中未识别出文字 (no text was recognised in the image)", OCR, 1)
    return TextResult(text, OCR, OK, "", 1, [1])


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _plain(data: bytes, kind: str) -> TextResult:
    if kind == "xml":
        root = etree.fromstring(data, _PARSER)
        if root is None:
            return unavailable("XML 无法解析 (the XML cannot be parsed)", PLAIN_TEXT)
        parts = (t.strip() for t in root.itertext())
        text = "\n".join(t for t in parts if t)
    else:
        text = _decode(data)
    if not _count(text):
        return unavailable("文件中没有文字 (the file holds no text)", PLAIN_TEXT)
    return TextResult(text, PLAIN_TEXT, OK, "", 1)
