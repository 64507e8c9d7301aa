"""GET {fonds}/@retention-due?within=12: records due for appraisal (到期档案清单).

Expired records and those expiring within ``within`` months (0–120, default 12), soonest
first; permanent records never. JSON ``{"@id", "within", "today", "items": [{uid, @id,
archival_code, title, year, retention_period, retention_label, due, status, status_label,
review_state}], "items_total"}``; ``format=xlsx`` answers the XLSX file (档号, 题名, 年度,
保管期限, 到期日期, 状态). Read from the catalog only. A bad ``within`` (abc, -1, 10000) is a
400 in the error shape.
"""

from __future__ import annotations

from sd.archive import retention
from sd.archive.core import retention as rules
from sd.archive.core.errors import ArchiveError
from sd.archive.services.base import ArchiveService

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _item(row: dict) -> dict:
    item = {k: v for k, v in row.items() if k not in ("url", "due")}
    item["@id"] = row["url"]
    item["due"] = row["due"].isoformat() if row["due"] else None
    return item


class RetentionDueGet(ArchiveService):
    def render(self):
        if self.request.form.get("format") == "xlsx":
            try:
                within = rules.parse_within(self.request.form.get("within"))
            except ArchiveError:
                return super().render()  # the error shape, through reply below
            data = rules.due_xlsx(retention.due_list(self.context, within))
            response = self.request.response
            response.setHeader("Content-Type", XLSX)
            name = f"retention-due-{self.context.getId()}.xlsx"
            response.setHeader("Content-Disposition", f'attachment; filename="{name}"')
            return data
        return super().render()

    def reply(self):
        within = rules.parse_within(self.request.form.get("within"))
        today = retention.today()
        rows = retention.due_list(self.context, within, on=today)
        return {
            "@id": f"{self.context.absolute_url()}/@retention-due?within={within}",
            "within": within,
            "today": today.isoformat(),
            "items": [_item(r) for r in rows],
            "items_total": len(rows),
        }
