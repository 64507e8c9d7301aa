"""REST of the supervision figures (#26): @declared-counts, @supervision, @supervision-details,
@number-gaps — who may call, the answers, and bad input (4xx in the error shape, nothing
stored)."""

import datetime

import pytest
import transaction
from supervision_helpers import official

from sd.archive.sitedata import site_tree
from sd.archive.supervision.metrics import DECLARED
from sd.archive.testing import make_fonds
from sd.archive.testing import make_users
from sd.archive.testing import rest_session

PASSWORD = "secret-12345"
USERS = {
    "officer": ([], ["RecordsOfficer", "Reader"]),
    "submitter": ([], ["Submitter"]),
    "supervisor": (["Supervisor"], []),
    "other-officer": ([], []),
}
GOOD = {
    "fonds": "J001",
    "kind": "documents_issued",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "count": 10,
}


@pytest.fixture
def site(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    make_users(USERS, fonds, PASSWORD, other=other)
    for n in (1, 2, 4):
        official(fonds, n, day=datetime.date(2026, 1, n))
    transaction.commit()
    sessions = {}
    yield fportal, fonds, lambda user: sessions.setdefault(user, rest_session(fportal, user))
    for s in sessions.values():
        s.close()


def stored(portal):
    tree = site_tree(portal, DECLARED)
    return dict(tree.items()) if tree is not None else {}


def test_declared_count_reported_by_the_agency_and_read_back(site):
    portal, _fonds, session = site
    answer = session("submitter").post("@declared-counts", json=GOOD)
    assert answer.status_code == 201, answer.text
    assert answer.json()["archived"] == 3
    assert answer.json()["shortfall"] == 7
    listed = session("supervisor").get("@declared-counts").json()["items"]
    assert [(i["fonds"], i["count"], i["archived"]) for i in listed] == [("J001", 10, 3)]
    mine = session("officer").get("@declared-counts", params={"fonds": "J001"})
    assert mine.status_code == 200 and len(mine.json()["items"]) == 1


@pytest.mark.parametrize(
    ("user", "body", "status", "code"),
    [
        ("other-officer", GOOD, 403, "supervision.not-your-fonds"),
        ("supervisor", GOOD, 403, "supervision.not-your-fonds"),  # reads, does not report
        ("officer", {**GOOD, "fonds": "J999"}, 403, "supervision.not-your-fonds"),
        ("officer", {**GOOD, "count": -3}, 422, "declared.count-negative"),
        ("officer", {**GOOD, "count": "ten"}, 422, "declared.count-not-number"),
        ("officer", {**GOOD, "period_end": "2025-12-31"}, 422, "declared.period-backwards"),
        (None, GOOD, 401, "auth.required"),
    ],
)
def test_declared_count_refused_and_nothing_stored(site, user, body, status, code):
    portal, _fonds, session = site
    if user is None:
        from plone.restapi.testing import RelativeSession

        answer = RelativeSession(portal.absolute_url(), test=None).post(
            "@declared-counts", json=body, headers={"Accept": "application/json"}
        )
    else:
        answer = session(user).post("@declared-counts", json=body)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) >= {"type", "message", "errors"}
    assert code in [e["code"] for e in body["errors"]]
    transaction.begin()
    assert stored(portal) == {}


def test_declared_count_listing_refuses_a_backwards_range(site):
    _portal, _fonds, session = site
    answer = session("supervisor").get(
        "@declared-counts", params={"from": "2026-12-31", "to": "2026-01-01"}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "declared.period-backwards"
    other = session("other-officer").get("@declared-counts", params={"fonds": "J001"})
    assert other.status_code == 403


def test_dashboard_json_ranks_every_agency(site):
    _portal, _fonds, session = site
    answer = session("supervisor").get(
        "@supervision", params={"year": "2026", "metric": "number_gaps"}
    )
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [(i["fonds"], i["rank"], i["value"]) for i in items] == [("J001", 1, 1), ("J002", 2, 0)]
    assert items[0]["details"]["number_gaps"].endswith("metric=number_gaps&year=2026")
    bad = session("supervisor").get("@supervision", params={"metric": "nonsense"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "supervision.metric"
    bad_year = session("supervisor").get("@supervision", params={"year": "20x6"})
    assert bad_year.status_code == 400
    assert session("officer").get("@supervision").status_code in (401, 403)


def test_agency_sees_its_own_figures_and_the_missing_numbers(site):
    _portal, fonds, session = site
    url = f"{fonds.absolute_url()}/@supervision"
    mine = session("officer").get(url, params={"year": "2026"})
    assert mine.status_code == 200, mine.text
    assert mine.json()["completeness"]["number_gaps"] == 1
    assert mine.json()["trend"][0]["year"] == 2026
    details = session("supervisor").get(
        f"{fonds.absolute_url()}/@supervision-details",
        params={"metric": "number_gaps", "year": "2026"},
    )
    assert details.json()["items"][0]["numbers"] == ["鲁某发〔2026〕3号"]
    assert session("other-officer").get(url).status_code in (401, 403)


def test_number_gap_marked_void_by_the_officer(site):
    _portal, fonds, session = site
    url = f"{fonds.absolute_url()}/@number-gaps"
    body = {"series": "鲁某发〔2026〕", "numbers": [3], "reason": "void", "note": "文件作废"}
    refused = session("officer").post(url, json={**body, "numbers": [2]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "supervision.gap-not-missing"
    answer = session("officer").post(url, json=body)
    assert answer.status_code == 201, answer.text
    listed = session("supervisor").get(url).json()
    assert listed["gaps"] == [] and listed["declared"][0]["reason_zh"] == "作废"
    assert session("supervisor").post(url, json=body).status_code in (401, 403)
