"""案卷整理 over REST (DA/T 13-2022 按卷).

- ``POST {fonds}/@volumes``: make a volume from its description (``title``, ``year``,
  ``retention_period``, ``category``, ``org_code``, ``compiler``, ``checker``, ``compiled_on``,
  ``security_level``, ``note``, ``case_number``) → 201, ``Location``, the volume with its
  案卷号 and 案卷档号; ``GET {fonds}/@volumes``: the fonds' volumes.
- ``POST {dossier}/@volume-records``: ``{"records": [UID or path, …], "reason": "…",
  "order": "date"|"given"}`` puts records in; ``{"remove": [UID or path, …], "reason": "…"}``
  takes them out; ``"preview": true`` answers what would happen and stores nothing. 200 with
  the volume and its records in order. ``GET {dossier}/@volume-records``: the records in order.

A refusal answers with the error shape (which rule failed, on which record) and stores nothing.
"""

from __future__ import annotations

from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive import dossiers
from sd.archive.content.dossier import DOSSIER_SERVER_FIELDS
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import json_object


def volume_json(dossier) -> dict:
    """A volume's description (案卷级著录) as the REST API gives it."""
    out = {"@id": dossier.absolute_url(), "UID": dossier.UID(), "title": dossier.Title()}
    for name in (*sorted(DOSSIER_SERVER_FIELDS), *dossiers.DESCRIPTION_FIELDS[1:]):
        value = getattr(dossier, name, None)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


class VolumesPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        dossier = dossiers.create_volume(self.context, json_object(self.request))
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", dossier.absolute_url())
        return {**volume_json(dossier), "records": []}


class VolumesGet(ArchiveService):
    def reply(self):
        items = [volume_json(d) for d in dossiers.fonds_volumes(self.context)]
        return {"@id": f"{self.context.absolute_url()}/@volumes", "items": items}


class VolumeRecordsPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_object(self.request)
        reason = body.get("reason")
        has_place, has_remove = "records" in body, "remove" in body
        if has_place == has_remove:
            raise dossiers.VolumeRefused(
                "请给出 records（组入）或 remove（调出）之一 / give either records or remove",
                [],
                400,
                "BadRequest",
            )
        preview = body.get("preview") is True
        if has_place:
            records = dossiers.resolve(self.context, body.get("records"))
            order = body.get("order") or dossiers.core.ORDER_DATE
            if preview:
                rows = dossiers.plan_placement(self.context, records, order)
                return {**dossiers.outcome(self.context, rows), "preview": True}
            result = dossiers.place_in_volume(self.context, records, reason, order)
        else:
            records = dossiers.resolve(self.context, body.get("remove"))
            if preview:
                rows = dossiers.plan_removal(self.context, records)
                return {**dossiers.outcome(self.context, rows), "preview": True}
            result = dossiers.remove_from_volume(self.context, records, reason)
        return {**volume_json(self.context), **result}


class VolumeRecordsGet(ArchiveService):
    def reply(self):
        return {**volume_json(self.context), "records": dossiers.serialize_records(self.context)}
