"""Appraisal over REST (#25): the path proposal → opinions → approval → execution →
certificate, and each bad input answered 4xx in the error shape with nothing changed."""

import pytest
import transaction
from plone import api

from sd.archive.appraisal import batches
from sd.archive.holds import place_hold
from sd.archive.testing import make_fonds
from sd.archive.testing import make_users
from sd.archive.testing import rest_session

USERS = {
    # user id: (global roles, local roles on J001)
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "member2": ([], []),
    "leader": ([], ["AgencyLeader", "Reader"]),  # 机关领导 of J001
    "archives-leader": (["Leader"], []),  # 档案馆领导
    "archivist": (["Archivist"], []),
    "other-officer": ([], []),
}


@pytest.fixture
def site(fportal, ap):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    make_users(USERS, fonds, "secret-12345", other=other)
    records = {n: ap.expired_record(fonds, n) for n in (1, 2, 3)}
    records["permanent"] = ap.expired_record(fonds, 4, period="Y")
    records["held"] = ap.expired_record(fonds, 5)
    place_hold(records["held"], "诉讼冻结", "案件审理需要")
    with api.env.adopt_user(username="officer"):
        batches.set_group(fonds, "agency", ["officer", "member2"])
    transaction.commit()
    return fportal, fonds, records


def post(portal, user, url, body):
    return rest_session(portal, user).post(url, json=body)


def refused(response, status, code):
    assert response.status_code == status, response.text[:2000]
    body = response.json()
    assert set(body) == {"type", "message", "errors"} and body["type"] == "AppraisalRefused"
    assert code in [e["code"] for e in body["errors"]], body
    assert "Traceback" not in response.text
    return body


def propose(portal, fonds, uids, user="officer"):
    url = f"{fonds.absolute_url()}/@appraisal-batches"
    return post(portal, user, url, {"records": uids, "reason": "保管期满", "title": "测试批次"})


def batch_with_opinions(portal, fonds, records):
    response = propose(portal, fonds, [records[1].UID(), records[2].UID()])
    assert response.status_code == 201, response.text[:2000]
    url = response.headers["Location"]
    for user in ("officer", "member2"):
        body = {"record": "*", "decision": "destroy", "reason": "已无保存价值"}
        assert post(portal, user, f"{url}/@appraisal-opinions", body).status_code == 200
    return url


def state_of(portal, url):
    transaction.begin()
    return api.content.get_state(
        portal.unrestrictedTraverse(url.replace(portal.absolute_url() + "/", ""))
    )


def test_path_over_rest(site):
    portal, fonds, records = site
    url = batch_with_opinions(portal, fonds, records)
    got = rest_session(portal, "member2").get(f"{url}/@appraisal-batch").json()
    assert got["state"] == "opinions" and got["records_total"] == 2
    assert {row["opinions"]["member2"]["decision"] for row in got["items"]} == {"destroy"}
    response = post(portal, "officer", f"{url}/@appraisal-decision", {"action": "submit"})
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    register = rest_session(portal, "leader").get(f"{url}/@appraisal-register?format=xlsx")
    assert register.status_code == 200 and register.content[:2] == b"PK"
    response = post(portal, "leader", f"{url}/@appraisal-decision", {"action": "approve"})
    assert response.status_code == 200 and response.json()["state"] == "approved"
    body = {"supervisors": ["张三", "李四"]}
    response = post(portal, "officer", f"{url}/@appraisal-execute", body)
    assert response.status_code == 200, response.text[:2000]
    assert response.json()["execution"]["destroyed"] == 2
    certificate = rest_session(portal, "officer").get(f"{url}/@appraisal-certificate")
    assert certificate.status_code == 200 and certificate.content.startswith(b"%PDF")
    transaction.begin()
    assert api.content.get_state(records[1]) == "destroyed"
    # destroying twice: the batch again, the record alone
    refused(post(portal, "officer", f"{url}/@appraisal-execute", body), 409, "APPRAISAL-EXECUTED")
    again = post(portal, "officer", f"{records[1].absolute_url()}/@workflow/destroy", {})
    assert again.status_code in (400, 409)
    # the page shows it in Chinese, no JSON
    page = rest_session(portal, "officer")
    page.headers["Accept"] = "text/html"
    html = page.get(url).text
    assert "已执行" in html and "张三、李四" in html and '"type"' not in html


def test_record_not_in_batch(site):
    portal, fonds, records = site
    url = batch_with_opinions(portal, fonds, records)
    body = {"record": records[3].UID(), "decision": "destroy", "reason": "x"}
    refused(
        post(portal, "member2", f"{url}/@appraisal-opinions", body), 422, "APPRAISAL-NOT-IN-BATCH"
    )
    transaction.begin()
    batch = portal.unrestrictedTraverse(url.replace(portal.absolute_url() + "/", ""))
    assert records[3].UID() not in dict(batch.opinions["member2"])


def test_held_record(site):
    portal, fonds, records = site
    refused(
        propose(portal, fonds, [records[1].UID(), records["held"].UID()]), 409, "APPRAISAL-HELD"
    )
    transaction.begin()
    assert api.content.get_state(records[1]) == "archived"
    assert not batches.batches_of(fonds)
    # a hold placed while the batch is in appraisal: no opinion on it, no submission
    url = batch_with_opinions(portal, fonds, records)
    transaction.begin()
    with api.env.adopt_user(username="officer"):
        place_hold(records[2], "审计冻结", "审计需要")
    transaction.commit()
    body = {"record": records[2].UID(), "decision": "destroy", "reason": "x"}
    refused(post(portal, "member2", f"{url}/@appraisal-opinions", body), 409, "APPRAISAL-HELD")
    refused(
        post(portal, "officer", f"{url}/@appraisal-decision", {"action": "submit"}),
        409,
        "APPRAISAL-HELD",
    )
    assert state_of(portal, url) == "opinions"


