"""PATCH of an access request (利用申请): only the requester's fields, only while a draft.

plone.restapi would skip the read-only fields silently; here a body naming a field the server
keeps (number, requester, chain, decisions, effect) is refused as a whole, and so is any
change of a request that was submitted. The change itself goes through
``access.requests.update_draft`` (the same checks as a new request).
"""

from __future__ import annotations

from plone.restapi.interfaces import IDeserializeFromJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.access import requests
from sd.archive.interfaces import IAccessRequest
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.services.base import ActionDeserializer


@implementer(IDeserializeFromJson)
@adapter(IAccessRequest, ISdArchiveLayer)
class DeserializeAccessRequestFromJson(ActionDeserializer):
    def apply(self, data: dict) -> None:
        requests.update_draft(self.context, data)
