"""REST of access (档案利用): ask, decide, copy, effect, register — statuses and the error
shape, the audit trail, and what other users get."""

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402


def ask(session, record, **extra):
    body = {"purpose": "research", "records": [record.UID()], "form": "download", **extra}
    return session.post("@access-requests", json=body)


def relative(url, portal):
    return url.replace(portal.absolute_url() + "/", "")


def test_anonymous_may_not_ask(fholdings, session):
    answer = ask(session(None), fholdings["received"])
    assert answer.status_code == 401


@pytest.mark.parametrize(
    "body, code",
    [
        ({"purpose": 5}, "access.field-type"),
        ({"form": "fax"}, "access.form"),
        ({"end": "2026-02-30"}, "access.period-date"),
        ({"records": ["' OR 1=1 --"]}, "access.record-unknown"),
        ({"records": ["x" * 10000]}, "access.record-unknown"),
        ({"approvers": []}, "access.field-not-writable"),
    ],
)
def test_bad_bodies_are_400_in_the_error_shape(fholdings, session, body, code):
    reader = session("reader")
    answer = reader.post(
        "@access-requests", json={"records": [fholdings["received"].UID()], **body}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == code


def test_malformed_json_is_400(fholdings, session):
    answer = session("reader").post(
        "@access-requests", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "request.not-json"


@needs_tools
def test_whole_path_over_rest(fholdings, fportal, session):
    from sd.archive import audit
    from sd.archive.audit.store import Query

    reader, archivist, leader = session("reader"), session("archivist"), session("leader")
    answer = ask(reader, fholdings["controlled"])
    assert answer.status_code == 201, answer.text
    body = answer.json()
    number, url = body["request_number"], relative(answer.headers["Location"], fportal)
    assert body["state"] == "pending" and body["approvers"] == ["archivist", "leader"]

    # waiting for the archivist, not the leader
    assert [
        i["request_number"] for i in archivist.get("@access-requests?list=waiting").json()["items"]
    ] == [number]
    assert leader.get("@access-requests?list=waiting").json()["items"] == []

    refused = archivist.post(f"{url}/@access-decision", json={"decision": "refuse"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "access.reason-required"
    assert (
        archivist.post(f"{url}/@access-decision", json={"decision": "approve"}).json()["state"]
        == "second_review"
    )
    assert (
        leader.post(f"{url}/@access-decision", json={"decision": "approve"}).json()["state"]
        == "approved"
    )

    uid = fholdings["controlled"].UID()
    copy = reader.get(f"{url}/@access-copy?record={uid}", headers={"Accept": "application/json"})
    assert copy.status_code == 200 and copy.headers["Content-Type"] == "application/pdf"
    text = pdf_text(copy.content)
    assert number in text and "reader" in text and "仅供查阅" in text
    assert "正文内容" in text  # the original's text is still there

    # another user gets nothing: 401/403/404, never the copy
    other = session("reader2").get(f"{url}/@access-copy?record={uid}")
    assert other.status_code in (401, 403, 404)
    assert other.headers["Content-Type"].startswith("application/json")

    effect = reader.post(f"{url}/@access-effect", json={"effect": "用于课题研究"})
    assert effect.status_code == 200 and effect.json()["effect"] == "用于课题研究"

    register = archivist.get(f"@use-register?number={number}").json()
    actions = [e["action"] for e in register["items"]]
    assert actions == ["effect", "downloaded", "approved", "forwarded", "submitted", "requested"]
    xlsx = archivist.get(f"@use-register?number={number}&format=xlsx")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][1] == "申请编号" and len(rows) == 7
    assert session("reader").get("@use-register").status_code in (401, 403)

    logged = [e.action for e in audit.trail(fportal).iterate(Query(action="access."))]
    for action in ("access.requested", "access.approved", "access.downloaded", "access.effect"):
        assert action in logged
    downloaded = [e for e in audit.trail(fportal).iterate(Query(action="access.downloaded"))][0]
    assert downloaded.actor == "reader" and downloaded.uid == uid
    assert downloaded.details["number"] == number


def test_patch_of_server_fields_is_refused(fholdings, fportal, session):
    reader = session("reader")
    answer = ask(reader, fholdings["received"], submit=False)
    url = relative(answer.headers["Location"], fportal)
    assert answer.json()["state"] == "draft"
    refused = reader.patch(url, json={"request_number": "LY-1999-000001"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "access.field-not-writable"
    assert reader.patch(url, json={"purpose_text": "补充说明"}).status_code == 204
    assert reader.get(url).json()["purpose_text"] == "补充说明"
    assert session("reader2").patch(url, json={"purpose_text": "x"}).status_code in (401, 403)


def test_public_reading_follows_the_fonds_setting(fholdings, fportal):
    import transaction
    from plone.testing.zope import Browser

    browser = Browser(fportal.aq_parent)
    browser.handleErrors = True
    browser.raiseHttpErrors = False
    url = f"{fportal.absolute_url()}/@@public-read?uid="
    browser.open(url + fholdings["open"].UID())
    assert browser.headers["status"].startswith("404")  # off by default
    fholdings["fonds"].public_reading = True
    transaction.commit()
    browser.open(url + fholdings["open"].UID())
    assert browser.headers["Content-Type"] == "application/pdf"
    if needs_tools.args[0] is False:
        assert "公开阅览" in pdf_text(browser.contents)
    browser.open(url + fholdings["controlled"].UID())  # not open: not even said to exist
    assert browser.headers["status"].startswith("404")


def test_requests_are_made_only_through_the_endpoint(fholdings, fportal, session):
    """Neither a member nor a manager adds an unnumbered request through plone.restapi."""
    ask(session("reader"), fholdings["received"])  # the folder exists now
    for user in ("reader", "admin"):
        answer = session(user).post(
            "access-requests", json={"@type": "AccessRequest", "purpose": "work"}
        )
        assert answer.status_code in (400, 401, 403), (user, answer.status_code)
