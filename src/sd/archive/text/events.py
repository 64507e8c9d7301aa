"""The event after a record's text changed (文本已提取事件).

:func:`sd.archive.text.store.extract_record` notifies :class:`TextExtracted` when the kept
text of a record changed (new, changed, failed or removed files), in the same transaction,
after ``SearchableText`` is reindexed. Subscribers (the mining findings, #28) read the text with
:func:`sd.archive.text.record_text` and must never raise for a bad text: the worker's step goes
on with the AIP.
"""

from __future__ import annotations

from zope.interface import implementer
from zope.interface.interfaces import IObjectEvent
from zope.interface.interfaces import ObjectEvent


class ITextExtracted(IObjectEvent):
    """A record's file text changed (文本已提取)."""


@implementer(ITextExtracted)
class TextExtracted(ObjectEvent):
    """``object`` is the record."""
