"""GET {fonds}/@arrangement-rules: the fonds' scheme and schedule as data files."""

from sd.archive import rules
from sd.archive.core.messages import zh_first
from sd.archive.services.base import ArchiveService


class ArrangementRulesGet(ArchiveService):
    """Without ``format``: a JSON summary; with ``which`` and ``format``: the file itself."""

    def reply(self):
        which = self.request.form.get("which")
        fmt = self.request.form.get("format")
        if which or fmt:
            which, fmt = which or "scheme", fmt or "xml"
            if which not in ("scheme", "schedule") or fmt not in rules.FORMATS:
                self.request.response.setStatus(400)
                return {
                    "type": "BadRequest",
                    "message": zh_first(
                        "which: scheme|schedule, format: xml|csv", "rules.export", "BadRequest"
                    ),
                    "errors": [],
                }
            self.request.response.setHeader(
                "Content-Type", "text/csv; charset=utf-8" if fmt == "csv" else "application/xml"
            )
            self.request.response.setBody(rules.export(self.context, which, fmt), lock=True)
            return None
        scheme = rules.fonds_scheme(self.context)
        schedule = rules.fonds_schedule(self.context)
        return {
            "@id": f"{self.context.absolute_url()}/@arrangement-rules",
            "fonds_code": scheme.fonds_code,
            "categories": [
                {
                    "code": c.code,
                    "title": c.title,
                    "grammar": c.code_rule.grammar,
                    "item_width": c.code_rule.item_width,
                    "use_org": c.code_rule.use_org,
                }
                for c in scheme.categories
            ],
            "organisations": [{"code": o.code, "title": o.title} for o in scheme.organisations],
            "rules": [
                {
                    "id": r.id,
                    "priority": r.priority,
                    "category": r.category,
                    "retention": r.retention,
                    "org_code": r.org_code,
                }
                for r in schedule.rules
            ],
        }
