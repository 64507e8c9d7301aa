"""Supervision figures as JSON (监督指标).

- ``GET @supervision?year=2023&domain=public-service&metric=completeness`` (site, supervisors):
  every agency's figures ranked worst first by ``metric``;
- ``GET {fonds}/@supervision?year=2023`` (supervisors and the agency itself): one agency's
  figures, its trend over the years and the links to the records behind each figure;
- ``GET {fonds}/@supervision-details?metric=late&year=2023``: the records behind a figure
  (``late``, ``components_missing``, ``seal_failed``, ``corrected``, ``pending``) or the
  missing 文号 (``number_gaps``).

An unknown metric or a year that is not one is a 400 in the error shape.
"""

from sd.archive.core.supervision.figures import RANKINGS
from sd.archive.core.supervision.figures import parse_metric
from sd.archive.core.supervision.figures import parse_year
from sd.archive.core.supervision.figures import rank
from sd.archive.services.base import ArchiveService
from sd.archive.supervision import access
from sd.archive.supervision import details
from sd.archive.supervision import metrics

DETAILS = (*details.LISTED_METRICS, "number_gaps")


def detail_links(url: str, year) -> dict:
    suffix = f"&year={year}" if year else ""
    return {m: f"{url}/@supervision-details?metric={m}{suffix}" for m in DETAILS}


class SupervisionGet(ArchiveService):
    def reply(self):
        form = self.request.form
        year = parse_year(form.get("year"))
        metric = parse_metric(form.get("metric"))
        reader = metrics.Reader()
        rows = reader.all_agencies(year, form.get("domain") or None)
        items = [
            {**row, "@id": f"{row['url']}/@supervision", "details": detail_links(row["url"], year)}
            for row in rank(rows, metric)
        ]
        return {
            "@id": f"{self.context.absolute_url()}/@supervision",
            "year": year,
            "years": reader.years(),
            "metric": metric,
            "metrics": list(RANKINGS),
            "items": items,
        }


class FondsSupervisionGet(ArchiveService):
    def reply(self):
        access.check_fonds(self.context)
        year = parse_year(self.request.form.get("year"))
        reader = metrics.Reader()
        row = reader.row(self.context, year)
        trend = [
            {"year": y, **reader.row(self.context, y)} for y in reader.years(self.context)[:10]
        ]
        return {
            **row,
            "@id": f"{self.context.absolute_url()}/@supervision",
            "details": detail_links(self.context.absolute_url(), year),
            "trend": [
                {k: t[k] for k in ("year", "records", "completeness", "timeliness", "quality")}
                for t in trend
            ],
        }


class FondsDetailsGet(ArchiveService):
    def reply(self):
        access.check_fonds(self.context)
        form = self.request.form
        year = parse_year(form.get("year"))
        metric = parse_metric(form.get("metric"), DETAILS)
        if metric == "number_gaps":
            items = details.number_gaps(self.context, year)
        else:
            items = [
                {**r, "document_date": str(r["document_date"] or "")}
                for r in details.records_behind(self.context, year, metric)
            ]
        return {
            "@id": f"{self.context.absolute_url()}/@supervision-details",
            "fonds": self.context.fonds_code,
            "year": year,
            "metric": metric,
            "items": items,
        }
