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
from sd.archive.services.base import json_object


@implementer(IDeserializeFromJson)
@adapter(IAccessRequest, ISdArchiveLayer)
class DeserializeAccessRequestFromJson:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, validate_all=False, data=None, create=False, mask_validation_errors=True):
        if data is None:
            data = json_object(self.request)
        data = {k: v for k, v in data.items() if k not in ("@type", "@id")}
        requests.update_draft(self.context, data)
        return self.context
