"""PATCH of a rectification notice (整改通知): each party's fields only.

plone.restapi would write any field the caller's permissions reach and skip read-only ones
silently; here the body is refused as a whole when it names a field of the other party (403
``rectification.field-owner``: an officer may not touch the notice's text, a supervisor may not
write the answer) or a field the server keeps (400). The supervisor's own fields change through
``rectification.notices.amend`` (while the agency still owes an answer, audited); the answer is
given through ``POST @rectification-answer`` only (it moves the notice on).
"""

from __future__ import annotations

from plone import api
from plone.restapi.interfaces import IDeserializeFromJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.rectification import notices
from sd.archive.rectification.content import OFFICER_FIELDS
from sd.archive.rectification.content import SUPERVISOR_FIELDS
from sd.archive.rectification.interfaces import IRectificationNotice
from sd.archive.services.base import ActionDeserializer


@implementer(IDeserializeFromJson)
@adapter(IRectificationNotice, ISdArchiveLayer)
class DeserializeRectificationNoticeFromJson(ActionDeserializer):
    def apply(self, data: dict) -> None:
        supervisor = api.user.has_permission(notices.SUPERVISE, obj=self.context)
        if not supervisor:
            mine = set(data) & set(OFFICER_FIELDS)
            if mine and not set(data) - mine:
                raise ArchiveError(
                    "the answer is given through @rectification-answer (请通过答复操作提交)",
                    [Problem("rectification.answer-action", "PATCH", "", ",".join(sorted(mine)))],
                    400,
                    "BadRequest",
                )
            others = set(data) & set(SUPERVISOR_FIELDS)
            raise ArchiveError(
                "the notice's fields belong to the supervisor (通知内容由监督指导人员填写): "
                + ", ".join(sorted(others or data)),
                [Problem("rectification.field-owner", "officer", "", ",".join(sorted(data)))],
                403,
                "Forbidden",
            )
        notices.amend(self.context, data)
