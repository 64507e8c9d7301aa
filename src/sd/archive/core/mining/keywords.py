"""Keyword suggestions (主题词建议): the fonds' controlled vocabulary first, then free terms.

A fonds' records officer maintains a :class:`Thesaurus` (主题词表): preferred terms (正式主题词),
each with the non-preferred terms that stand for it (非正式主题词/入口词, "用 X"), a broader
term (上位词) and a scope note (注释). It is imported from an XLSX sheet
(:func:`read_thesaurus_xlsx`, all or nothing, every problem with its row and column) and
exported the same way.

:func:`suggest_keywords` reads a record's title and file text:

1. **vocabulary terms** (词表): every preferred term found in the text, and every non-preferred
   term found, given as its preferred term (text 「公车」 → 主题词 「公务用车」); ranked by how
   often they occur, a term in the title counting :data:`TITLE_WEIGHT` times;
2. **free terms** (自由词), only after them: the record's jieba words of two characters or more,
   ranked by TF-IDF — the term frequency in this record against the document frequency over the
   fonds' records (:class:`TermStatistics`, learned with the arrangement model); words of the
   vocabulary, stop words and numbers are left out.

A text with no Chinese gives no free terms (the statistics are of Chinese words).
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.mining.features import STOPWORDS
from sd.archive.core.mining.features import TEXT_CHARS
from sd.archive.core.mining.features import is_chinese
from sd.archive.core.search import segment

TITLE_WEIGHT = 3
MAX_TERM = 30
HEADERS = {
    "term": ("主题词", "正式主题词", "term"),
    "synonyms": ("非正式主题词", "入口词", "同义词", "synonyms"),
    "broader": ("上位词", "broader"),
    "note": ("注释", "说明", "范围注释", "note"),
}
_SPLIT = re.compile(r"[、,，;；/|\n]+")
_CJK_WORD = re.compile(r"[\u3400-\u9fff]")


class ThesaurusError(ArchiveError):
    """The thesaurus file cannot be imported (主题词表有误): HTTP 422, nothing stored."""

    def __init__(self, message, problems=None, status=422):
        super().__init__(message, list(problems or []), status, "InvalidThesaurus")


@dataclass(frozen=True)
class Term:
    """A preferred term (正式主题词) and the non-preferred terms used for it (入口词)."""

    term: str
    synonyms: tuple[str, ...] = ()
    broader: str = ""
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "term": self.term,
            "synonyms": list(self.synonyms),
            "broader": self.broader,
            "note": self.note,
        }


@dataclass(frozen=True)
class Thesaurus:
    """A fonds' controlled vocabulary (受控主题词表)."""

    terms: tuple[Term, ...] = ()

    def __len__(self) -> int:
        return len(self.terms)

    def entries(self) -> dict[str, str]:
        """Every form found in text (a term or a non-preferred term) → its preferred term."""
        found = {}
        for term in self.terms:
            found[_norm(term.term)] = term.term
            for synonym in term.synonyms:
                found[_norm(synonym)] = term.term
        return found

    def as_list(self) -> list[dict]:
        return [t.as_dict() for t in self.terms]

    @classmethod
    def from_list(cls, rows: Iterable[dict]) -> Thesaurus:
        return cls(
            tuple(
                Term(
                    r["term"],
                    tuple(r.get("synonyms") or ()),
                    r.get("broader", ""),
                    r.get("note", ""),
                )
                for r in rows or ()
            )
        )


def _norm(text: str) -> str:
    return segment.normalize(text).strip()


def _problem(code: str, message: str, where: str, prop: str = "thesaurus") -> Problem:
    return Problem(code, message, where, prop)


