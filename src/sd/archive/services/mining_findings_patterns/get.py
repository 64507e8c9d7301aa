"""GET/PUT {site}/@mining-patterns: the archive's own sensitive-content patterns (敏感规则).

PUT ``{"patterns": [{"name": "项目编号", "pattern": "XM-\\\\d{6}"}, …]}`` replaces the list
as a whole, or refuses it as a whole (400 in the error shape, one problem per bad pattern:
``FINDINGS-PATTERN-REGEX`` cannot be compiled or matches empty text, ``-NAME`` missing, twice
or a built-in kind, ``-FORMAT`` not a name and a pattern). The change is logged in the audit
trail (a registry change). Records already analysed keep their findings until analysed again.
"""

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.mining.findings import sensitive
from sd.archive.mining.findings.settings import PATTERNS
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem


def current() -> list[dict]:
    lines = api.portal.get_registry_record(PATTERNS, default=None) or []
    out = []
    for line in lines:
        name, _sep, source = (line or "").partition("|")
        if name.strip() and not name.strip().startswith("#"):
            out.append({"name": name.strip(), "pattern": source.strip()})
    return out


def _body_patterns(body) -> list[sensitive.Pattern]:
    items = body.get("patterns")
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("name", ""), str)
        and isinstance(i.get("pattern", ""), str)
        for i in items
    ):  # fmt: skip
        raise problem(
            400,
            "BadRequest",
            "patterns: a list of {name, pattern} expected (应为规则列表)",
            "FINDINGS-PATTERN-FORMAT",
            prop="patterns",
        )
    return [sensitive.Pattern(i.get("name", "").strip(), i.get("pattern", "")) for i in items]


class PatternsGet(ArchiveService):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@mining-patterns",
            "builtin": list(sensitive.BUILTIN_KINDS),
            "patterns": current(),
        }


class PatternsPut(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        patterns = _body_patterns(self.json_body())
        sensitive.check_patterns(patterns)
        api.portal.set_registry_record(PATTERNS, [f"{p.name}|{p.source}" for p in patterns])
        return {
            "@id": f"{self.context.absolute_url()}/@mining-patterns",
            "builtin": list(sensitive.BUILTIN_KINDS),
            "patterns": current(),
        }
