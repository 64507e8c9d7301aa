"""Open-access review over REST (开放审核, #25 items 5–7): propose → decide → check →
approve; the public catalogue shows opened records from the approval on; bad input is a 4xx
in the error shape and changes nothing."""

import io

import requests
import transaction
from openpyxl import load_workbook
from plone import api
from pypdf import PdfReader

from sd.archive.openreview import batches
from sd.archive.openreview import closure
from sd.archive.testing import rest_session

URL = "@openreview-batches"


def _propose(portal, user="archivist", **body):
    session = rest_session(portal, user)
    response = session.post(URL, json={"fonds": "J001", **body})
    return session, response


def test_closure_end_indexed(review_site):
    portal, fonds, other, made = review_site
    assert closure.due(made[1]).isoformat() == "2020-12-31"
    catalog = api.portal.get_tool("portal_catalog")
    brain = catalog.unrestrictedSearchResults(UID=made[5].UID())[0]
    assert brain.closure_end.isoformat() == "2040-12-31"


def test_whole_path(review_site):
    portal, fonds, other, made = review_site
    session, response = _propose(portal)
    assert response.status_code == 201, response.text[:2000]
    body = response.json()
    batch_id = body["id"]
    uids = {item["uid"] for item in session.get(f"{URL}/{batch_id}").json()["items"]}
    # held and still-closed records are left out; grouped by fonds/year/category
    assert uids == {made[n].UID() for n in (1, 2, 3)}
    assert {(g["year"], g["category"]) for g in body["groups"]} == {
        (1995, "WS"),
        (1996, "WS"),
        (1998, "WS"),
    }
    decided = session.post(
        f"{URL}/{batch_id}/decide",
        json={"uids": [made[1].UID()], "decision": "open"},
    )
    assert decided.status_code == 200, decided.text[:2000]
    decided = session.post(
        f"{URL}/{batch_id}/decide",
        json={
            "decisions": [
                {
                    "uid": made[2].UID(),
                    "decision": "controlled",
                    "reason": "涉及个人隐私",
                    "next_review": "2031-01-01",
                },
                {
                    "uid": made[3].UID(),
                    "decision": "redacted",
                    "reason": "第1页含个人信息",
                    "redaction": {"pages": [1]},
                },
            ]
        },
    )
    assert decided.status_code == 200, decided.text[:2000]
    # before approval nothing is open: anonymous search finds nothing of the batch
    catalog_url = f"{portal.absolute_url()}/@search?portal_type=Record&review_state=open"
    assert (
        requests.get(catalog_url, headers={"Accept": "application/json"}, timeout=60).json()[
            "items_total"
        ]
        == 0
    )
    # the proposer (and reviewer) may not approve; another reviewer may
    own = session.post(f"{URL}/{batch_id}/approve", json={})
    assert own.status_code == 403 and own.json()["errors"][0]["code"] == "OPENREVIEW-OWN-BATCH"
    second = rest_session(portal, "archivist2")
    approved = second.post(f"{URL}/{batch_id}/approve", json={})
    assert approved.status_code == 200, approved.text[:2000]
    assert approved.json()["results"]["open"] == 1
    transaction.begin()
    assert api.content.get_state(made[1]) == "open" and made[1].open_status == "开放"
    assert api.content.get_state(made[2]) == "controlled" and made[2].open_status == "控制"
    assert made[2].open_next_review.isoformat() == "2031-01-01"
    assert closure.due(made[2]).isoformat() == "2031-01-01"
    assert api.content.get_state(made[3]) == "open"
    redacted = [c for c in made[3].objectValues() if getattr(c, "redacted", False)]
    assert len(redacted) == 1
    pages = PdfReader(io.BytesIO(redacted[0].file.data)).pages
    assert "110101" not in (pages[0].extract_text() or "")
    assert "公开内容" in (pages[1].extract_text() or "")
    # the original stays closed to ordinary users (staff still see it)
    original = [c for c in made[3].objectValues() if c.UID() == redacted[0].version_of][0]
    assert "Authenticated" not in [
        r["name"] for r in original.rolesOfPermission("View") if r["selected"]
    ]
    # the original's text leaves the searchable text (public full-text search and snippets)
    from zope.annotation.interfaces import IAnnotations

    from sd.archive.text import TEXT_KEY
    from sd.archive.text import record_text

    IAnnotations(made[3])[TEXT_KEY] = {
        original.UID(): {"text": "张三 身份证号 110101199001011234", "sequence": 1},
        redacted[0].UID(): {"text": "本页不予开放 公开内容", "sequence": 2},
    }
    assert "110101" not in record_text(made[3]) and "公开内容" in record_text(made[3])
    assert made[3].redacted_originals == (original.UID(),)
    # the public reading copy is made from the redacted version
    from sd.archive.access.copies import parts

    served, _left_out = parts(made[3])
    assert [name for name, _data, _img in served] == [redacted[0].file.filename]
    # anonymous now finds the two opened records
    found = requests.get(catalog_url, headers={"Accept": "application/json"}, timeout=60).json()
    assert {i["@id"] for i in found["items"]} == {made[1].absolute_url(), made[3].absolute_url()}
    # open catalogue, XLSX and PDF
    xlsx = second.get(f"{URL}/{batch_id}/catalogue.xlsx")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    codes = [r[1] for r in rows[2:]]
    assert codes == [made[1].archival_code, made[3].archival_code]
    pdf = second.get(f"{URL}/{batch_id}/catalogue.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "开放档案目录" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    # the steps are in the batch log
    log = [e["action"] for e in second.get(f"{URL}/{batch_id}").json()["log"]]
    assert log == ["proposed", "decided", "decided", "approved"]


def _error(response, status, code):
    assert response.status_code == status, response.text[:2000]
    body = response.json()
    assert body["errors"][0]["code"] == code, body
    return body


def test_bad_input_changes_nothing(review_site):
    portal, fonds, other, made = review_site
    session, response = _propose(portal)
    batch_id = response.json()["id"]
    # a record not in the batch (the still-closed one)
    _error(
        session.post(
            f"{URL}/{batch_id}/decide", json={"uids": [made[5].UID()], "decision": "open"}
        ),
        422,
        "OPENREVIEW-NOT-IN-BATCH",
    )
    # a bulk controlled use without its reason: nothing stored, not even the good ones
    _error(
        session.post(
            f"{URL}/{batch_id}/decide",
            json={"uids": "all", "decision": "controlled", "next_review": "2031-01-01"},
        ),
        422,
        "OPENREVIEW-REASON",
    )
    # a record placed under hold after the proposal
    transaction.begin()
    from sd.archive.holds import place_hold

    api.user.grant_roles(username="archivist", obj=fonds, roles=["Archivist"])
    place_hold(made[2], "审计冻结", "审计需要")
    transaction.commit()
    _error(
        session.post(
            f"{URL}/{batch_id}/decide", json={"uids": [made[2].UID()], "decision": "open"}
        ),
        409,
        "OPENREVIEW-HELD",
    )
    # a batch of a fonds the user does not serve
    outsider = rest_session(portal, "reviewer-j002")
    _error(outsider.get(f"{URL}/{batch_id}"), 403, "OPENREVIEW-FONDS")
    _error(
        outsider.post(f"{URL}/{batch_id}/decide", json={"uids": "all", "decision": "open"}),
        403,
        "OPENREVIEW-FONDS",
    )
    _error(outsider.post(URL, json={"fonds": "J001"}), 403, "OPENREVIEW-FONDS")
    # approving one's own batch
    _error(session.post(f"{URL}/{batch_id}/approve", json={}), 403, "OPENREVIEW-OWN-BATCH")
    transaction.begin()
    batch = batches.get_batch(batch_id)
    assert len(batch.decisions) == 0 and batch.state == "deciding"
    assert [e["action"] for e in batch.log] == ["proposed"]
    for n in (1, 2, 3):
        assert api.content.get_state(made[n]) == "received" and made[n].open_status == "待审"
    # anonymous: 401
    _error(rest_session(portal).get(URL), 401, "auth.required")


def test_second_review_and_agency_opinion(review_site):
    portal, fonds, other, made = review_site
    api.portal.set_registry_record("sd.archive.openreview.second_review_over", 2)
    transaction.commit()
    admin = rest_session(portal, "admin")
    assert (
        admin.post(
            f"{fonds.absolute_url()}/@openreview-agency", json={"required": True}
        ).status_code
        == 200
    )
    session, response = _propose(portal)
    body = response.json()
    assert body["second_review_needed"] and body["agency_needed"]
    batch_id = body["id"]
    assert session.post(f"{URL}/{batch_id}/decide", json={"uids": "all", "decision": "open"}).ok
    second = rest_session(portal, "archivist2")
    refused = _error(
        second.post(f"{URL}/{batch_id}/approve", json={}), 409, "OPENREVIEW-SECOND-REVIEW"
    )
    assert {e["code"] for e in refused["errors"]} == {
        "OPENREVIEW-SECOND-REVIEW",
        "OPENREVIEW-AGENCY",
    }
    # the decider may not check their own decisions
    _error(session.post(f"{URL}/{batch_id}/check", json={}), 403, "OPENREVIEW-OWN-BATCH")
    assert second.post(f"{URL}/{batch_id}/check", json={"note": "已复核"}).ok
    officer = rest_session(portal, "officer")
    _error(
        officer.post(f"{URL}/{batch_id}/agency-opinion", json={"opinion": ""}),
        422,
        "OPENREVIEW-REASON",
    )
    assert officer.post(
        f"{URL}/{batch_id}/agency-opinion", json={"opinion": "同意开放", "agree": True}
    ).ok
    # the second reviewer checked, did not decide: may approve
    approved = second.post(f"{URL}/{batch_id}/approve", json={})
    assert approved.status_code == 200, approved.text[:2000]
    assert approved.json()["results"]["open"] == 3


def test_plain_patch_and_transition_keep_status_consistent(review_site):
    portal, fonds, other, made = review_site
    admin = rest_session(portal, "admin")
    response = admin.patch(made[1].absolute_url(), json={"open_status": "开放"})
    assert response.status_code == 400 and response.json()["type"] == "ReadOnlyField"
    transaction.begin()
    assert made[1].open_status == "待审"
    # the single-record transition sets the status before its ledger entry
    api.content.transition(made[1], transition="open")
    assert made[1].open_status == "开放"
    assert made[1].open_log[-1]["how"] == "transition"
    api.content.transition(made[1], transition="control")
    assert made[1].open_status == "控制"
    transaction.commit()
    from sd.archive.ledger import records
    from sd.archive.ledger.current import current_ledger

    assert records.tamper_status(made[1], current_ledger()).intact


def test_yearly_proposal_once(review_site):
    import datetime

    from sd.archive.openreview.schedule import yearly

    portal, fonds, other, made = review_site
    transaction.begin()
    first = yearly(datetime.date(2026, 1, 2))
    assert len(first) == 1
    batch = batches.get_batch(first[0])
    assert batch.proposer == "system" or batch.proposer
    assert set(batch.items.keys()) == {made[n].UID() for n in (1, 2, 3)}
    assert yearly(datetime.date(2026, 3, 1)) == []
    transaction.abort()


def test_approval_refused_changes_nothing(review_site):
    """Approving one's own proposal (also when someone else decided), approving as a reviewer,
    acting on a batch of a fonds one does not serve: 403 in the error shape, nothing changed."""
    portal, fonds, other, made = review_site
    session, response = _propose(portal)
    batch_id = response.json()["id"]
    second = rest_session(portal, "archivist2")
    assert second.post(f"{URL}/{batch_id}/decide", json={"uids": "all", "decision": "open"}).ok
    # the proposer made no decision, still may not approve; the reviewer may not either
    _error(session.post(f"{URL}/{batch_id}/approve", json={}), 403, "OPENREVIEW-OWN-BATCH")
    _error(second.post(f"{URL}/{batch_id}/approve", json={}), 403, "OPENREVIEW-OWN-BATCH")
    # a reviewer of another fonds: no step of this batch
    outsider = rest_session(portal, "reviewer-j002")
    for step, body in (
        ("approve", {}),
        ("check", {"note": "已复核"}),
        ("decide", {"uids": [made[1].UID()], "decision": "controlled"}),
    ):
        _error(outsider.post(f"{URL}/{batch_id}/{step}", json=body), 403, "OPENREVIEW-FONDS")
    _error(outsider.get(f"{URL}/{batch_id}/catalogue.xlsx"), 403, "OPENREVIEW-FONDS")
    transaction.begin()
    batch = batches.get_batch(batch_id)
    assert batch.state == "deciding" and batch.approval is None and batch.second_review is None
    assert {d["decision"] for d in batch.decisions.values()} == {"open"}
    assert [e["action"] for e in batch.log] == ["proposed", "decided"]
    for n in (1, 2, 3):
        assert api.content.get_state(made[n]) == "received" and made[n].open_status == "待审"
