"""The CJK fonts every PDF of sd.archive uses (PDF 中文字体：嵌入子集).

Reportlab's built-in CID font ``STSong-Light`` is *not* embedded: the reader substitutes a font
of its own, and most have no glyph for ``·`` (U+00B7, in every 档号), which then shows as a box.
This module registers, once per process, a TrueType CJK font that reportlab embeds as a subset
(``TTFont`` always subsets), and a second TrueType font for the characters the first lacks, so a
character is drawn from the fallback instead of becoming a box.

Reportlab reads TrueType outlines only, so Debian's Noto CJK (OpenType/CFF in a TTC) cannot be
used here; WenQuanYi Zen Hei (``fonts-wqy-zenhei``, a TTC with TrueType outlines) can, and the
Makefile installs it. Every PDF calls :func:`cjk_font` (Paragraph styles use it with
:func:`markup`; canvas text goes through :func:`draw_string`).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from xml.sax.saxutils import escape

#: The registered names (PDF 字体名).
CJK = "SdArchiveCJK"
FALLBACK = "SdArchiveFallback"

#: Candidate files, first found wins: (path, subfont index of a TTC); an operator may name one
#: in ``SD_ARCHIVE_CJK_FONT`` (a TrueType .ttf/.ttc).
CJK_FILES = (
    (os.environ.get("SD_ARCHIVE_CJK_FONT", ""), 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
FALLBACK_FILES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 0),
)

logger = logging.getLogger("sd.archive.pdffonts")
_lock = threading.Lock()
_state: dict = {}


def font_file() -> tuple[str, int] | None:
    """The CJK font file this machine has, or None."""
    return next(((p, i) for p, i in CJK_FILES if p and Path(p).exists()), None)


def _register() -> dict:
    if _state:  # registered: no lock (font_for asks once per character of every PDF)
        return _state
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if _state:
            return _state
        found = font_file()
        if found is None:
            # Last resort: the CID font the reader substitutes (not embedded, ``·`` may be a box).
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            logger.warning("no TrueType CJK font (install fonts-wqy-zenhei): PDFs use STSong-Light")
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _state.update(name="STSong-Light", covered=None, fallback=set())
            return _state
        primary = TTFont(CJK, found[0], subfontIndex=found[1])
        pdfmetrics.registerFont(primary)
        pdfmetrics.registerFontFamily(CJK, normal=CJK, bold=CJK, italic=CJK, boldItalic=CJK)
        covered = set(primary.face.charToGlyph)
        fallback_covered: set[int] = set()
        for path, index in FALLBACK_FILES:
            if Path(path).exists() and path != found[0]:
                second = TTFont(FALLBACK, path, subfontIndex=index)
                pdfmetrics.registerFont(second)
                pdfmetrics.registerFontFamily(
                    FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK, boldItalic=FALLBACK
                )
                fallback_covered = set(second.face.charToGlyph)
                break
        _state.update(name=CJK, covered=covered, fallback=fallback_covered)
        return _state


def cjk_font() -> str:
    """The registered name of the embedded CJK font (registered on first use)."""
    return _register()["name"]


def font_for(char: str) -> str:
    """The font that has a glyph for ``char``: the CJK font, else the fallback."""
    state = _register()
    code = ord(char)
    if state["covered"] is None or code in state["covered"] or code not in state["fallback"]:
        return state["name"]
    return FALLBACK


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font name, piece) runs, each piece drawable in its font."""
    out: list[tuple[str, str]] = []
    for char in text:
        name = font_for(char)
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + char)
        else:
            out.append((name, char))
    return out


def markup(text) -> str:
    """Paragraph markup for ``text``: XML-escaped, fallback characters in a ``<font>`` tag."""
    parts = []
    for name, piece in runs(str(text or "")):
        piece = escape(piece)
        parts.append(piece if name != FALLBACK else f'<font name="{FALLBACK}">{piece}</font>')
    return "".join(parts)


def string_width(text: str, size: float) -> float:
    """The width of ``text`` at ``size`` points, each run in its font."""
    from reportlab.pdfbase import pdfmetrics

    return sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in runs(text))


def draw_string(canvas, x: float, y: float, text: str, size: float, centred=False) -> None:
    """Draw ``text`` on a reportlab canvas at (x, y), falling back per character."""
    if centred:
        x -= string_width(text, size) / 2
    for name, piece in runs(text):
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += canvas.stringWidth(piece, name, size)
