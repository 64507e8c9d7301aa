"""``GET {record}``: plone.restapi's serialization of a 件 with its components listed.

plone.restapi lists a folder's ``items`` from the catalog; a record's components (电子文件)
are parts of it and never catalogued (``sd.archive.repository``), so they are listed from the
record itself, in their order, as summaries the current user may view.
"""

from __future__ import annotations

from AccessControl import getSecurityManager
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.interfaces import ISerializeToJsonSummary
from plone.restapi.serializer.dxcontent import SerializeFolderToJson
from zope.component import adapter
from zope.component import getMultiAdapter
from zope.interface import implementer

from sd.archive.interfaces import IRecord
from sd.archive.interfaces import ISdArchiveLayer


@implementer(ISerializeToJson)
@adapter(IRecord, ISdArchiveLayer)
class SerializeRecordToJson(SerializeFolderToJson):
    def __call__(self, version=None, include_items=True, include_expansion=True):
        result = super().__call__(
            version=version, include_items=False, include_expansion=include_expansion
        )
        if include_items and self.request.form.get("include_items", "true") != "false":
            allowed = getSecurityManager().checkPermission
            items = [
                getMultiAdapter((component, self.request), ISerializeToJsonSummary)()
                for component in self.context.objectValues()
                if allowed("View", component)
            ]
            result["items"] = items
            result["items_total"] = len(items)
        return result
