"""One search over the records (档案检索): field criteria, full text, facets, sort, batch.

``@archive-search`` (REST) and ``@@archive-search`` (the page) both call :func:`run` with the
request's parameters (:func:`criteria_from` reads and checks them: a malformed date or year, an
unknown sort, an over-long query answer 400 in the error shape, never 500). The run asks the
catalog once, with the caller's ``allowedRolesAndUsers`` (what Plone's ``searchResults``
adds), and takes from that one result set the page (by relevance or a sort index), the total
and the facet counts (分面计数) — so a count never includes a record the caller may not see.

Anonymous visitors (公开目录) are limited to open records (``review_state`` ``open``): the
workflow lets them find those only, and the run says so again in the query.
"""

from __future__ import annotations

import datetime
import heapq
import re
from dataclasses import dataclass
from dataclasses import field

from BTrees.IIBTree import IIBucket
from BTrees.IIBTree import IISet
from DateTime import DateTime
from plone import api

from sd.archive.core.errors import Problem
from sd.archive.core.search import query as textquery
from sd.archive.core.search.query import SearchQueryError
from sd.archive.search.columns import Hits
from sd.archive.search.facets import facet_counts
from sd.archive.search.resultset import result_set

#: request parameter → catalog index, for exact criteria (several values: any of them)
FIELDS = {
    "archival_code": "archival_code",  # 档号
    "document_number": "document_number",  # 文号
    "electronic_record_id": "electronic_record_id",  # 电子文件号
    "author": "author",  # 责任者
    "keywords": "keywords",  # 主题词
    "org_code": "org_code",  # 机构或问题
    "category": "category_code",  # 门类
    "retention": "retention_period",  # 保管期限
    "security_level": "security_level",  # 密级
    "open_status": "open_status",  # 开放状态
    "fonds": "fonds_code",  # 全宗
    "review_state": "review_state",  # 状态
    "record_kind": "record_kind",  # 类型
    # names found in the file text (挖掘发现 #28: 人名、机构、地名), rejected ones left out
    "people": "mining_people",
    "organisations": "mining_organisations",
    "places": "mining_places",
}
#: criteria on a KeywordIndex (a record holds several values: any of them)
KEYWORD_FIELDS = ("keywords", "people", "organisations", "places")
SORTS = {
    "relevance": None,
    "archival_code": "archival_code",
    "year": "archive_year",
    "date": "document_date",
    "title": "sortable_title",
    "created": "created",
}
MAX_BATCH = 100
DEFAULT_BATCH = 20
#: the longest value of an exact field (档号, 文号 … are short)
MAX_FIELD_CHARS = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OPEN_STATE = "open"


@dataclass
class Criteria:
    """The checked parameters of one search (检索条件)."""

    text: textquery.ParsedQuery = field(default_factory=textquery.ParsedQuery)
    title: textquery.ParsedQuery = field(default_factory=textquery.ParsedQuery)
    exact: dict[str, list[str]] = field(default_factory=dict)
    code_prefix: str = ""
    year_from: int | None = None
    year_to: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort_on: str = ""
    reverse: bool = False
    b_start: int = 0
    b_size: int = DEFAULT_BATCH

    @property
    def marks(self) -> tuple[list[str], list[str]]:
        return (self.text.words + self.title.words, self.text.phrases + self.title.phrases)


def _bad(code: str, message: str, where: str) -> SearchQueryError:
    return SearchQueryError(message, [Problem(code, message, where)])


def _values(params, name, limit: int | None = MAX_FIELD_CHARS) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        if not isinstance(item, str | int):
            raise _bad("SEARCH-PARAM", f"{name}: a text value expected", name)
        item = str(item).strip()
        if limit and len(item) > limit:
            raise _bad("SEARCH-PARAM", f"{name}: at most {limit} characters", name)
        if item:
            out.append(item)
    return out


def _one(params, name, limit: int | None = MAX_FIELD_CHARS) -> str:
    values = _values(params, name, limit)
    return values[0] if values else ""


def _int(params, name, low, high, code) -> int | None:
    value = _one(params, name)
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise _bad(code, f"{name}: a number from {low} to {high} expected, got {value!r}", name)
    return int(value)


def _date(params, name) -> datetime.date | None:
    value = _one(params, name)
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _bad(
            "SEARCH-DATE", f"{name}: a date YYYY-MM-DD expected, got {value!r}", name
        ) from None


def criteria_from(params) -> Criteria:
    """Read and check the search parameters (a request's form or a dict)."""
    c = Criteria()
    # the text parser says itself what is too long (SEARCH-QUERY-LENGTH)
    c.text = textquery.parse(_one(params, "q", None) or _one(params, "SearchableText", None))
    c.title = textquery.parse(_one(params, "title", None))
    for name in FIELDS:
        values = _values(params, name)
        if values:
            c.exact[name] = values
    c.code_prefix = _one(params, "archival_code_prefix")
    year = _int(params, "year", 1900, 2999, "SEARCH-YEAR")
    c.year_from = year or _int(params, "year_from", 1900, 2999, "SEARCH-YEAR")
    c.year_to = year or _int(params, "year_to", 1900, 2999, "SEARCH-YEAR")
    c.date_from = _date(params, "date_from")
    c.date_to = _date(params, "date_to")
    if c.date_from and c.date_to and c.date_from > c.date_to:
        raise _bad("SEARCH-DATE", "date_from is after date_to", "date_from")
    sort_on = _one(params, "sort_on") or ("relevance" if c.text or c.title else "archival_code")
    if sort_on not in SORTS:
        raise _bad("SEARCH-SORT", f"sort_on: one of {', '.join(SORTS)}", "sort_on")
    c.sort_on = sort_on
    c.reverse = _one(params, "sort_order") in ("descending", "reverse", "desc")
    c.b_start = _int(params, "b_start", 0, 10**7, "SEARCH-BATCH") or 0
    size = _int(params, "b_size", 1, MAX_BATCH, "SEARCH-BATCH")
    c.b_size = size or DEFAULT_BATCH
    return c


