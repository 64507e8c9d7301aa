"""Rectification notices (整改通知) on the Plone side: the workflow through the recorded
actions, who may take each step, field owners, overdue notices and bad input (nothing stored)."""

from datetime import date
from datetime import timedelta

import pytest
from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive.core.access.period import beijing_today
from sd.archive.core.errors import ArchiveError
from sd.archive.rectification import lists
from sd.archive.rectification import notices


def refused(call, *args):
    with pytest.raises(ArchiveError) as raised:
        call(*args)
    return raised.value.status, raised.value.problems[0].code, raised.value.problems[0].property


def count():
    return len(
        api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            portal_type="RectificationNotice"
        )
    )


def test_issue_answer_close(issued, as_user, record):
    assert issued.notice_number == f"ZG-{beijing_today().year}-0001"
    assert notices.state_of(issued) == "issued"
    assert (issued.fonds_code, issued.issuer) == ("J001", "supervisor")
    assert issued.records == [record.UID()]
    as_user("officer")
    assert api.user.has_permission("View", obj=issued)
    assert notices.may_answer(issued)
    notices.answer(issued, {"answer": "已补充归档三件。", "records": [record.UID()]})
    assert notices.state_of(issued) == "answered"
    assert issued.answered_by == "officer"
    assert not notices.may_answer(issued)
    as_user("supervisor")
    notices.decide(issued, "close", "")
    assert notices.state_of(issued) == "closed"
    assert [h["action"] for h in issued.history] == ["issued", "answered", "closed"]
    assert [h["actor"] for h in issued.history] == ["supervisor", "officer", "supervisor"]


def test_reopen_then_answer_again(issued, as_user):
    as_user("officer")
    notices.answer(issued, {"answer": "已整改。"})
    as_user("supervisor")
    assert refused(notices.decide, issued, "reopen", "") == (
        400,
        "rectification.required",
        "comment",
    )
    notices.decide(issued, "reopen", "缺号仍未补齐")
    assert notices.state_of(issued) == "reopened"
    assert issued.decision_comment == "缺号仍未补齐"
    as_user("officer")
    notices.answer(issued, {"answer": "已补齐。"})
    assert notices.state_of(issued) == "answered"


def test_other_agency_cannot_see_or_answer(issued, as_user):
    as_user("other-officer")
    assert not api.user.has_permission("View", obj=issued)
    assert refused(notices.answer, issued, {"answer": "x"})[:2] == (
        403,
        "rectification.not-your-notice",
    )
    assert notices.state_of(issued) == "issued"
    assert len(lists.catalog_notices()) == 0  # the catalog hides it too
    as_user("officer")
    assert len(lists.catalog_notices()) == 1


def test_supervisor_cannot_answer_and_officer_cannot_decide(issued, as_user):
    assert refused(notices.answer, issued, {"answer": "x"})[:2] == (
        403,
        "rectification.not-your-notice",
    )
    as_user("officer")
    notices.answer(issued, {"answer": "已整改。"})
    assert refused(notices.decide, issued, "close", "")[:2] == (403, "rectification.not-supervisor")
    assert notices.state_of(issued) == "answered"


def test_officer_appointed_later_sees_the_notice(issued, as_user, fonds):
    api.user.create(email="new@example.org", username="new-officer", password="secret-12345")
    as_user("new-officer")
    assert not api.user.has_permission("View", obj=issued)
    with api.env.adopt_roles(["Manager"]):
        api.user.grant_roles(username="new-officer", obj=fonds, roles=["RecordsOfficer"])
    issued.reindexObjectSecurity()
    # borg.localrole keeps the roles it found on the request (one request in a real site)
    annotations = IAnnotations(issued.REQUEST)
    for key in [k for k in annotations if "borg" in str(k)]:
        del annotations[key]
    assert api.user.has_permission("View", obj=issued)
    assert notices.may_answer(issued)


