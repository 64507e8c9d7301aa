"""The register of use (利用登记): every request, decision, view and download.

Each entry is kept on its request (``AccessRequest.register``: the request's own history, no
site-wide list that every reader would write) and logged in the audit trail as
``access.<action>`` (object: the record for views and downloads, the request otherwise; the
request number in the details). The register page reads the entries of all requests through
the catalog and filters them (:func:`entries`); :func:`xlsx_bytes` exports them.
"""

from __future__ import annotations

import io
from datetime import UTC
from datetime import datetime

from plone import api

from sd.archive import audit
from sd.archive.core.access.period import beijing_text

#: actions of the register, with their zh_CN words (登记事项)
ACTIONS = {
    "requested": "提出申请",
    "changed": "修改申请",
    "submitted": "提交审批",
    "forwarded": "初审同意，报领导复审",
    "approved": "批准",
    "refused": "不予批准",
    "withdrawn": "撤回",
    "expired": "到期",
    "viewed": "在线阅览",
    "downloaded": "下载复制件",
    "effect": "登记利用效果",
}
FORMS = {"online": "在线阅览", "download": "下载复制件", "certified": "档案证明"}
COLUMNS = (
    "时间（北京时间）",
    "申请编号",
    "利用者",
    "事项",
    "利用方式",
    "档号",
    "题名",
    "操作人",
    "说明",
)


def add(request, action: str, details: dict | None = None, record=None, who: str | None = None):
    """Append an entry to ``request``'s register and log it in the audit trail."""
    actor = who or audit.actor()
    entry = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "number": request.request_number,
        "requester": request.requester,
        "actor": actor,
        "action": action,
        "form": request.form,
        "record_uid": record.UID() if record is not None else "",
        "record_code": (getattr(record, "archival_code", "") or "") if record is not None else "",
        "record_title": record.Title() if record is not None else "",
        "details": dict(details or {}),
    }
    request.append_register(entry)
    audit.log(
        f"access.{action}",
        record if record is not None else request,
        who=actor,
        details={"number": request.request_number, "form": request.form, **entry["details"]},
    )
    return entry


def entries(
    number: str = "",
    requester: str = "",
    action: str = "",
    record: str = "",
    since: str = "",
    until: str = "",
) -> list[dict]:
    """Every register entry matching the filters, newest first. ``since``/``until``: ISO days
    (Beijing), both included; ``record``: 档号 or UID (part of a 档号 matches)."""
    catalog = api.portal.get_tool("portal_catalog")
    found = []
    for brain in catalog.unrestrictedSearchResults(portal_type="AccessRequest"):
        request = brain._unrestrictedGetObject()
        if number and request.request_number != number.strip():
            continue
        if requester and request.requester != requester.strip():
            continue
        for index, entry in enumerate(getattr(request, "register", None) or ()):
            if action and entry.get("action") != action:
                continue
            if (
                record
                and record not in (entry.get("record_code") or "")
                and record != entry.get("record_uid")
            ):
                continue
            day = beijing_text(entry.get("time"))[:10]
            if (since and day < since) or (until and day > until):
                continue
            found.append((entry.get("time", ""), index, dict(entry)))
    found.sort(key=lambda t: t[:2], reverse=True)  # newest first, a request's own order kept
    return [entry for _time, _index, entry in found]


def row(entry: dict) -> list[str]:
    """An entry as the register's columns (text)."""
    details = entry.get("details") or {}
    note = details.get("reason") or details.get("effect") or ", ".join(details.get("records", []))
    return [
        beijing_text(entry.get("time")),
        entry.get("number", ""),
        entry.get("requester", ""),
        ACTIONS.get(entry.get("action", ""), entry.get("action", "")),
        FORMS.get(entry.get("form", ""), entry.get("form", "")),
        entry.get("record_code", ""),
        entry.get("record_title", ""),
        entry.get("actor", ""),
        str(note or ""),
    ]


def _text(value: str) -> str:
    """A cell that a spreadsheet never reads as a formula."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def xlsx_bytes(found: list[dict]) -> bytes:
    """The register as XLSX (利用登记簿), write-only (any number of entries)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("利用登记")
    sheet.append(list(COLUMNS))
    for entry in found:
        sheet.append([_text(v) for v in row(entry)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
