"""案卷整理 (#24 item 3): make volumes, put records in, take them out — codes, order, the
volume's computed description, refusals, the ledger and the audit trail."""

import datetime

import pytest
import transaction
from plone import api
from volume_helpers import DESCRIPTION
from volume_helpers import archived
from volume_helpers import volume_fonds

from sd.archive import audit
from sd.archive import dossiers
from sd.archive.core.errors import ArchiveError
from sd.archive.corrections import CorrectionRefused
from sd.archive.ledger import ensure_agrees
from sd.archive.numbering import correct_code
from sd.archive.protection import ReadOnlyFields
from sd.archive.testing import make_fonds


def test_a_volume_gets_the_next_number_and_its_code(vfonds):
    first = dossiers.create_volume(vfonds, DESCRIPTION)
    second = dossiers.create_volume(vfonds, {**DESCRIPTION, "title": "第二卷"})
    other_year = dossiers.create_volume(vfonds, {**DESCRIPTION, "year": 2022})
    assert (first.dossier_number, first.archival_code) == ("1", "J003-WS·2023·Y-001")
    assert (second.dossier_number, second.archival_code) == ("2", "J003-WS·2023·Y-002")
    assert other_year.archival_code == "J003-WS·2022·Y-001"
    assert first.compiled_on == datetime.date(2024, 1, 15)
    assert (first.compiler, first.checker, first.year, first.category) == (
        "张三",
        "李四",
        2023,
        "WS",
    )
    assert (first.item_count, first.page_count, first.date_start) == (0, 0, None)


def test_a_volume_needs_a_by_volume_rule(manager):
    item_fonds = make_fonds(manager, "j009", "J009", "DA/T 13-2022", use_org_code=False)
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.create_volume(item_fonds, DESCRIPTION)
    assert info.value.status == 409 and info.value.type == "NotVolumeArranged"
    assert info.value.problems[0].code == "VOLUME-RULE"
    assert info.value.message.startswith("门类 WS 的档号规则为按件")
    assert not item_fonds.objectIds()


def test_a_bad_description_is_refused_with_every_problem(vfonds):
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.create_volume(
            vfonds, {"title": "", "year": "twenty", "retention_period": "X", "category": "ZZ"}
        )
    found = {p.property for p in info.value.problems}
    assert {"title", "year", "retention_period", "category"} <= found
    with pytest.raises(ReadOnlyFields):
        dossiers.create_volume(vfonds, {**DESCRIPTION, "dossier_number": "7"})
    assert not [o for o in vfonds.objectValues() if o.portal_type == "Dossier"]


def test_place_numbers_by_date_and_computes_the_description(vfonds, three):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    first, second, third = three
    result = dossiers.place_in_volume(volume, three, "按年度组卷")
    inside = dossiers.volume_records(volume)
    assert [r.UID() for r in inside] == [second.UID(), third.UID(), first.UID()]
    assert [r.item_number for r in inside] == [1, 2, 3]
    assert [r.archival_code for r in inside] == [
        "J003-WS·2023·Y-001-0001",
        "J003-WS·2023·Y-001-0002",
        "J003-WS·2023·Y-001-0003",
    ]
    assert all(r.volume_number == "1" for r in inside)
    assert all(r.aq_parent is volume for r in inside)
    assert (volume.item_count, volume.page_count) == (3, 2 + 0 + 3)  # no pages given: 0
    assert volume.date_start == datetime.date(2023, 1, 11)
    assert volume.date_end == datetime.date(2023, 2, 10)
    assert [row["item_number"] for row in result["records"]] == [1, 2, 3]
    brains = api.content.find(archival_code="J003-WS·2023·Y-001-0002")
    assert [b.UID for b in brains] == [third.UID()]


def test_place_as_given_appends_and_logs_each_change(vfonds, three):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    first, second, third = three
    old = first.archival_code
    index_before = first.ledger_index
    dossiers.place_in_volume(volume, [first], "组卷", order="given")
    dossiers.place_in_volume(volume, [third, second], "补充组卷", order="given")
    first, third, second = dossiers.volume_records(volume)
    assert [first.item_number, third.item_number, second.item_number] == [1, 2, 3]
    entry = first.code_log[-1]
    assert (entry["action"], entry["old"], entry["new"]) == (
        "place-in-volume",
        old,
        "J003-WS·2023·Y-001-0001",
    )
    assert entry["reason"] == "组卷" and entry["ledger_index"] > index_before
    assert first.ledger_index > index_before
    ensure_agrees(first)  # the moved record still agrees with its latest ledger entry
    actions = [e.action for e in audit.trail().pending()]
    assert "volume.place" in actions and "content.moved" in actions
    placed = [e for e in audit.trail().pending() if e.action == "volume.place"]
    assert placed[-1].details["reason"] == "补充组卷"


