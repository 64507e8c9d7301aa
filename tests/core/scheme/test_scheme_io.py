"""Scheme and schedule files: defaults, CSV/XML round trips, strict import errors."""

import pytest

from sd.archive.core.codes import DAT13
from sd.archive.core.codes import VOLUME
from sd.archive.core.codes import CodeRule
from sd.archive.core.scheme import DEFAULT_FONDS
from sd.archive.core.scheme import Category
from sd.archive.core.scheme import ClassificationScheme
from sd.archive.core.scheme import Organisation
from sd.archive.core.scheme import RetentionSchedule
from sd.archive.core.scheme import ScheduleRule
from sd.archive.core.scheme import SchemeError
from sd.archive.core.scheme import default_schedule
from sd.archive.core.scheme import default_scheme
from sd.archive.core.scheme import read_schedule_csv
from sd.archive.core.scheme import read_schedule_xml
from sd.archive.core.scheme import read_scheme_csv
from sd.archive.core.scheme import read_scheme_xml
from sd.archive.core.scheme import write_schedule_csv
from sd.archive.core.scheme import write_schedule_xml
from sd.archive.core.scheme import write_scheme_csv
from sd.archive.core.scheme import write_scheme_xml

RICH_SCHEME = ClassificationScheme(
    "J019",
    "某某局",
    (
        Category("WS", "文书", 1, CodeRule(grammar=DAT13, item_width=3)),
        Category(
            "ZY",
            "专业",
            101,
            CodeRule(
                grammar=DAT13,
                use_org=False,
                level=VOLUME,
                class_parts=("category", "extra", "year", "retention"),
            ),
        ),
    ),
    (Organisation("003", "办公室", ("综合处", "秘书科")), Organisation("办公室", "办公室二")),
)
RICH_SCHEDULE = RetentionSchedule(
    "J019",
    (
        ScheduleRule(
            "R1",
            "WS",
            "Y",
            priority=-5,
            org_code="003",
            record_kinds=("电子公文",),
            doc_types=("决定", "命令"),
            title_keywords=("年度", "规划"),
            exclude_keywords=("转发",),
            authors=("某某局",),
            item_code_prefixes=("1137",),
            description='说明, with comma; and "quotes"',
        ),
        ScheduleRule("R2", "ZY", "D30"),
    ),
)


@pytest.mark.parametrize("fonds", DEFAULT_FONDS)
def test_defaults_load_and_are_consistent(fonds):
    scheme, schedule = default_scheme(fonds), default_schedule(fonds)
    assert scheme.fonds_code == fonds == schedule.fonds_code
    assert scheme.category("WS").code_rule.use_org
    assert all(scheme.category(r.category) for r in schedule.rules)
    assert len({r.id for r in schedule.rules}) == len(schedule.rules)


def test_default_organisations():
    scheme = default_scheme("J001")
    assert [o.code for o in scheme.organisations] == ["BGS", "ZCFG", "RSC", "CWC"]
    assert scheme.resolve_org("办公室") == "BGS"
    assert scheme.resolve_org(" 综合处 ") == "BGS"
    assert scheme.resolve_org("rsc") == "RSC"
    assert scheme.resolve_org("信访处") is None


@pytest.mark.parametrize("scheme", [RICH_SCHEME, *map(default_scheme, DEFAULT_FONDS)])
def test_scheme_round_trips(scheme):
    assert read_scheme_csv(write_scheme_csv(scheme)) == scheme
    assert read_scheme_xml(write_scheme_xml(scheme)) == scheme


@pytest.mark.parametrize(
    "schedule,scheme",
    [
        (RICH_SCHEDULE, RICH_SCHEME),
        *[(default_schedule(f), default_scheme(f)) for f in DEFAULT_FONDS],
    ],
)
def test_schedule_round_trips(schedule, scheme):
    assert read_schedule_csv(write_schedule_csv(schedule), scheme=scheme) == schedule
    assert read_schedule_xml(write_schedule_xml(schedule), scheme) == schedule


def test_csv_is_written_for_excel_and_read_from_gbk():
    data = write_schedule_csv(RICH_SCHEDULE)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    gbk = data[3:].decode("utf-8").encode("gbk")
    assert read_schedule_csv(gbk, "J019", RICH_SCHEME) == RICH_SCHEDULE
    assert read_schedule_csv(data[3:], "J019") == RICH_SCHEDULE  # UTF-8 without BOM


