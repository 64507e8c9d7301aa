"""Automatic arrangement against the shipped J001/J002 schedules and small tables."""

import datetime

import pytest

from sd.archive.core.arrangement import ARRANGED
from sd.archive.core.arrangement import PENDING_REVIEW
from sd.archive.core.arrangement import RecordFacts
from sd.archive.core.arrangement import arrange
from sd.archive.core.arrangement import explain_match
from sd.archive.core.codes import CodeRule
from sd.archive.core.codes import render
from sd.archive.core.scheme import Category
from sd.archive.core.scheme import ClassificationScheme
from sd.archive.core.scheme import Organisation
from sd.archive.core.scheme import RetentionSchedule
from sd.archive.core.scheme import ScheduleRule
from sd.archive.core.scheme import default_schedule
from sd.archive.core.scheme import default_scheme

J001 = default_scheme("J001"), default_schedule("J001")
J002 = default_scheme("J002"), default_schedule("J002")


def gongwen(title, doc_type="通知", hint="办公室", **kw):
    return RecordFacts(
        kind="电子公文", doc_type=doc_type, title=title, year=2023, org_hint=hint, **kw
    )


@pytest.mark.parametrize(
    "facts,category,retention,org,rule",
    [
        (gongwen("关于测试归档接口第123号的通知"), "WS", "D30", "BGS", "GW-11"),
        (gongwen("关于召开2023年档案工作会议的通知"), "WS", "D10", "BGS", "GW-10"),
        (gongwen("关于印发《档案管理办法》的通知"), "WS", "Y", "BGS", "GW-05"),
        (gongwen("关于转发《省档案管理办法》的通知"), "WS", "D10", "BGS", "GW-10"),
        (gongwen("关于张三同志任职的通知", hint=""), "WS", "Y", "RSC", "GW-02"),
        (gongwen("关于2024年部门预算的请示", "请示"), "WS", "Y", "CWC", "GW-03"),
        (gongwen("关于2023年经费安排的通知"), "WS", "D30", "CWC", "GW-12"),
        (gongwen("关于设立档案馆的决定", "决定"), "WS", "Y", "BGS", "GW-01"),
        (gongwen("2023年度工作总结报告", "报告"), "WS", "Y", "BGS", "GW-08"),
        (gongwen("关于购置设备的请示", "请示", "综合处"), "WS", "D30", "BGS", "GW-09"),
        (gongwen("第5次厅务会会议纪要", "会议纪要"), "WS", "Y", "BGS", "GW-06"),
        (gongwen("档案工作座谈会纪要", "会议纪要", "政策法规处"), "WS", "D30", "ZCFG", "GW-07"),
        (gongwen("关于商请支持的函", "函", "人事处"), "WS", "D10", "RSC", "GW-13"),
    ],
)
def test_gongwen_fonds(facts, category, retention, org, rule):
    decision = arrange(facts, *J001)
    assert decision.status == ARRANGED, decision.problems
    assert (decision.category, decision.retention, decision.org_code) == (category, retention, org)
    assert decision.rule_id == rule and decision.matched[0] == rule
    assert decision.reasons[0].startswith(f"规则 {rule}")


@pytest.mark.parametrize(
    "facts,retention,org,rule",
    [
        (
            RecordFacts(kind="政务服务电子文件", title="营业执照变更登记", year=2023),
            "D30",
            "SPC",
            "ZW-01",
        ),
        (
            RecordFacts(kind="政务服务电子文件", item_name="不动产登记", year=2023),
            "Y",
            "SPC",
            "ZW-02",
        ),
        (
            RecordFacts(kind="政务服务电子文件", title="无犯罪记录证明", year=2023),
            "D10",
            "FWC",
            "ZW-03",
        ),
        (
            RecordFacts(
                kind="政务服务电子文件", title="施工许可", item_code="11370000004001", year=2023
            ),
            "D30",
            "SPC",
            "ZW-04",
        ),
        (
            RecordFacts(kind="电子公文", doc_type="决定", title="关于x的决定", year=2023),
            "Y",
            "BGS",
            "ZW-06",
        ),
    ],
)
def test_zhengwu_fonds(facts, retention, org, rule):
    decision = arrange(facts, *J002)
    assert decision.decided
    assert (decision.category, decision.retention, decision.org_code, decision.rule_id) == (
        "WS",
        retention,
        org,
        rule,
    )