def check_terms(terms: list[Term], places: list[str] | None = None) -> list[Problem]:
    """Every problem of a list of terms (empty, too long, twice, a non-preferred term used for
    two terms or also a preferred term, a broader term that is not in the list)."""
    places = places or [f"第{i + 1}条" for i in range(len(terms))]
    problems: list[Problem] = []
    preferred: dict[str, str] = {}
    for term, where in zip(terms, places, strict=True):
        key = _norm(term.term)
        if not key:
            problems.append(_problem("THESAURUS-EMPTY", "主题词为空 / term is empty", where))
            continue
        if len(term.term) > MAX_TERM:
            problems.append(
                _problem("THESAURUS-LONG", f"主题词超过{MAX_TERM}字 / term too long", where)
            )
        if key in preferred:
            problems.append(
                _problem(
                    "THESAURUS-DUPLICATE",
                    f"主题词「{term.term}」重复（{preferred[key]}）/ term given twice",
                    where,
                )
            )
        preferred.setdefault(key, where)
    used: dict[str, str] = {}
    for term, where in zip(terms, places, strict=True):
        for synonym in term.synonyms:
            key = _norm(synonym)
            if key in preferred:
                problems.append(
                    _problem(
                        "THESAURUS-SYNONYM",
                        f"入口词「{synonym}」也是正式主题词 / non-preferred term is a term",
                        where,
                        "synonyms",
                    )
                )
            elif key in used and used[key] != term.term:
                problems.append(
                    _problem(
                        "THESAURUS-SYNONYM",
                        f"入口词「{synonym}」同时指向「{used[key]}」和「{term.term}」"
                        " / non-preferred term used for two terms",
                        where,
                        "synonyms",
                    )
                )
            used[key] = term.term
        if term.broader and _norm(term.broader) not in preferred:
            problems.append(
                _problem(
                    "THESAURUS-BROADER",
                    f"上位词「{term.broader}」不在词表中 / broader term not in the thesaurus",
                    where,
                    "broader",
                )
            )
    return problems


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def read_thesaurus_xlsx(data: bytes) -> Thesaurus:
    """A thesaurus from the first sheet of an XLSX file: a header row naming the columns
    (主题词 required; 入口词/非正式主题词, 上位词, 注释 optional), one term a row, the
    non-preferred terms separated by 、 or ， or ；. Raises :class:`ThesaurusError` listing
    every problem (nothing is imported then)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file is the sender's error
        raise ThesaurusError(
            "不是可读的 XLSX 文件 / not a readable XLSX file",
            [_problem("THESAURUS-FILE", f"{type(error).__name__}", "文件")],
            400,
        ) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns: dict[str, int] = {}
        for index, value in enumerate(header):
            name = _cell(value).lower()
            for key, names in HEADERS.items():
                if name in names and key not in columns:
                    columns[key] = index
        if "term" not in columns:
            raise ThesaurusError(
                "第1行缺少「主题词」列 / the header row has no 主题词 column",
                [_problem("THESAURUS-HEADER", "缺少主题词列 / no term column", "第1行")],
            )
        terms, places = [], []
        for number, row in enumerate(rows, start=2):
            values = {k: _cell(row[i]) if i < len(row) else "" for k, i in columns.items()}
            if not any(values.values()):
                continue
            synonyms = tuple(
                s.strip() for s in _SPLIT.split(values.get("synonyms", "")) if s.strip()
            )
            terms.append(
                Term(values["term"], synonyms, values.get("broader", ""), values.get("note", ""))
            )
            places.append(f"第{number}行")
    finally:
        book.close()
    problems = check_terms(terms, places)
    if problems:
        raise ThesaurusError(f"主题词表有{len(problems)}处错误 / thesaurus has errors", problems)
    return Thesaurus(tuple(terms))


def write_thesaurus_xlsx(thesaurus: Thesaurus) -> bytes:
    """The thesaurus as the XLSX sheet :func:`read_thesaurus_xlsx` reads (导出)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("主题词表")
    sheet.append(["主题词", "入口词", "上位词", "注释"])
    for term in thesaurus.terms:
        sheet.append([term.term, "、".join(term.synonyms), term.broader, term.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- statistics and suggestions ------------------------------------------------------------


#: names of document types (文种) and words of every official document: never a keyword
NOT_KEYWORDS = frozenset(
    "通知 请示 报告 批复 函 复函 意见 决定 命令 公告 通告 通报 纪要 会议纪要 议案 公报 决议 "  # noqa: SIM905
    "工作 事项 有关 情况 方面 单位 部门 相关".split()
)


def keyword_words(text: str) -> list[str]:
    """Candidate free terms of a text: Chinese jieba words of two characters or more, not a
    文种 name or a word every official document has."""
    return [
        w
        for w in segment.words(text)
        if len(w) >= 2 and _CJK_WORD.search(w) and w not in STOPWORDS and w not in NOT_KEYWORDS
    ]


class TermStatistics:
    """Document frequencies of words over a fonds' records (词频统计), for TF-IDF."""

    def __init__(self, documents: int = 0, frequencies: dict[str, int] | None = None):
        self.documents = documents
        self.frequencies = frequencies or {}

    @classmethod
    def learn(cls, texts: Iterable[str], keep: int = 50_000) -> TermStatistics:
        counts: Counter = Counter()
        documents = 0
        for text in texts:
            documents += 1
            counts.update(set(keyword_words(text)))
        return cls(documents, dict(counts.most_common(keep)))

    def idf(self, word: str) -> float:
        return math.log((1 + self.documents) / (1 + self.frequencies.get(word, 0))) + 1


@dataclass(frozen=True)
class KeywordSuggestion:
    """A suggested keyword: the term, where it comes from (``vocabulary`` 词表 or ``free``
    自由词), its score and the form found in the text when that differs (入口词)."""

    term: str
    source: str
    score: float
    found_as: str = ""

    def as_dict(self) -> dict:
        return {
            "term": self.term,
            "source": self.source,
            "score": round(self.score, 3),
            "found_as": self.found_as,
        }


def _count(haystack: str, needle: str) -> int:
    return haystack.count(needle) if needle else 0


def suggest_keywords(
    title: str,
    text: str,
    thesaurus: Thesaurus | None = None,
    statistics: TermStatistics | None = None,
    *,
    limit: int = 8,
    free: int = 4,
    existing: Iterable[str] = (),
) -> list[KeywordSuggestion]:
    """Keywords for a record: vocabulary terms first, then at most ``free`` free terms, at
    most ``limit`` in all; terms the record already has (``existing``) are left out."""
    title_n, text_n = _norm(title or ""), _norm((text or "")[: TEXT_CHARS * 2])
    have = {_norm(e) for e in existing}
    found: dict[str, list] = {}
    if thesaurus is not None and len(thesaurus):
        for form, term in thesaurus.entries().items():
            hits = TITLE_WEIGHT * _count(title_n, form) + _count(text_n, form)
            if not hits:
                continue
            entry = found.setdefault(term, [0.0, ""])
            entry[0] += hits
            if form != _norm(term) and not entry[1]:
                entry[1] = form
    vocabulary = [
        KeywordSuggestion(term, "vocabulary", float(score), form)
        for term, (score, form) in sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))
        if _norm(term) not in have
    ]
    result = vocabulary[:limit]
    room = min(free, limit - len(result))
    if room <= 0 or not is_chinese(f"{title} {text}"):
        return result
    forms = set(thesaurus.entries()) if thesaurus is not None else set()
    chosen = {_norm(k.term) for k in result} | have
    taken = chosen | forms
    counts: Counter = Counter()
    for word in keyword_words(title or ""):
        counts[word] += TITLE_WEIGHT
    counts.update(keyword_words((text or "")[:TEXT_CHARS]))
    scored = []
    for word, count in counts.items():
        if word in taken or any(word in t for t in chosen if len(t) > len(word)):
            continue
        idf = statistics.idf(word) if statistics is not None else 1.0
        scored.append((math.log1p(count) * idf, word))
    scored.sort(key=lambda p: (-p[0], p[1]))
    result.extend(KeywordSuggestion(w, "free", s) for s, w in scored[:room])
    return result
