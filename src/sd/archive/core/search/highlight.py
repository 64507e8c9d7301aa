"""Hits marked in a result (命中高亮): an HTML-escaped snippet with ``<mark>`` around hits.

A query word is marked only where the text's own segmentation has it (财务 in 财务预算, not
in 理财务实 — the same rule the index follows); a phrase wherever it stands."""

from __future__ import annotations

import unicodedata
from html import escape

from . import segment

#: characters of context segmented around a candidate word hit
CONTEXT = 16
#: hits looked for per mark (a long file text: the snippet needs the first ones)
MAX_HITS = 32

#: characters shown before the first hit, and in all
BEFORE = 30
WIDTH = 120
ELLIPSIS = "…"


def _comparable(text: str) -> str:
    """Lower case and NFKC, char by char, so positions stay those of ``text``."""
    return "".join(
        (unicodedata.normalize("NFKC", ch).lower() or ch)[0] if ch.strip() else ch for ch in text
    )


def _aligned(hay: str, start: int, end: int) -> bool:
    """Is ``hay[start:end]`` a word of the text's segmentation (or a run of whole words)?"""
    lo = max(0, start - CONTEXT)
    window = hay[lo : end + CONTEXT]
    tok = segment.tokenizer()
    s, e = start - lo, end - lo
    bounds = {0, len(window)}
    for _word, ws, we in tok.tokenize(window, mode="default", HMM=False):
        bounds.update((ws, we))
    if s in bounds and e in bounds:
        return True
    return any(ws == s and we == e for _w, ws, we in tok.tokenize(window, "search", HMM=False))


def find_hits(text: str, words: list[str], phrases: list[str] = ()) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the marks in ``text``, longest mark first."""
    if not text or not (words or phrases):
        return []
    hay = _comparable(text)
    kinds = {_comparable(m): False for m in words if m.strip()}
    kinds.update({_comparable(m): True for m in phrases if m.strip()})
    taken: list[tuple[int, int]] = []
    for mark in sorted(kinds, key=len, reverse=True):
        start, found = hay.find(mark), 0
        while start >= 0 and found < MAX_HITS:
            end = start + len(mark)
            free = all(end <= s or start >= e for s, e in taken)
            if free and (kinds[mark] or not segment.is_cjk(mark) or _aligned(hay, start, end)):
                taken.append((start, end))
                found += 1
            start = hay.find(mark, start + 1)
    return sorted(taken)


def mark_all(text: str, words: list[str], phrases: list[str] = ()) -> str:
    """The whole text, escaped, hits in ``<mark>`` (for a title)."""
    return _render(text or "", find_hits(text or "", words, phrases), 0, len(text or ""))


def snippet(text: str, words: list[str], phrases: list[str] = (), width: int = WIDTH) -> str:
    """A piece of ``text`` around its first hit, escaped, hits in ``<mark>``; "" when the text
    holds no hit (the record matched through another field)."""
    hits = find_hits(text or "", words, phrases)
    if not hits:
        return ""
    first = hits[0][0]
    start = max(0, first - BEFORE)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    return _render(text, hits, start, end)


def _render(text: str, hits: list[tuple[int, int]], start: int, end: int) -> str:
    out = [ELLIPSIS] if start > 0 else []
    pos = start
    for s, e in hits:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(_flat(text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(_flat(text[pos:end])))
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out)


def _flat(text: str) -> str:
    return " ".join(text.split()) if "\n" in text or "\t" in text else text
