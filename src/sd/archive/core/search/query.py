"""What a person types into the search box, made into a ZCTextIndex query (检索式).

The box takes words (词, all must match), ``"quoted phrases"`` (短语, also “…”), ``OR`` / 或
between words, and ``-word`` to exclude. Anything else is text: ``AND``/``NOT``, brackets,
``*`` and ``?`` (no wildcards) and an unbalanced quote are read as the characters they are, so
no input can make the index's own query parser fail. Codes — 档号 ``J001-WS·2023-D30-BGS-0001``,
文号 ``鲁某发〔2023〕5号``, 电子文件号 — are phrases of their letter/digit runs and characters,
so they are found whole or by a leading part (``J001-WS·2023``).

The query built here only quotes tokens that :mod:`.segment` produced (letters, digits,
ideographs), so the ZCTextIndex parser sees nothing but quoted tokens, AND, OR, NOT and
brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from . import segment

#: longest query text accepted (字符); longer input is refused, not cut silently
MAX_QUERY_CHARS = 200
#: most terms in one query
MAX_TERMS = 24

_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
_OR_WORDS = {"OR", "或"}
#: a term that is a code rather than words: letters/digits joined by punctuation, or any mix
#: of punctuation inside a term (〔2023〕, ·, -, /)
_CODE = re.compile(
    r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ].*[-·/〔〕\[\]（）()_.].*[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]|〔|〕"
)


class SearchQueryError(ArchiveError):
    """The query text cannot be used (检索式不可用): HTTP 400."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 400, "BadSearchQuery")


@dataclass
class Term:
    text: str
    phrase: bool = False
    exclude: bool = False


@dataclass
class ParsedQuery:
    """``index_query``: for the ZCTextIndex ("" when the text has nothing to search);
    ``words`` and ``phrases``: what to highlight in results (高亮词): words only where the text's
    own segmentation has them, phrases wherever they stand."""

    index_query: str = ""
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    groups: list[list[Term]] = field(default_factory=list)

    def __bool__(self):
        return bool(self.index_query)


def _quote(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def split_terms(text: str) -> list[list[Term]]:
    """The query's terms, in OR-groups (each group: all its terms must match)."""
    groups: list[list[Term]] = [[]]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        exclude = False
        if ch == "-" and i + 1 < n and not text[i + 1].isspace():
            exclude, i = True, i + 1
            ch = text[i]
        if ch in _QUOTES:
            close = text.find(_QUOTES[ch], i + 1)
            if close > i:
                groups[-1].append(Term(text[i + 1 : close], phrase=True, exclude=exclude))
                i = close + 1
                continue
            i += 1  # an unbalanced quote is read as text (the quote itself is not a word)
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _QUOTES:
            j += 1
        word = text[i:j]
        i = j
        if word in _OR_WORDS and not exclude:
            if groups[-1]:
                groups.append([])
            continue
        groups[-1].append(Term(word, phrase=bool(_CODE.search(word)), exclude=exclude))
    return [g for g in groups if g]


def _phrase_clause(text: str) -> tuple[str, list[str]]:
    """Its characters together (the description part) or its words together (file text)."""
    chars = segment.phrase_tokens(text)
    if not chars:
        return "", []
    words = segment.query_words(text)
    together = _quote(chars) if chars == words else f"({_quote(chars)} OR {_quote(words)})"
    clause = [together]
    # the phrase's own words too: a quoted 财务 is not found in 理财务实 (理财/务实)
    clause += [_quote([w]) for w in segment.query_words(text) if len(w) > 1 and segment.is_cjk(w)]
    mark = text.strip()
    return "(" + " AND ".join(clause) + ")", [mark] if mark else []


def _word_clause(text: str) -> tuple[str, list[str]]:
    words = segment.query_words(text)
    parts: list[str] = []
    marks: list[str] = []
    run: list[str] = []  # consecutive single ideographs (a name the dictionary does not know)

    def flush():
        if run:
            parts.append(_quote(run))
            marks.append("".join(run))
        run.clear()

    for word in words:
        if len(word) == 1 and segment.is_cjk(word):
            run.append(word)
            continue
        flush()
        inner = segment.word_clause_parts(word)
        if inner:
            alternative = " AND ".join(_quote([w]) for w in inner)
            parts.append(f"({_quote([word])} OR ({alternative}))")
        else:
            parts.append(_quote([word]))
        marks.append(word)
    flush()
    if not parts:
        return "", []
    return "(" + " AND ".join(parts) + ")", marks


def term_clause(term: Term) -> tuple[str, list[str]]:
    if term.phrase:
        return _phrase_clause(term.text)
    return _word_clause(term.text)


def parse(text: str | None) -> ParsedQuery:
    """Parse the search box text; raises :class:`SearchQueryError` for text too long."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(
            f"query too long: {len(text)} characters, at most {MAX_QUERY_CHARS}",
            [Problem("SEARCH-QUERY-LENGTH", f"at most {MAX_QUERY_CHARS} characters", "q")],
        )
    groups = split_terms(text)
    if sum(len(g) for g in groups) > MAX_TERMS:
        raise SearchQueryError(
            f"too many terms, at most {MAX_TERMS}",
            [Problem("SEARCH-QUERY-TERMS", f"at most {MAX_TERMS} terms", "q")],
        )
    ors: list[str] = []
    words: list[str] = []
    phrases: list[str] = []
    for group in groups:
        positive, negative = [], []
        for term in group:
            clause, term_marks = term_clause(term)
            if not clause:
                continue
            if term.exclude:
                negative.append(clause)
            else:
                positive.append(clause)
                (phrases if term.phrase else words).extend(term_marks)
        if not positive:
            continue  # only exclusions: nothing to find in this group
        expr = " AND ".join(positive)
        if negative:
            expr += " AND NOT " + " AND NOT ".join(negative)
        ors.append(f"({expr})")
    return ParsedQuery(" OR ".join(ors), _unique(words), _unique(phrases), groups)


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [m for m in items if not (m.lower() in seen or seen.add(m.lower()))]
