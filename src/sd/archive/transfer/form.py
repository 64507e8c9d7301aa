"""电子档案移交与接收登记表 (GB/T 18894-2016 表A.2) as XML and PDF.

Fields (``standards.md`` §7): 交接工作名称, 内容描述, 移交电子档案数量, 移交数据量, 载体起止顺序号,
移交载体类型、规格; 检验内容 — 准确性 (label configurable, DA/T 93 says 真实性), 完整性,
可用性, 安全性, 载体外观 — filled in separately by the transferring unit (移交单位) and the
receiving unit (接收单位); 填表人, 审核人, 单位 with dates, for both sides.

The transferring side's column comes from the package (``其他/移交与接收登记表.xml``, written
by :func:`sender_form_xml` in the records room) or, when the sender sent none, stays empty;
the receiving side's column is made from the checks of the batch: each property passes when
no record failed an item of that property; 载体外观 is the archivist's sign-off (YJ-4-3).
Until those checks are done — and always on the records room's own (outgoing) batch — the
receiving column says 待接收方检测 (``PENDING``).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from sd.archive.actors import now
from sd.archive.core import pdffonts
from sd.archive.transfer import batch as state

ROOT = "电子档案移交与接收登记表"
ACCURACY_LABEL = "准确性检验"  # DA/T 93 may say 真实性检验: keep it one constant to change
CHECKS = (
    ("authenticity", ACCURACY_LABEL),
    ("integrity", "完整性检验"),
    ("usability", "可用性检验"),
    ("security", "安全性检验"),
    ("carrier", "载体外观检验"),
)
SIDES = (("transferring", "移交单位"), ("receiving", "接收单位"))
FORM_PATH = "其他/移交与接收登记表.xml"
#: The receiving side's column until the archives have checked the package (待接收方检测):
#: the records room's form never says the archives' checks passed.
PENDING = "待接收方检测"
GAP_NOTE = "断号说明"  # = sd.archive.core.codes.gaps.NOTE_KEY, the 说明文件 line


def _side(parent, tag: str, checks: dict, people: dict) -> None:
    side = etree.SubElement(parent, tag)
    for key, label in CHECKS:
        etree.SubElement(side, label).text = checks.get(key, "")
    for key, label in (("filled_by", "填表人"), ("reviewed_by", "审核人"), ("unit", "单位")):
        etree.SubElement(side, label).text = people.get(key, "")
    etree.SubElement(side, "日期").text = people.get("date", "")


def render(values: dict, transferring: dict, receiving: dict) -> bytes:
    root = etree.Element(ROOT)
    for label in (
        "交接工作名称",
        "内容描述",
        "移交电子档案数量",
        "移交数据量",
        "载体起止顺序号",
        "移交载体类型规格",
    ):
        etree.SubElement(root, label).text = str(values.get(label, ""))
    if values.get(GAP_NOTE):  # 断号说明: the recorded reasons of the series' gaps
        etree.SubElement(root, GAP_NOTE).text = str(values[GAP_NOTE])
    for (_key, label), side in zip(SIDES, (transferring, receiving), strict=False):
        _side(root, label, side.get("checks", {}), side.get("people", {}))
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def parse_side(data: bytes, tag: str = "移交单位") -> dict:
    """One side of a registration form XML (sent by the records room)."""
    from sd.archive.core.packages.xmlsafe import parse_xml

    root = parse_xml(data, FORM_PATH, 1 << 20)
    side = root.find(tag)
    if side is None:
        return {}
    text = {child.tag: (child.text or "") for child in side}
    return {
        "checks": {key: text.get(label, "") for key, label in CHECKS},
        "people": {
            "filled_by": text.get("填表人", ""),
            "reviewed_by": text.get("审核人", ""),
            "unit": text.get("单位", ""),
            "date": text.get("日期", ""),
        },
    }


def sender_form_xml(
    fonds, records, *, unit: str, description: str = "", gap_note: str = ""
) -> bytes:
    """The records room's half (移交单位 column), checked before the package leaves; with
    the 断号说明 of the series taken (``continuity.note_for``)."""
    from plone import api

    user = api.user.get_current()
    checks = {key: "合格" for key, _ in CHECKS}
    checks["carrier"] = "在线移交 / 不适用"
    values = {
        "交接工作名称": f"{fonds.fonds_code} 电子档案移交",
        "内容描述": description,
        "移交电子档案数量": len(records),
        GAP_NOTE: gap_note,
    }
    people = {
        "filled_by": user.getProperty("fullname", "") or user.getId(),
        "unit": unit,
        "date": now()[:10],
    }
    return render(values, {"checks": checks, "people": people}, pending_side())


def pending_side() -> dict:
    """The receiving side before the archives' checks: every check pending, no one signed."""
    return {"checks": {key: PENDING for key, _ in CHECKS}, "people": {}}


