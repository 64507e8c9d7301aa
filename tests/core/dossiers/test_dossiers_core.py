"""案卷 core rules: 案卷号 series, fit of a record, order and 卷内件号, computed description,
and the volume code (案卷档号) of a DA/T 13-2022 按卷 rule."""

from datetime import date

import pytest

from sd.archive.core import codes
from sd.archive.core import dossiers

VOLUME_RULE = codes.CodeRule(
    grammar=codes.DAT13,
    level=codes.VOLUME,
    use_org=False,
    class_parts=("category", "year", "retention"),
)
ORG_RULE = codes.CodeRule(grammar=codes.DAT13, level=codes.VOLUME, use_org=True)


def test_volume_code_is_the_volume_form_without_item():
    parts = codes.CodeParts("J003", "WS", 2023, "Y", 7, volume=2)
    assert codes.render(parts, VOLUME_RULE) == "J003-WS·2023·Y-002-0007"
    assert codes.render_volume(parts, VOLUME_RULE) == "J003-WS·2023·Y-002"


def test_volume_code_needs_a_volume_rule():
    parts = codes.CodeParts("J003", "WS", 2023, "Y", 1, volume=2)
    with pytest.raises(codes.CodeError):
        codes.render_volume(parts, codes.CodeRule(grammar=codes.DAT13))


def test_level_rule_gives_the_item_form_outside_a_volume():
    assert codes.level_rule(VOLUME_RULE, None).level == codes.ITEM
    assert codes.level_rule(VOLUME_RULE, 3) is VOLUME_RULE
    item = codes.CodeParts("J003", "WS", 2023, "Y", 5)
    assert codes.render(item, codes.level_rule(VOLUME_RULE, None)) == "J003-WS·2023·Y-0005"


def test_volume_series_counts_org_only_when_the_rule_uses_it():
    a = dossiers.volume_series("J003", "WS", 2023, "Y", "BGS", VOLUME_RULE)
    b = dossiers.volume_series("J003", "WS", 2023, "Y", "RSC", VOLUME_RULE)
    assert a == b and a.volume is None
    c = dossiers.volume_series("J003", "WS", 2023, "Y", "BGS", ORG_RULE)
    d = dossiers.volume_series("J003", "WS", 2023, "Y", "RSC", ORG_RULE)
    assert c != d
    assert dossiers.volume_series("J003", "WS", 2024, "Y", "", VOLUME_RULE) != a


def test_fit_problems_name_each_differing_part():
    volume = {"category": "WS", "year": 2023, "retention_period": "Y", "org_code": "BGS"}
    same = {"category_code": "WS", "year": 2023, "retention_period": "Y", "org_code": "RSC"}
    assert dossiers.fit_problems(volume, same, VOLUME_RULE) == []
    problems = dossiers.fit_problems(volume, same, ORG_RULE, "r1")
    assert [p.property for p in problems] == ["org_code"]
    other = {"category_code": "WS", "year": 2022, "retention_period": "D30"}
    found = dossiers.fit_problems(volume, other, VOLUME_RULE, "r2")
    assert [p.property for p in found] == ["year", "retention_period"]
    assert all(p.code == "VOLUME-CLASS" and p.object == "r2" for p in found)
    assert "年度不同" in found[0].message


def test_arrange_by_date_orders_all_undated_last():
    existing = [
        dossiers.Member("a", date(2023, 3, 1), number=1),
        dossiers.Member("b", date(2023, 6, 1), number=2),
    ]
    new = [
        dossiers.Member("c", None),
        dossiers.Member("d", date(2023, 4, 1)),
        dossiers.Member("e", date(2023, 1, 1)),
    ]
    keys = dossiers.arrange(existing, new, dossiers.ORDER_DATE)
    assert keys == ["e", "a", "d", "b", "c"]
    assert dossiers.numbering(keys) == {"e": 1, "a": 2, "d": 3, "b": 4, "c": 5}


def test_arrange_as_given_appends_after_existing_in_number_order():
    existing = [dossiers.Member("b", number=2), dossiers.Member("a", number=1)]
    new = [dossiers.Member("z", date(2000, 1, 1)), dossiers.Member("y")]
    assert dossiers.arrange(existing, new, dossiers.ORDER_GIVEN) == ["a", "b", "z", "y"]
    with pytest.raises(ValueError):
        dossiers.arrange(existing, new, "random")


def test_summary_counts_items_pages_and_date_range():
    members = [
        dossiers.Member("a", date(2023, 3, 1), 4),
        dossiers.Member("b", None, None),
        dossiers.Member("c", date(2023, 1, 9), 2),
    ]
    s = dossiers.summary(members)
    assert (s.item_count, s.page_count) == (3, 6)
    assert (s.date_start, s.date_end) == (date(2023, 1, 9), date(2023, 3, 1))
    empty = dossiers.summary([])
    assert (empty.item_count, empty.page_count, empty.date_start, empty.date_end) == (
        0,
        0,
        None,
        None,
    )
