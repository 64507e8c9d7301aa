"""GET {fonds}/@retention-due?within=12: records due for appraisal (到期档案清单).

Expired records and those expiring within ``within`` months (0–120, default 12), soonest
first; permanent records never. JSON ``{"@id", "within", "today", "items": [{uid, @id,
archival_code, title, year, retention_period, retention_label, due, status, status_label,
review_state}], "items_total"}``: a page of ``b_size`` rows (default 100, at most 500)
from ``b_start``, with plone.restapi's ``batching`` links when there are more (100,000
records a fonds: only the page is read). ``format=xlsx`` answers the whole list as XLSX (档号,
题名, 年度, 保管期限, 到期日期, 状态). Read from the catalog only. A bad ``within`` (abc, -1,
10000) or batching parameter is a 400 in the error shape.
"""

from __future__ import annotations

from sd.archive import retention
from sd.archive.core import retention as rules
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
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
        form = self.request.form
        within = rules.parse_within(form.get("within"))
        start = _number(form.get("b_start"), 0, None, "b_start")
        size = _number(form.get("b_size"), DEFAULT_SIZE, MAX_SIZE, "b_size")
        today = retention.today()
        total, rows = retention.due_page(self.context, within, on=today, start=start, size=size)
        url = f"{self.context.absolute_url()}/@retention-due?within={within}"
        body = {
            "@id": url,
            "within": within,
            "today": today.isoformat(),
            "items": [_item(r) for r in rows],
            "items_total": total,
        }
        if total > size:
            page = f"{url}&b_size={size}&b_start="
            body["batching"] = {
                "@id": f"{page}{start}",
                "first": f"{page}0",
                "last": f"{page}{(total - 1) // size * size}",
                **({"next": f"{page}{start + size}"} if start + size < total else {}),
                **({"prev": f"{page}{max(0, start - size)}"} if start else {}),
            }
        return body


#: rows a page of the JSON list holds unless ``b_size`` says otherwise, and at most (#25: the
#: first page of a fonds of 100,000 records in ≤ 1 s cold; each row read is a metadata load)
DEFAULT_SIZE = 100
MAX_SIZE = 500


def _number(value, default: int, largest: int | None, name: str) -> int:
    """A batching parameter: a whole number (at most ``largest``); a 400 otherwise."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return default
    if not text.isdigit() or (largest is not None and not 1 <= int(text) <= largest):
        raise ArchiveError(
            f"{name} must be a whole number" + (f", 1–{largest}" if largest else ""),
            [Problem("DUE-BATCH", f"分页参数有误 / {name}: a whole number", text, name)],
            400,
            "BadRequest",
        )
    return int(text)
