"""The safe transfer flow of the Classic UI (移交流程): nothing ticked, a preview of what would
move, nothing moves without the confirmation post; an archivist uploads an offline package;
the records room's registration form leaves the archives' checks pending."""

import re

import transaction
from lxml import etree
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import setRoles
from test_transfer_roundtrip import room_records
from test_transfer_ui_forms import form_post
from transfer_helpers import SAMPLE
from transfer_helpers import session_for
from transfer_helpers import unrestricted

from sd.archive.transfer import form
from sd.archive.transfer import preview

PAGE = "j001/@@transfer-out"


def room(site):
    """Three archived records of J001 of 2018 and an admin session; (uids, codes, session)."""
    setRoles(site, TEST_USER_ID, ["Manager"])
    login(site, TEST_USER_NAME)
    records = room_records(site["j001"])
    uids = [r.UID() for r in records]
    codes = sorted(r.archival_code for r in records)
    size = sum(preview.component_bytes(r) for r in records)
    transaction.commit()
    return uids, codes, size, session_for(site, "admin")


def states(uids):
    transaction.begin()
    return {api.content.get_state(unrestricted(uid)) for uid in uids}


def test_nothing_is_ticked(site):
    uids, _codes, _size, admin = room(site)
    page = admin.get(PAGE, headers={"Accept": "text/html"}).text
    boxes = re.findall(r"<input[^>]*name=\"uids:list\"[^>]*>", page)
    assert len(boxes) == 3 and {u for u in uids if u in page} == set(uids)
    assert not [b for b in boxes if "checked" in b]


def test_preview_shows_what_would_move_and_moves_nothing(site):
    uids, codes, size, admin = room(site)
    answer = form_post(admin, PAGE, **{"uids:list": uids, "preview": "1"})
    assert answer.status_code == 200, answer.text[-2000:]
    html = etree.HTML(answer.text)
    (preview,) = html.xpath('//*[@id="transfer-preview"]')
    assert preview.get("data-count") == "3" and preview.get("data-bytes") == str(size) and size
    assert preview.get("data-first-code") == codes[0] and preview.get("data-last-code") == codes[-1]
    assert "·" in codes[0]
    groups = html.xpath('//*[@id="transfer-preview-groups"]//tr[@data-year]')
    assert [(g.get("data-year"), g.get("data-count")) for g in groups] == [("2018", "3")]
    confirm = html.xpath('//form[@id="transfer-confirm"]')[0]
    assert confirm.xpath('.//input[@name="confirm"]/@value') == ["1"]
    assert sorted(confirm.xpath('.//input[@name="uids:list"]/@value')) == sorted(uids)
    assert states(uids) == {"archived"}


def test_no_move_without_confirmation(site):
    uids, _codes, _size, admin = room(site)
    for fields in (
        {"build": "1"},
        {"build": "1", "confirm": "0"},
        {"confirm": "1", "preview": "1"},
    ):
        answer = form_post(admin, PAGE, **{"uids:list": uids, "expected": "3", **fields})
        assert answer.status_code == 200, answer.text[-2000:]
        assert 'id="transfer-preview"' in answer.text
    # a confirmation for another selection than the one previewed moves nothing either
    answer = form_post(
        admin, PAGE, **{"uids:list": uids, "build": "1", "confirm": "1", "expected": "2"}
    )
    assert answer.status_code == 200 and 'id="transfer-preview"' in answer.text
    assert states(uids) == {"archived"}
    catalog = api.portal.get_tool("portal_catalog")
    assert not catalog.unrestrictedSearchResults(portal_type="TransferBatch")


def test_confirmed_transfer_builds_the_package_for_download(site):
    uids, _codes, _size, admin = room(site)
    answer = form_post(
        admin,
        PAGE,
        **{"uids:list": uids, "build": "1", "confirm": "1", "expected": "3", "send": "download"},
    )
    assert answer.status_code == 302, answer.text[-2000:]
    batch = answer.headers["Location"]
    assert states(uids) == {"transferred"}
    package = admin.get(batch + "/@@transfer-download?what=package.zip")
    assert package.status_code == 200 and package.content[:2] == b"PK"


def test_outgoing_registration_form_leaves_the_archives_checks_pending(site):
    uids, _codes, _size, admin = room(site)
    answer = form_post(
        admin, PAGE, **{"uids:list": uids, "build": "1", "confirm": "1", "expected": "3"}
    )
    xml = admin.get(answer.headers["Location"] + "/@@transfer-download?what=form.xml").content
    root = etree.fromstring(xml)
    receiving = root.find("接收单位")
    assert {receiving.findtext(label) for _key, label in form.CHECKS} == {form.PENDING}
    assert "合格" not in etree.tostring(receiving, encoding="unicode")
    assert root.find("移交单位").findtext("完整性检验") == "合格"


def test_archivist_uploads_an_offline_package(site, archivist):
    page = archivist.get("@@transfer-holdings", headers={"Accept": "text/html"}).text
    assert 'id="transfer-upload"' in page and 'enctype="multipart/form-data"' in page
    token = re.search(r'name="_authenticator" value="([^"]*)"', page).group(1)
    answer = archivist.post(
        "@@transfer-holdings",
        data={"_authenticator": token, "upload": "1"},
        files={"package": ("transfer.zip", SAMPLE.read_bytes(), "application/zip")},
        headers={"Accept": "text/html"},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[-2000:]
    body = archivist.get(answer.headers["Location"]).json()
    assert body["transfer"]["direction"] == "incoming" and body["transfer"]["record_count"] == 5
    transaction.begin()
    facts = unrestricted(body["UID"]).facts
    assert facts["carrier"] == "offline" and facts["received_by"] == "archivist"
    # the batch page's accept button says 接收 (zh-CN first, as the demo site speaks)
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    site.setLanguage("zh-cn")
    transaction.commit()
    html = archivist.get(
        answer.headers["Location"] + "/@@transfer-batch",
        headers={"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"},
    ).text
    assert 'data-state="awaiting_acceptance"' in html
    assert re.search(r'name="accept"[^>]*>\s*接收\s*<', html)


def test_member_may_not_upload(site):
    member = session_for(site, "member")
    answer = member.get("@@transfer-holdings", headers={"Accept": "text/html"})
    assert answer.status_code in (401, 403) or "transfer-upload" not in answer.text
