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
from sd.archive.services.ledger.common import TraversingService
from sd.archive.services.ledger.common import error_body


class AuditTrailGet(TraversingService):
    """``?actor=&action=&object=&outcome=&from=&to=&b_start=&b_size=``."""

    def render(self):
        try:
            if self.params in (["csv"], ["xlsx"]):
                return reading.export(self.request, audit.trail(), self.params[0])
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
        store = audit.trail()
        total, entries = store.search(query, start, size)
        audit.log("audit.searched", details={"filter": query.__dict__, "b_start": start})
        return {
            "@id": f"{self.context.absolute_url()}/@audit-trail",
            "items_total": total,
            "b_start": start,
            "b_size": size,
            "log_id": store.log_id,
            "items": [reading.item(e) for e in entries],
        }