def test_permanent_record(site):
    portal, fonds, records = site
    response = propose(portal, fonds, [records[1].UID(), records["permanent"].UID()])
    refused(response, 409, "APPRAISAL-PERMANENT")
    transaction.begin()
    assert api.content.get_state(records["permanent"]) == "archived"
    assert not batches.batches_of(fonds)


def test_approving_own_proposal(site):
    portal, fonds, records = site
    transaction.begin()
    api.user.grant_roles(username="leader", obj=fonds, roles=["RecordsOfficer", "Reader"])
    transaction.commit()
    response = propose(portal, fonds, [records[1].UID()], user="leader")
    assert response.status_code == 201, response.text[:2000]
    url = response.headers["Location"]
    for user in ("officer", "member2"):
        body = {"decision": "destroy", "reason": "已无保存价值"}
        assert post(portal, user, f"{url}/@appraisal-opinions", body).status_code == 200
    assert (
        post(portal, "officer", f"{url}/@appraisal-decision", {"action": "submit"}).status_code
        == 200
    )
    response = post(portal, "leader", f"{url}/@appraisal-decision", {"action": "approve"})
    refused(response, 403, "APPRAISAL-OWN-PROPOSAL")
    assert state_of(portal, url) == "submitted"
    # nor anybody who is not a leader, nor the archives' leader (a records room's batch is
    # approved by the agency's leader)
    for user in ("member2", "archives-leader"):
        response = post(portal, user, f"{url}/@appraisal-decision", {"action": "approve"})
        refused(response, 403, "APPRAISAL-LEADER")
    assert state_of(portal, url) == "submitted"


@pytest.mark.parametrize("names", [[], ["张三"], ["张三", "张三"], ["张三", " "]])
def test_execution_needs_two_distinct_supervisors(site, names):
    portal, fonds, records = site
    url = batch_with_opinions(portal, fonds, records)
    post(portal, "officer", f"{url}/@appraisal-decision", {"action": "submit"})
    post(portal, "leader", f"{url}/@appraisal-decision", {"action": "approve"})
    response = post(portal, "officer", f"{url}/@appraisal-execute", {"supervisors": names})
    refused(response, 422, "APPRAISAL-SUPERVISORS")
    assert state_of(portal, url) == "approved"
    assert api.content.get_state(records[1]) == "appraisal" and records[1].objectIds()


def test_fonds_not_served(site):
    portal, fonds, records = site
    for user in ("other-officer", "member2"):
        refused(propose(portal, fonds, [records[1].UID()], user=user), 403, "APPRAISAL-FONDS")
    response = post(
        portal,
        "other-officer",
        f"{fonds.absolute_url()}/@appraisal-group",
        {"kind": "agency", "members": ["other-officer", "member2"]},
    )
    refused(response, 403, "APPRAISAL-FONDS")
    transaction.begin()
    assert api.content.get_state(records[1]) == "archived" and not batches.batches_of(fonds)
    assert batches.group(fonds, "agency") == ("officer", "member2")
    # anonymous too: the error shape, not a login page
    anonymous = rest_session(portal).post(f"{fonds.absolute_url()}/@appraisal-batches", json={})
    assert anonymous.status_code == 403 and anonymous.json()["type"] == "AppraisalRefused"


def workbench_count(portal, user, queue):
    import re

    page = rest_session(portal, user)
    page.headers["Accept"] = "text/html"
    html = page.get(f"{portal.absolute_url()}/@@workbench").text
    found = re.search(rf'sd-wb-{queue}".*?sd-count">(\d+)<', html, re.S)
    return int(found.group(1)) if found else None


def test_workbench_queues(site):
    portal, fonds, records = site
    url = batch_with_opinions(portal, fonds, records)
    assert workbench_count(portal, "officer", "appraisal-opinions") == 1
    assert workbench_count(portal, "leader", "appraisal-approval") == 0
    post(portal, "officer", f"{url}/@appraisal-decision", {"action": "submit"})
    assert workbench_count(portal, "leader", "appraisal-approval") == 1
    assert workbench_count(portal, "officer", "appraisal-opinions") == 0
    post(portal, "leader", f"{url}/@appraisal-decision", {"action": "approve"})
    assert workbench_count(portal, "officer", "appraisal-execute") == 1
    transaction.begin()
    from sd.archive.preservation import discs
    from sd.archive.preservation import store

    relpath = store.versions(records[1])[0]["relpath"]
    discs.on_disc(create=True)[relpath] = ("A-0009",)
    transaction.commit()
    body = {"supervisors": ["张三", "李四"]}
    assert post(portal, "officer", f"{url}/@appraisal-execute", body).status_code == 200
    assert workbench_count(portal, "officer", "appraisal-carriers") == 1
    assert workbench_count(portal, "officer", "appraisal-execute") == 0
    response = post(portal, "officer", f"{url}/@appraisal-carriers", {"carrier": "A-0009"})
    assert response.status_code == 200 and response.json()["confirmed_by"] == "officer"
    assert workbench_count(portal, "officer", "appraisal-carriers") == 0
    refused(
        post(portal, "officer", f"{url}/@appraisal-carriers", {"carrier": "A-0009"}),
        409,
        "APPRAISAL-CARRIER-DONE",
    )
