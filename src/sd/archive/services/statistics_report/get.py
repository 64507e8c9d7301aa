"""GET /@statistics-report?form=room&year=2025&fonds=J001 (``form=archives`` without fonds):
the annual statistics report (统计年报) with its computed and filled-in cells, state and
sign-off; ``format=xlsx`` or ``format=pdf`` for the file.
POST /@statistics-report ``{"form", "year", "fonds", "action": "save"|"sign"|"reopen",
"manual": {"R01": 2, …}, "comment": "…"}``: fill in, sign off or reopen (4xx in the error shape,
nothing stored, when a rule fails)."""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.browser.times import beijing_time
from sd.archive.core.statistics.pdf import document_pdf
from sd.archive.core.statistics.xlsx import xlsx_bytes
from sd.archive.services.statistics_tables.common import FileOrJsonService
from sd.archive.statistics import reports


def report_pdf(body: dict) -> bytes:
    header, rows = reports.export_rows(body)
    sign = [
        ("报表", body["title"]),
        ("填报单位", f"全宗 {body['fonds']}" if body["fonds"] else "档案馆"),
        ("状态", body["state_title"]),
        ("审核签发人", body["signed_by"] or "（未签发）"),
        ("签发时间", beijing_time(body["signed_at"]) if body["signed_at"] else ""),
    ]
    return document_pdf(
        body["title"],
        [("sign", sign), ("table", header, rows, [18, 70, 22, 30, 16])],
        "国家档案事业统计年报 · 数据来源：计算＝系统统计，填报＝人工填写",
    )


class StatisticsReportGet(FileOrJsonService):
    formats = ("xlsx", "pdf")

    def reply(self):
        form = self.request.form
        return reports.report(form.get("form"), form.get("year"), form.get("fonds") or None)

    def file(self, body, fmt):
        name = f"annual-{body['form']}-{body['fonds'] or 'archives'}-{body['year']}"
        if fmt == "pdf":
            return report_pdf(body), f"{name}.pdf"
        header, rows = reports.export_rows(body)
        return xlsx_bytes([(body["title"], header, rows, None)]), f"{name}.xlsx"


class StatisticsReportPost(FileOrJsonService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self.json_body()
        return reports.act(
            body.get("form"),
            body.get("year"),
            body.get("fonds") or None,
            body.get("action", "save"),
            body.get("manual"),
            body.get("comment"),
        )
