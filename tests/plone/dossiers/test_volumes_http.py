"""案卷 over HTTP (#24 item 3): POST @volumes, POST @volume-records (place, preview, remove),
GET of a volume with its records in order, PATCH of computed fields refused, permissions per
role (the records officer of the fonds and the archivist; nobody else, the three
administrators included), the Classic UI pages."""

import pytest
import transaction
from plone import api
from volume_helpers import DESCRIPTION
from volume_helpers import archived
from volume_helpers import volume_fonds

from sd.archive.testing import rest_session
from sd.archive.testing import rest_sessions

PASSWORD = "secret-12345"
ROLES = {
    # user: (global roles, local roles on J003)
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "archivist": (["Archivist"], []),
    "supervisor": (["Supervisor"], []),
    "sysadmin": (["SystemAdministrator"], []),
    "secadmin": (["SecurityAdministrator"], []),
    "auditor": (["SecurityAuditor"], []),
    "submitter": ([], ["Submitter"]),
    "stranger": ([], []),
}


@pytest.fixture
def site(fportal):
    """J003 (WS by volume) with three archived records on the functional site."""
    fonds = volume_fonds(fportal)
    for user, (roles, local) in ROLES.items():
        api.user.create(
            email=f"{user}@example.org", username=user, password=PASSWORD, roles=roles or ["Member"]
        )
        if local:
            api.user.grant_roles(username=user, obj=fonds, roles=local)
    records = [archived(fonds, 1, day=30, pages=2), archived(fonds, 2, day=5, pages=4)]
    records.append(archived(fonds, 3, day=60, pages=1))
    transaction.commit()
    return fonds, records


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make