def checks_done(batch) -> bool:
    """The archives have checked every record of this incoming batch (接收方检测完成)."""
    return getattr(batch, "direction", "") == "incoming" and state.is_done(batch)


def _outcome(failed: int, total: int) -> str:
    return "合格" if not failed else f"不合格：{failed}/{total} 件"


def receiving_checks(batch) -> dict:
    """The receiving side's results per property, from the package report and the records."""
    failed = {key: 0 for key, _ in CHECKS}
    records = state.results(batch)
    package_items = (batch.facts.get("package_report") or {}).get("items", [])
    package_failed = {i["property"] for i in package_items if i["result"] == "failed"}
    for result in records:
        props = {e.get("property") for e in result.get("errors", [])}
        for key in failed:
            if key in props:
                failed[key] += 1
    checks = {
        key: ("不合格（信息包）" if key in package_failed else _outcome(failed[key], len(records)))
        for key, _ in CHECKS
        if key != "carrier"
    }
    carrier = batch.manual.get("YJ-4-3")
    checks["carrier"] = (
        {"passed": "合格", "failed": "不合格"}.get(carrier["outcome"], "待检")
        if carrier is not None
        else "不适用"
    )
    return checks


def sender_side(batch) -> dict:
    from sd.archive.transfer import spool

    try:
        with zipfile.ZipFile(spool.package_path(batch.token)) as archive:
            name = next((n for n in archive.namelist() if n.endswith(FORM_PATH)), None)
            return parse_side(archive.read(name)) if name else {}
    except (OSError, zipfile.BadZipFile, KeyError):
        return dict(getattr(batch, "sender_form", {}) or {})
    except Exception:  # noqa: BLE001 - a bad form from the sender leaves its column empty
        return {}


def form_values(batch) -> dict:
    facts = batch.facts
    description = facts.get("description") or {}
    return {
        "交接工作名称": batch.title,
        "内容描述": description.get("内容描述", ""),
        "移交电子档案数量": facts.get("record_count", ""),
        "移交数据量": f"{facts.get('data_bytes', 0)} 字节",
        "载体起止顺序号": description.get("载体编号", "") or "—",
        "移交载体类型规格": description.get("离线载体参数", "")
        or ("离线载体" if facts.get("carrier") == "offline" else "网络在线移交"),
        GAP_NOTE: description.get(GAP_NOTE, ""),
    }


def registration_xml(batch, reviewer: str = "") -> bytes:
    """The whole form, both sides (登记表 XML)."""
    from plone import api

    people = {
        "filled_by": batch.facts.get("received_by", ""),
        "reviewed_by": reviewer,
        "unit": api.portal.get().Title(),
        "date": now()[:10],
    }
    sender = getattr(batch, "sender_form", None) or sender_side(batch)
    if not checks_done(batch):
        return render(form_values(batch), sender, pending_side())
    return render(form_values(batch), sender, {"checks": receiving_checks(batch), "people": people})


def registration_pdf(xml: bytes) -> bytes:
    """The form as an A4 PDF (reportlab, the embedded CJK font of ``core.pdffonts``)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph
    from reportlab.platypus import SimpleDocTemplate
    from reportlab.platypus import Table
    from reportlab.platypus import TableStyle

    font = pdffonts.cjk_font()
    root = etree.fromstring(xml)
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    cell = ParagraphStyle("c", fontName=font, fontSize=10, leading=14, wordWrap="CJK")

    def p(text):
        return Paragraph(pdffonts.markup(text), cell)

    rows = [[p(child.tag), p(child.text), "", ""] for child in root if len(child) == 0]
    sides = [root.find("移交单位"), root.find("接收单位")]
    rows.append([p("检验内容"), p("移交单位"), p("接收单位"), ""])
    for _key, label in CHECKS:
        rows.append([p(label), *[p(s.findtext(label) if s is not None else "") for s in sides], ""])
    for label in ("填表人", "审核人", "单位", "日期"):
        rows.append(
            [
                p(f"{label}（签名）" if label in ("填表人", "审核人") else label),
                *[p(s.findtext(label) if s is not None else "") for s in sides],
                "",
            ]
        )
    table = Table([r[:3] for r in rows], colWidths=[120, 180, 180])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font),  # else the table sets Helvetica (not embedded)
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=ROOT, initialFontName=font).build(
        [Paragraph(pdffonts.markup(ROOT), title), table]
    )
    return out.getvalue()
