"""The text the findings read (挖掘用文本): normalised, capped, its language judged.

Every finder reads a record's text through :func:`prepare`: NFKC (full-width digits and
letters become half-width, so ``３７０１…`` is found like ``3701…``), at most
:data:`MAX_CHARS` characters (a huge text — a scanned register OCR'd to megabytes — is read
up to the cap, never refused and never an error), ``None`` and non-text read as "".
"""

from __future__ import annotations

import re
import unicodedata

#: the most characters of one text any finder reads (超长文本截断)
MAX_CHARS = 200_000
#: the most characters the entity finder reads (part-of-speech tagging is the slow one)
ENTITY_CHARS = 20_000

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def prepare(text, limit: int = MAX_CHARS) -> str:
    """``text`` normalised (NFKC) and cut to ``limit`` characters; "" for no text."""
    if not isinstance(text, str) or not text:
        return ""
    return unicodedata.normalize("NFKC", text[: limit + 64])[:limit]


def cjk_ratio(text: str) -> float:
    """The share of CJK ideographs among the letters of ``text`` (0.0 without letters)."""
    sample = text[:5000]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return 0.0
    return len(_CJK.findall(sample)) / letters


def is_chinese(text: str, threshold: float = 0.3) -> bool:
    """Does ``text`` read as Chinese (中文为主)? Names are looked for in Chinese text only."""
    return cjk_ratio(text) >= threshold
