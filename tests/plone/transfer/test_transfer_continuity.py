"""Continuity before transfer (#29 item 5): every item-number series a transfer takes is checked
as a whole; a gap blocks it until the records officer records a reason, which then travels in
说明文件 and the registration form; the receiving side runs the same check (YJ-2-6)."""

import datetime
import tempfile
import zipfile
from pathlib import Path

import pytest
import transaction
from build_corpus import t_description
from build_corpus import t_drop_folder
from build_corpus import t_drop_row
from build_corpus import transfer
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import setRoles
from transfer_helpers import post
from transfer_helpers import session_for

from sd.archive.core.errors import ArchiveError
from sd.archive.core.packages.transfer import parse_description
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.transfer import continuity
from sd.archive.transfer import outgoing
from sd.archive.transfer import spool

SERIES = "J001-WS·2018-D30-BGS"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def records_with_gap(fonds, count=4, drop=(2,)):
    """``count`` archived records numbered 1… in SERIES; those numbered in ``drop`` removed."""
    made = {}
    for n in range(1, count + 1):
        record = create_record(
            fonds,
            {
                "title": f"连续性测试第{n}号",
                "record_kind": "电子公文",
                "electronic_record_id": f"OA-GAP-{n:04d}",
                "aggregation_level": "文件",
                "agency_name": "山东省示例厅",
                "author": "山东省示例厅",
                "fonds_code": "J001",
                "year": 2018,
                "security_level": "公开",
                "document_date": datetime.date(2018, 5, 12),
            },
            [
                ComponentData(
                    filename="正本.pdf",
                    data=PDF,
                    role="正本",
                    sequence=1,
                    path="正本/正本.pdf",
                    format_name="PDF",
                    content_type="application/pdf",
                )
            ],
        )
        assign_code(record, "WS", 2018, "D30", "BGS")
        api.content.transition(obj=record, transition="archive")
        made[n] = record
    for n in drop:
        fonds._delObject(made.pop(n).getId())
    return made


@pytest.fixture
def room_fonds(site):
    setRoles(site, TEST_USER_ID, ["Manager"])
    login(site, TEST_USER_NAME)
    return site["j001"]


def test_a_gap_anywhere_in_the_series_blocks_even_a_partial_transfer(room_fonds):
    records = records_with_gap(room_fonds)
    transaction.commit()
    assert [r.archival_code[-4:] for r in records.values()] == ["0001", "0003", "0004"]
    with pytest.raises(ArchiveError) as refused:
        # only record 4 is selected: the series is checked as a whole all the same
        outgoing.prepare_transfer(room_fonds, [records[4]], unit="山东省示例厅")
    assert refused.value.status == 409 and refused.value.type == "SeriesGaps"
    problem = refused.value.problems[0]
    assert (problem.code, problem.object) == ("transfer.series-gap", SERIES)
    assert "件号 2 缺失" in problem.message
    transaction.begin()
    assert {api.content.get_state(r) for r in records.values()} == {"archived"}  # nothing moved


def test_a_declared_reason_lets_it_through_and_travels_with_the_package(room_fonds):
    records = records_with_gap(room_fonds, count=5, drop=(2, 3))
    transaction.commit()
    with pytest.raises(ArchiveError):  # not a gap: number 4 has a record
        continuity.declare(room_fonds, SERIES, [2, 4], "void", "作废")
    continuity.declare(room_fonds, SERIES, [2], "void", "拟稿后作废，未发文")
    with pytest.raises(ArchiveError) as refused:  # 3 is still missing without a reason
        outgoing.prepare_transfer(room_fonds, [records[5]], unit="山东省示例厅")
    assert "件号 3 缺失" in refused.value.problems[0].message
    continuity.declare(room_fonds, SERIES, [3], "kept", "涉及内部事务，本单位留存")
    transaction.commit()
    batch = outgoing.prepare_transfer(room_fonds, [records[5]], unit="山东省示例厅")
    transaction.commit()
    with zipfile.ZipFile(spool.package_path(batch.token)) as package:
        description = parse_description(package.read("说明文件.TXT"))
        form_xml = package.read(outgoing.FORM_PATH).decode("utf-8")
    note = description["断号说明"]
    assert note == (
        f"{SERIES} 件号 2 作废：拟稿后作废，未发文；"
        f"{SERIES} 件号 3 本单位留存：涉及内部事务，本单位留存"
    )
    assert f"<断号说明>{note}</断号说明>" in form_xml
    assert batch.facts["description"]["断号说明"] == note
    declared = continuity.declared_list(room_fonds)
    assert [(e["number"], e["reason_zh"], e["by"]) for e in declared] == [
        (2, "作废", TEST_USER_ID),
        (3, "本单位留存", TEST_USER_ID),
    ]


