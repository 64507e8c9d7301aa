"""No page a person sees shows a Python dict/list or JSON (#24 item 2: 页面不出现 JSON/repr)."""

import re

import pytest
import transaction
from plone import api

from sd.archive import audit
from sd.archive.corrections import correct_description
from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session

#: a Python repr or JSON of a dict or list, as a page would show it (escaped or not)
REPR = re.compile(
    r"""[\[{](&#0?39;|&#x27;|'|&quot;|&#34;|")[^<>]{0,80}(&#0?39;|&#x27;|'|&quot;|&#34;|")\s*[:,\]]"""
)


@pytest.fixture
def trail(monkeypatch, tmp_path):
    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))


def visible(html: str) -> str:
    """The page without scripts, styles and attributes (what a person reads)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", html)
    return re.sub(r"<[^>]*>", "<>", html)


@pytest.mark.parametrize(
    "where",
    [
        "record",
        "record/@@detection-report",
        "record/@@history",
        "fonds",
        "fonds/@@review-queue",
        "site/@@ledger",
        "site/@@audit-trail",
        "site/@@preservation",
        "site/@@workbench",
    ],
)
def test_page_shows_no_repr(zh_site, zh_page, trail, where):
    fonds = make_fonds(zh_site)
    record = make_record(fonds)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    correct_description(record, {"keywords": ["预算", "决算"]}, "补充关键词")
    audit.log("settings.changed", zh_site, details={"fields": ["a", "b"], "filter": {"x": "y"}})
    transaction.commit()
    base, _sep, view = where.partition("/")
    url = {"record": record, "fonds": fonds, "site": zh_site}[base].absolute_url()
    html = zh_page(rest_session(zh_site, "admin"), f"{url}/{view}" if view else url)
    found = REPR.search(visible(html))
    assert found is None, visible(html)[max(0, found.start() - 200) : found.end() + 200]