def catalog_query(c: Criteria, anonymous: bool) -> dict:
    """The catalog query of the criteria (without the caller's security, added by :func:`run`)."""
    q: dict = {"portal_type": "Record"}
    if c.text:
        q["SearchableText"] = c.text.index_query
    if c.title:
        q["record_title"] = c.title.index_query
    for name, values in c.exact.items():
        q[FIELDS[name]] = {"query": values, "operator": "or"} if name in KEYWORD_FIELDS else values
    if c.code_prefix:
        q["archival_code"] = {
            "query": (c.code_prefix, c.code_prefix + "\uffff"),
            "range": "min:max",
        }
    if c.year_from or c.year_to:
        years = (c.year_from or 1900, c.year_to or 2999)
        q["archive_year"] = {"query": years, "range": "min:max"}
    if c.date_from or c.date_to:
        if c.date_from and c.date_to:
            q["document_date"] = {"query": (c.date_from, c.date_to), "range": "min:max"}
        elif c.date_from:
            q["document_date"] = {"query": c.date_from, "range": "min"}
        else:
            q["document_date"] = {"query": c.date_to, "range": "max"}
    if anonymous:
        q["review_state"] = OPEN_STATE  # 公开目录: open records only, whatever was asked
    return q


def secured(catalog, query: dict) -> dict:
    """``query`` with what Plone's ``searchResults`` adds for the current user."""
    user = api.user.get_current()
    query = dict(query)
    query["allowedRolesAndUsers"] = catalog._listAllowedRolesAndUsers(user)
    if not catalog.allow_inactive(query):
        query["effectiveRange"] = DateTime()
    return query


def _score_then_rid(item):
    return (item[1], item[0])


def ranked(rs, end: int, reverse: bool = False) -> list[tuple[int, int]]:
    """The first ``end`` (score, record id) of a scored result set, highest score first (lowest
    with ``reverse``), ties by the higher id first — the order of ``rs.byValue(0)`` — picked
    with a heap of ``end`` items instead of sorting the whole set (按相关度取一页)."""
    pick = heapq.nsmallest if reverse else heapq.nlargest
    return [(score, rid) for rid, score in pick(end, rs.items(), key=_score_then_rid)]


def page(catalog, rs, c: Criteria):
    """The brains of the requested batch."""
    cat = catalog._catalog
    end = c.b_start + c.b_size
    if SORTS[c.sort_on] is None and isinstance(rs, Hits) and rs.scores is not None:
        return [cat[rid] for _score, rid in rs.top(end, c.reverse)[c.b_start :]]
    if SORTS[c.sort_on] is None and hasattr(rs, "items"):
        return [cat[rid] for _score, rid in ranked(rs, end, c.reverse)[c.b_start :]]
    if isinstance(rs, Hits):
        rs = IISet(rs.keys())
    index = cat.getIndex(SORTS[c.sort_on] or "archival_code")
    brains = cat.sortResults(rs, index, c.reverse, limit=end, merge=True)
    return list(brains[c.b_start : end])


@dataclass
class Outcome:
    """What one search found (检索结果)."""

    criteria: Criteria
    total: int = 0
    brains: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)


def postgresql_result_set(catalog, query: dict, text: str):
    """The result set when the full text is PostgreSQL's (``SD_ARCHIVE_SEARCH_BACKEND``):
    the catalog answers every other criterion, PostgreSQL the text (with the caller's
    ``allowedRolesAndUsers`` against the row's ``allowed``); the two meet by UID, the ranks of
    PostgreSQL (``ts_rank``) becoming the scores a relevance sort reads."""
    from sd.archive.search import postgresql

    query = {k: v for k, v in query.items() if k != "SearchableText"}
    rs = result_set(catalog, query)
    if not rs:
        return rs
    found = postgresql.search(text, query["allowedRolesAndUsers"])
    ids = rs if isinstance(rs, IISet) else IISet(rs.keys() if hasattr(rs, "keys") else rs)
    rid_of = catalog._catalog.getIndex("UID")._index
    scored = IIBucket()
    for uid, rank in found:
        rid = rid_of.get(uid)
        if rid is not None and rid in ids:
            scored[rid] = int(rank * 1_000_000) + 1
    return scored


def run(params, with_facets: bool = True) -> Outcome:
    """Search records with ``params`` as the current user; raises SearchQueryError (400)."""
    from sd.archive.search import postgresql

    c = criteria_from(params)
    catalog = api.portal.get_tool("portal_catalog")
    query = secured(catalog, catalog_query(c, api.user.is_anonymous()))
    if c.text and postgresql.enabled():
        text = _one(params, "q", None) or _one(params, "SearchableText", None)
        rs = postgresql_result_set(catalog, query, text)
    else:
        rs = result_set(catalog, query)
    if not rs:
        return Outcome(c)
    facets = facet_counts(catalog, rs) if with_facets else {}
    if api.user.is_anonymous():
        facets.pop("people", None)  # 公开目录: no list of persons' names (挖掘发现 #28)
    return Outcome(c, total=len(rs), brains=page(catalog, rs, c), facets=facets)
