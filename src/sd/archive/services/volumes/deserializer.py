"""Writes of a 案卷 over REST (``PATCH``): the server-computed fields (案卷号, 案卷档号, 起止日期,
件数, 页数) are refused, and so are the class parts (年度, 保管期限, 门类, 机构或问题) of a
numbered volume; the request is refused as a whole, nothing is written."""

from __future__ import annotations

from plone.restapi.interfaces import IDeserializeFromJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.dossiers import check_description_write
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.services.record.deserializer import _ProtectedDeserializer


@implementer(IDeserializeFromJson)
@adapter(IDossier, ISdArchiveLayer)
class DeserializeDossierFromJson(_ProtectedDeserializer):
    """案卷."""

    def check(self, names) -> None:
        check_description_write(self.context, names)
