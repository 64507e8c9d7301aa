"""Reading the trail for the auditor (审计查询与导出): filters from a form, times in 北京时间,
CSV (formula injection neutralised) and XLSX. Used by ``@@audit-trail`` and ``@audit-trail``."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from sd.archive.audit.store import Query
from sd.archive.core import csvcells
from sd.archive.core.audit.entry import OUTCOMES
from sd.archive.core.audit.entry import Entry
from sd.archive.core.audit.entry import canonical_json
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import bad_request

BEIJING = ZoneInfo("Asia/Shanghai")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
#: columns of the table and of the exports: (field, zh_CN heading)
COLUMNS = (
    ("seq", "序号"),
    ("time_local", "时间（北京时间）"),
    ("actor", "操作人"),
    ("ip", "来源地址"),
    ("action", "操作"),
    ("path", "对象路径"),
    ("code", "档号"),
    ("uid", "对象UID"),
    ("outcome", "结果"),
    ("details", "详情"),
    ("hash", "SM3 摘要"),
)


def bad(message: str, name: str) -> ArchiveError:
    return bad_request(message, "AUDIT-PARAMETER", name)


def utc_time(value: str, name: str) -> str:
    """A time from a form (ISO 8601; without offset it is 北京时间) as the trail's UTC form."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise bad(f"{name} is not an ISO 8601 date or time: {value!r}", name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_time(value: str) -> str:
    """A trail time in 北京时间: ``2026-12-07 11:51:15``."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def query_from(form) -> Query:
    """The filter of a request's form: actor, action, object, outcome, from/to (or since/until)."""

    def text(name):
        value = form.get(name) or ""
        if not isinstance(value, str):
            raise bad(f"{name} is given once, as text", name)
        return value.strip()

    outcome = text("outcome")
    if outcome and outcome not in OUTCOMES:
        raise bad(f"outcome is one of {', '.join(OUTCOMES)}", "outcome")
    since = text("from") or text("since")
    until = text("to") or text("until")
    return Query(
        actor=text("actor"),
        action=text("action"),
        object=text("object"),
        outcome=outcome,
        since=utc_time(since, "from") if since else "",
        until=utc_time(until, "to") if until else "",
    )


def paging(form) -> tuple[int, int]:
    """``b_start`` and ``b_size`` (plone.restapi's batching names)."""
    values = []
    for name, default, upper in (("b_start", 0, None), ("b_size", PAGE_SIZE, MAX_PAGE_SIZE)):
        raw = form.get(name)
        try:
            value = default if raw in (None, "") else int(raw)
        except (TypeError, ValueError):
            raise bad(f"{name} must be an integer", name) from None
        if value < 0 or (upper is not None and not 0 < value <= upper):
            raise bad(f"{name} must be between 0 and {upper or 'the end'}", name)
        values.append(value)
    return values[0], values[1]


def item(entry: Entry) -> dict:
    """An entry as the service and the page show it."""
    return {**entry.as_dict(), "time_local": local_time(entry.time)}


def _cell(value) -> str:
    text = canonical_json(value).decode("utf-8") if isinstance(value, (dict, list)) else str(value)
    return csvcells.neutral(text)


def rows(entries) -> list[list[str]]:
    """Header and one row per entry, every cell text; a cell that a spreadsheet would read as
    a formula (``= + - @``) starts with a single quote (CSV/公式注入防护)."""
    table = [[heading for _, heading in COLUMNS]]
    for entry in entries:
        values = item(entry)
        table.append([_cell(values[name]) for name, _ in COLUMNS])
    return table


def csv_bytes(entries) -> bytes:
    """UTF-8 with BOM (Excel reads the Chinese headings), CRLF lines."""
    out = io.StringIO()
    csvcells.writer(out).writerows(rows(entries))
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def xlsx_bytes(entries) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    for row in rows(entries):
        sheet.append(row)  # text cells: openpyxl writes a leading "=" as a formula otherwise
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", csv_bytes),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx_bytes),
}


def export(request, store, fmt: str) -> bytes:
    """The entries matching the request's filter as ``fmt`` (csv|xlsx); headers set; the
    export itself is logged (审计日志导出)."""
    from sd.archive import audit

    if fmt not in EXPORTS:
        raise bad("format is csv or xlsx", "format")
    query = query_from(request.form)
    content_type, write = EXPORTS[fmt]
    data = write(store.iterate(query))
    audit.log("audit.exported", details={"format": fmt, "filter": query.__dict__})
    stamp = datetime.now(BEIJING).strftime("%Y%m%d-%H%M%S")
    request.response.setHeader("Content-Type", content_type)
    request.response.setHeader(
        "Content-Disposition", f'attachment; filename="audit-trail-{stamp}.{fmt}"'
    )
    return data
