"""Batch description (批量著录, #24.3): preview, all-or-nothing apply, the correction path."""

import pytest

from sd.archive.catalogues.batch import BatchDescription
from sd.archive.core.errors import ArchiveError
from sd.archive.testing import make_record


@pytest.fixture
def mixed(catalogued, fonds):
    """Two archived records and one pre-archived record."""
    draft = make_record(fonds, 50, author="旧责任者")
    return [catalogued[0], catalogued[1], draft]


def batch(fonds, records, field="author", value="综合处", reason="机构更名"):
    return BatchDescription.from_body(
        fonds,
        {"uids": [r.UID() for r in records], "field": field, "value": value, "reason": reason},
    )


def test_preview_shows_old_new_and_path_and_writes_nothing(fonds, mixed):
    rows = batch(fonds, mixed).preview()
    assert [r["action"] for r in rows] == ["correct", "correct", "edit"]
    assert [(r["old"], r["new"]) for r in rows] == [
        ("办公室", "综合处"),
        ("办公室", "综合处"),
        ("旧责任者", "综合处"),
    ]
    assert rows[0]["archival_code"] == mixed[0].archival_code
    assert [r.author for r in mixed] == ["办公室", "办公室", "旧责任者"]


def test_apply_edits_drafts_and_corrects_archived_with_the_reason(fonds, mixed):
    result = batch(fonds, mixed).apply()
    assert result["applied"] == 3
    assert [r.author for r in mixed] == ["综合处"] * 3
    for record in mixed[:2]:
        entry = record.correction_log[-1]
        assert entry["reason"] == "机构更名"
        assert entry["changes"] == [{"field": "author", "old": "办公室", "new": "综合处"}]
    assert mixed[2].correction_log in (None, []) or mixed[2].correction_log[-1]["reason"] == ""


def test_unchanged_records_are_skipped(fonds, mixed):
    result = batch(fonds, mixed, value="办公室").apply()
    assert result["applied"] == 1 and result["unchanged"] == 2


@pytest.mark.parametrize(
    "kwargs,code,refused_rows",
    [
        ({"field": "security_level", "value": "内部"}, "CORRECTION-FIELD", 2),
        ({"reason": ""}, "CORRECTION-REASON", 0),
        ({"field": "pages", "value": "很多"}, "BATCH-VALUE", 3),
    ],
)
def test_any_refusal_stores_nothing_and_names_record_and_rule(
    fonds, mixed, kwargs, code, refused_rows
):
    run = batch(fonds, mixed, **kwargs)
    with pytest.raises(ArchiveError) as raised:
        run.apply()
    assert raised.value.status == 422
    problems = raised.value.problems
    assert {p.code for p in problems} == {code}
    assert sum(1 for r in run.rows if r["action"] == "refused") == refused_rows
    if code == "CORRECTION-FIELD":
        assert {p.object for p in problems} == {r.archival_code for r in mixed[:2]}
    assert [r.author for r in mixed] == ["办公室", "办公室", "旧责任者"]
    assert mixed[2].security_level != "内部"


def test_records_of_another_fonds_are_refused(fonds, other_fonds, mixed):
    stranger = make_record(other_fonds, 7)
    run = batch(fonds, [mixed[2], stranger])
    run.preview()
    assert [(p.code, p.object) for p in run.problems] == [("BATCH-RECORD", stranger.UID())]


@pytest.mark.parametrize(
    "body,prop",
    [
        ({"uids": [], "field": "author"}, "uids"),
        ({"uids": ["x"], "field": "archival_code"}, "field"),
        ({"uids": ["x"], "field": "year"}, "field"),
        ({"uids": ["x"], "field": "process_history"}, "field"),
        ({"uids": ["x"], "field": "open_status"}, "field"),
    ],
)
def test_bad_bodies(fonds, body, prop):
    with pytest.raises(ArchiveError) as raised:
        BatchDescription.from_body(fonds, body)
    assert raised.value.status == 400
    assert raised.value.problems[0].property == prop
