"""Rectification notices over HTTP (REST and pages): the path supervisor issues → officer
answers → supervisor closes, the error shape of bad input (nothing stored), field owners in
PATCH, the audit trail, the PDF and the pages."""

from datetime import timedelta

import pytest
import transaction
from plone import api

from sd.archive.core.access.period import beijing_today


def shape(response, status, code, prop=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"type", "message", "errors"}
    assert body["errors"][0]["code"] == code
    if prop is not None:
        assert body["errors"][0].get("property", "") == prop
    return body


def stored(fportal):
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    return len(catalog.unrestrictedSearchResults(portal_type="RectificationNotice"))


@pytest.fixture
def body(fsetup):
    return {
        "fonds": "J001",
        "title": "关于补齐2023年发文归档的整改通知",
        "text": "鲁某发〔2023〕12号至14号未归档。",
        "deadline": (beijing_today() + timedelta(days=10)).isoformat(),
        "figures": [{"label": "文号缺号", "value": 3}],
        "records": [fsetup["record"].UID()],
    }


def test_issue_answer_close_over_rest(fportal, fsetup, session, body):
    from sd.archive import audit
    from sd.archive.audit.store import Query

    supervisor, officer = session("supervisor"), session("officer")
    created = supervisor.post("@rectification-notices", json=body)
    assert created.status_code == 201, created.text
    notice = created.json()
    assert notice["state"] == "issued"
    assert notice["records"][0]["UID"] == fsetup["record"].UID()
    assert created.headers["Location"] == notice["@id"]
    number = notice["notice_number"]

    listed = officer.get("@rectification-notices").json()
    assert [n["notice_number"] for n in listed["items"]] == [number]
    assert session("other-officer").get("@rectification-notices").json()["items_total"] == 0

    answered = officer.post(
        "@rectification-answer",
        json={"notice": number, "answer": "已补充归档三件。", "records": [fsetup["record"].UID()]},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["state"] == "answered"

    closed = supervisor.post(
        "@rectification-decision", json={"notice": number, "decision": "close"}
    )
    assert closed.json()["state"] == "closed"
    assert [h["action"] for h in closed.json()["history"]] == ["issued", "answered", "closed"]

    transaction.begin()
    logged = [e.action for e in audit.trail(fportal).iterate(Query(action="rectification."))]
    assert {"rectification.issued", "rectification.answered", "rectification.closed"} <= set(logged)

    pdf = officer.get(f"{notice['@id']}/@@rectification-notice.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "change, status, code, prop",
    [
        ({"fonds": "J999"}, 400, "rectification.unknown-agency", "fonds"),
        ({"deadline": "2020-01-01"}, 400, "rectification.deadline-past", "deadline"),
        ({"deadline": "not a day"}, 400, "rectification.date", "deadline"),
        ({"records": ["NOPE"]}, 400, "rectification.unknown-records", "records"),
        ({"answer": "我来写答复"}, 403, "rectification.field-owner", None),
    ],
)
def test_bad_notices_answer_in_error_shape(
    fportal, fsetup, session, body, change, status, code, prop
):
    response = session("supervisor").post("@rectification-notices", json={**body, **change})
    shape(response, status, code, prop)
    assert stored(fportal) == 0


def test_malformed_json_is_a_400(fportal, fsetup, session):
    response = session("supervisor").post(
        "@rectification-notices", data="{not json", headers={"Content-Type": "application/json"}
    )
    shape(response, 400, "request.not-json")
    assert stored(fportal) == 0


def test_answer_to_another_agencys_notice(fportal, fsetup, session, body):
    number = session("supervisor").post("@rectification-notices", json=body).json()["notice_number"]
    response = session("other-officer").post(
        "@rectification-answer", json={"notice": number, "answer": "不是我们的"}
    )
    shape(response, 403, "rectification.not-your-notice")
    transaction.begin()
    notice = fportal["rectification-notices"][number.lower()]
    assert api.content.get_state(notice) == "issued"
    assert notice.answer == ""
    shape(
        session("officer").post(
            "@rectification-answer", json={"notice": "ZG-1999-0001", "answer": "x"}
        ),
        404,
        "rectification.unknown-notice",
        "notice",
    )


def test_patch_field_owners(fportal, fsetup, session, body):
    notice = session("supervisor").post("@rectification-notices", json=body).json()
    url = notice["@id"]
    officer = session("officer")
    shape(officer.patch(url, json={"text": "改掉通知"}), 403, "rectification.field-owner")
    shape(officer.patch(url, json={"answer": "经 PATCH 答复"}), 400, "rectification.answer-action")
    supervisor = session("supervisor")
    shape(supervisor.patch(url, json={"answer": "代答复"}), 403, "rectification.field-owner")
    shape(
        supervisor.patch(url, json={"notice_number": "ZG-1"}),
        400,
        "rectification.field-not-writable",
    )
    assert supervisor.patch(url, json={"text": "补充：另缺15号。"}).status_code == 204
    transaction.begin()
    stored_notice = fportal["rectification-notices"][notice["notice_number"].lower()]
    assert stored_notice.text == "补充：另缺15号。"
    assert stored_notice.answer == ""


def test_decision_rules(fportal, fsetup, session, body):
    number = session("supervisor").post("@rectification-notices", json=body).json()["notice_number"]
    supervisor = session("supervisor")
    shape(
        supervisor.post("@rectification-decision", json={"notice": number, "decision": "close"}),
        409,
        "rectification.transition",
    )
    officer = session("officer")
    assert officer.post(
        "@rectification-decision", json={"notice": number, "decision": "close"}
    ).status_code in (401, 403)
    officer.post("@rectification-answer", json={"notice": number, "answer": "已整改"})
    shape(
        supervisor.post("@rectification-decision", json={"notice": number, "decision": "reopen"}),
        400,
        "rectification.required",
        "comment",
    )
    reopened = supervisor.post(
        "@rectification-decision",
        json={"notice": number, "decision": "reopen", "comment": "未补齐"},
    )
    assert reopened.json()["state"] == "reopened"


def test_pages_issue_answer_close(fportal, fsetup, session, body):
    """The Classic UI path: the issue form, the notice page with the answer and decision forms
    (zh_CN, no JSON or traceback on the page)."""
    import re

    supervisor = session("supervisor")
    supervisor.headers["Accept"] = "text/html"
    form = supervisor.get("@@rectification-issue")
    assert form.status_code == 200
    token = re.search(r'name="_authenticator" value="([^"]+)"', form.text).group(1)
    bad = supervisor.post(
        "@@rectification-issue",
        data={
            **body,
            "deadline": "2020-01-01",
            "figures": "文号缺号：3",
            "records": "",
            "form.submitted": "1",
            "_authenticator": token,
        },
    )
    assert bad.status_code == 400
    assert "整改期限不能早于今天" in bad.text and "Traceback" not in bad.text
    done = supervisor.post(
        "@@rectification-issue",
        data={
            **body,
            "figures": "文号缺号：3",
            "records": "",
            "form.submitted": "1",
            "_authenticator": token,
        },
        allow_redirects=False,
    )
    assert done.status_code == 302
    url = done.headers["Location"]
    officer = session("officer")
    officer.headers["Accept"] = "text/html"
    page = officer.get(url)
    assert "sd-rectification-answer-form" in page.text and "文号缺号" in page.text
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    officer.post(
        f"{url}/@@rectification-notice",
        data={"give_answer": "1", "answer": "已补齐", "_authenticator": token},
    )
    page = supervisor.get(url)
    assert "sd-rectification-decision-form" in page.text
    token = re.search(r'name="_authenticator" value="([^"]+)"', page.text).group(1)
    supervisor.post(
        f"{url}/@@rectification-notice", data={"decision": "close", "_authenticator": token}
    )
    transaction.begin()
    notice = fportal.unrestrictedTraverse(url.split(fportal.absolute_url())[1].lstrip("/"))
    assert api.content.get_state(notice) == "closed"
    listing = supervisor.get("@@rectification-notices")
    assert notice.notice_number in listing.text
