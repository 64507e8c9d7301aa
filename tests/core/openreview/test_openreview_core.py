"""Open-access review core (开放审核): closure ends, decisions, groups, sign-off rules."""

import datetime
import io

import pytest

from sd.archive.core.openreview import closure
from sd.archive.core.openreview import redaction
from sd.archive.core.openreview import rules

TODAY = datetime.date(2026, 1, 5)


def test_closure_counts_from_the_year_after():
    # a record of 2000: closed to the end of 2025, reviewed from 2026 (Archives Law art. 27)
    assert closure.closure_end(2000, closure.DEFAULT_YEARS) == datetime.date(2025, 12, 31)
    assert closure.closure_end(None, 25) is None
    assert closure.record_year(None, datetime.date(1999, 7, 1)) == 1999
    assert closure.is_due(datetime.date(2025, 12, 31), TODAY)
    assert not closure.is_due(datetime.date(2026, 12, 31), TODAY)


def test_category_years_and_decided_dates():
    mapping = closure.parse_category_years(["KJ=10", " WS : 30 ", ""])
    assert mapping == {"KJ": 10, "WS": 30}
    assert closure.closure_years("kj", mapping) == 10
    assert closure.closure_years("KU", mapping) == 25
    with pytest.raises(closure.ClosureSettingError):
        closure.parse_category_years(["KJ=ten"])
    end, review = datetime.date(2025, 12, 31), datetime.date(2031, 1, 1)
    assert closure.due_date(end, "待审", None) == end
    assert closure.due_date(end, "控制", review) == review
    assert closure.due_date(end, "开放", None) is None


@pytest.mark.parametrize(
    "item,code",
    [
        ({"decision": "publish"}, "OPENREVIEW-DECISION"),
        ({"decision": "controlled", "next_review": "2030-01-01"}, "OPENREVIEW-REASON"),
        ({"decision": "controlled", "reason": "涉及个人隐私"}, "OPENREVIEW-NEXT-REVIEW"),
        (
            {"decision": "controlled", "reason": "x", "next_review": "2025-01-01"},
            "OPENREVIEW-NEXT-REVIEW",
        ),
        ({"decision": "redacted", "reason": "x"}, "OPENREVIEW-REDACTION"),
        (
            {"decision": "redacted", "reason": "x", "redaction": {"pages": [0]}},
            "OPENREVIEW-REDACTION",
        ),
        ({"decision": "open", "reason": "x" * 501}, "OPENREVIEW-REASON"),
    ],
)
def test_bad_decisions(item, code):
    clean, problems = rules.decision_problems(item, TODAY, "r1")
    assert clean is None and problems[0].code == code and problems[0].object == "r1"


def test_good_decisions():
    clean, _ = rules.decision_problems(
        {"decision": "controlled", "reason": "涉及个人隐私", "next_review": "2031-01-01"}, TODAY
    )
    assert clean["next_review"] == datetime.date(2031, 1, 1)
    clean, _ = rules.decision_problems(
        {"decision": "redacted", "reason": "第2页含个人信息", "redaction": {"pages": [2, 2]}}, TODAY
    )
    assert clean["redaction"] == {"pages": [2]}
    assert rules.decision_problems({"decision": "open"}, TODAY)[0] == {
        "decision": "open",
        "reason": "",
    }


def test_groups_and_thresholds():
    items = [
        {"fonds_code": "J001", "year": 2000, "category": "WS"},
        {"fonds_code": "J001", "year": 2000, "category": "WS"},
        {"fonds_code": "J001", "year": 1999, "category": "KJ"},
    ]
    assert rules.groups(items) == [
        {"fonds_code": "J001", "year": 1999, "category": "KJ", "count": 1},
        {"fonds_code": "J001", "year": 2000, "category": "WS", "count": 2},
    ]
    assert rules.needs_second_review(51, 50) and not rules.needs_second_review(50, 50)


def _release(**kw):
    base = dict(
        approver="b",
        proposer="a",
        deciders={"a"},
        undecided=0,
        second_review_needed=False,
        second_reviewer=None,
        agency_needed=False,
        agency_opinion=None,
        state=rules.DECIDING,
    )
    return [p.code for p in rules.release_problems(**{**base, **kw})]


def test_release_rules():
    assert _release() == []
    assert _release(approver="a") == ["OPENREVIEW-OWN-BATCH"]
    assert _release(deciders={"b"}) == ["OPENREVIEW-OWN-BATCH"]
    assert _release(undecided=3) == ["OPENREVIEW-UNDECIDED"]
    assert _release(second_review_needed=True) == ["OPENREVIEW-SECOND-REVIEW"]
    assert _release(second_review_needed=True, second_reviewer="c") == []
    assert _release(agency_needed=True) == ["OPENREVIEW-AGENCY"]
    assert _release(state=rules.RELEASED) == ["OPENREVIEW-STATE"]
    codes = [p.code for p in rules.second_review_problems("a", {"a"}, 0, None)]
    assert codes == ["OPENREVIEW-OWN-BATCH"]


def test_redact_text():
    assert redaction.redact_text("张三 身份证 110101", [[7, 13]]) == "张三 身份证 ■■■■■■"
    with pytest.raises(redaction.RedactionError):
        redaction.redact_text("短", [[0, 5]])
    with pytest.raises(redaction.RedactionError):
        redaction.parse_spec({"ranges": [[3, 1]]})
    with pytest.raises(redaction.RedactionError):
        redaction.parse_spec({"regions": [{"page": 1, "box": [10, 10, 5, 20]}]})


def _pdf(pages):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(300, 300))
    for text in pages:
        pdf.drawString(20, 150, text)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _texts(data):
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def test_redact_pdf_pages_and_regions():
    data = _pdf(["public page", "SECRET NAME 42", "boxed secret here"])
    out = redaction.redact_pdf(
        data, {"pages": [2], "regions": [{"page": 3, "box": [0, 100, 300, 200]}]}
    )
    texts = _texts(out)
    assert len(texts) == 3 and "public page" in texts[0]
    assert "SECRET" not in texts[1] and "secret" not in texts[2]
    with pytest.raises(redaction.RedactionError):
        redaction.redact_pdf(data, {"pages": [4]})