def test_csv_columns_in_any_order_and_lists_with_fullwidth_semicolon():
    text = "保管期限,门类代码,规则编号,文种\nD10,WS,X1,通知；函\n\n"
    schedule = read_schedule_csv(text)
    assert schedule.rules == (ScheduleRule("X1", "WS", "D10", doc_types=("通知", "函")),)


SCHEME_HEADER = "类型,代码,名称,件号起始,档号规则,整理方式,件号位数,类别号组成,使用机构代码\n"


@pytest.mark.parametrize(
    "body,code,where",
    [
        ("门类,WS,文书,1,,,,,\n", "SCHEME-FONDS", ""),
        ("全宗,J001,甲,,,,,,\n全宗,J002,乙,,,,,,\n", "SCHEME-FONDS", "line 3"),
        ("全宗,j001,甲,,,,,,\n", "SCHEME-FONDS", "line 2"),
        ("全宗,J001,甲,,,,,,\n门类,WSX,文书,1,,,,,\n", "SCHEME-CATEGORY", "line 3"),
        ("全宗,J001,甲,,,,,,\n门类,WS,文书,一,,,,,\n", "SCHEME-VALUE", "line 3"),
        ("全宗,J001,甲,,,,,,\n门类,WS,文书,1,DA/T 99,,,,\n", "SCHEME-VALUE", "line 3"),
        ("全宗,J001,甲,,,,,,\n门类,WS,文书,1,DA/T 22-2015,按卷,,,\n", "SCHEME-VALUE", "line 3"),
        ("全宗,J001,甲,,,,,,\n门类,WS,文书,1,,,,门类·月份,\n", "SCHEME-VALUE", "line 3"),
        ("全宗,J001,甲,,,,,,\n门类,WS,文书,1,,,,,也许\n", "SCHEME-VALUE", "line 3"),
        (
            "全宗,J001,甲,,,,,,\n门类,WS,文书,1,,,,,\n门类,WS,文书,1,,,,,\n",
            "SCHEME-DUPLICATE",
            "line 4",
        ),
        ("全宗,J001,甲,,,,,,\n机构,B-S,办公室,,,,,,\n", "SCHEME-ORG", "line 3"),
        ("全宗,J001,甲,,,,,,\n机构,BGS,,,,,,,\n", "SCHEME-VALUE", "line 3"),
        ("全宗,J001,甲,,,,,,\n部门,BGS,办公室,,,,,,\n", "SCHEME-ROW-TYPE", "line 3, 类型"),
        ("全宗,J001,甲,,,,,,,,,,,\n", "SCHEME-ROW", "line 2"),
    ],
)
def test_scheme_csv_errors_say_where(body, code, where):
    with pytest.raises(SchemeError) as info:
        read_scheme_csv(SCHEME_HEADER + body)
    found = [(p.code, p.object) for p in info.value.problems]
    assert (code, where) in found
    assert info.value.status == 422


@pytest.mark.parametrize(
    "header,code",
    [
        ("类型,代码,名称,颜色\n", "SCHEME-HEADER"),
        ("类型,代码\n", "SCHEME-HEADER"),
        ("类型,代码,名称,代码\n", "SCHEME-HEADER"),
    ],
)
def test_scheme_csv_header_errors(header, code):
    with pytest.raises(SchemeError) as info:
        read_scheme_csv(header + "全宗,J001,甲\n")
    assert info.value.problems[0].code == code


SCHEDULE_HEADER = "规则编号,优先级,文件类型,文种,门类代码,保管期限,机构或问题\n"


