"""Canonical XML 1.0 escaping (规范化XML转义), shared by the EEP writer and reader.

The writer emits 被签名对象 already in canonical form, the reader re-serialises what it
parses; both hash the same bytes, so a package signature survives copying, never rewriting.
"""

from __future__ import annotations

import re

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"}
)
# Characters that XML 1.0 cannot carry at all.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    return value.translate(_TEXT)


def attr(value: str) -> str:
    return value.translate(_ATTR)


def has_invalid_chars(value: str) -> bool:
    return bool(_INVALID.search(value))
