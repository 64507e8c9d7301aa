"""A CJK font for catalogue PDFs, embedded as a subset (local until the shared helper lands).

reportlab's ``TTFont`` embeds the subset of glyphs a PDF uses, so the PDF renders every
character (``·`` in 档号 included) without fonts on the reader's machine."""

from __future__ import annotations

import os

#: TrueType fonts with CJK *and* Latin glyphs (reportlab reads TrueType outlines, not the
#: CFF of Noto CJK's .otf/.ttc; Droid Sans Fallback lacks digits and Latin letters)
CANDIDATES = (
    os.environ.get("SD_ARCHIVE_CJK_FONT", ""),
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
NAME = "SdCatalogueCJK"


def cjk_font() -> str:
    """Register (once) and return the name of an embeddable CJK font; reportlab's
    STSong-Light (not embedded) when none is installed."""
    from reportlab.pdfbase import pdfmetrics

    if NAME in pdfmetrics.getRegisteredFontNames():
        return NAME
    for path in CANDIDATES:
        if path and os.path.exists(path):
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(NAME, path))
            return NAME
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"
