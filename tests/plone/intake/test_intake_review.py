"""Arrangement of pre-archive packages and the review queue (待人工整理) in Classic UI."""

import re

import transaction
from build_corpus import edit_xml
from build_corpus import load
from build_corpus import remanifest
from intake_helpers import post
from intake_helpers import session_for
from intake_helpers import zip_bytes
from plone import api


def pre_archive(n: int, doc_type: str = "公告", department: str = "办公室") -> bytes:
    """The pre-archive sample as another record (电子文件号 …-n) of another 文种/department."""
    files = load("pre-archive-gongwen.zip")
    files = edit_xml(files, "OA-J001-2023-000000123", f"OA-J001-2023-9{n:08d}")
    files = edit_xml(files, "<文种>通知</文种>", f"<文种>{doc_type}</文种>")
    files = edit_xml(
        files, "<所在部门>办公室</所在部门>", f"<所在部门>{department}</所在部门>", count=4
    )
    return zip_bytes(remanifest(files))


def submit(svc, n, **kw):
    response = post(svc, "@pre-archive", pre_archive(n, **kw))
    assert response.status_code == 201, response.text
    return response.json()


def record_of(site, body):
    transaction.begin()
    return site.unrestrictedTraverse(body["@id"].replace(site.absolute_url() + "/", ""))


def queue_post(session, url, **form):
    page = session.get(f"{url}/@@review-queue")
    token = re.search(r'name="_authenticator"\s+value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return session.post(
        f"{url}/@@review-queue",
        data={"_authenticator": token.group(1), **form},
        allow_redirects=False,
    )


def test_rule_decides_archive_code(site, svc):
    body = submit(svc, 1, doc_type="通知")
    assert body["status"] == "arranged"
    assert body["archival_code"] == "J001-WS·2023-D30-BGS-0001"
    assert body["arrangement"]["rule_id"]
    assert api.content.get_state(record_of(site, body)) == "archived"


def test_department_alias_gives_the_org_code(site, svc):
    body = submit(svc, 2, doc_type="通知", department="综合处")  # alias of BGS 办公室
    assert body["archival_code"] == "J001-WS·2023-D30-BGS-0001"


def test_no_rule_waits_for_review(site, svc):
    body = submit(svc, 3)
    assert body["status"] == "pending_review"
    assert body["archival_code"] is None
    assert "ARRANGE-NO-RULE" in {p["code"] for p in body["arrangement"]["problems"]}
    record = record_of(site, body)
    assert api.content.get_state(record) == "pre_archived"
    assert record.archival_code in (None, "")


def test_unknown_department_waits_with_partial_proposal(site, svc):
    body = submit(svc, 4, doc_type="通知", department="不存在的处")
    assert body["status"] == "pending_review"
    assert body["arrangement"]["category"] == "WS"
    assert {p["code"] for p in body["arrangement"]["problems"]} == {"ARRANGE-NO-ORG"}


def test_queue_lists_pending_for_officer_only(site, svc):
    body = submit(svc, 5)
    officer = session_for(site, "officer")
    page = officer.get(f"{site.absolute_url()}/j001/@@review-queue")
    assert page.status_code == 200
    assert body["electronic_record_id"] in page.text
    other = session_for(site, "svc-j002").get(f"{site.absolute_url()}/@@review-queue")
    assert body["electronic_record_id"] not in other.text


def test_accept_without_complete_proposal_is_refused(site, svc):
    body = submit(svc, 6)
    officer = session_for(site, "officer")
    response = queue_post(officer, f"{site.absolute_url()}/j001", accept_one=body["UID"])
    assert response.status_code == 302
    record = record_of(site, body)
    assert api.content.get_state(record) == "pre_archived"
    assert not record.code_frozen


def test_accept_completes_partial_proposal_by_adjusting_org(site, svc):
    body = submit(svc, 7, doc_type="通知", department="不存在的处")
    officer = session_for(site, "officer")
    queue_post(
        officer,
        f"{site.absolute_url()}/j001",
        **{"uids:list": body["UID"], "org_code": "CWC", "form.adjust": "1"},
    )
    record = record_of(site, body)
    assert api.content.get_state(record) == "archived"
    assert record.archival_code == "J001-WS·2023-D30-CWC-0001"
    assert record.arrangement["reviewed_by"] == "officer"


def test_bulk_adjust_numbers_consecutively(site, svc):
    bodies = [submit(svc, n) for n in (10, 11, 12)]
    officer = session_for(site, "officer")
    queue_post(
        officer,
        f"{site.absolute_url()}/j001",
        **{
            "uids:list": [b["UID"] for b in bodies],
            "category": "WS",
            "retention": "D10",
            "org_code": "BGS",
            "form.adjust": "1",
        },
    )
    codes = sorted(record_of(site, b).archival_code for b in bodies)
    assert codes == [f"J001-WS·2023-D10-BGS-000{n}" for n in (1, 2, 3)]
    assert {api.content.get_state(record_of(site, b)) for b in bodies} == {"archived"}
    page = officer.get(f"{site.absolute_url()}/j001/@@review-queue")
    assert not any(b["electronic_record_id"] in page.text for b in bodies)


def test_adjust_with_unknown_values_is_refused(site, svc):
    body = submit(svc, 13)
    officer = session_for(site, "officer")
    queue_post(
        officer,
        f"{site.absolute_url()}/j001",
        **{
            "uids:list": body["UID"],
            "category": "XX",
            "retention": "D99",
            "org_code": "BGS",
            "form.adjust": "1",
        },
    )
    assert api.content.get_state(record_of(site, body)) == "pre_archived"


def test_reject_needs_a_reason(site, svc):
    bodies = [submit(svc, n) for n in (20, 21)]
    officer = session_for(site, "officer")
    url = f"{site.absolute_url()}/j001"
    queue_post(officer, url, **{"uids:list": [b["UID"] for b in bodies], "form.reject": "1"})
    assert {api.content.get_state(record_of(site, b)) for b in bodies} == {"pre_archived"}
    queue_post(
        officer,
        url,
        **{"uids:list": [b["UID"] for b in bodies], "reason": "不属于归档范围", "form.reject": "1"},
    )
    for b in bodies:
        record = record_of(site, b)
        assert api.content.get_state(record) == "rejected"
        assert record.arrangement["reason"] == "不属于归档范围"


def test_submitter_cannot_act_on_the_queue(site, svc):
    body = submit(svc, 30)
    url = f"{site.absolute_url()}/j001/@@review-queue"
    page = svc.get(url)
    assert "sd-review-empty" in page.text and "uids:list" not in page.text
    response = svc.post(url, data={"accept_one": body["UID"]}, allow_redirects=False)
    assert response.status_code >= 400  # no authenticator: refused before anything happens
    assert api.content.get_state(record_of(site, body)) == "pre_archived"
