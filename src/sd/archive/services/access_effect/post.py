"""POST {request}/@access-effect: the requester records the effect of use (利用效果).

Body: ``{"effect": "…"}``; answers 200 with the request. Only the requester, only once the
request was approved (also after its period)."""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.access import requests
from sd.archive.services.access_requests.common import request_json
from sd.archive.services.base import ArchiveService


class AccessEffectPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        requests.record_effect(self.context, self.json_body().get("effect"))
        return request_json(self.context)
