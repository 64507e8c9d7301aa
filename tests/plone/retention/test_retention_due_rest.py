"""GET {fonds}/@retention-due (REST, XLSX) and @@retention-due (Classic UI), with the
workbench queue and the fonds page link (#25 item 1)."""

import datetime
import io

import pytest
import transaction
from openpyxl import load_workbook
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import make_users
from sd.archive.testing import rest_session

USERS = {
    # user id: (global roles, local roles on J001)
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "archivist": (["Archivist"], []),
    "sysadmin": (["SystemAdministrator"], []),
    "secadmin": (["SecurityAdministrator"], []),
    "auditor": (["SecurityAuditor"], []),
    "other-officer": ([], []),
}


@pytest.fixture
def due_site(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    make_users(USERS, fonds, "secret-12345", other=other)
    made = {}
    # (n, year, period): expired, permanent, kept to 2048; one whose title looks like a formula
    for n, year, period, title in [
        (1, 2011, "D10", "=关于档案工作的通知"),
        (2, 2011, "Y", "永久的通知"),
        (3, 2018, "D30", "三十年的通知"),
    ]:
        record = make_record(fonds, n, title=title, retention_period=period)
        assign_code(record, "WS", year, period, "BGS")
        api.content.transition(record, transition="archive")
        made[n] = record
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    transaction.commit()
    yield fportal, fonds, made
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
    transaction.commit()


def test_due_list_over_rest(due_site):
    portal, fonds, made = due_site
    session = rest_session(portal, "officer")
    response = session.get(f"{fonds.absolute_url()}/@retention-due")
    assert response.status_code == 200, response.text[:2000]
    body = response.json()
    assert body["within"] == 12 and body["items_total"] == 1
    (item,) = body["items"]
    assert item["uid"] == made[1].UID() and item["@id"] == made[1].absolute_url()
    assert item["archival_code"] == "J001-WS·2011-D10-BGS-0001"
    assert item["due"] == "2021-12-31" and item["status"] == "expired"
    assert item["status_label"] == "已到期" and item["retention_label"] == "定期10年"
    # within 300 months is refused; within 120 still never lists the permanent record
    wide = session.get(f"{fonds.absolute_url()}/@retention-due?within=120").json()
    assert made[2].UID() not in [i["uid"] for i in wide["items"]]
    today = datetime.date.today()
    if today.year + 10 >= 2048:  # pragma: no cover - far future
        assert made[3].UID() in [i["uid"] for i in wide["items"]]


@pytest.mark.parametrize("within", ["abc", "-1", "10000", "1.5"])
def test_bad_within_is_400_in_the_error_shape(due_site, within):
    portal, fonds, _made = due_site
    session = rest_session(portal, "officer")
    for suffix in ("", "&format=xlsx"):
        response = session.get(f"{fonds.absolute_url()}/@retention-due?within={within}{suffix}")
        assert response.status_code == 400, response.text[:1000]
        body = response.json()
        assert body["errors"][0]["code"] == "DUE-WITHIN"
        assert body["errors"][0]["property"] == "within"


def test_permissions(due_site):
    portal, fonds, _made = due_site
    url = f"{fonds.absolute_url()}/@retention-due"
    for user in ("officer", "archivist"):
        assert rest_session(portal, user).get(url).status_code == 200, user
    for user in ("sysadmin", "secadmin", "auditor", "other-officer"):
        assert rest_session(portal, user).get(url).status_code in (401, 403), user
    assert rest_session(portal).get(url).status_code == 401


def test_xlsx_export(due_site):
    portal, fonds, made = due_site
    response = rest_session(portal, "officer").get(
        f"{fonds.absolute_url()}/@retention-due?within=12&format=xlsx"
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["档号", "题名", "年度", "保管期限", "到期日期", "状态"]
    assert rows[1:] == [
        [
            "J001-WS·2011-D10-BGS-0001",
            "'=关于档案工作的通知",
            "2011",
            "定期10年",
            "2021-12-31",
            "已到期",
        ]
    ]


def test_classic_ui_page_workbench_and_fonds_link(due_site):
    portal, fonds, made = due_site
    session = rest_session(portal, "officer")
    session.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    page = session.get(f"{fonds.absolute_url()}/@@retention-due")
    assert page.status_code == 200
    html = page.text
    assert "到期档案清单" in html
    for column in ("档号", "题名", "年度", "保管期限", "到期日期", "状态"):
        assert f">{column}</th>" in html
    assert "J001-WS·2011-D10-BGS-0001" in html and "2021-12-31" in html and "已到期" in html
    assert made[2].archival_code not in html  # permanent: never listed
    assert "Traceback" not in html and "{" not in html.split("sd-retention-due")[1][:200]
    bad = session.get(f"{fonds.absolute_url()}/@@retention-due?within=abc")
    assert bad.status_code == 400 and "到期范围应为0至120的整月数" in bad.text
    assert "Traceback" not in bad.text
    from sd.archive.browser.workbench import queues

    (brain,) = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        portal_type="Fonds", fonds_code="J001"
    )
    assert queues.due_for_appraisal(brain) == 1  # the expired record, not the permanent one
    workbench = session.get(f"{portal.absolute_url()}/@@workbench").text
    assert f"{fonds.absolute_url()}/@@retention-due" in workbench
    assert f"{fonds.absolute_url()}/@@retention-due" in session.get(fonds.absolute_url()).text
    # the three administrators see no page
    admin = rest_session(portal, "sysadmin")
    admin.headers.update({"Accept": "text/html"})
    refused = admin.get(f"{fonds.absolute_url()}/@@retention-due", allow_redirects=False)
    assert refused.status_code in (302, 401, 403)
    assert "J001-WS·2011-D10-BGS-0001" not in refused.text


def test_rest_destroy_refused_in_the_error_shape(due_site):
    portal, fonds, made = due_site
    for n in (1, 2):
        api.content.transition(made[n], transition="appraise")
    transaction.commit()
    officer = rest_session(portal, "officer")
    response = officer.post(f"{made[2].absolute_url()}/@workflow/destroy", json={})
    assert response.status_code == 409, response.text[:1000]
    body = response.json()
    assert body["type"] == "DestructionRefused"
    assert body["errors"][0]["code"] == "DESTROY-PERMANENT"
    assert body["errors"][0]["message"].startswith("永久保管的档案不得销毁")
    transaction.begin()
    assert api.content.get_state(made[2]) == "appraisal" and len(made[2].objectIds()) == 2
    # someone who may not destroy at all is not told why (plone.restapi's own answer)
    auditor = rest_session(portal, "auditor")
    assert auditor.post(f"{made[2].absolute_url()}/@workflow/destroy", json={}).status_code in (
        400,
        401,
        403,
    )
    # the expired record does not go alone either (#25): only an executed appraisal batch
    response = officer.post(f"{made[1].absolute_url()}/@workflow/destroy", json={"comment": "x"})
    assert response.status_code == 409, response.text[:1000]
    assert [e["code"] for e in response.json()["errors"]] == ["DESTROY-BATCH-ONLY"]
    transaction.begin()
    assert api.content.get_state(made[1]) == "appraisal" and len(made[1].objectIds()) == 2


def test_holds_over_rest(due_site):
    portal, fonds, made = due_site
    url = f"{made[1].absolute_url()}/@holds"
    officer = rest_session(portal, "officer")
    placed = officer.post(url, json={"action": "place", "hold": "诉讼冻结", "reason": "审理需要"})
    assert placed.status_code == 200, placed.text[:1000]
    assert placed.json()["holds"] == ["诉讼冻结"] and placed.json()["entry"]["actor"] == "officer"
    for bad, code in (
        ({"action": "freeze", "hold": "x", "reason": "y"}, "HOLD-ACTION"),
        ({"action": "place", "hold": "另一冻结", "reason": ""}, "HOLD-REASON"),
        ({"action": "lift", "hold": "没有的冻结", "reason": "y"}, "HOLD-UNKNOWN"),
    ):
        response = officer.post(url, json=bad)
        assert 400 <= response.status_code < 500
        assert response.json()["errors"][0]["code"] == code
    assert officer.get(url).json()["holds"] == ["诉讼冻结"]  # nothing changed
    for user in ("sysadmin", "auditor"):
        response = rest_session(portal, user).post(
            url, json={"action": "lift", "hold": "诉讼冻结", "reason": "y"}
        )
        assert response.status_code in (401, 403), user
    lifted = officer.post(url, json={"action": "lift", "hold": "诉讼冻结", "reason": "已审结"})
    assert lifted.status_code == 200 and lifted.json()["holds"] == []
    assert [e["action"] for e in lifted.json()["log"]] == ["placed", "lifted"]


def test_due_list_in_pages(due_site):
    """A fonds of 100,000 records may have tens of thousands due (#25): the JSON list comes in
    pages (b_start, b_size) with the total and plone.restapi's batching links."""
    portal, fonds, made = due_site
    transaction.begin()
    for n in (4, 5):
        record = make_record(fonds, n, retention_period="D10")
        assign_code(record, "WS", 2012, "D10", "BGS")
        api.content.transition(record, transition="archive")
    transaction.commit()
    session = rest_session(portal, "officer")
    url = f"{fonds.absolute_url()}/@retention-due"
    body = session.get(url, params={"b_size": 2}).json()
    assert body["items_total"] == 3 and len(body["items"]) == 2
    assert body["items"][0]["uid"] == made[1].UID()  # 2011 before 2012
    assert body["batching"]["next"].endswith("b_start=2")
    last = session.get(url, params={"b_size": 2, "b_start": 2}).json()
    assert len(last["items"]) == 1 and "next" not in last["batching"]
    whole = session.get(url).json()
    assert whole["items_total"] == 3 and len(whole["items"]) == 3 and "batching" not in whole
    for bad in ({"b_size": "0"}, {"b_size": "x"}, {"b_size": "100000"}, {"b_start": "-1"}):
        response = session.get(url, params=bad)
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["code"] == "DUE-BATCH"
