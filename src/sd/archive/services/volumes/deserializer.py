"""Writes of a 案卷 over REST (``PATCH``): the server-computed fields (案卷号, 案卷档号, 起止日期,
件数, 页数) are refused, and so are the class parts (年度, 保管期限, 门类, 机构或问题) of a
numbered volume; the request is refused as a whole, nothing is written."""

from __future__ import annotations

from plone.restapi.deserializer.dxcontent import DeserializeFromJson
from plone.restapi.interfaces import IDeserializeFromJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.dossiers import check_description_write
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.services.base import json_object
from sd.archive.services.record.deserializer import NOT_FIELDS


@implementer(IDeserializeFromJson)
@adapter(IDossier, ISdArchiveLayer)
class DeserializeDossierFromJson(DeserializeFromJson):
    """案卷."""

    def __call__(self, validate_all=False, data=None, create=False, mask_validation_errors=True):
        if data is None:
            data = json_object(self.request)
        if isinstance(data, dict):
            check_description_write(self.context, set(data) - NOT_FIELDS)
        return super().__call__(
            validate_all=validate_all,
            data=data,
            create=create,
            mask_validation_errors=mask_validation_errors,
        )