def test_rest_lists_and_declares_gaps(site, room_fonds):
    records_with_gap(room_fonds, count=4, drop=(2,))
    api.user.grant_roles(username="room-j001", obj=room_fonds, roles=["RecordsOfficer"])
    transaction.commit()
    officer = session_for(site, "room-j001")
    url = room_fonds.absolute_url() + "/@series-gaps"
    body = officer.get(url).json()
    assert body["gaps"] == [{"series": SERIES, "missing": [2]}] and body["declared"] == []
    bad = officer.post(url, json={"series": SERIES, "numbers": [2], "reason": "lost", "note": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "transfer.gap-reason"
    no_note = officer.post(url, json={"series": SERIES, "numbers": [2], "reason": "withdrawn"})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["property"] == "note"
    done = officer.post(
        url, json={"series": SERIES, "numbers": [2], "reason": "withdrawn", "note": "已撤回"}
    )
    assert done.status_code == 201, done.text
    assert done.json()["declared"][0] | {"time": ""} == {
        "series": SERIES,
        "number": 2,
        "reason": "withdrawn",
        "reason_zh": "撤回",
        "note": "已撤回",
        "by": "room-j001",
        "time": "",
    }
    body = officer.get(url).json()
    assert body["gaps"] == [] and [e["number"] for e in body["declared"]] == [2]
    member = session_for(site, "member")
    assert member.get(url).status_code in (401, 403)
    officer.close()
    member.close()


def test_the_preview_page_shows_gaps_and_takes_the_reason(site, room_fonds):
    records = records_with_gap(room_fonds, count=3, drop=(2,))
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    site.setLanguage("zh-cn")
    transaction.commit()
    browser = session_for(site, "admin")
    browser.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    page = room_fonds.absolute_url() + "/@@transfer-out"
    token = browser.get(page).text.split('name="_authenticator" value="', 1)[1].split('"', 1)[0]
    form = {"_authenticator": token, "uids:list": [records[3].UID()], "preview": "1"}
    shown = browser.post(page, data=form)
    assert 'id="transfer-gaps"' in shown.text and 'id="transfer-confirm"' not in shown.text
    assert "件号连续性检查" in shown.text and "缺失件号" in shown.text
    declared = browser.post(
        page,
        data={
            **form,
            "declare_gap": "1",
            "series": SERIES,
            "numbers": "2",
            "reason": "withdrawn",
            "note": "撤回重发",
        },
    )
    assert "断号原因已登记" in declared.text
    assert (
        'id="transfer-gaps-declared"' in declared.text and 'id="transfer-confirm"' in declared.text
    )
    assert "撤回重发" in declared.text and "北京时间" in declared.text
    browser.close()


def build(change) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.zip"
        transfer(change)(str(path))
        return path.read_bytes()


def without_record_3(f):
    f = t_drop_row(t_drop_folder(f, 3), 3)
    return t_description(f, "档案数量：5", "档案数量：4")


def test_the_receiving_side_runs_the_same_check(site, room):
    response = post(room, build(without_record_3))
    assert response.status_code == 422, response.text[:2000]
    errors = [e for e in response.json()["errors"] if e["code"] == "YJ-2-6"]
    assert [e["object"] for e in errors] == [SERIES] and "件号 3 缺失" in errors[0]["message"]
    explained = build(
        lambda f: t_description(
            without_record_3(f),
            "档案数量：4",
            f"档案数量：4\r\n断号说明：{SERIES} 件号 3 作废：作废",
        )
    )
    response = post(room, explained)
    assert response.status_code == 201, response.text[:2000]
    assert [r["outcome"] for r in response.json()["records"]] == ["received"] * 4
