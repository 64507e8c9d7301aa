"""``@@supervision`` (site, supervisors): every agency ranked and filtered, charts as inline
SVG drawn on the server; ``{fonds}/@@supervision-agency`` (supervisors and the agency): one
agency's figures, its trend over the years and the records or missing 文号 behind a figure.

The figures are ``sd.archive.supervision.metrics`` (counters kept by events); nothing here
wakes a record. A bad year or metric shows the refusal in words with a 400.
"""

from __future__ import annotations

from html import escape

from Products.Five.browser import BrowserView
from zExceptions import Unauthorized

from sd.archive.browser.times import beijing_time
from sd.archive.core.errors import ArchiveError
from sd.archive.core.supervision import charts
from sd.archive.core.supervision.figures import RANKINGS
from sd.archive.core.supervision.figures import parse_metric
from sd.archive.core.supervision.figures import parse_year
from sd.archive.core.supervision.figures import rank
from sd.archive.supervision import access
from sd.archive.supervision import details
from sd.archive.supervision import metrics

#: ranking metric → Chinese label (the select, the chart's title)
METRIC_LABELS = {
    "completeness": "完整率（%）",
    "number_gaps": "发文断号（个）",
    "declared_shortfall": "申报数差额（件）",
    "timeliness": "及时归档率（%）",
    "late": "逾期归档（件）",
    "due_for_transfer": "到期未移交（件）",
    "rejections": "每千个信息包退回数",
    "review_backlog": "待人工整理积压（件）",
    "seal_failures": "签章验证失败（件）",
    "corrections": "归档后更正（件）",
}
DOMAIN_LABELS = {
    "": "全部网络域",
    "administrative": "电子政务外网/办公网",
    "public-service": "政务服务网",
    "archives": "档案馆局域网",
}
DETAIL_LABELS = {
    "late": "逾期归档的档案",
    "components_missing": "组件缺失的档案",
    "seal_failed": "签章验证失败的档案",
    "corrected": "归档后更正的档案",
    "pending": "尚未归档的文件",
    "number_gaps": "缺失的文号",
}
TREND_YEARS = 6


def _a(href: str, text) -> str:
    return f'<a href="{escape(href)}">{escape(str(text))}</a>'


def _value_text(value) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


class SupervisionView(BrowserView):
    """The supervisors' dashboard (监督指导看板)."""

    metric_labels = METRIC_LABELS
    domain_labels = DOMAIN_LABELS

    def __call__(self):
        self.error = ""
        self.rows = []
        form = self.request.form
        self.domain = form.get("domain") if form.get("domain") in DOMAIN_LABELS else ""
        self.reader = metrics.Reader()  # one reading for the table and the trend
        self.years = self.reader.years()
        try:
            default = str(self.years[0]) if self.years else None
            self.year = parse_year(form.get("year", default))
            self.metric = parse_metric(form.get("metric"))
        except ArchiveError as error:
            self.request.response.setStatus(400)
            self.error = error.problems[0].message
            self.year, self.metric = None, "completeness"
            return self.index()
        self.rows = rank(self.reader.all_agencies(self.year, self.domain or None), self.metric)
        return self.index()

    def generated(self) -> str:
        from datetime import UTC
        from datetime import datetime

        return beijing_time(datetime.now(UTC))

    def cell(self, value) -> str:
        return _value_text(value)

    def agency_url(self, row, metric: str = "") -> str:
        year = f"year={self.year}" if self.year else "year=all"
        detail = f"&metric={metric}" if metric else ""
        return f"{row['url']}/@@supervision-agency?{year}{detail}"

    def table_rows(self) -> str:
        """The table body as HTML, escaped cell by cell (100 agencies × 16 columns drawn by
        Python: a template expression per cell would cost most of the page's time)."""
        out = []
        for r in self.rows:
            c, t, q = r["completeness"], r["timeliness"], r["quality"]
            oldest = (
                f' <span class="discreet">(最早 {q["review_oldest_days"]} 天)</span>'
                if q["review_backlog"]
                else ""
            )
            cells = [
                escape(str(r["rank"])),
                _a(self.agency_url(r), f"{r['fonds']} {r['title']}"),
                escape(str(r["records"])),
                escape(self.cell(c["rate"])),
                _a(self.agency_url(r, "number_gaps"), c["number_gaps"]),
                escape(str(c["declared_shortfall"])),
                escape("、".join(c["scope_missing"]) or "—"),
                _a(self.agency_url(r, "components_missing"), c["components_missing"]),
                escape(self.cell(t["rate"])),
                _a(self.agency_url(r, "late"), t["late"]),
                escape(self.cell(t["average_days"])),
                _a(f"{r['url']}/@@transfer-out", t["due_for_transfer"]),
                escape(self.cell(q["rejections_per_1000"])),
                escape(str(q["review_backlog"])) + oldest,
                _a(self.agency_url(r, "seal_failed"), q["seal_failures"]),
                _a(self.agency_url(r, "corrected"), q["corrected"]),
            ]
            tds = "".join(f"<td>{cell}</td>" for cell in cells)
            out.append(f'<tr data-fonds="{escape(r["fonds"])}">{tds}</tr>')
        return "".join(out)

    def ranking_svg(self) -> str:
        label = METRIC_LABELS[self.metric]
        year = f"{self.year}年度" if self.year else "全部年度"
        bars = [
            charts.Bar(f"{r['fonds']} {r['title']}", r["value"], self.agency_url(r))
            for r in self.rows[:30]
        ]
        return charts.bar_chart(bars, f"各单位{label}排名（{year}，问题多者在前）")

    def trend_svg(self) -> str:
        """Rates over the years, all agencies shown together (全部单位合计)."""
        completeness, timeliness = [], []
        for year in sorted(self.years[:TREND_YEARS]):
            rows = self.reader.all_agencies(year, self.domain or None)
            archived = sum(r["records"] for r in rows)
            expected = archived + sum(
                r["completeness"]["number_gaps"] + r["completeness"]["declared_shortfall"]
                for r in rows
            )
            timed = sum(r["timeliness"]["timed"] for r in rows)
            late = sum(r["timeliness"]["late"] for r in rows)
            completeness.append((year, round(100 * archived / expected, 1) if expected else None))
            timeliness.append((year, round(100 * (timed - late) / timed, 1) if timed else None))
        return charts.line_chart(
            [
                charts.Line("完整率（%）", tuple(completeness)),
                charts.Line("及时归档率（%）", tuple(timeliness)),
            ],
            "全部单位历年趋势",
            "%",
        )


