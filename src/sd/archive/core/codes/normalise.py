"""Normalisation of legacy archival codes (档号规范化).

Legacy, OCR and hand-typed data use look-alike separators. :func:`normalise` maps them to the
two separators of the grammars — ``-`` between levels, ``·`` (U+00B7) inside 类别号 — and
nothing else: it never guesses missing levels or pads numbers, so the grammar still decides.
"""

from __future__ import annotations

import re
import unicodedata

LEVEL_SEPARATOR = "-"
CLASS_SEPARATOR = "\u00b7"  # ·

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DOTS = ".\u2022\u2024\u2027\u2219\u22c5\u30fb\uff65\uff0e\u318d\u0387"
_TRANSLATE = str.maketrans(
    {**{c: LEVEL_SEPARATOR for c in _DASHES}, **{c: CLASS_SEPARATOR for c in _DOTS}}
)
_SPACES = re.compile(r"\s+")
_ASCII_LOWER = re.compile(r"[a-z]+")
_CATEGORY_YEAR = re.compile(r"^([A-Z]{2})(\d{4})")


def normalise(text: str) -> str:
    """Normalise a legacy archival code.

    - full-width letters, digits and hyphens become ASCII (NFKC);
    - dashes (``－ – — ‐ −``) become ``-``; ``.``, ``•``, ``・``, ``∙``, ``⋅`` become ``·``;
    - all white space (also U+3000) is removed; ASCII letters are upper-cased;
    - a middle dot missing between 门类代码 and 年度 is restored: ``Z109-WS2011-…`` →
      ``Z109-WS·2011-…``.
    """
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _SPACES.sub("", text)
    text = _ASCII_LOWER.sub(lambda m: m.group(0).upper(), text)
    levels = text.split(LEVEL_SEPARATOR)
    if len(levels) > 1:
        levels[1] = _CATEGORY_YEAR.sub(rf"\1{CLASS_SEPARATOR}\2", levels[1])
    return LEVEL_SEPARATOR.join(levels)
