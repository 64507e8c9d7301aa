"""PDF checks shared by the tests of every PDF: text through ``pdftotext``, fonts through
``pdffonts`` (poppler-utils, installed by ``make test``)."""

import shutil
import subprocess

import pytest

from sd.archive.core import pdffonts

needs_tools = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftotext, pdffonts) not installed: make test-deps",
)
needs_font = pytest.mark.skipif(
    pdffonts.font_file() is None,
    reason="no TrueType CJK font (fonts-wqy-zenhei): make system-deps installs it",
)


def pdf_text(data: bytes) -> str:
    """The text of a PDF as ``pdftotext`` extracts it."""
    run = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return run.stdout.decode("utf-8")


def pdf_fonts(data: bytes) -> list[dict]:
    """The fonts of a PDF as ``pdffonts`` lists them: name, emb, sub."""
    run = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True)
    rows = run.stdout.decode("utf-8").splitlines()[2:]
    fonts = []
    for row in rows:
        cells = row.split()
        # the columns after the name and type: encoding, emb, sub, uni, object id, generation
        fonts.append({"name": cells[0], "emb": cells[-5], "sub": cells[-4]})
    return fonts


def assert_embedded(data: bytes) -> None:
    """Every font of the PDF embedded as a subset (no font the reader has to substitute)."""
    fonts = pdf_fonts(data)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" for f in fonts), fonts
