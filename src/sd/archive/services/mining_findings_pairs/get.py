"""GET/POST {site}/@mining-pairs: duplicates and related records to decide (重复、关联).

GET ``?kind=dup|rel`` answers ``{"items_total", "items": [pair rows]}``: the undecided pairs
whose two records the caller may correct (anonymous: 401). POST ``{"pair": "dup:<uid>:<uid>",
"answer": "duplicate" | "not_duplicate" | "related" | "not_related", "reason": "…"}`` records
the answer (who, when, earlier answers kept) and logs it in the audit trail for both records.
"""

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.mining.findings import decisions
from sd.archive.mining.findings import pairs
from sd.archive.mining.findings.outline import open_pairs
from sd.archive.mining.findings.outline import pair_row
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem


def _signed_in():
    if api.user.is_anonymous():
        raise problem(401, "Unauthorized", "sign in first (请先登录)", "FINDINGS-PERMISSION")


class PairsGet(ArchiveService):
    def reply(self):
        _signed_in()
        kind = self.request.form.get("kind", "")
        if kind not in ("", pairs.DUPLICATE, pairs.RELATED):
            raise problem(
                400, "BadRequest", "kind: dup or rel (类型应为 dup 或 rel)", "FINDINGS-KIND",
                prop="kind",
            )  # fmt: skip
        total, rows = open_pairs(kind)
        return {
            "@id": f"{self.context.absolute_url()}/@mining-pairs",
            "items_total": total,
            "items": rows,
        }


class PairsPost(ArchiveService):
    def reply(self):
        _signed_in()
        alsoProvides(self.request, IDisableCSRFProtection)
        body = self.json_body()
        pair = decisions.answer_pair(body.get("pair"), body.get("answer"), body.get("reason"))
        return pair_row(pair)