def test_decision_gives_code_parts_and_series():
    scheme, schedule = J001
    decision = arrange(gongwen("关于测试的通知", date=datetime.date(2023, 5, 12)), scheme, schedule)
    assert decision.year == 2023
    parts = decision.parts(7)
    assert render(parts, scheme.code_rule("WS")) == "J001-WS·2023-D30-BGS-0007"
    assert str(decision.series(scheme)) == "J001-WS·2023-D30-BGS"


@pytest.mark.parametrize(
    "facts,problem",
    [
        (gongwen("公告", "公告"), "ARRANGE-NO-RULE"),
        (
            RecordFacts(title="没有文件类型", doc_type="通知", year=2023, org_hint="办公室"),
            "ARRANGE-NO-RULE",
        ),
        (gongwen("关于召开会议的通知", hint="信访处"), "ARRANGE-NO-ORG"),
        (gongwen("关于召开会议的通知", hint=""), "ARRANGE-NO-ORG"),
        (
            RecordFacts(kind="电子公文", doc_type="通知", title="x", org_hint="办公室"),
            "ARRANGE-YEAR",
        ),
        (gongwen("x", fonds_code="J002"), "ARRANGE-FONDS"),
        (gongwen("x", category="KJ"), "ARRANGE-CATEGORY"),
        (gongwen("x", retention="永久"), "ARRANGE-RETENTION"),
        (gongwen("x", org_code="XXX"), "ARRANGE-ORG"),
    ],
)
def test_undecided_records_wait_for_review(facts, problem):
    decision = arrange(facts, *J001)
    assert decision.status == PENDING_REVIEW
    assert problem in [p.code for p in decision.problems]
    with pytest.raises(ValueError):
        decision.parts(1)


SCHEME = ClassificationScheme(
    "A001",
    "甲",
    (Category("WS", "文书"), Category("ZY", "专业", code_rule=CodeRule(use_org=False))),
    (Organisation("BGS", "办公室"), Organisation("CWC", "财务处")),
)


def rules(*items):
    return RetentionSchedule("A001", tuple(items))


@pytest.mark.parametrize(
    "schedule,expected",
    [
        # equal priority, different periods: conflict
        (rules(ScheduleRule("a", "WS", "Y", 5), ScheduleRule("b", "WS", "D30", 5)), None),
        # equal priority, different org codes: conflict
        (
            rules(ScheduleRule("a", "WS", "Y", 5, "BGS"), ScheduleRule("b", "WS", "Y", 5, "CWC")),
            None,
        ),
        # equal priority, one gives an org, the other none: they agree
        (
            rules(ScheduleRule("a", "WS", "Y", 5), ScheduleRule("b", "WS", "Y", 5, "CWC")),
            ("Y", "CWC", "b"),
        ),
        # higher priority wins
        (
            rules(ScheduleRule("a", "WS", "D10", 1), ScheduleRule("b", "WS", "Y", 9, "BGS")),
            ("Y", "BGS", "b"),
        ),
        # same outcome, equal priority: the first one in the file decides
        (
            rules(ScheduleRule("a", "WS", "Y", 5, "BGS"), ScheduleRule("b", "WS", "Y", 5)),
            ("Y", "BGS", "a"),
        ),
    ],
)
def test_priority_and_conflicts(schedule, expected):
    decision = arrange(RecordFacts(title="t", year=2020), SCHEME, schedule)
    if expected is None:
        assert [p.code for p in decision.problems] == ["ARRANGE-CONFLICT"]
        assert decision.problems[0].object == "a, b"
    else:
        assert (decision.retention, decision.org_code, decision.rule_id) == expected


