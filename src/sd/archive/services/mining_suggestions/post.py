"""POST {record}/@mining-suggestions — answer a suggestion (采纳、修改、不采纳):

- ``{"kind": "arrangement", "action": "accept"}``: archive the record as suggested, through
  the review queue's accept (code assigned, ``archive`` transition);
- ``{"kind": "arrangement", "action": "accept", "values": {"category", "retention",
  "org_code"}}``: the same, corrected (values checked against the scheme: 422 ReviewRefused);
- ``{"kind": "arrangement", "action": "reject", "reason": "…"}``: the record stays in the queue;
- ``{"kind": "keywords", "terms": [...], "suggested": [...], "reason": "…"}``: add the chosen
  terms (an archived record: a description correction with the reason); ``terms`` empty
  rejects them.

Answers 200 with the outcome (``accepted``, ``corrected``, ``rejected``) and the record's
suggestions after it; every refusal is a 4xx in the error shape and changes nothing.
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.mining.suggestions import suggest
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object
from sd.archive.services.base import problem
from sd.archive.services.mining_suggestions.get import state


def _strings(body: dict, name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise problem(
            400, "BadRequest", f"{name} must be a list of texts", "SUGGEST-BODY", prop=name
        )
    return value


class SuggestionsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        kind, action = body.get("kind"), body.get("action")
        reason = body.get("reason") or ""
        if not isinstance(reason, str):
            raise problem(400, "BadRequest", "reason must be a text", "SUGGEST-BODY", prop="reason")
        if kind == "arrangement" and action == "accept":
            values = body.get("values")
            if values is not None and not isinstance(values, dict):
                raise problem(
                    400, "BadRequest", "values must be an object", "SUGGEST-BODY", prop="values"
                )
            result = suggest.accept_arrangement(self.context, values)
        elif kind == "arrangement" and action == "reject":
            result = suggest.reject_arrangement(self.context, reason)
        elif kind == "keywords":
            terms, offered = _strings(body, "terms"), _strings(body, "suggested")
            result = suggest.accept_keywords(self.context, terms, offered, reason)
        else:
            raise problem(
                400,
                "BadRequest",
                "kind must be arrangement (action accept|reject) or keywords",
                "SUGGEST-KIND",
                prop="kind",
            )
        return {**result, "suggestions": state(self.context)}
