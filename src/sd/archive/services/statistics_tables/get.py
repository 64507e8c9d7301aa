"""GET /@statistics: holdings tables (馆藏统计); GET /@statistics-activity: activity per
period (业务量统计). Both answer JSON, or XLSX with ``format=xlsx``.

``@statistics?by=retention&fonds=J001&scope=room|archives|all`` — one table by ``by`` (fonds,
year, category, retention, security, format, state; all of them when ``by`` is left out);
``scope`` narrows to the records rooms' holdings (室藏), the archives' (馆藏) or every record.
``@statistics-activity?start=2026-01-01&end=2026-12-31&period=month&fonds=J001`` — a range
backwards, too long or of bad days is a 400 in the error shape.
"""

from __future__ import annotations

from sd.archive.core.statistics import tables
from sd.archive.core.statistics.xlsx import xlsx_bytes
from sd.archive.services.base import problem
from sd.archive.services.statistics_tables.common import FileOrJsonService
from sd.archive.statistics import access
from sd.archive.statistics import figures

SCOPES = {"all": None, "room": tables.ROOM_STATES, "archives": tables.ARCHIVES_STATES}


def _text(form, name: str, default: str = "") -> str:
    value = form.get(name, default)
    if not isinstance(value, str) or len(value) > 40:
        raise problem(
            400, "BadRequest", f"{name} must be short text", "statistics.field", prop=name
        )
    return value.strip()


class StatisticsGet(FileOrJsonService):
    def reply(self):
        form = self.request.form
        codes = access.scope(_text(form, "fonds") or None)
        scope = _text(form, "scope", "all") or "all"
        if scope not in SCOPES:
            raise problem(
                400,
                "BadRequest",
                "scope must be all, room or archives (范围无效)",
                "statistics.scope",
                prop="scope",
            )
        by = _text(form, "by")
        if by:
            found = [figures.holdings(by, codes, SCOPES[scope])]
        else:
            found = figures.holdings_tables(codes, SCOPES[scope])
        return {"scope": scope, "fonds": codes, "tables": found}

    def file(self, body, fmt):
        sheets = [
            (tables.DIMENSIONS[t["dimension"]], t["header"], t["rows"], t["total"])
            for t in body["tables"]
        ]
        return xlsx_bytes(sheets), "statistics.xlsx"


class StatisticsActivityGet(FileOrJsonService):
    def reply(self):
        form = self.request.form
        codes = access.scope(_text(form, "fonds") or None)
        table = figures.activity(
            codes,
            _text(form, "start"),
            _text(form, "end"),
            _text(form, "period", "month") or "month",
        )
        return {"fonds": codes, **table}

    def file(self, body, fmt):
        return xlsx_bytes(
            [("业务量统计", body["header"], body["rows"], body["total"])]
        ), "activity.xlsx"
