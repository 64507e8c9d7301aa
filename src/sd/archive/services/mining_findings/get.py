"""GET/POST {record}/@mining-findings: a record's findings and the answers to its names.

GET answers :func:`sd.archive.mining.findings.outline.record_findings` (``sensitive`` only for
a holder of ``sd.archive: Review open access``). POST ``{"action": "accept" | "reject",
"kind": "people" | "organisations" | "places", "name": "张伟", "reason": "…"}`` answers a name;
accepting adds it to 主题词 through 著录更正 (correction log, ledger entry). Refusals are 4xx
in the error shape and change nothing.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.mining.findings import decisions
from sd.archive.mining.findings.outline import record_findings
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem

ACTIONS = {"accept": "accepted", "reject": "rejected"}


class FindingsGet(ArchiveService):
    def reply(self):
        return {"@id": f"{self.context.absolute_url()}/@mining-findings"} | record_findings(
            self.context
        )


class FindingsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self.json_body()
        answer = ACTIONS.get(body.get("action"))
        if answer is None:
            raise problem(
                400,
                "BadRequest",
                "action must be accept or reject (操作应为 accept 采纳 或 reject 驳回)",
                "FINDINGS-ANSWER",
                prop="action",
            )
        entry = decisions.answer_entity(
            self.context, body.get("kind"), body.get("name"), answer, body.get("reason")
        )
        return {"entry": entry, **record_findings(self.context)}
