"""Chinese word segmentation for search (中文分词): jieba in search mode, index and query alike.

Why jieba's *search mode* (``cut_for_search``): its default mode keeps 财务预算 as one word,
so a query 财务 would miss it; search mode adds the dictionary words inside a long word
(财务, 预算 inside 财务预算), so 财务 finds 财务预算 and 财务, and — unlike Plone's stock
character bigrams (理财务实 → 理财/财务/务实) — not 理财务实 (jieba: 理财/务实).

The token stream of one text (``index_tokens``) has three sections, each in text order:

1. **words** (词): jieba's default segmentation (no HMM: the same text always gives the same
   words, and unknown names fall apart into characters, which a phrase finds);
2. **inner words** (词内词): the dictionary 2- and 3-character words inside each word longer
   than two characters — what ``cut_for_search`` adds to section 1;
3. **characters** (字序列) of the *description* part only (题名, 档号, 文号 … — short): Chinese
   one character a token, Latin letters and digits one run a token, so a quoted phrase is found
   there wherever its characters stand, across word boundaries (预算报告 inside 财务预算报告).
   The file text (long) is left out of section 3: it would double the index (measured: indexing
   time grows with the tokens, bench/bench_search.py); a phrase is found in file text when its
   words stand together in section 1 — a phrase of whole words.

A record's SearchableText gives its description part, then :data:`BODY` and the file text
(``document_tokens``); a text without :data:`BODY` is all description.
A :data:`BOUNDARY` token separates the sections, so no phrase runs from one into the next.
A query is cut into section-1 words (``query_words``); quoted phrases and codes into
section-3 tokens (``phrase_tokens``). Normalisation (归一化) is NFKC (full-width Ａ１ → a1),
then lower case; punctuation and spaces are never tokens.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

#: separates the sections of a token stream (never produced from text: it is not a word)
BOUNDARY = "\x1e"
#: separates a record's description part from its file text in the text given to the index
BODY = "\x1d"

#: a token worth indexing: at least one letter, digit or CJK ideograph
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: glob characters of ZCTextIndex: searched for as text, never as wildcards
_GLOB = str.maketrans({"*": " ", "?": " "})

_lock = threading.Lock()
_tokenizer = None
_cut = None


def tokenizer():
    """jieba's tokenizer with its bundled dictionary, loaded once per process (~0.7 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _tokenizer = jieba.dt
    return _tokenizer


def cutter():
    """The default-mode cut without HMM: ``rjieba`` (jieba-rs, the same dictionary and
    algorithm, ~25× faster: 0.2 ms instead of 4 ms for 500 characters) when installed, else
    jieba itself. tests/core/search checks that both cut alike."""
    global _cut
    if _cut is None:
        try:
            import rjieba

            _cut = lambda text: rjieba.cut(text, False)  # noqa: E731
        except ImportError:  # pragma: no cover - rjieba is a dependency; jieba is the reference
            _cut = lambda text: tokenizer().cut(text, HMM=False)  # noqa: E731
    return _cut


def normalize(text: str) -> str:
    """NFKC and lower case (全角转半角、小写); glob characters become spaces."""
    return unicodedata.normalize("NFKC", text or "").lower().translate(_GLOB)


def is_cjk(token: str) -> bool:
    return bool(_CJK.search(token))


def words(text: str) -> list[str]:
    """Section 1: jieba's default words of ``text`` (normalised), punctuation dropped."""
    norm = normalize(text)
    if not norm.strip():
        return []
    return [w for w in cutter()(norm) if _WORDLIKE.search(w)]


def inner_words(word: str) -> list[str]:
    """Section 2 for one word: the dictionary words of 2 and 3 characters inside it
    (jieba ``cut_for_search``'s rule: 2-grams of words longer than 2, 3-grams of words longer
    than 3, those the dictionary knows)."""
    if len(word) <= 2 or not is_cjk(word):
        return []
    freq = tokenizer().FREQ
    found = [word[i : i + 2] for i in range(len(word) - 1) if freq.get(word[i : i + 2])]
    if len(word) > 3:
        found += [word[i : i + 3] for i in range(len(word) - 2) if freq.get(word[i : i + 3])]
    return found


def characters(tokens: list[str]) -> list[str]:
    """Section 3: Chinese words broken into characters, Latin/digit runs kept whole."""
    out: list[str] = []
    for token in tokens:
        if is_cjk(token):
            out.extend(ch for ch in token if _WORDLIKE.match(ch))
        else:
            out.append(token)
    return out


def index_tokens(text: str) -> list[str]:
    """The whole token stream of a text for the index (索引词流), three sections; the part
    after :data:`BODY` (file text) has no section 3."""
    head, _sep, body = (text or "").partition(BODY)
    described = words(head)
    bodied = words(body)
    if not (described or bodied):
        return []
    section1 = [*described, BOUNDARY, *bodied] if bodied else described
    section2 = [inner for word in section1 for inner in inner_words(word)]
    return [*section1, BOUNDARY, *section2, BOUNDARY, *characters(described)]


def search_tokens(text: str) -> list[str]:
    """``cut_for_search`` of a text (words and their inner words, in jieba's order); what a
    plain word query is matched against (sections 1 and 2 of the index)."""
    out: list[str] = []
    for word in words(text):
        out.extend(inner_words(word))
        out.append(word)
    return out


def query_words(text: str) -> list[str]:
    """A query's words (section 1 tokens): the same segmentation as the index."""
    return words(text)


def phrase_tokens(text: str) -> list[str]:
    """A phrase's characters (section 3 tokens) — found wherever they stand together."""
    return characters(words(text))


@lru_cache(maxsize=4096)
def word_clause_parts(word: str) -> tuple[str, ...]:
    """Inner words of a query word, cached (queries repeat)."""
    return tuple(inner_words(word))
