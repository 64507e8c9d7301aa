"""Archival code grammars: the standards' examples, invalid codes, round trips."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sd.archive.core.codes import DAT13
from sd.archive.core.codes import DAT22
from sd.archive.core.codes import DEFAULT_RULE
from sd.archive.core.codes import VOLUME
from sd.archive.core.codes import CodeError
from sd.archive.core.codes import CodeParts
from sd.archive.core.codes import CodeRule
from sd.archive.core.codes import is_valid
from sd.archive.core.codes import parse
from sd.archive.core.codes import parse_legacy
from sd.archive.core.codes import render
from sd.archive.core.codes import validate

DAT22_NO_ORG = CodeRule(use_org=False)
DAT13_ORG4 = CodeRule(grammar=DAT13, item_width=4)
DAT13_ORG3 = CodeRule(grammar=DAT13, item_width=3)
DAT13_NO_ORG3 = CodeRule(grammar=DAT13, item_width=3, use_org=False)
DAT13_VOLUME = CodeRule(
    grammar=DAT13,
    item_width=3,
    use_org=False,
    level=VOLUME,
    class_parts=("category", "extra", "year", "retention"),
)

VALID = [
    ("Z109-WS·2011-Y-BGS-0001", DEFAULT_RULE, CodeParts("Z109", "WS", 2011, "Y", 1, "BGS")),
    ("1031-WS·2009-D30-0029", DAT22_NO_ORG, CodeParts("1031", "WS", 2009, "D30", 29)),
    ("J001-WS·2023-Y-BGS-0001", DEFAULT_RULE, CodeParts("J001", "WS", 2023, "Y", 1, "BGS")),
    ("Z109-WS·2011·Y·办公室-0001", DAT13_ORG4, CodeParts("Z109", "WS", 2011, "Y", 1, "办公室")),
    ("Z008-WS·2019·Y-037", DAT13_NO_ORG3, CodeParts("Z008", "WS", 2019, "Y", 37)),
    ("A439-WS·2015·D30·003-005", DAT13_ORG3, CodeParts("A439", "WS", 2015, "D30", 5, "003")),
    (
        "J019-ZY·JC·CC·2019·D30-001-001",
        DAT13_VOLUME,
        CodeParts("J019", "ZY", 2019, "D30", 1, volume=1, extra=("JC", "CC")),
    ),
]


@pytest.mark.parametrize("code,rule,parts", VALID)
def test_parse_standard_examples(code, rule, parts):
    assert parse(code, rule) == parts
    assert render(parts, rule) == code
    assert validate(code, rule) == []


INVALID = [
    ("", DEFAULT_RULE, "CODE-EMPTY"),
    ("Z109-WS·2011-Y-0001", DEFAULT_RULE, "CODE-ORG"),  # org required by the rule
    ("Z109-WS·2011-Y-BGS-0001", DAT22_NO_ORG, "CODE-LEVELS"),
    ("Z109-WS2011-Y-BGS-0001", DEFAULT_RULE, "CODE-CLASS"),  # missing middle dot
    ("Z109-WS.2011-Y-BGS-0001", DEFAULT_RULE, "CODE-CLASS"),  # '.' is not '·' unless normalised
    ("z109-WS·2011-Y-BGS-0001", DEFAULT_RULE, "CODE-FONDS"),
    ("Z1090000-WS·2011-Y-BGS-0001", DEFAULT_RULE, "CODE-FONDS"),
    ("Z109-W·2011-Y-BGS-0001", DEFAULT_RULE, "CODE-CATEGORY"),
    ("Z109-WS·11-Y-BGS-0001", DEFAULT_RULE, "CODE-YEAR"),
    ("Z109-WS·2011-C-BGS-0001", DEFAULT_RULE, "CODE-RETENTION"),
    ("Z109-WS·2011-D0-BGS-0001", DEFAULT_RULE, "CODE-RETENTION"),
    ("Z109-WS·2011-Y-B S-0001", DEFAULT_RULE, "CODE-ORG"),
    ("Z109-WS·2011-Y-BGS-001", DEFAULT_RULE, "CODE-ITEM"),  # width 4
    ("Z109-WS·2011-Y-BGS-0000", DEFAULT_RULE, "CODE-ITEM"),
    ("Z109-WS·2011-Y-BGS-00a1", DEFAULT_RULE, "CODE-ITEM"),
    ("Z109-WS·2011·Y-0001", DAT13_ORG4, "CODE-CLASS"),  # org part missing in 类别号
    ("Z008-WS·2019·Y·BGS-037", DAT13_NO_ORG3, "CODE-CLASS"),
    ("Z008-WS·2019·Y-037-001", DAT13_NO_ORG3, "CODE-LEVELS"),
    ("J019-ZY·JC·CC·2019·D30-001", DAT13_VOLUME, "CODE-LEVELS"),
    ("J019-ZY·JC·CC·2019·D30-000-001", DAT13_VOLUME, "CODE-VOLUME"),
    ("J019-ZY·J-C·2019·D30-001-001", DAT13_VOLUME, "CODE-LEVELS"),
    ("J019-ZY·2019-D30-001", DAT13_VOLUME, "CODE-CLASS"),
]


@pytest.mark.parametrize("code,rule,problem_code", INVALID)
def test_invalid_codes_name_the_wrong_part(code, rule, problem_code):
    problems = validate(code, rule)
    assert problem_code in [p.code for p in problems]
    assert all(p.property == "archival_code" for p in problems)
    assert not is_valid(code, rule)
    with pytest.raises(CodeError) as info:
        parse(code, rule)
    assert info.value.status == 422
    assert info.value.as_dict()["errors"][0]["code"].startswith("CODE-")


def test_all_wrong_parts_are_reported_together():
    codes = {p.code for p in validate("z109-WS·11-X-BGS-1", DEFAULT_RULE)}
    assert codes == {"CODE-FONDS", "CODE-YEAR", "CODE-RETENTION", "CODE-ITEM"}


@pytest.mark.parametrize(
    "parts,rule,problem_code",
    [
        (CodeParts("J001", "WS", 2023, "Y", 1), DEFAULT_RULE, "CODE-ORG"),
        (CodeParts("J001", "WS", 2023, "Y", 10000, "BGS"), DEFAULT_RULE, "CODE-ITEM"),
        (CodeParts("J001", "WS", 2023, "Y", 0, "BGS"), DEFAULT_RULE, "CODE-ITEM"),
        (CodeParts("J001", "WS", 2023, "P", 1, "BGS"), DEFAULT_RULE, "CODE-RETENTION"),
        (CodeParts("J001", "WS", 2023, "Y", 1, "BGS", volume=2), DEFAULT_RULE, "CODE-VOLUME"),
        (CodeParts("J001", "WS", 2023, "Y", 1, extra=("JC",)), DAT22_NO_ORG, "CODE-EXTRA"),
        (CodeParts("J019", "ZY", 2019, "D30", 1), DAT13_VOLUME, "CODE-VOLUME"),
        (CodeParts("J001", "WS", 99, "Y", 1, "BGS"), DEFAULT_RULE, "CODE-YEAR"),
    ],
)
def test_render_refuses_bad_parts(parts, rule, problem_code):
    with pytest.raises(CodeError) as info:
        render(parts, rule)
    assert problem_code in [p.code for p in info.value.problems]


def test_render_drops_org_when_rule_does_not_use_it():
    parts = CodeParts("1031", "WS", 2009, "D30", 29, org_code="BGS")
    assert render(parts, DAT22_NO_ORG) == "1031-WS·2009-D30-0029"


@pytest.mark.parametrize(
    "legacy,rule,expected",
    [
        ("Z109－WS·2011－Y－BGS－0001", DEFAULT_RULE, "Z109-WS·2011-Y-BGS-0001"),
        ("Z109-WS2011-Y-BGS-0001", DEFAULT_RULE, "Z109-WS·2011-Y-BGS-0001"),
        ("Z109 - WS · 2011 - Y - BGS - 0001", DEFAULT_RULE, "Z109-WS·2011-Y-BGS-0001"),
        ("Z109-WS.2011-Y-BGS-0001", DEFAULT_RULE, "Z109-WS·2011-Y-BGS-0001"),
        ("Z109-WS•2011-Y-BGS-0001", DEFAULT_RULE, "Z109-WS·2011-Y-BGS-0001"),
        ("z109-ws・2011-d30-bgs-0001", DEFAULT_RULE, "Z109-WS·2011-D30-BGS-0001"),
        ("Ｚ１０９–ＷＳ·２０１１—Ｙ-BGS-0001", DEFAULT_RULE, "Z109-WS·2011-Y-BGS-0001"),
        ("Z109-WS.2011.Y.办公室-0001", DAT13_ORG4, "Z109-WS·2011·Y·办公室-0001"),
        ("J019-ZY.JC.CC.2019.D30-001-001", DAT13_VOLUME, "J019-ZY·JC·CC·2019·D30-001-001"),
    ],
)
def test_legacy_input_is_normalised(legacy, rule, expected):
    assert render(parse_legacy(legacy, rule), rule) == expected


def test_code_rule_refuses_inconsistent_configuration():
    with pytest.raises(ValueError):
        CodeRule(grammar="DA/T 99")
    with pytest.raises(ValueError):
        CodeRule(grammar=DAT22, level=VOLUME)
    with pytest.raises(ValueError):
        CodeRule(grammar=DAT13, class_parts=("category", "year"))
    with pytest.raises(ValueError):
        CodeRule(grammar=DAT13, class_parts=("category", "year", "retention"))  # use_org
    assert DEFAULT_RULE.grammar == DAT22


RULES = [DEFAULT_RULE, DAT22_NO_ORG, DAT13_ORG4, DAT13_ORG3, DAT13_NO_ORG3, DAT13_VOLUME]
TOKEN = st.text(alphabet="ABCXYZ0123办公室政策", min_size=1, max_size=6)


@st.composite
def parts_and_rule(draw):
    rule = draw(st.sampled_from(RULES))
    extra = ()
    if "extra" in rule.class_parts:
        extra = tuple(draw(st.lists(TOKEN, max_size=3)))
    return rule, CodeParts(
        fonds_code=draw(st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True)),
        category=draw(st.from_regex(r"[A-Z]{2}", fullmatch=True)),
        year=draw(st.integers(1000, 9999)),
        retention=draw(st.sampled_from(["Y", "D10", "D30", "D5", "D100"])),
        item_number=draw(st.integers(1, 10**rule.item_width - 1)),
        org_code=draw(TOKEN) if rule.use_org else "",
        volume=draw(st.integers(1, 999)) if rule.level == VOLUME else None,
        extra=extra,
    )


@given(parts_and_rule())
def test_round_trip_parts_code_parts(case):
    rule, parts = case
    code = render(parts, rule)
    assert parse(code, rule) == parts
    assert render(parse(code, rule), rule) == code
    assert parse_legacy(code.replace("·", ".").replace("-", "－"), rule) == parts
