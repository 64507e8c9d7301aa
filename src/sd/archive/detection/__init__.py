"""四性检测报告 (detection reports) on the Plone side: the runs stored on a record, as a page,
as JSON (``GET {record}/@detection``) and as a PDF for the registration form.

The checks themselves are ``sd.archive.core.detection``; intake and transfer store each run's
``Report.as_dict()`` in ``record.detection_reports`` (oldest first).
"""

from __future__ import annotations

import io

from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.pdffonts import cjk_font
from sd.archive.core.pdffonts import markup

PROPERTY_TITLES = {
    "authenticity": "真实性",
    "integrity": "完整性",
    "usability": "可用性",
    "security": "安全性",
}
RESULT_TITLES = {
    "passed": "通过",
    "failed": "不通过",
    "warning": "警告",
    "manual": "人工复核",
}
STAGE_TITLES = {"archiving": "归档", "transfer": "移交接收", "preservation": "长期保存"}


def reports(record) -> list[dict]:
    """Every detection run stored on ``record``, oldest first."""
    return list(getattr(record, "detection_reports", None) or [])


def item_titles() -> dict[str, str]:
    """Catalogue code → Chinese title, for the page and the PDF."""
    catalogue = load_catalogue()
    return {item.code: item.title_zh for item in catalogue.items}


def _message(item: dict) -> str:
    """The line's message, with who signed it off, when and why (人工检测签字)."""
    message = item.get("message") or ""
    if item.get("signed_by"):
        message += (
            f"（签字：{item['signed_by']} {item.get('signed_at', '')}；"
            f"说明：{item.get('note', '')}）"
        )
    return message


def report_pdf(record, report: dict) -> bytes:
    """The report of one run as an A4 PDF (检测报告), Chinese first."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus import Table
    from reportlab.platypus import TableStyle

    body = ParagraphStyle("body", fontName=cjk_font(), fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=14, leading=18)
    titles = item_titles()
    stage = report.get("stage", "")
    story = [
        Paragraph(markup(f"电子档案{STAGE_TITLES.get(stage, stage)}四性检测报告"), head),
        Paragraph(
            markup(f"档号：{getattr(record, 'archival_code', '') or '—'}　题名：{record.Title()}"),
            body,
        ),
        Paragraph(
            markup(
                f"检测时间：{report.get('time', '')}"
                f"　检测方案版本：{report.get('catalogue_version', '')}"
                f"　结论：{RESULT_TITLES.get(report.get('result'), report.get('result'))}"
            ),
            body,
        ),
        Paragraph(" ", body),
    ]
    rows = [
        [Paragraph(markup(t), body) for t in ("检测项", "名称", "属性", "对象", "结果", "说明")]
    ]
    for item in report.get("items", []):
        rows.append(
            [
                Paragraph(markup(v), body)
                for v in (
                    item.get("code"),
                    titles.get(item.get("code"), ""),
                    PROPERTY_TITLES.get(item.get("property"), item.get("property")),
                    item.get("object"),
                    RESULT_TITLES.get(item.get("result"), item.get("result")),
                    _message(item),
                )
            ]
        )
    table = Table(
        rows, colWidths=[18 * mm, 38 * mm, 14 * mm, 34 * mm, 14 * mm, 62 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), cjk_font()),  # not the table's Helvetica
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="四性检测报告",
        initialFontName=cjk_font(),
    ).build(story)
    return out.getvalue()


def sign_off(record, run: int, code: str, obj: str | None, outcome: str, note: str) -> dict:
    """A person signs off a manual result of the record's stored run ``run`` (人工检测签字),
    as the role the catalogue names; the line keeps who and when; the audit trail logs it."""
    from datetime import datetime

    from plone import api

    from sd.archive import audit
    from sd.archive.core.detection.signoff import sign_off as signed
    from sd.archive.core.errors import ArchiveError
    from sd.archive.core.errors import Problem

    runs = reports(record)
    try:
        report = runs[int(run)]
    except (TypeError, ValueError, IndexError):
        raise ArchiveError(
            "no such detection run (无此检测记录)",
            [Problem("signoff.run", f"{len(runs)} runs stored", str(run), "run")],
            404,
            "NotFound",
        ) from None
    user = api.user.get_current()
    new = signed(
        report,
        load_catalogue(),
        code=code,
        obj=obj,
        outcome=outcome,
        note=note,
        actor=user.getId(),
        roles=api.user.get_roles(user=user, obj=record),
        when=datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    runs[int(run)] = new
    record.detection_reports = runs
    audit.log(
        "detection.signed-off",
        record,
        details={"run": int(run), "code": code, "object": obj or "", "outcome": outcome},
    )
    return new
