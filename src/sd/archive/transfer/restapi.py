"""``GET {batch}``: plone.restapi's serialization of a transfer batch.

Plus its progress and results."""

from __future__ import annotations

from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson
from zope.component import adapter
from zope.interface import implementer

from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.interfaces import ITransferBatch
from sd.archive.transfer.serialize import batch_body


@implementer(ISerializeToJson)
@adapter(ITransferBatch, ISdArchiveLayer)
class SerializeTransferBatchToJson(SerializeToJson):
    def __call__(self, version=None, include_items=True):
        result = super().__call__(version=version, include_items=include_items)
        result["transfer"] = batch_body(self.context)
        return result