@pytest.mark.parametrize(
    "change, status, code, prop",
    [
        ({"fonds": "J999"}, 400, "rectification.unknown-agency", "fonds"),
        ({"fonds": ""}, 400, "rectification.unknown-agency", "fonds"),
        ({"deadline": "2020-01-01"}, 400, "rectification.deadline-past", "deadline"),
        ({"deadline": "tomorrow"}, 400, "rectification.date", "deadline"),
        ({"text": ""}, 400, "rectification.required", "text"),
        ({"records": ["J001-NOPE"]}, 400, "rectification.unknown-records", "records"),
        ({"answer": "x"}, 403, "rectification.field-owner", ""),
        ({"issuer": "x"}, 400, "rectification.field-not-writable", "issuer"),
        (
            {"figures": [{"label": "x", "value": None}]},
            400,
            "rectification.figures",
            "figures[0].value",
        ),
    ],
)
def test_bad_notices_store_nothing(users, as_user, notice_data, change, status, code, prop):
    as_user("supervisor")
    before = count()
    assert refused(notices.issue, {**notice_data, **change}) == (status, code, prop)
    assert count() == before


def test_records_of_another_fonds_are_refused(users, as_user, notice_data, other_fonds):
    from sd.archive.testing import make_record

    foreign = make_record(other_fonds, 7)
    as_user("supervisor")
    assert refused(notices.issue, {**notice_data, "records": [foreign.UID()]})[1] == (
        "rectification.unknown-records"
    )


def test_only_supervisors_issue(users, as_user, notice_data):
    as_user("officer")
    assert refused(notices.issue, notice_data)[:2] == (403, "rectification.not-supervisor")
    assert count() == 0


def test_answer_needs_text_and_own_records(issued, as_user, other_fonds):
    from sd.archive.testing import make_record

    foreign = make_record(other_fonds, 8)
    as_user("officer")
    assert refused(notices.answer, issued, {"answer": ""})[1] == "rectification.required"
    assert refused(notices.answer, issued, {"answer": "x", "records": [foreign.UID()]})[1] == (
        "rectification.unknown-records"
    )
    assert refused(notices.answer, issued, {"answer": "x", "text": "改通知"})[:2] == (
        403,
        "rectification.field-owner",
    )
    assert notices.state_of(issued) == "issued"
    assert issued.answer == ""


def test_amend_only_while_open(issued, as_user):
    notices.amend(issued, {"text": "补充：另缺15号。"})
    assert issued.text == "补充：另缺15号。"
    assert issued.history[-1]["action"] == "amended"
    as_user("officer")
    assert refused(notices.amend, issued, {"text": "x"})[:2] == (
        403,
        "rectification.not-supervisor",
    )
    notices.answer(issued, {"answer": "已整改。"})
    as_user("supervisor")
    assert refused(notices.amend, issued, {"text": "y"})[:2] == (409, "rectification.not-open")


def test_overdue_notices(issued, as_user, monkeypatch):
    assert len(lists.overdue_notices()) == 0
    later = issued.deadline + timedelta(days=2)
    monkeypatch.setattr(notices, "today", lambda: later)
    found = lists.overdue_notices()
    assert [b.getObject() for b in found] == [issued]
    assert notices.overdue(issued)
    assert lists.overdue_notices(["J002"]) == []
    as_user("officer")
    assert len(lists.overdue_notices(["J001"])) == 1
    as_user("other-officer")
    assert lists.overdue_notices() == []


def test_schema_field_owners():
    """The schema says who writes what (write_permission / readonly)."""
    from plone.autoform.interfaces import WRITE_PERMISSIONS_KEY

    from sd.archive.rectification.content import IRectificationNoticeSchema

    perms = IRectificationNoticeSchema.queryTaggedValue(WRITE_PERMISSIONS_KEY)
    assert perms["text"] == perms["deadline"] == "sd.archive.Supervise"
    assert perms["answer"] == perms["answer_records"] == "sd.archive.AnswerRectification"
    for name in ("notice_number", "issuer", "answered_by", "fonds_code", "decision_comment"):
        assert IRectificationNoticeSchema[name].readonly


def test_workflow_refuses_transitions_outside_the_actions(issued, as_user):
    as_user("officer")
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(issued, transition="answer")
    assert notices.state_of(issued) == "issued"


def test_deadline_today_is_not_overdue(users, as_user, notice_data):
    as_user("supervisor")
    notice = notices.issue({**notice_data, "deadline": beijing_today().isoformat()})
    assert not notices.overdue(notice)
    assert isinstance(notice.deadline, date)