def test_sender_values_win_and_are_noted():
    schedule = rules(ScheduleRule("a", "WS", "D10", 1, "BGS"))
    decision = arrange(RecordFacts(title="t", year=2020, retention="Y"), SCHEME, schedule)
    assert (decision.retention, decision.org_code) == ("Y", "BGS")
    assert any("保管期限 Y 由发送系统给定" in r and "D10" in r for r in decision.reasons)
    # everything given, no rule at all: decided without a rule
    decision = arrange(
        RecordFacts(year=2020, category="WS", retention="D30", org_code="CWC"), SCHEME, rules()
    )
    assert decision.decided and decision.rule_id == ""


def test_org_not_needed_when_code_rule_has_none():
    decision = arrange(RecordFacts(year=2020), SCHEME, rules(ScheduleRule("z", "ZY", "D30")))
    assert decision.decided and decision.org_code == ""


@pytest.mark.parametrize(
    "rule,facts,matched",
    [
        (
            ScheduleRule("r", "WS", "Y", authors=("某某厅",)),
            RecordFacts(author="山东省某某厅"),
            True,
        ),
        (ScheduleRule("r", "WS", "Y", authors=("某某厅",)), RecordFacts(author=""), False),
        (
            ScheduleRule("r", "WS", "Y", doc_types=("通知",)),
            RecordFacts(doc_type="通知（草稿）"),
            False,
        ),
        (
            ScheduleRule("r", "WS", "Y", item_code_prefixes=("1137",)),
            RecordFacts(item_code="11370001"),
            True,
        ),
        (
            ScheduleRule("r", "WS", "Y", item_code_prefixes=("1137",)),
            RecordFacts(item_code="21137"),
            False,
        ),
        (
            ScheduleRule("r", "WS", "Y", exclude_keywords=("转发",)),
            RecordFacts(title="转发通知"),
            False,
        ),
        (
            ScheduleRule("r", "WS", "Y", title_keywords=("会议", "培训")),
            RecordFacts(title="培训通知"),
            True,
        ),
        (
            ScheduleRule("r", "WS", "Y", doc_types=("通知",), title_keywords=("会议",)),
            RecordFacts(doc_type="函", title="会议"),
            False,
        ),
        (ScheduleRule("r", "WS", "Y"), RecordFacts(), True),
    ],
)
def test_matching_table(rule, facts, matched):
    assert (explain_match(rule, facts) is not None) is matched


def test_facts_from_metadata_names():
    facts = RecordFacts.from_mapping(
        {
            "类型": "电子公文",
            "题名": " 关于x的通知 ",
            "年度": "2023",
            "日期": "2023-05-12T09:00:00+08:00",
            "文种": "通知",
            "所在部门": "办公室",
            "全宗号": "J001",
            "门类代码": "",
            "未知": "ignored",
        }
    )
    assert facts == RecordFacts(
        kind="电子公文",
        title="关于x的通知",
        year=2023,
        date=datetime.date(2023, 5, 12),
        doc_type="通知",
        org_hint="办公室",
        fonds_code="J001",
    )
    assert arrange(facts, *J001).status == ARRANGED


@pytest.mark.parametrize(
    ("values", "required", "codes"),
    [
        (("WS", "D30", "BGS"), True, []),
        (("", "", ""), False, []),  # automatic arrangement: nothing decided is not a value problem
        (
            ("", "", ""),
            True,
            ["ARRANGE-CATEGORY", "ARRANGE-RETENTION"],
        ),  # an officer must give them
        (("KJ", "D30", "BGS"), True, ["ARRANGE-CATEGORY"]),
        (("WS", "forever", "BGS"), True, ["ARRANGE-RETENTION"]),
        (("WS", "D30", "XXX"), True, ["ARRANGE-ORG"]),
        (("WS", "D30", ""), True, ["ARRANGE-NO-ORG"]),
    ],
)
def test_value_problems_one_check_for_arrangement_and_review(values, required, codes):
    from sd.archive.core.arrangement.decide import value_problems

    problems = value_problems(J001[0], *values, required=required, obj="OA-1")
    assert [p.code for p in problems] == codes
    assert all(p.object == "OA-1" and " / " in p.message for p in problems)  # 中文 / English
