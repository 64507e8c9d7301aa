"""A plain A4 document of headings, paragraphs and tables (统计报表与通知的 PDF).

The annual statistics report (统计年报) and the rectification notice (整改通知) print through
:func:`document_pdf`: text in the embedded CJK subset (:mod:`sd.archive.core.pdffonts`), tables
with a header row repeated on each page. Pure reportlab, no Plone.
"""

from __future__ import annotations

import io

from sd.archive.core import pdffonts

#: block kinds: ("h", text), ("p", text), ("table", header, rows[, column widths in mm]),
#: ("sign", [(label, value), …]) — a two-column sign-off box
KINDS = ("h", "p", "table", "sign")


def document_pdf(title: str, blocks: list[tuple], subtitle: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table
    from reportlab.platypus import TableStyle

    font = pdffonts.cjk_font()
    styles = {
        "title": ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1),
        "sub": ParagraphStyle("s", fontName=font, fontSize=10, leading=14, alignment=1),
        "h": ParagraphStyle("h", fontName=font, fontSize=12, leading=18, spaceBefore=8),
        "p": ParagraphStyle("p", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK"),
        "cell": ParagraphStyle("c", fontName=font, fontSize=9, leading=12, wordWrap="CJK"),
    }

    def para(text, style="p"):
        return Paragraph(pdffonts.markup(text).replace("\n", "<br/>"), styles[style])

    story = [para(title, "title")]
    if subtitle:
        story.append(para(subtitle, "sub"))
    story.append(Spacer(1, 4 * mm))
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ]
    )
    for block in blocks:
        kind = block[0]
        if kind not in KINDS:
            raise ValueError(f"unknown block {kind!r}")
        if kind in ("h", "p"):
            story.append(para(block[1], kind))
        elif kind == "table":
            header, rows = block[1], block[2]
            widths = [w * mm for w in block[3]] if len(block) > 3 and block[3] else None
            data = [[para(c, "cell") for c in header]]
            data += [[para("" if c is None else c, "cell") for c in row] for row in rows]
            table = Table(data, colWidths=widths, repeatRows=1)
            table.setStyle(grid)
            story += [table, Spacer(1, 3 * mm)]
        else:
            table = Table(
                [[para(k, "cell"), para(v, "cell")] for k, v in block[1]],
                colWidths=[40 * mm, 130 * mm],
            )
            table.setStyle(
                TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, -1), font),
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ]
                )
            )
            story += [Spacer(1, 3 * mm), table]
    out = io.BytesIO()

    def canvasmaker(*args, **kw):  # the page's first font the embedded one (no Helvetica)
        from reportlab.pdfgen.canvas import Canvas

        kw["initialFontName"] = font
        return Canvas(*args, **kw)

    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    ).build(story, canvasmaker=canvasmaker)
    return out.getvalue()
