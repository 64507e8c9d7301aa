"""The pure rules of appraisal batches (#25): proposals, opinions, outcome, who may."""

import datetime

import pytest

from sd.archive.core.appraisal import rules
from sd.archive.core.appraisal.batch import AppraisalRefused
from sd.archive.core.appraisal.batch import Decision
from sd.archive.core.appraisal.batch import Kind
from sd.archive.core.appraisal.batch import Opinion
from sd.archive.core.appraisal.batch import State
from sd.archive.core.appraisal.inputs import check_group
from sd.archive.core.appraisal.inputs import parse_opinion
from sd.archive.core.appraisal.inputs import supervisors
from sd.archive.core.appraisal.proposal import Candidate
from sd.archive.core.appraisal.proposal import candidate_problems
from sd.archive.core.appraisal.proposal import check_proposal

TODAY = datetime.date(2026, 12, 7)
EXPIRED = datetime.date(2021, 12, 31)


def cand(**kw):
    values = {
        "uid": "u1",
        "code": "J001-WS·2011-D10-BGS-0001",
        "state": "archived",
        "period": "D10",
        "due": EXPIRED,
    }
    values.update(kw)
    return Candidate(**values)


def codes(problems):
    return [p.code for p in problems]


@pytest.mark.parametrize(
    "kw,kind,expected",
    [
        ({}, Kind.AGENCY, []),
        ({"state": "received"}, Kind.HOLDINGS, []),
        ({"state": "received"}, Kind.AGENCY, ["APPRAISAL-STATE"]),
        ({"period": "Y", "due": None}, Kind.AGENCY, ["APPRAISAL-PERMANENT"]),
        ({"due": datetime.date(2030, 12, 31)}, Kind.AGENCY, ["APPRAISAL-NOT-DUE"]),
        ({"due": TODAY}, Kind.AGENCY, ["APPRAISAL-NOT-DUE"]),
        ({"holds": ("诉讼冻结",)}, Kind.AGENCY, ["APPRAISAL-HELD"]),
        ({"batch": "b-1"}, Kind.AGENCY, ["APPRAISAL-IN-BATCH"]),
        ({"period": None}, Kind.AGENCY, ["APPRAISAL-NO-PERIOD"]),
    ],
)
def test_candidate_problems(kw, kind, expected):
    assert codes(candidate_problems(cand(**kw), kind, TODAY)) == expected


def test_one_bad_record_refuses_the_whole_proposal():
    with pytest.raises(AppraisalRefused) as info:
        check_proposal([cand(), cand(uid="u2", period="Y", due=None)], Kind.AGENCY, TODAY)
    assert info.value.status == 409 and codes(info.value.problems) == ["APPRAISAL-PERMANENT"]
    assert (
        info.value.as_dict()["message"].startswith("鉴定销毁不予办理")
        or "鉴定" in info.value.message
    )
    with pytest.raises(AppraisalRefused) as info:
        check_proposal([], Kind.AGENCY, TODAY)
    assert info.value.status == 422


@pytest.mark.parametrize(
    "body,code",
    [
        ({"decision": "burn", "reason": "x"}, "APPRAISAL-DECISION"),
        ({"decision": "keep", "reason": "x"}, "APPRAISAL-YEARS"),
        ({"decision": "keep", "years": 0, "reason": "x"}, "APPRAISAL-YEARS"),
        ({"decision": "keep", "years": True, "reason": "x"}, "APPRAISAL-YEARS"),
        ({"decision": "keep", "years": "5", "reason": "x"}, "APPRAISAL-YEARS"),
        ({"decision": "destroy", "reason": ""}, "APPRAISAL-TEXT"),
        ({"decision": "destroy", "reason": "x" * 501}, "APPRAISAL-TEXT"),
        ({"decision": "destroy", "reason": 5}, "APPRAISAL-TEXT"),
        ({"record": 5, "decision": "destroy", "reason": "x"}, "APPRAISAL-RECORD"),
    ],
)
def test_bad_opinions(body, code):
    with pytest.raises(AppraisalRefused) as info:
        parse_opinion(body, "officer")
    assert info.value.status == 400 and codes(info.value.problems) == [code]


def test_opinion_parsed():
    found = parse_opinion({"record": "u1", "decision": "keep", "years": 5, "reason": " 查考 "}, "m")
    assert (found.scope, found.decision, found.years, found.reason) == (
        "u1",
        Decision.KEEP,
        5,
        "查考",
    )
    assert found.label_zh() == "继续保存5年"
    assert parse_opinion({"decision": "destroy", "reason": "r", "years": 3}, "m").years is None


