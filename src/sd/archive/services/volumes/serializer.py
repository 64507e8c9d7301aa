"""``GET {dossier}``: plone.restapi's serialization of a 案卷 with its records in 卷内件号 order
(``volume_records``) beside the usual ``items``."""

from __future__ import annotations

from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeFolderToJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.dossiers import serialize_records
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import ISdArchiveLayer


@implementer(ISerializeToJson)
@adapter(IDossier, ISdArchiveLayer)
class SerializeDossierToJson(SerializeFolderToJson):
    def __call__(self, version=None, include_items=True, include_expansion=True):
        result = super().__call__(
            version=version, include_items=include_items, include_expansion=include_expansion
        )
        result["volume_records"] = serialize_records(self.context)
        return result
