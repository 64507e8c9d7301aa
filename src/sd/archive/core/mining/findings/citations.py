"""文号 cited in a text (引用文号): how a reply names the document it answers.

A reply says 《关于……的请示》（鲁某发〔2023〕12号）收悉 or 根据鲁某发[2023]12号文件: an issuer's
prefix (机关代字, 2–10 Chinese characters ending the way prefixes do), a year in brackets and a
number with 号. Business systems write the brackets as 〔〕, [], ［］, 【】, （） or (); a found
文号 is written one way (:func:`normal`: 〔〕, no spaces, no leading zeros), and so is a record's
own 文号 before two are compared — a citation of a record's own 文号 is not a relation.

A 文号 standing alone on its line is the document's own 发文字号 (under its title), not a citation:
a record archived twice, or one whose own 文号 was not described, does not cite itself.

Words that stand before a prefix in running text (根据, 按照, 依据, 关于 …) are not part of it:
:data:`LEADING` lists them and :func:`citations` strips them.
"""

from __future__ import annotations

import re

from .text import prepare

_OPEN = "〔[［【(（"
_CLOSE = "〕]］】)）"
_CITATION = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{2,12}})\s*[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d{{2}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?\s*(?P<number>\d{{1,5}})\s*号"
)
_WHOLE = re.compile(
    rf"^\s*(?P<prefix>[^\s{re.escape(_OPEN)}]+?)\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?\s*(?P<number>\d{{1,5}})\s*号\s*$"
)
#: words that precede a 文号 in running text and are not part of its prefix
LEADING = (
    "根据",
    "依据",
    "按照",
    "遵照",
    "参照",
    "对照",
    "关于",
    "对于",
    "执行",
    "落实",
    "贯彻",
    "转发",
    "印发",
    "你单位",
    "你局",
    "你厅",
    "你委",
    "你们",
    "贵单位",
    "现将",
    "本文",
    "此文",
    "来文",
    "经",
    "据",
    "按",
    "见",
    "对",
    "将",
    "即",
    "的",
    "和",
    "及",
    "与",
    "是",
)
#: the most citations read from one text
MAX_CITATIONS = 100


def _strip(prefix: str) -> str:
    changed = True
    while changed and len(prefix) > 2:
        changed = False
        for word in LEADING:
            if prefix.startswith(word) and len(prefix) - len(word) >= 2:
                prefix = prefix[len(word) :]
                changed = True
                break
    return prefix


def _format(prefix: str, year: str, number: str) -> str:
    return f"{prefix}〔{year}〕{int(number)}号"


def normal(value) -> str:
    """A record's 文号 written one way (鲁某发〔2023〕12号); "" when it is not one."""
    if not isinstance(value, str):
        return ""
    m = _WHOLE.match(prepare(value, 200))
    if not m:
        return ""
    return _format(m["prefix"], m["year"], m["number"])


def variants(value: str) -> list[str]:
    """The ways a business system may have written a normal 文号 (for an exact-match index):
    each bracket pair, with and without leading zeros up to 3 digits."""
    m = _WHOLE.match(value or "")
    if not m:
        return []
    prefix, year, number = m["prefix"], m["year"], str(int(m["number"]))
    numbers = {number, number.zfill(2), number.zfill(3)}
    pairs = ("〔〕", "[]", "［］", "【】", "()", "（）")
    return sorted({f"{prefix}{o}{year}{c}{n}号" for o, c in pairs for n in numbers})


def _stands_alone(text: str, m) -> bool:
    """Is the 文号 the whole of its line (a document's own 发文字号 under its title)? Not when
    words of a sentence ran into its prefix (经研究同意鲁某办发〔2024〕3号)."""
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    line = text[start : end if end >= 0 else len(text)]
    prefix = m["prefix"]
    return line.strip() == m.group(0).strip() and _strip(prefix) == prefix and len(prefix) <= 8


def cited(text, own: str = "") -> list[tuple[str, list[str]]]:
    """Each 文号 cited in ``text``: (the normal 文号 as read, the ways it may be written when
    words of the sentence ran into its prefix — the prefix's endings of 2+ characters, longest
    first), in order of first appearance, without ``own`` (the record's own 文号)."""
    text = prepare(text)
    if not text:
        return []
    mine = normal(own) if own else ""
    found: dict[str, list[str]] = {}
    for m in _CITATION.finditer(text):
        if _stands_alone(text, m):
            continue  # the document's own 发文字号 line, not a citation
        prefix = _strip(m["prefix"])
        shown = _format(prefix, m["year"], m["number"])
        if shown == mine or shown in found:
            continue
        raw = m["prefix"]
        found[shown] = [
            _format(raw[i:], m["year"], m["number"])
            for i in range(len(raw) - 1)
            if _format(raw[i:], m["year"], m["number"]) != mine
        ]
        if len(found) >= MAX_CITATIONS:
            break
    return list(found.items())


def citations(text, own: str = "") -> list[str]:
    """The 文号 cited in ``text``, normal, in order of first appearance, without ``own``."""
    return [shown for shown, _candidates in cited(text, own)]
