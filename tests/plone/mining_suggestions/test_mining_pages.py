"""REST endpoints and pages of the suggestions (#28): over HTTP, as the fonds' records officer;
refusals in the error shape, pages without JSON or tracebacks."""

from __future__ import annotations

import re

import pytest
import transaction
from mining_helpers import _pending
from mining_helpers import learn_from
from mining_helpers import set_up_scheme
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import setRoles
from plone.restapi.testing import RelativeSession
from zope.component.hooks import setSite

from sd.archive.core.mining import model_store
from sd.archive.mining.suggestions import models
from sd.archive.testing import make_fonds

PASSWORD = "secret-12345"


@pytest.fixture
def site(functional, tmp_path, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_MINING_DIR", str(tmp_path))
    monkeypatch.setattr(models, "MIN_RECORDS", 10)
    model_store.clear_cache()
    portal = functional["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    fonds = make_fonds(portal, "j001", "J001")
    set_up_scheme(fonds)
    learn_from(fonds)
    _pending(fonds, 1, "2024年会计凭证", "记账凭证与原始凭证")
    _pending(fonds, 2, "Budget request", "Please approve the budget.")
    for user, roles in (("officer", ["RecordsOfficer", "Reader"]), ("member", [])):
        api.user.create(email=f"{user}@example.org", username=user, password=PASSWORD)
        if roles:
            api.user.grant_roles(username=user, obj=fonds, roles=roles)
    models.retrain(fonds, actor="test")
    transaction.commit()
    setRoles(portal, TEST_USER_ID, ["Member"])
    return portal


def session(portal, user=None, json=True):
    s = RelativeSession(portal.absolute_url(), test=None)
    if json:
        s.headers.update({"Accept": "application/json"})
    if user == "admin":
        s.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
    elif user:
        s.auth = (user, PASSWORD)
    return s


def _no_leak(text: str) -> None:
    assert "Traceback" not in text and '{"' not in text


def test_rest_suggestions_accept_and_acceptance(site):
    officer = session(site, "officer")
    record = next(r for r in site.j001.objectValues() if r.electronic_record_id == "OA-J001-000001")
    url = f"j001/{record.getId()}"
    got = officer.get(f"{url}/@mining-suggestions")
    assert got.status_code == 200, got.text
    assert got.json()["arrangement"]["values"]["category"]["value"] == "KJ"
    bad = officer.post(f"{url}/@mining-suggestions", json={"kind": "guess"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "SUGGEST-KIND"
    wrong = officer.post(
        f"{url}/@mining-suggestions",
        json={"kind": "arrangement", "action": "accept", "values": {"category": "ZZ"}},
    )
    assert wrong.status_code == 422 and wrong.json()["type"] == "ReviewRefused"
    done = officer.post(
        f"{url}/@mining-suggestions", json={"kind": "arrangement", "action": "accept"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["outcome"] == "accepted" and done.json()["archival_code"].startswith(
        "J001-KJ"
    )
    again = officer.post(
        f"{url}/@mining-suggestions", json={"kind": "arrangement", "action": "accept"}
    )
    assert again.status_code == 409 and again.json()["type"] == "NotPending"
    table = officer.get("j001/@mining-acceptance").json()
    assert table["totals"]["arrangement"]["accepted"] == 1
    model = officer.get("j001/@mining-model").json()
    assert model["version"] == "v000001" and model["samples"] == 24
    retrained = officer.post("j001/@mining-model").json()
    assert retrained["run"]["status"] == "trained" and retrained["version"] == "v000002"


def test_rest_refuses_others_and_bad_thesaurus(site):
    record = next(r for r in site.j001.objectValues() if r.electronic_record_id == "OA-J001-000001")
    url = f"j001/{record.getId()}/@mining-suggestions"
    assert session(site).get(url).status_code == 401
    assert session(site, "member").get(url).status_code in (401, 403)
    officer = session(site, "officer")
    bad = officer.post(
        "j001/@mining-thesaurus",
        data=b"not a sheet",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "THESAURUS-FILE"
    assert officer.get("j001/@mining-thesaurus").json()["count"] == 0


def test_pages_show_suggestions_in_chinese(site):
    officer = session(site, "officer", json=False)
    queue = officer.get("j001/@@review-queue")
    assert queue.status_code == 200
    assert "sd-review-accept-suggestion" in queue.text
    assert "KJ / D30 / CWC" in queue.text
    assert "不是中文" in queue.text or "not Chinese" in queue.text  # the English record: why none
    _no_leak(queue.text)
    record = next(r for r in site.j001.objectValues() if r.electronic_record_id == "OA-J001-000001")
    page = officer.get(f"j001/{record.getId()}")
    assert page.status_code == 200 and 'id="sd-mining-suggestions"' in page.text
    _no_leak(page.text)
    # accept from the queue (one click), then the acceptance page counts it
    token = re.search(r'name="_authenticator"\s+value="([^"]+)"', queue.text).group(1)
    answer = officer.post(
        f"j001/{record.getId()}/@@mining-answer?action=accept",
        data={"_authenticator": token},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    transaction.begin()
    assert api.content.get_state(record) == "archived"
    accepted = officer.get("j001/@@mining-acceptance")
    assert accepted.status_code == 200, accepted.text[-3000:]
    assert "sd-mining-total-arrangement" in accepted.text
    _no_leak(accepted.text)
    assert officer.get("j001/@@mining-thesaurus").status_code == 200
    workbench = officer.get("")
    assert workbench.status_code == 200
    assert "sd-wb-mining" in workbench.text and "v000001 (24)" in workbench.text
