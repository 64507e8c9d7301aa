"""Findings in a record's text (挖掘发现, #28 items 3–5): pure Python, no Zope.

- :mod:`.entities` — people, organisations and places (人名、机构名、地名);
- :mod:`.neardup` — near-duplicate text: MinHash signatures, banding LSH (近似重复);
- :mod:`.citations` — 文号 cited in a text (引用文号 → 关联档案);
- :mod:`.sensitive` — sensitive content for the open-access review (敏感内容);
- :mod:`.text` — the text they read: normalised, capped, its language judged.

:func:`analyse` runs them all over one text. Nothing here decides: every result is a
suggestion a person accepts or rejects on the Plone side. Bad input (no text, text in another
language, a huge text, a bad configured pattern) gives no finding, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from . import citations as _citations
from . import entities as _entities
from . import neardup as _neardup
from . import sensitive as _sensitive
from .text import is_chinese
from .text import prepare


@dataclass
class Analysis:
    """What one record's text holds (一件档案的挖掘结果)."""

    entities: dict[str, list[str]] = field(default_factory=dict)
    citations: list[str] = field(default_factory=list)
    #: each cited 文号 with the ways it may be written (:func:`.citations.cited`)
    cited: list[tuple[str, list[str]]] = field(default_factory=list)
    signature: bytes = b""
    #: the length the near-duplicate check reads (:func:`.neardup.size`)
    shingled: int = 0
    sensitive: list[dict] = field(default_factory=list)
    chinese: bool = False
    chars: int = 0


def analyse(segments, own_number: str = "", patterns=()) -> Analysis:
    """Analyse a record's text given as ``segments`` — (where, text) pairs, one per file —
    with the record's own 文号 ``own_number`` and the archive's configured ``patterns``."""
    segments = [(where, prepare(text)) for where, text in segments or ()]
    segments = [(where, text) for where, text in segments if text.strip()]
    whole = "\n".join(text for _where, text in segments)
    result = Analysis(chars=len(whole))
    if not whole:
        result.entities = {kind: [] for kind in _entities.KINDS}
        return result
    result.chinese = is_chinese(whole)
    result.entities = _entities.extract(whole)
    result.cited = _citations.cited(whole, own=own_number)
    result.citations = [shown for shown, _candidates in result.cited]
    sig = _neardup.signature(whole)
    result.signature = _neardup.to_bytes(sig) if sig is not None else b""
    result.shingled = _neardup.size(whole)
    for where, text in segments:
        result.sensitive += _sensitive.findings(text, where, patterns)
    return result
