"""POST {record}/@strip-seal: strip a seal's digital data, keep its image (去除签章数字信息)."""

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.seals.stripping import strip_seal
from sd.archive.seals.summary import component_seals
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


class StripSealPost(ArchiveService):
    """Body ``{"component": uid, "reason": "..."}``; answers 201 with the new component.

    Verifies first, records the result in the record and the ledger, then adds the stripped
    version linked to the original; on any refusal nothing is stored.
    """

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        new, entry = strip_seal(self.context, body.get("component"), body.get("reason"))
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", new.absolute_url())
        return {
            "@id": new.absolute_url(),
            "component": component_seals(new),
            "strip": entry,
        }