def op(member, scope, decision, years=None):
    return Opinion(member, scope, Decision(decision), "r", years)


def test_tally_destroy_only_when_unanimous():
    opinions = {
        "a": {"*": op("a", "*", "destroy")},
        "b": {
            "*": op("b", "*", "destroy"),
            "u2": op("b", "u2", "keep", 5),
            "u3": op("b", "u3", "permanent"),
        },
        "c": {
            "u2": op("c", "u2", "keep", 10),
            "u1": op("c", "u1", "destroy"),
            "u3": op("c", "u3", "keep", 3),
        },
    }
    outcomes, missing = rules.tally(("a", "b", "c"), opinions, ["u1", "u2", "u3", "u4"])
    assert outcomes["u1"].decision is Decision.DESTROY
    assert (outcomes["u2"].decision, outcomes["u2"].years) == (Decision.KEEP, 10)
    assert outcomes["u3"].decision is Decision.PERMANENT
    assert "u4" not in outcomes and missing == [("c", "u4")]


def test_group_needs_two_distinct_members():
    assert check_group(["a", " b ", "a"]) == ("a", "b")
    for members in ([], ["a"], ["a", "a"], ["a", " "]):
        with pytest.raises(AppraisalRefused) as info:
            check_group(members)
        assert codes(info.value.problems) == ["APPRAISAL-GROUP"]
    with pytest.raises(AppraisalRefused) as info:
        check_group(["a", "ghost"], known=lambda m: m == "a")
    assert codes(info.value.problems) == ["APPRAISAL-MEMBER"]


@pytest.mark.parametrize(
    "names",
    [
        None,
        [],
        ["张三"],
        ["张三", "张三"],
        ["张三", " 张三 "],
        ["张三", ""],
        "张三,李四",
        ["张三", "李四", "王五"],
    ],
)
def test_two_distinct_supervisors(names):
    with pytest.raises(AppraisalRefused) as info:
        supervisors(names)
    assert info.value.status == 422 and codes(info.value.problems) == ["APPRAISAL-SUPERVISORS"]


def test_supervisors_ok():
    assert supervisors([" 张三", "李四"]) == ("张三", "李四")


def test_approver():
    rules.check_approver("leader", "officer", True)
    with pytest.raises(AppraisalRefused) as info:
        rules.check_approver("leader", "leader", True)
    assert info.value.status == 403 and codes(info.value.problems) == ["APPRAISAL-OWN-PROPOSAL"]
    with pytest.raises(AppraisalRefused) as info:
        rules.check_approver("member", "officer", False)
    assert codes(info.value.problems) == ["APPRAISAL-LEADER"]


def test_the_leader_of_each_kind():
    """机关档案室批次：机关领导 (AgencyLeader)；馆藏批次：档案馆领导 (Leader)."""
    assert rules.approves({"AgencyLeader", "Reader"}, "agency")
    assert not rules.approves({"Leader"}, "agency")
    assert rules.approves({"Leader"}, Kind.HOLDINGS)
    assert not rules.approves({"AgencyLeader", "Archivist"}, "holdings")
    assert rules.approves({"Manager"}, "agency") and rules.approves({"Manager"}, "holdings")
    with pytest.raises(AppraisalRefused) as info:
        rules.check_approver("leader", "officer", False, "b1", "agency")
    assert info.value.status == 403 and "机关领导" in info.value.problems[0].message
    with pytest.raises(AppraisalRefused) as info:
        rules.check_approver("leader", "officer", False, "b1", "holdings")
    assert "档案馆领导" in info.value.problems[0].message


def test_state_member_and_batch_checks():
    rules.check_state("opinions", [State.OPINIONS])
    with pytest.raises(AppraisalRefused) as info:
        rules.check_state("executed", [State.APPROVED])
    assert info.value.status == 409 and "已执行" in info.value.problems[0].message
    with pytest.raises(AppraisalRefused) as info:
        rules.check_member("x", ("a", "b"))
    assert info.value.status == 403
    rules.check_in_batch("*", {"u1"})
    with pytest.raises(AppraisalRefused) as info:
        rules.check_in_batch("u9", {"u1"})
    assert info.value.status == 422 and codes(info.value.problems) == ["APPRAISAL-NOT-IN-BATCH"]


def test_chunks():
    assert list(rules.chunks([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
