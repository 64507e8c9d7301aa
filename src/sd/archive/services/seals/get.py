"""GET {record}/@seals: the stored signature and seal verdicts per component (签章验证结果)."""

from plone import api

from sd.archive.seals.stripping import PERMISSION
from sd.archive.seals.summary import record_seals
from sd.archive.services.base import ArchiveService


class SealsGet(ArchiveService):
    """Per component: status, verdicts (DA/T 46 M57–M64 elements), picture URLs; the strip log."""

    def reply(self):
        record = self.context
        return {
            "@id": f"{record.absolute_url()}/@seals",
            "record": record.UID(),
            "archival_code": getattr(record, "archival_code", None),
            "archiving_seal": getattr(record, "archiving_seal", None),
            "seal_stripped": bool(getattr(record, "seal_stripped", False)),
            "strip_log": list(getattr(record, "strip_log", None) or []),
            "components": record_seals(record),
            "can_strip": bool(api.user.has_permission(PERMISSION, obj=record)),
        }
