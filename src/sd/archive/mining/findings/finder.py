"""The sensitive-content finder of the open-access review (敏感内容发现, #25 hook).

Registered as ``openreview.hints.ISensitiveFinder``: the review page lists, per record, what
the last analysis found (kind, masked excerpt, where). A record not analysed yet (its text
still waiting) is analysed on the spot without keeping anything — a review page never writes.
"""

from __future__ import annotations

from zope.interface import implementer

from sd.archive.core.mining.findings import sensitive
from sd.archive.openreview.hints import ISensitiveFinder

from .settings import configured_patterns
from .sources import segments
from .store import findings_of

#: what each kind is called on a page (zh_CN)
KIND_TITLES = {
    "id_number": "身份证号",
    "mobile": "手机号码",
    "phone": "固定电话",
    "address": "住址",
    "secret_marking": "密级标志",
}


def kind_title(kind: str) -> str:
    """A kind's Chinese name; a configured pattern is shown by its own name."""
    return KIND_TITLES.get(kind, kind)


@implementer(ISensitiveFinder)
class SensitiveFinder:
    """Sensitive findings of a record, masked (3701**********1234)."""

    def findings(self, record) -> list[dict]:
        kept = findings_of(record)
        if "sensitive" in kept:
            found = kept["sensitive"]
        else:
            patterns = configured_patterns()
            found = []
            for where, text in segments(record):
                found += sensitive.findings(text, where, patterns)
        return [
            {
                "kind": item.get("kind", ""),
                "title": kind_title(item.get("kind", "")),
                "excerpt": item.get("excerpt", ""),
                "where": item.get("where", ""),
            }
            for item in found
        ]
