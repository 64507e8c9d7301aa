"""Fixtures of the text tests: a var directory (AIP locations) and real Chinese files."""

import pytest
from text_helpers import NOTICE
from text_helpers import REPORT
from text_helpers import SCAN

from sd.archive.core.text.render import scanned_pdf
from sd.archive.core.text.render import text_ofd
from sd.archive.core.text.render import text_pdf


@pytest.fixture(autouse=True)
def var(tmp_path, monkeypatch):
    path = tmp_path / "var"
    path.mkdir()
    monkeypatch.setenv("SD_ARCHIVE_VAR", str(path))
    return path


@pytest.fixture(scope="session")
def files():
    """Real Chinese files, made once: a PDF with a text layer, an OFD and a 300-dpi scan."""
    return {
        "pdf": ("报告.pdf", text_pdf([REPORT])),
        "ofd": ("通知.ofd", text_ofd([NOTICE])),
        "scan": ("纪要.pdf", scanned_pdf([SCAN])),
        "corrupt": ("坏.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage"),
    }
