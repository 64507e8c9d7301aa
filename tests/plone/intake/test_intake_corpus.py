"""Every hostile or broken package of the corpus gets its status and codes through REST, and
nothing of it stays: the same Records, Components and blob files before and after."""

import tempfile
from pathlib import Path

import pytest
import transaction
from build_corpus import CORPUS
from intake_helpers import holdings
from intake_helpers import loose_blob_files
from intake_helpers import post
from plone import api

from sd.archive.intake.rejections import count as rejection_count

CASES = [c for c in CORPUS if c.kind != "transfer"]
ENDPOINT = {"archive": "@archive", "pre-archive": "@pre-archive"}


def build(case) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package"
        case.build(str(path))
        return path.read_bytes()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case_through_rest(site, svc, svc2, case):
    """J002 packages (政务服务) go in with J002's service account, all others with J001's."""
    account, svc = ("svc-j002", svc2) if "zhengwu" in case.name else ("svc-j001", svc)
    data = build(case)
    before = holdings(site)
    loose = loose_blob_files()
    rejections = rejection_count(site)
    media = (
        "application/xml"
        if data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<")
        else "application/zip"
    )
    response = post(svc, ENDPOINT[case.kind], data, media)
    assert response.status_code == case.status, response.text[:2000]
    body = response.json()
    after = holdings(site)
    transaction.begin()
    if case.status == 201:
        assert after[0] == before[0] + 1
        assert body["status"] in ("archived", "arranged", "pending_review")
        return
    assert set(body) >= {"type", "message", "errors"}
    found = {e["code"] for e in body["errors"]}
    assert set(case.codes) <= found, found
    assert all(e["message"] for e in body["errors"])
    assert after == before
    assert loose_blob_files() == loose
    if case.status == 422:
        assert rejection_count(site) == rejections + 1
        rejection = svc.get(body["rejection"]["@id"]).json()
        assert {e["code"] for e in rejection["errors"]} == found
        assert rejection["actor"] == account
        assert rejection["package_digest"]["SM3"]
    else:
        assert rejection_count(site) == rejections


def test_corpus_is_large():
    assert sum(c.status in (400, 403, 413, 422) for c in CASES) >= 40


def test_rejection_is_visible_to_submitter_and_supervisors_only(site, svc, svc2):
    from intake_helpers import session_for

    data = build(next(c for c in CASES if c.name == "wrong-component-digest"))
    body = post(svc, "@archive", data).json()
    url = body["rejection"]["@id"]
    assert svc.get(url).status_code == 200
    assert session_for(site, "supervisor").get(url).status_code == 200
    assert session_for(site, "admin").get(url).status_code == 200
    assert svc2.get(url).status_code == 403
    assert session_for(site).get(url).status_code == 401
    listing = session_for(site, "supervisor").get("@rejections").json()
    assert [i["id"] for i in listing["items"]] == [body["rejection"]["id"]]
    assert svc2.get("@rejections").json()["items"] == []
    # only who/when/fonds/what failed/digest: no file, no title
    transaction.begin()
    entry = svc.get(url).json()
    assert "title" not in entry and entry["fonds_code"] == "J001"
    assert api.portal.get() is not None


def test_openapi_is_served(site, anon):
    document = anon.get("@openapi").json()
    assert document["openapi"] == "3.1.0"
    assert {"/@pre-archive", "/@archive", "/@rejections/{id}"} <= set(document["paths"])
    text = anon.get("@openapi?format=yaml").text
    assert text.startswith("openapi: 3.1.0")
    page = anon.get("@@openapi.yaml", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.text == text
