"""The same segmentation and query language for PostgreSQL full text (PostgreSQL 全文检索).

A record's row holds a ``tsvector`` built here from :func:`segment.index_tokens` — the
very token stream the ZCatalog index gets — as a tsvector *literal* with explicit positions
(``'财务':1,7 '预算':2``), not through ``to_tsvector('simple', …)``: PostgreSQL's parser would
split the segmenter's tokens again (``3.5``, ``j001``…) and drop the section boundary, and then a
phrase could run from the description into the file text. A :data:`segment.BOUNDARY` leaves
one position out, so ``<->`` never crosses it.

A query (:func:`build`) takes the terms the search box parser already split
(:func:`query.split_terms`) and writes the same clauses as :mod:`.query` writes for the
ZCatalog: a word is ``(word | (inner & inner))``, a run of single ideographs (an unknown name)
and a phrase are ``<->`` chains, ``OR`` is ``|``, ``-word`` is ``!``. Every lexeme is quoted,
so no input reaches PostgreSQL's tsquery syntax as an operator.
"""

from __future__ import annotations

from . import query as textquery
from . import segment

#: the highest position a tsvector keeps (PostgreSQL clamps larger ones to it)
MAX_POSITION = 16383


def lexeme(token: str) -> str:
    """One quoted lexeme of a tsvector or tsquery literal."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def vector(text: str) -> str:
    """The tsvector literal of a text (索引词流 with positions); "" when nothing to index."""
    positions: dict[str, list[int]] = {}
    pos = 0
    for token in segment.index_tokens(text):
        pos += 1
        if token == segment.BOUNDARY:
            continue  # a gap: no phrase runs across sections
        positions.setdefault(token, []).append(min(pos, MAX_POSITION))
    return " ".join(
        f"{lexeme(tok)}:{','.join(str(p) for p in sorted(set(ps))[:256])}"
        for tok, ps in positions.items()
    )


def _chain(tokens: list[str]) -> str:
    if len(tokens) == 1:
        return lexeme(tokens[0])
    return "(" + " <-> ".join(lexeme(t) for t in tokens) + ")"


def _word(text: str) -> str:
    parts: list[str] = []
    run: list[str] = []

    def flush():
        if run:
            parts.append(_chain(run))
        run.clear()

    for word in segment.query_words(text):
        if len(word) == 1 and segment.is_cjk(word):
            run.append(word)
            continue
        flush()
        inner = segment.word_clause_parts(word)
        if inner:
            parts.append(f"({lexeme(word)} | ({' & '.join(lexeme(w) for w in inner)}))")
        else:
            parts.append(lexeme(word))
    flush()
    return "(" + " & ".join(parts) + ")" if parts else ""


def _phrase(text: str) -> str:
    chars = segment.phrase_tokens(text)
    if not chars:
        return ""
    words = segment.query_words(text)
    together = _chain(chars) if chars == words else f"({_chain(chars)} | {_chain(words)})"
    clause = [together]
    # the phrase's own words too: a quoted 财务 is not found in 理财务实 (理财/务实)
    clause += [lexeme(w) for w in words if len(w) > 1 and segment.is_cjk(w)]
    return "(" + " & ".join(clause) + ")"


def build(text: str | None) -> str:
    """The tsquery literal of the search box text ("" when it has nothing to search).

    Raises :class:`query.SearchQueryError` like :func:`query.parse` (length, terms)."""
    parsed = textquery.parse(text)  # checks length and number of terms, the same errors
    ors: list[str] = []
    for group in parsed.groups:
        positive, negative = [], []
        for term in group:
            clause = _phrase(term.text) if term.phrase else _word(term.text)
            if clause:
                (negative if term.exclude else positive).append(clause)
        if not positive:
            continue
        ors.append("(" + " & ".join(positive + [f"!{n}" for n in negative]) + ")")
    return " | ".join(ors)