def test_officer_makes_a_volume_and_puts_records_in(site, session):
    fonds, records = site
    officer = session("officer")
    made = officer.post(f"{fonds.absolute_url()}/@volumes", json=DESCRIPTION)
    assert made.status_code == 201, made.text
    volume_url = made.headers["Location"]
    assert made.json()["archival_code"] == "J003-WS·2023·Y-001"
    assert made.json()["dossier_number"] == "1"
    uids = [r.UID() for r in records]
    preview = officer.post(
        f"{volume_url}/@volume-records", json={"records": uids, "reason": "组卷", "preview": True}
    )
    assert preview.status_code == 200, preview.text
    assert [r["item_number"] for r in preview.json()["records"]] == [1, 2, 3]
    transaction.begin()
    assert all(r.volume_number is None for r in records)  # a preview stores nothing
    placed = officer.post(f"{volume_url}/@volume-records", json={"records": uids, "reason": "组卷"})
    assert placed.status_code == 200, placed.text
    assert placed.json()["item_count"] == 3 and placed.json()["page_count"] == 7
    got = officer.get(volume_url)
    assert got.status_code == 200
    body = got.json()
    assert [r["UID"] for r in body["volume_records"]] == [uids[1], uids[0], uids[2]]
    assert [r["archival_code"] for r in body["volume_records"]] == [
        "J003-WS·2023·Y-001-0001",
        "J003-WS·2023·Y-001-0002",
        "J003-WS·2023·Y-001-0003",
    ]
    assert body["date_start"] == "2023-01-06" and body["item_count"] == 3
    ordered = [r["@id"] for r in body["volume_records"]]
    assert [i["@id"] for i in body["items"]] == ordered  # the folder order follows 卷内件号
    listed = officer.get(f"{fonds.absolute_url()}/@volumes").json()["items"]
    assert [v["archival_code"] for v in listed] == ["J003-WS·2023·Y-001"]
    removed = officer.post(
        f"{volume_url}/@volume-records", json={"remove": [uids[0]], "reason": "调出"}
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["item_count"] == 2
    assert [r["archival_code"] for r in removed.json()["records"]] == [
        "J003-WS·2023·Y-001-0001",
        "J003-WS·2023·Y-001-0002",
    ]


def test_refusals_are_structured_and_store_nothing(site, session):
    fonds, records = site
    officer = session("officer")
    volume_url = officer.post(f"{fonds.absolute_url()}/@volumes", json=DESCRIPTION).headers[
        "Location"
    ]
    uids = [r.UID() for r in records]
    no_reason = officer.post(f"{volume_url}/@volume-records", json={"records": uids})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["code"] == "VOLUME-REASON"
    unknown = officer.post(
        f"{volume_url}/@volume-records", json={"records": [*uids, "nope"], "reason": "组卷"}
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["code"] == "VOLUME-UNKNOWN"
    bad = officer.post(f"{fonds.absolute_url()}/@volumes", json={**DESCRIPTION, "year": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["property"] == "year"
    transaction.begin()
    assert all(r.volume_number is None for r in records)
    volumes = api.content.find(portal_type="Dossier", path="/".join(fonds.getPhysicalPath()))
    assert len(volumes) == 1


def test_patch_refuses_computed_and_fixed_fields(site, session):
    fonds, _records = site
    officer = session("officer")
    volume_url = officer.post(f"{fonds.absolute_url()}/@volumes", json=DESCRIPTION).headers[
        "Location"
    ]
    for field, value in (("item_count", 9), ("archival_code", "X"), ("dossier_number", "5")):
        refused = officer.patch(volume_url, json={field: value})
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"][0]["code"] == "FIELD-READ-ONLY"
    fixed = officer.patch(volume_url, json={"year": 2021})
    assert fixed.status_code == 409 and fixed.json()["type"] == "VolumeClassFixed"
    fine = officer.patch(volume_url, json={"checker": "王五", "note": "已复核"})
    assert fine.status_code == 204, fine.text
    body = officer.get(volume_url).json()
    assert (body["checker"], body["year"], body["item_count"]) == ("王五", 2023, 0)


@pytest.mark.parametrize(
    "user,allowed",
    [
        ("officer", True),
        ("archivist", True),
        ("supervisor", False),
        ("sysadmin", False),
        ("secadmin", False),
        ("auditor", False),
        ("submitter", False),
        ("stranger", False),
    ],
)
def test_who_may_arrange_volumes(site, session, user, allowed):
    fonds, records = site
    made = session(user).post(f"{fonds.absolute_url()}/@volumes", json=DESCRIPTION)
    assert (made.status_code == 201) is allowed, made.text
    if not allowed:
        assert made.status_code in (401, 403)
        volume_url = (
            session("officer")
            .post(f"{fonds.absolute_url()}/@volumes", json=DESCRIPTION)
            .headers["Location"]
        )
        placed = session(user).post(
            f"{volume_url}/@volume-records", json={"records": [records[0].UID()], "reason": "组卷"}
        )
        assert placed.status_code in (401, 403, 404)


def test_pages_show_volumes_and_arrange_with_preview(zh_site, site, session):
    fonds, records = site
    officer = session("officer")
    officer.headers.update({"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"})
    page = officer.get(f"{fonds.absolute_url()}/@@volumes")
    assert page.status_code == 200, page.text[-3000:]
    assert "新建案卷" in page.text and "案卷号" in page.text
    volume_url = (
        session("officer")
        .post(f"{fonds.absolute_url()}/@volumes", json=DESCRIPTION)
        .headers["Location"]
    )
    arrange = officer.get(f"{volume_url}/@@volume-arrange")
    assert arrange.status_code == 200
    assert arrange.text.count('name="uids:list"') == 3
    assert "checked" not in arrange.text.split('id="sd-arrange-records"')[1].split("</table>")[0]
    volume_page = officer.get(volume_url)
    assert "卷内文件" in volume_page.text and "J003-WS·2023·Y-001" in volume_page.text
    assert "立卷人" in volume_page.text and "张三" in volume_page.text
    edit = officer.get(f"{volume_url}/@@edit")
    assert edit.status_code == 200 and "立卷人" in edit.text
    assert "form.widgets.IDossierSchema.item_count" not in edit.text  # computed: not editable
    assert "form.widgets.IDossierSchema.dossier_number" not in edit.text
    supervisor = session("supervisor")
    supervisor.headers["Accept"] = "text/html"
    refused = supervisor.get(f"{volume_url}/@@volume-arrange", allow_redirects=False)
    assert refused.status_code in (302, 401, 403)
    assert "sd-arrange-form" not in refused.text


def test_the_openapi_document_names_the_volume_endpoints(fportal):
    anon = rest_session(fportal)
    document = anon.get("@openapi").json()
    anon.close()
    assert {"/{fonds}/@volumes", "/{fonds}/{dossier}/@volume-records"} <= set(document["paths"])
    assert "post" in document["paths"]["/{fonds}/@volumes"]
    assert "Volume" in document["components"]["schemas"]
