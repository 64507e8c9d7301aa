"""Details of an action read as labelled words, never JSON (#24 item 2: 操作详情)."""

import re

import pytest
import transaction

from sd.archive import audit
from sd.archive.browser.details import action_label
from sd.archive.browser.details import readable
from sd.archive.browser.details import value_text
from sd.archive.testing import rest_session


def test_values_in_words_without_a_request():
    rows = readable(
        None,
        {
            "filter": {"actor": "officer", "from": "2026-12-01T00:00:00+00:00", "to": None},
            "fields": ["title", "year"],
            "valid": True,
            "records": [{"uid": "u1", "code": "J001-WS·2023-Y-0001"}],
            "unknown_key": 3,
        },
    )
    assert {r["key"]: r["value"] for r in rows} == {
        "filter": "Operator：officer；From：2026-12-01 08:00:00 北京时间",
        "fields": "title、year",
        "valid": "yes",
        "records": "Code：J001-WS·2023-Y-0001；Record UID：u1",
        "unknown_key": "3",
    }
    assert rows[-1]["key"] == "unknown_key"  # known keys first
    assert value_text(None, None) == value_text(None, []) == "—"
    assert action_label(None, "request.post") == "Request (POST)"
    assert action_label(None, "settings.changed") == "Settings changed"
    assert action_label(None, "test.unknown") == "test.unknown"


@pytest.fixture
def trail(monkeypatch, tmp_path):
    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))


def test_audit_trail_page_shows_details_in_chinese(zh_site, zh_page, trail):
    audit.log(
        "settings.changed",
        zh_site,
        details={"fields": ["title"], "filter": {"actor": "officer"}, "valid": False},
    )
    transaction.commit()
    html = zh_page(rest_session(zh_site, "admin"), f"{zh_site.absolute_url()}/@@audit-trail")
    table = html.split('id="sd-audit-entries"')[1].split("</table>")[0]
    cells = table.split("<tbody>")[1]
    assert "<dt>修改的字段</dt>" in cells and '<dd class="mb-0">title</dd>' in cells
    assert "<dt>查询条件</dt>" in cells and "<dt>审计链完整</dt>" in cells
    assert '<dd class="mb-0">否</dd>' in cells
    assert "修改设置" in cells and "成功" in cells  # the action and its outcome in words
    assert "settings.changed" not in cells and ">ok<" not in cells
    assert not re.search(r"[{}\[\]]|&#34;|&quot;", cells), cells  # no JSON, no repr


def test_record_page_shows_corrections_in_words(zh_site, zh_page, trail):
    from plone import api

    from sd.archive.corrections import correct_description
    from sd.archive.numbering import assign_code
    from sd.archive.testing import make_fonds
    from sd.archive.testing import make_record

    record = make_record(make_fonds(zh_site))
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    correct_description(record, {"keywords": ["预算", "决算"]}, "补充关键词")
    transaction.commit()
    html = zh_page(rest_session(zh_site, "admin"), record.absolute_url())
    row = html.split('id="sd-corrections"')[1].split("</table>")[0]
    assert "关键词：" in row and "→ 预算、决算" in row, row
    assert "['" not in row and "keywords" not in row
