"""Significant properties of a conversion (格式转换的重要属性): page counts and text of the
source and the result, their comparison, and the PDF/A markers of a result."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

from .conversion_tools import ConversionError
from .conversion_tools import run_tool

TEXT_THRESHOLD = 0.95


def pdf_page_count(path: Path) -> int | None:
    if shutil.which("pdfinfo"):
        try:
            out = run_tool(["pdfinfo", str(path)], timeout=60)
        except ConversionError:
            return None
        m = re.search(r"^Pages:\s+(\d+)", out, re.M)
        return int(m.group(1)) if m else None
    data = path.read_bytes()
    return len(re.findall(rb"/Type\s*/Page(?!s)", data)) or None


def pdf_text(path: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    try:
        return run_tool(["pdftotext", "-enc", "UTF-8", str(path), "-"], timeout=120)
    except ConversionError:
        return None


_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def office_text(path: Path) -> str | None:
    """Text of a DOCX (word/document.xml) or ODT (content.xml); None for other formats."""
    member = {"docx": "word/document.xml", "odt": "content.xml"}.get(
        path.suffix.lower().lstrip(".")
    )
    if member is None:
        return None
    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read(member), _SAFE)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None
    return "".join(root.itertext())


def office_page_count(path: Path) -> int | None:
    """Pages as recorded by the producing application (docProps/app.xml or meta.xml)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "docProps/app.xml" in names:
                m = re.search(rb"<Pages>(\d+)</Pages>", z.read("docProps/app.xml"))
            elif "meta.xml" in names:
                m = re.search(rb'page-count="(\d+)"', z.read("meta.xml"))
            else:
                m = None
    except zipfile.BadZipFile:
        return None
    return int(m.group(1)) if m else None


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigram multisets after removing white space (0–1)."""
    a, b = _normal(a), _normal(b)
    if not a and not b:
        return 1.0
    if len(a) < 2 or len(b) < 2:
        return 1.0 if a == b else 0.0
    ca = Counter(a[i : i + 2] for i in range(len(a) - 1))
    cb = Counter(b[i : i + 2] for i in range(len(b) - 1))
    return 2 * sum((ca & cb).values()) / (sum(ca.values()) + sum(cb.values()))


def pdfa_checks(path: Path) -> dict:
    """Markers of PDF/A in the result: /OutputIntents and the XMP pdfaid part/conformance."""
    part = conf = None
    intents = False
    tail = b""
    with open(path, "rb") as f:  # scanned in chunks with an overlap, never read whole
        while chunk := f.read(1 << 20):
            data = tail + chunk
            intents = intents or b"/OutputIntents" in data
            part = part or re.search(rb"pdfaid:part(?:>|=[\"'])\s*(\d)", data)
            conf = conf or re.search(rb"pdfaid:conformance(?:>|=[\"'])\s*([ABUabu])", data)
            tail = data[-128:]
    return {
        "output_intents": intents,
        "pdfa_part": part.group(1).decode() if part else None,
        "pdfa_conformance": conf.group(1).decode().upper() if conf else None,
    }


def compare(pages_src, pages_res, text_src, text_res) -> dict:
    props = {
        "pages": {
            "source": pages_src,
            "result": pages_res,
            "equal": None if pages_src is None or pages_res is None else pages_src == pages_res,
        }
    }
    if text_src is None or text_res is None:
        props["text"] = {"similarity": None, "equal": None}
    else:
        sim = round(text_similarity(text_src, text_res), 4)
        props["text"] = {"similarity": sim, "equal": sim >= TEXT_THRESHOLD}
    return props