@pytest.mark.parametrize(
    "body,code,where",
    [
        ("A,x,电子公文,通知,WS,Y,\n", "SCHEDULE-PRIORITY", "line 2, 优先级"),
        ("A,1,电子公文,通知,WS,永久,\n", "SCHEDULE-RETENTION", "line 2"),
        ("A,1,电子公文,通知,KJ,Y,\n", "SCHEDULE-CATEGORY", "line 2"),  # not in scheme
        ("A,1,电子公文,通知,W,Y,\n", "SCHEDULE-CATEGORY", "line 2"),
        ("A,1,电子公文,通知,WS,Y,XXX\n", "SCHEDULE-ORG", "line 2"),
        ("A,1,纸质公文,通知,WS,Y,\n", "SCHEDULE-KIND", "line 2"),
        (",1,电子公文,通知,WS,Y,\n", "SCHEDULE-ID", "line 2"),
        ("A,1,电子公文,通知,WS,Y,\nB,1,,,WS,D10,\nA,2,,,WS,D30,\n", "SCHEDULE-DUPLICATE", "line 4"),
    ],
)
def test_schedule_csv_errors_say_where(body, code, where):
    with pytest.raises(SchemeError) as info:
        read_schedule_csv(SCHEDULE_HEADER + body, scheme=default_scheme("J001"))
    assert (code, where) in [(p.code, p.object) for p in info.value.problems]


def test_schedule_csv_reports_all_problems_at_once():
    body = "A,1,电子公文,通知,WS,永久,\nB,1,电子公文,通知,XX1,Y,\n"
    with pytest.raises(SchemeError) as info:
        read_schedule_csv(SCHEDULE_HEADER + body)
    assert [p.object for p in info.value.problems] == ["line 2", "line 3"]


def test_undecodable_csv():
    with pytest.raises(SchemeError) as info:
        read_scheme_csv(b"\xff\xfe\x00\x81\x00")
    assert info.value.problems[0].code == "SCHEME-ENCODING"


@pytest.mark.parametrize(
    "xml,code",
    [
        (b"<not-xml", "SCHEME-XML"),
        (
            (
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                "<分类方案 全宗号='J001'>&e;</分类方案>"
            ).encode(),
            "SCHEME-XML",
        ),
        ("<方案 全宗号='J001'/>".encode(), "SCHEME-ELEMENT"),
        ("<分类方案/>".encode(), "SCHEME-ELEMENT"),
        ("<分类方案 全宗号='J001' 颜色='红'/>".encode(), "SCHEME-ELEMENT"),
        ("<分类方案 全宗号='J001'><部门 代码='A' 名称='B'/></分类方案>".encode(), "SCHEME-ELEMENT"),
        (
            "<分类方案 全宗号='J001'>"
            "<门类 代码='WS' 名称='文书' 件号起始='x'/></分类方案>".encode(),
            "SCHEME-VALUE",
        ),
        (
            "<分类方案 全宗号='J001'><门类 代码='WS' 名称='文书'>"
            "<档号规则 件号位数='0'/></门类></分类方案>".encode(),
            "SCHEME-VALUE",
        ),
    ],
)
def test_scheme_xml_errors(xml, code):
    with pytest.raises(SchemeError) as info:
        read_scheme_xml(xml)
    assert code in [p.code for p in info.value.problems]


def test_scheme_xml_error_has_line():
    xml = (
        "<分类方案 全宗号='J001'>\n<门类 代码='WS' 名称='文书'/>\n"
        "<门类 代码='W1' 名称='x'/>\n</分类方案>"
    )
    with pytest.raises(SchemeError) as info:
        read_scheme_xml(xml)
    assert [(p.code, p.object) for p in info.value.problems] == [
        ("SCHEME-CATEGORY", "line 3, <门类>")
    ]


@pytest.mark.parametrize(
    "rule_xml,code",
    [
        ("<规则 规则编号='A'><条件/></规则>", "SCHEME-ELEMENT"),  # no 结果
        ("<规则 规则编号='A'><结果 门类代码='WS'/></规则>", "SCHEME-ELEMENT"),  # no 保管期限
        (
            "<规则 规则编号='A'><条件><颜色>红</颜色></条件>"
            "<结果 门类代码='WS' 保管期限='Y'/></规则>",
            "SCHEME-ELEMENT",
        ),
        (
            "<规则 规则编号='A' 优先级='高'><结果 门类代码='WS' 保管期限='Y'/></规则>",
            "SCHEDULE-PRIORITY",
        ),
        ("<规则 规则编号='A'><结果 门类代码='WS' 保管期限='D0'/></规则>", "SCHEDULE-RETENTION"),
    ],
)
def test_schedule_xml_errors(rule_xml, code):
    xml = f"<归档范围和保管期限表 全宗号='J001'>{rule_xml}</归档范围和保管期限表>"
    with pytest.raises(SchemeError) as info:
        read_schedule_xml(xml, default_scheme("J001"))
    assert code in [p.code for p in info.value.problems]
