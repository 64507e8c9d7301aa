"""A search result row (检索结果行): 档号, 题名, 年度, 责任者, state, with hits marked.

Rows come from catalog metadata (no record is woken), except the snippet of file text, which
reads the text of the page's records only, and only for a caller who may read it (View on the
record, or — anonymous — the fonds' public reading; :mod:`sd.archive.access.public`).
"""

from __future__ import annotations

from html import escape

import Missing
from plone import api
from zope.i18n import translate
from zope.i18nmessageid import MessageFactory

from sd.archive.core.search import highlight

from .engine import Criteria
from .engine import Outcome

_plone = MessageFactory("plone")


def snippet_of(brain, c: Criteria, full_text: bool) -> str:
    """The piece of the record's text around a hit (HTML, hits in ``<mark>``).

    ``full_text``: may the caller read the record's file text (View, or public reading)?
    Otherwise the snippet comes from the catalogue entry only (说明)."""
    words, phrases = c.marks
    if not (words or phrases):
        return ""
    text = brain.Description or ""
    found = highlight.snippet(text, words, phrases)
    if found or not full_text:
        return found
    from sd.archive.indexers.searchable import metadata_text
    from sd.archive.indexers.searchable import record_text

    obj = brain._unrestrictedGetObject()
    return highlight.snippet(record_text(obj), words, phrases) or highlight.snippet(
        metadata_text(obj), words, phrases
    )


#: the workflow's state titles (msgids of the ``plone`` domain, zh_CN in locales/plone.po)
STATE_TITLES = {
    "pre_archived": "Pre-archived",
    "archived": "Archived",
    "transfer_pending": "Transfer pending",
    "transferred": "Transferred",
    "received": "Received",
    "open": "Open",
    "controlled": "Controlled",
    "appraisal": "Appraisal",
    "destroyed": "Destroyed",
    "rejected": "Rejected",
}


def state_title(state: str, request) -> str:
    msgid = STATE_TITLES.get(state or "")
    if not msgid:
        return state or ""
    return translate(_plone(msgid), context=request, target_language="zh_CN")


def _value(brain, name):
    value = getattr(brain, name, None)
    return None if value is Missing.Value else value


def _readable(brain) -> tuple[bool, str]:
    """(may the caller read the file text, the public reading URL for anonymous or "")."""
    if not api.user.is_anonymous():
        return True, ""  # the catalog found it with the caller's View: the row's own link
    try:
        from sd.archive.access.public import public_read_url
        from sd.archive.access.public import readable
    except ImportError:  # public reading not there: catalogue entries only
        return False, ""
    obj = brain._unrestrictedGetObject()
    if readable(obj):
        return True, public_read_url(obj)
    return False, ""


def row(brain, outcome: Outcome, request) -> dict:
    c = outcome.criteria
    words, phrases = c.marks
    title = brain.Title or ""
    code = _value(brain, "archival_code") or ""
    number = _value(brain, "document_number") or ""
    author = _value(brain, "author") or ""
    date = _value(brain, "document_date")
    anonymous = api.user.is_anonymous()
    full_text, public_url = _readable(brain) if (words or phrases) or anonymous else (True, "")
    return {
        "@id": "" if anonymous else brain.getURL(),
        "UID": brain.UID,
        "public_read_url": public_url,
        "archival_code": code,
        "title": title,
        "year": _value(brain, "archive_year"),
        "author": author,
        "document_number": number,
        "electronic_record_id": _value(brain, "electronic_record_id") or "",
        "document_date": date.isoformat() if hasattr(date, "isoformat") else None,
        "fonds_code": _value(brain, "fonds_code") or "",
        "retention_period": _value(brain, "retention_period") or "",
        "security_level": _value(brain, "security_level") or "",
        "open_status": _value(brain, "open_status") or "",
        "review_state": brain.review_state or "",
        "review_state_title": state_title(brain.review_state, request),
        "highlight": {
            "title": highlight.mark_all(title, words, phrases),
            "archival_code": highlight.mark_all(code, words, phrases),
            "document_number": highlight.mark_all(number, words, phrases),
            "author": highlight.mark_all(author, words, phrases),
            "snippet": snippet_of(brain, c, full_text) if (words or phrases) else "",
        },
    }


def rows(outcome: Outcome, request) -> list[dict]:
    return [row(brain, outcome, request) for brain in outcome.brains]


def plain(text: str) -> str:
    """Escape for a page (a helper for templates that build HTML)."""
    return escape(text or "")
