"""GET @audit-trail (安全审计日志查询), ``/check`` (链校验), ``/csv`` and ``/xlsx`` (导出).

Read only: no other method is registered, so nobody — a Manager neither — can change or
remove an entry through the API. Reading is itself logged (in the trail's own file, not the
ZODB: a GET stays free of writes that CSRF protection would question).
"""

from __future__ import annotations

import json

from sd.archive import audit
from sd.archive.audit import anchor
from sd.archive.audit import reading
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.services.base import TraversingService
from sd.archive.services.ledger.common import error_body


def _trail(context, form):
    """This site's trail, or with ``trail=<name>`` a trail a move brought along (迁入的审计
    日志, read-only, see ``sd.archive.moves.history``); 404 for an unknown name."""
    name = form.get("trail")
    if not name:
        return audit.trail()
    from sd.archive.moves.history import imported_trail

    found = imported_trail(context, str(name))
    if found is None:
        message = "no imported audit trail of this name (没有此迁入审计日志)"
        raise ArchiveError(
            message, [Problem("AUDIT-TRAIL", message, str(name)[:200], "trail")], 404, "NotFound"
        )
    return found


class AuditTrailGet(TraversingService):
    """``?actor=&action=&object=&outcome=&from=&to=&b_start=&b_size=&trail=``."""

    def render(self):
        try:
            if self.params in (["csv"], ["xlsx"]):
                store = _trail(self.context, self.request.form)
                return reading.export(self.request, store, self.params[0])
            return super().render()
        except ArchiveError as error:
            self.request.response.setHeader("Content-Type", "application/json")
            return self._json(error_body(self, error))

    def _json(self, body):
        return json.dumps(body, ensure_ascii=False)

    def reply(self):
        if self.params == ["check"]:
            result = anchor.check()
            audit.log("audit.checked", outcome="ok", details=result.as_dict())
            return result.as_dict()
        if self.params:
            message = f"no resource {'/'.join(self.params)}: use check, csv or xlsx"
            raise ArchiveError(message, [Problem("AUDIT-RESOURCE", message)], 404, "NotFound")
        form = self.request.form
        query = reading.query_from(form)
        start, size = reading.paging(form)
        store = _trail(self.context, form)
        total, entries = store.search(query, start, size)
        details = {"filter": query.__dict__, "b_start": start}
        if store is not audit.trail():
            details["trail"] = store.name
        audit.log("audit.searched", details=details)
        from sd.archive.moves.history import imported_trails

        return {
            "@id": f"{self.context.absolute_url()}/@audit-trail",
            "items_total": total,
            "b_start": start,
            "b_size": size,
            "log_id": store.log_id,
            "source": getattr(store, "source", None),
            "imported": [t.summary() for t in imported_trails(self.context)],
            "items": [reading.item(e) for e in entries],
        }