def test_remove_renumbers_the_rest_and_gives_an_item_code_back(vfonds, three):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    dossiers.place_in_volume(volume, three, "组卷")
    second, third, first = dossiers.volume_records(volume)
    result = dossiers.remove_from_volume(volume, [second], "调出：不属本卷")
    moved = vfonds[second.getId()]
    assert second.getId() not in volume
    assert moved.volume_number is None
    assert moved.archival_code.startswith("J003-WS·2023·Y-") and moved.archival_code.count("-") == 2
    assert moved.code_log[-1]["action"] == "remove-from-volume"
    assert [r.item_number for r in dossiers.volume_records(volume)] == [1, 2]
    assert [r.UID() for r in dossiers.volume_records(volume)] == [third.UID(), first.UID()]
    assert third.code_log[-1]["action"] == "renumber-in-volume"
    assert third.archival_code == "J003-WS·2023·Y-001-0001"
    assert volume.item_count == 2 and volume.date_start == datetime.date(2023, 1, 21)
    assert result["removed"][0]["archival_code"] == moved.archival_code
    ensure_agrees(moved)


def test_wrong_records_are_refused_and_nothing_changes(vfonds, three, manager):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    other_year = archived(vfonds, 4, year=2022)
    held = archived(vfonds, 5)
    held.holds = ["诉讼冻结"]
    foreign = archived(make_volume_fonds_j004(manager), 6)
    codes_before = [r.archival_code for r in (*three, other_year, held)]
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.place_in_volume(volume, [*three, other_year, held, foreign], "组卷")
    found = {p.code for p in info.value.problems}
    assert {"VOLUME-CLASS", "VOLUME-HELD", "VOLUME-FONDS"} <= found
    assert [r.archival_code for r in (*three, other_year, held)] == codes_before
    assert dossiers.volume_records(volume) == [] and volume.item_count == 0


def make_volume_fonds_j004(container):
    return volume_fonds(container, "j004", "J004")


def test_reason_is_required_and_pre_archived_records_refused(vfonds, three):
    from sd.archive.testing import make_record

    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.place_in_volume(volume, three, "  ")
    assert info.value.status == 400 and info.value.problems[0].code == "VOLUME-REASON"
    draft = make_record(vfonds, 9, year=2023)
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.place_in_volume(volume, [draft], "组卷")
    assert info.value.problems[0].code == "VOLUME-NOT-ARCHIVED"
    dossiers.place_in_volume(volume, three[:1], "组卷")
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.place_in_volume(volume, three[:1], "再次组卷")
    assert info.value.problems[0].code == "VOLUME-ALREADY"
    with pytest.raises(dossiers.VolumeRefused) as info:
        dossiers.remove_from_volume(volume, three[1:2], "调出")
    assert info.value.problems[0].code == "VOLUME-NOT-IN"


def test_code_correction_of_a_record_in_a_volume_is_refused(vfonds, three):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    dossiers.place_in_volume(volume, three[:1], "组卷")
    with pytest.raises(CorrectionRefused) as info:
        correct_code(dossiers.volume_records(volume)[0], "改年度", year=2022)
    assert info.value.type == "RecordInVolume"


def test_class_parts_of_a_numbered_volume_are_fixed(vfonds):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    volume.year = 2022
    with pytest.raises(ArchiveError) as info:
        volume.reindexObject()
        from zope.lifecycleevent import modified

        modified(volume)
    assert info.value.type == "VolumeClassFixed"
    transaction.doom()


def test_an_item_rule_category_keeps_working_for_unplaced_records(vfonds, three):
    """A record of a 按卷 category outside a volume carries the 按件 form and may be corrected."""
    entry = correct_code(three[0], "年度著录有误", year=2022)
    assert entry["new"].startswith("J003-WS·2022·Y-")


def test_a_volume_holding_records_is_not_deleted(vfonds, three):
    volume = dossiers.create_volume(vfonds, DESCRIPTION)
    empty = dossiers.create_volume(vfonds, {**DESCRIPTION, "title": "空卷"})
    dossiers.place_in_volume(volume, three[:1], "组卷")
    with pytest.raises(dossiers.VolumeRefused) as info:
        api.content.delete(volume, check_linkintegrity=False)
    assert info.value.type == "VolumeNotEmpty"
    api.content.delete(empty, check_linkintegrity=False)
    assert empty.getId() not in vfonds


def test_the_add_menu_leads_to_the_new_volume_form(portal):
    assert portal.portal_types.Dossier.add_view_expr.endswith("/@@volumes")