class AgencyView(BrowserView):
    """One agency's figures (本单位监督指标) with the drill-down (明细)."""

    detail_labels = DETAIL_LABELS

    def __call__(self):
        try:
            access.check_fonds(self.context)
        except ArchiveError:
            raise Unauthorized("supervision-agency") from None
        self.error = ""
        self.items = []
        form = self.request.form
        self.reader = metrics.Reader()
        self.years = self.reader.years(self.context)
        try:
            default = str(self.years[0]) if self.years else None
            self.year = parse_year(form.get("year", default))
            wanted = form.get("metric")
            self.metric = parse_metric(wanted, DETAIL_LABELS) if wanted else ""
        except ArchiveError as error:
            self.request.response.setStatus(400)
            self.error = error.problems[0].message
            self.year, self.metric, self.figures = None, "", None
            return self.index()
        self.figures = self.reader.row(self.context, self.year)
        if self.metric == "number_gaps":
            self.items = details.number_gaps(self.context, self.year)
        elif self.metric:
            self.items = details.records_behind(self.context, self.year, self.metric)
        return self.index()

    def cell(self, value) -> str:
        return _value_text(value)

    def link(self, metric: str) -> str:
        year = f"year={self.year}" if self.year else "year=all"
        return f"{self.context.absolute_url()}/@@supervision-agency?{year}&metric={metric}"

    def year_link(self, year) -> str:
        return f"{self.context.absolute_url()}/@@supervision-agency?year={year}"

    def trend_svg(self) -> str:
        completeness, timeliness, late = [], [], []
        for year in sorted(self.years[:TREND_YEARS]):
            found = self.reader.row(self.context, year)
            completeness.append((year, found["completeness"]["rate"]))
            timeliness.append((year, found["timeliness"]["rate"]))
            late.append((year, found["timeliness"]["late"]))
        return charts.line_chart(
            [
                charts.Line("完整率（%）", tuple(completeness)),
                charts.Line("及时归档率（%）", tuple(timeliness)),
            ],
            f"{self.context.fonds_code} 历年趋势",
            "%",
        )

    def kind_label(self, kind: str) -> str:
        from sd.archive.core.supervision.declared import KINDS

        return KINDS.get(kind, ("", kind))[1]


def officer_block(code: str, url: str) -> dict | None:
    """The workbench block of a records officer (本单位监督指标): a few figures of the
    fonds' latest year, with the link to its full page; None when it has no figures yet."""
    from sd.archive.intake.fonds import find_fonds

    reader = metrics.Reader()
    fonds = find_fonds(reader.portal, code)
    years = reader.years(fonds) if fonds is not None else []
    if not years:
        return None
    row = reader.row(fonds, years[0])
    return {
        "code": code,
        "year": years[0],
        "url": f"{url}/@@supervision-agency?year={years[0]}",
        "figures": [
            ("完整率（%）", _value_text(row["completeness"]["rate"])),
            ("发文断号", row["completeness"]["number_gaps"]),
            ("及时归档率（%）", _value_text(row["timeliness"]["rate"])),
            ("逾期归档", row["timeliness"]["late"]),
            ("到期未移交", row["timeliness"]["due_for_transfer"]),
            ("每千包退回", _value_text(row["quality"]["rejections_per_1000"])),
        ],
    }


__all__ = ["RANKINGS", "AgencyView", "SupervisionView", "officer_block"]
