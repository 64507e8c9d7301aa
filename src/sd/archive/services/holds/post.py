"""POST {record}/@holds ``{"action": "place" | "lift", "hold": "诉讼冻结 2026-12", "reason":
"…"}``: place or lift a hold (冻结/解冻). Answers 200 with ``{"holds": [...], "entry": {action,
hold, reason, actor, time}}``; a refusal (no reason, unknown action or hold, twice, a record not
in the holdings) is a 4xx in the error shape and changes nothing. GET answers the holds in force
and the log.
"""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive import holds
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object
from sd.archive.services.base import problem

ACTIONS = {"place": holds.place_hold, "lift": holds.lift_hold}


def state(record) -> dict:
    return {
        "@id": f"{record.absolute_url()}/@holds",
        "holds": list(getattr(record, "holds", None) or []),
        "log": [dict(e) for e in getattr(record, "hold_log", None) or []],
    }


class HoldsGet(ArchiveService):
    def reply(self):
        return state(self.context)


class HoldsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        action = ACTIONS.get(body.get("action"))
        if action is None:
            raise problem(
                400,
                "BadRequest",
                "action must be place or lift (操作应为 place 冻结 或 lift 解冻)",
                "HOLD-ACTION",
                prop="action",
            )
        entry = action(self.context, body.get("hold"), body.get("reason"))
        return {**state(self.context), "entry": entry}
