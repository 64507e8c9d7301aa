"""Sensitive-content hints for the open-access review (敏感内容提示, #25 item 6 / #28).

The review page shows, per record, "reasons to look closer" (需重点审查的理由): passages a
finder thinks may be sensitive (personal data, state secrets, commercial secrets …). The
finder itself belongs to the mining area (#28); this module only defines the hook it
registers against:

    <utility
        factory=".finder.SensitiveFinder"
        provides="sd.archive.openreview.hints.ISensitiveFinder"
        />

When no finder is registered the review shows nothing (no hints, no error). A finder that
fails on one record does not stop the review: its error is logged and the record shows no
hints.
"""

from __future__ import annotations

import logging

from zope.component import queryUtility
from zope.interface import Interface

logger = logging.getLogger(__name__)

#: keys of one finding (``title``, the kind's name for a page, is optional)
FINDING_KEYS = ("kind", "excerpt", "where")


class ISensitiveFinder(Interface):
    """Finds passages of a record a reviewer should look at before opening it (敏感内容发现)."""

    def findings(record):
        """A list of findings for ``record`` (a Record object), each a dict with

        - ``kind``: a short machine name of what was found (e.g. ``"id_number"``,
          ``"phone"``, ``"secret_marking"``),
        - ``excerpt``: the passage, short (the page shows it as text, never as HTML),
        - ``where``: where it was found (component name, page, field …),
        - optionally ``title``: the kind's name as a page shows it (身份证号 …).

        An empty list when nothing was found. Must not change the record.
        """


def finder():
    """The registered finder, or None."""
    return queryUtility(ISensitiveFinder)


def hints_for(record) -> list[dict]:
    """The findings of the registered finder for ``record`` ([] with no finder or on its
    failure), each normalised to the three keys as strings."""
    utility = finder()
    if utility is None:
        return []
    try:
        found = utility.findings(record) or []
    except Exception:  # a hint finder must never break the review
        logger.exception("sensitive finder failed on %s", getattr(record, "getId", lambda: "?")())
        return []
    hints = []
    for item in found:
        if not isinstance(item, dict):
            continue
        hint = {key: str(item.get(key) or "") for key in FINDING_KEYS}
        hint["title"] = str(item.get("title") or "")
        hints.append(hint)
    return hints
