"""Holds (冻结, #25 item 2 foundation): placed and lifted with a reason by allowed roles;
a hold blocks destruction; bad input changes nothing."""

import pytest
from plone import api

from sd.archive.holds import HoldRefused
from sd.archive.holds import lift_hold
from sd.archive.holds import place_hold
from sd.archive.numbering import assign_code
from sd.archive.retention import destruction_problems
from sd.archive.testing import make_record


@pytest.fixture
def expired(fonds):
    record = make_record(fonds, 1, retention_period="D10")
    assign_code(record, "WS", 2011, "D10", "BGS")
    for transition in ("archive", "appraise"):
        api.content.transition(record, transition=transition)
    return record


def test_place_and_lift_with_reasons(expired, users):
    assert destruction_problems(expired) == []
    with api.env.adopt_user(username="officer"):
        entry = place_hold(expired, "诉讼冻结 2026-12", "案件审理需要")
    assert entry["action"] == "placed" and entry["actor"] == "officer"
    assert expired.holds == ["诉讼冻结 2026-12"]
    assert [p.code for p in destruction_problems(expired)] == ["DESTROY-HELD"]
    wf = api.portal.get_tool("portal_workflow")
    assert "destroy" not in [t["id"] for t in wf.getTransitionsFor(expired)]
    with api.env.adopt_user(username="officer"):
        lifted = lift_hold(expired, "诉讼冻结 2026-12", "案件已审结")
    assert lifted["action"] == "lifted" and lifted["reason"] == "案件已审结"
    assert expired.holds == []
    assert [e["action"] for e in expired.hold_log] == ["placed", "lifted"]
    assert destruction_problems(expired) == []


@pytest.mark.parametrize(
    "user,hold,reason,code",
    [
        ("officer", "诉讼冻结", "", "HOLD-REASON"),
        ("officer", "", "理由", "HOLD-TEXT"),
        ("officer", "诉讼冻结", "x" * 501, "HOLD-REASON"),
        ("sysadmin", "诉讼冻结", "理由", "HOLD-PERMISSION"),
        ("auditor", "诉讼冻结", "理由", "HOLD-PERMISSION"),
        ("other-officer", "诉讼冻结", "理由", "HOLD-PERMISSION"),
    ],
)
def test_bad_placing_changes_nothing(expired, users, user, hold, reason, code):
    with api.env.adopt_user(username=user), pytest.raises(HoldRefused) as info:
        place_hold(expired, hold, reason)
    assert info.value.problems[0].code == code
    assert not expired.holds and not getattr(expired, "hold_log", None)


def test_lifting_an_unknown_hold_or_twice_is_refused(expired, users):
    with api.env.adopt_user(username="officer"):
        place_hold(expired, "审计冻结", "审计需要")
        with pytest.raises(HoldRefused) as info:
            place_hold(expired, "审计冻结", "再次")
        assert info.value.problems[0].code == "HOLD-EXISTS"
        with pytest.raises(HoldRefused) as info:
            lift_hold(expired, "别的冻结", "理由")
        assert info.value.problems[0].code == "HOLD-UNKNOWN" and info.value.status == 409
    assert expired.holds == ["审计冻结"]
