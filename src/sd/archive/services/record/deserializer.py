"""Writes of a 件 or 电子文件 over REST (``PATCH``, ``POST``): the protection rules first.

plone.restapi's deserializer skips read-only fields silently and lets anyone with Modify write
everything else. Here a request that names a server-maintained field, or any field of an
archived record, is refused as a whole with the rule that failed
(``sd.archive.protection.check_write``); nothing is written.
"""

from __future__ import annotations

from plone.restapi.deserializer.dxcontent import DeserializeFromJson
from plone.restapi.interfaces import IDeserializeFromJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.interfaces import IComponent
from sd.archive.interfaces import IRecord
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.protection import check_write
from sd.archive.services.base import json_object

#: keys of a REST body that are not fields (type, id, layout, workflow on create …)
NOT_FIELDS = frozenset(
    {
        "@type",
        "@id",
        "id",
        "UID",
        "layout",
        "review_state",
        "parent",
        "items",
        "@components",
        "is_folderish",
        "ordering",
    }
)


class _ProtectedDeserializer(DeserializeFromJson):
    def check(self, names) -> None:
        """Refuse the write of ``names`` as a whole (raise), before anything is written."""
        check_write(self.context, names)

    def __call__(self, validate_all=False, data=None, create=False, mask_validation_errors=True):
        if data is None:
            data = json_object(self.request)  # malformed: 400 in the sd.archive error shape
        if isinstance(data, dict):
            self.check(set(data) - NOT_FIELDS)
        return super().__call__(
            validate_all=validate_all,
            data=data,
            create=create,
            mask_validation_errors=mask_validation_errors,
        )


@implementer(IDeserializeFromJson)
@adapter(IRecord, ISdArchiveLayer)
class DeserializeRecordFromJson(_ProtectedDeserializer):
    """件."""


@implementer(IDeserializeFromJson)
@adapter(IComponent, ISdArchiveLayer)
class DeserializeComponentFromJson(_ProtectedDeserializer):
    """电子文件."""
