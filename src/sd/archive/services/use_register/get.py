"""GET /@use-register: the register of use (利用登记), newest first.

Filters: ``number`` (申请编号), ``requester``, ``action`` (requested, submitted, forwarded,
approved, refused, withdrawn, expired, viewed, downloaded, effect), ``record`` (档号, part of
one, or UID), ``since``/``until`` (days, Beijing). ``format=xlsx`` answers the XLSX file;
otherwise JSON ``{"items": [...], "items_total": n}`` (``b_start``, ``b_size`` page it)."""

from __future__ import annotations

from sd.archive.access import register
from sd.archive.core.access.period import parse_day
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem

FILTERS = ("number", "requester", "action", "record", "since", "until")


def filters_from(form) -> dict:
    """The register's filters from a request form; bad values are a 400 naming them."""
    found = {}
    for name in FILTERS:
        value = form.get(name, "")
        if not isinstance(value, str) or len(value) > 200:
            raise problem(
                400, "BadRequest", f"{name} must be short text", "register.filter", prop=name
            )
        found[name] = value.strip()
    if found["action"] and found["action"] not in register.ACTIONS:
        raise problem(
            400, "BadRequest", "unknown action (未知登记事项)", "register.action", prop="action"
        )
    for name in ("since", "until"):
        if found[name]:
            found[name] = parse_day(found[name], name).isoformat()
    return found


class UseRegisterGet(ArchiveService):
    def render(self):
        if self.request.form.get("format") == "xlsx":
            try:
                found = register.entries(**filters_from(self.request.form))
            except Exception:
                return super().render()  # the error shape, through reply below
            data = register.xlsx_bytes(found)
            response = self.request.response
            response.setHeader(
                "Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response.setHeader("Content-Disposition", 'attachment; filename="use-register.xlsx"')
            return data
        return super().render()

    def reply(self):
        found = register.entries(**filters_from(self.request.form))
        try:
            start = max(int(self.request.form.get("b_start", 0)), 0)
            size = min(max(int(self.request.form.get("b_size", 100)), 1), 1000)
        except (TypeError, ValueError):
            raise problem(
                400,
                "BadRequest",
                "b_start and b_size are numbers",
                "register.paging",
                prop="b_start",
            ) from None
        return {"items": found[start : start + size], "items_total": len(found)}
