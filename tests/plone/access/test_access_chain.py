"""Access requests (利用申请, #30 item 4): the approval chain by record state and 密级, refusal
reasons, read-only fields, expiry, the register of use and no leak to other users."""

from datetime import date
from datetime import timedelta

import pytest
from plone import api

from sd.archive.access import lookup
from sd.archive.access import requests
from sd.archive.access import usage
from sd.archive.core.access import period
from sd.archive.core.errors import ArchiveError


def ask(record, **extra):
    return requests.create_request(
        {"purpose": "research", "records": [record.UID()], "form": "download", **extra}
    )


def codes(error):
    return [p.code for p in error.value.problems]


def test_controlled_record_needs_archivist_then_leader(holdings, as_user):
    as_user("reader")
    request = ask(holdings["controlled"])
    assert request.request_number.startswith(f"LY-{date.today().year}-")
    assert request.approvers == ["archivist", "leader"]
    assert api.content.get_state(request) == "pending"
    as_user("leader")  # the leader does not take the first step
    with pytest.raises(ArchiveError) as error:
        requests.decide(request, "approve")
    assert error.value.status == 403
    as_user("archivist")
    requests.decide(request, "approve")
    assert api.content.get_state(request) == "second_review"
    with pytest.raises(ArchiveError) as error:  # nor the archivist the second
        requests.decide(request, "approve")
    assert error.value.status == 403
    as_user("leader")
    requests.decide(request, "approve")
    assert api.content.get_state(request) == "approved"
    assert [d["step"] for d in request.decisions] == ["archivist", "leader"]
    assert [d["actor"] for d in request.decisions] == ["archivist", "leader"]


def test_received_record_needs_the_archivist_only(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"])
    assert request.approvers == ["archivist"]
    as_user("archivist")
    requests.decide(request, "approve")
    assert api.content.get_state(request) == "approved"


@pytest.mark.parametrize(
    "which, code",
    [
        ("open", "access.open"),
        ("internal", "access.classified"),
        ("pre_archived", "access.record-unknown"),
    ],
)
def test_records_that_are_not_asked_for(holdings, as_user, which, code):
    as_user("reader")
    with pytest.raises(ArchiveError) as error:
        ask(holdings[which])
    assert codes(error) == [code]


def test_refusal_needs_a_reason(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"])
    as_user("archivist")
    with pytest.raises(ArchiveError) as error:
        requests.decide(request, "refuse", "  ")
    assert codes(error) == ["access.reason-required"]
    assert api.content.get_state(request) == "pending"
    requests.decide(request, "refuse", "与查档目的无关")
    assert api.content.get_state(request) == "refused"
    assert request.decisions[-1]["reason"] == "与查档目的无关"


def test_administrators_take_no_part(holdings, as_user):
    as_user("sysadmin")
    with pytest.raises(ArchiveError) as error:
        ask(holdings["received"])
    assert codes(error) == ["access.administrator"]


def test_nobody_approves_their_own_request(holdings, as_user):
    as_user("archivist")
    request = ask(holdings["received"])
    with pytest.raises(ArchiveError) as error:
        requests.decide(request, "approve")
    assert codes(error) == ["access.own-request"]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"purpose": "nonsense"}, "access.purpose"),
        ({"purpose": "other"}, "access.purpose-text"),
        ({"form": "fax"}, "access.form"),
        ({"start": "2020-01-01"}, "access.period-past"),
        ({"end": "not a day"}, "access.period-date"),
        ({"end": (date.today() + timedelta(days=90)).isoformat()}, "access.period-limit"),
        ({"records": ["NO-SUCH-CODE"]}, "access.record-unknown"),
        ({"records": "one"}, "access.records"),
        ({"records": [], "scope_text": ""}, "access.scope-missing"),
        ({"request_number": "LY-1999-000001"}, "access.field-not-writable"),
        ({"decisions": []}, "access.field-not-writable"),
    ],
)
def test_bad_input_is_a_structured_400(holdings, as_user, body, code):
    as_user("reader")
    data = {"purpose": "research", "records": [holdings["received"].UID()], **body}
    with pytest.raises(ArchiveError) as error:
        requests.create_request(data)
    assert error.value.status == 400
    assert codes(error)[0] == code


def test_described_scope_is_resolved_by_the_archivist(holdings, as_user):
    as_user("reader")
    request = requests.create_request({"purpose": "personal", "scope_text": "1985 年招工档案"})
    assert request.records == [] and request.approvers == ["archivist"]
    as_user("archivist")
    with pytest.raises(ArchiveError) as error:
        requests.decide(request, "approve")
    assert codes(error) == ["access.scope-unresolved"]
    requests.decide(request, "approve", records=[holdings["controlled"].archival_code])
    # a controlled record named: the chain grows to the leader
    assert api.content.get_state(request) == "second_review"


def test_use_within_the_period_then_expiry(holdings, as_user, monkeypatch):
    as_user("reader")
    request = ask(holdings["received"])
    as_user("archivist")
    requests.decide(request, "approve")
    as_user("reader")
    uid = holdings["received"].UID()
    name, data = usage.use(request, uid, "download")
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    later = request.end + timedelta(days=1)
    monkeypatch.setattr(period, "beijing_today", lambda: later)
    assert requests.state_of(request) == "expired"
    with pytest.raises(ArchiveError) as error:
        usage.use(request, uid, "view")
    assert codes(error) == ["access.expired"]
    assert requests.expire_due() == 1
    assert api.content.get_state(request) == "expired"


def test_online_reading_does_not_download(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"], form="online")
    as_user("archivist")
    requests.decide(request, "approve")
    as_user("reader")
    uid = holdings["received"].UID()
    usage.use(request, uid, "view")
    with pytest.raises(ArchiveError) as error:
        usage.use(request, uid, "download")
    assert codes(error) == ["access.download-not-granted"]


def test_other_users_neither_see_nor_use_a_request(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"])
    as_user("archivist")
    requests.decide(request, "approve")
    as_user("reader2")
    assert lookup.mine() == []
    assert not api.user.has_permission("View", obj=request)
    with pytest.raises(ArchiveError) as error:
        usage.use(request, holdings["received"].UID(), "view")
    assert codes(error) == ["access.not-requester"]
    as_user("reader")
    assert [b.getObject() for b in lookup.mine()] == [request]


def test_record_outside_the_request_is_not_served(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"])
    as_user("archivist")
    requests.decide(request, "approve")
    as_user("reader")
    with pytest.raises(ArchiveError) as error:
        usage.use(request, holdings["controlled"].UID(), "view")
    assert codes(error) == ["access.record-not-granted"]


def test_register_holds_every_step(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"])
    as_user("archivist")
    requests.decide(request, "approve")
    as_user("reader")
    uid = holdings["received"].UID()
    usage.use(request, uid, "view")
    usage.use(request, uid, "download")
    requests.record_effect(request, "用于职称评审材料，已解决")
    actions = [e["action"] for e in request.register]
    assert actions == ["requested", "submitted", "approved", "viewed", "downloaded", "effect"]
    viewed = request.register[3]
    assert (
        viewed["actor"] == "reader" and viewed["record_code"] == holdings["received"].archival_code
    )
    assert viewed["number"] == request.request_number and viewed["form"] == "download"
    from sd.archive.access import register

    as_user("archivist")
    found = register.entries(action="downloaded")
    assert [e["number"] for e in found] == [request.request_number]
    assert register.entries(requester="reader2") == []


def test_effect_only_by_the_requester_after_approval(holdings, as_user):
    as_user("reader")
    request = ask(holdings["received"])
    with pytest.raises(ArchiveError) as error:
        requests.record_effect(request, "x")
    assert codes(error) == ["access.effect-state"]


def test_workbench_queues_count_from_the_catalog(holdings, as_user, portal):
    from sd.archive.browser.workbench import queues

    as_user("reader")
    controlled = ask(holdings["controlled"])
    ask(holdings["received"])
    assert queues.my_access_requests("reader") == 2
    assert queues.access_waiting({"Member"}) == 0
    as_user("archivist")
    assert queues.access_waiting({"Archivist"}) == 2
    requests.decide(controlled, "approve")
    assert queues.access_waiting({"Archivist"}) == 1
    as_user("leader")
    assert queues.access_waiting({"Leader"}) == 1
    requests.decide(controlled, "approve")
    # the period over: the workbench stops counting it (its catalogued expiry has passed)
    controlled.end = date.today() - timedelta(days=1)
    requests.set_expiry(controlled)
    controlled.reindexObject()
    as_user("reader")
    assert queues.my_access_requests("reader") == 1
    assert len(lookup.mine()) == 2  # still listed among my requests
    view = portal.restrictedTraverse("@@workbench")
    html = view()
    assert 'id="sd-wb-access"' in html and "sd-wb-access-mine" in html
    assert "sd-wb-access-waiting" not in html


def test_transitions_only_through_the_recorded_actions(holdings, as_user):
    """The toolbar or content_status_modify cannot approve without a decision entry."""
    as_user("reader")
    request = ask(holdings["received"])
    as_user("archivist")
    assert not api.portal.get_tool("portal_workflow").getTransitionsFor(request)
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(request, transition="approve")
    assert api.content.get_state(request) == "pending" and request.decisions == []


def test_an_administrator_cannot_also_be_a_leader(access_users):
    """Leader is a business role: the separation of the three administrators keeps it apart."""
    from sd.archive.security.separation import RoleSeparationRefused

    with pytest.raises(RoleSeparationRefused, match="administrator_holds_no_other_role"):
        api.user.grant_roles(username="sysadmin", roles=["Leader"])


def test_navigation_of_use_of_records(access_users, as_user, portal):
    from sd.archive.browser.workbench.view import navigation

    def links(user):
        as_user(user)
        return {
            link["url"].rsplit("/", 1)[1]
            for group in navigation(portal, [])
            if group["title"] == "Use of records"
            for link in group["links"]
        }

    assert links("reader") == {"@@request-access", "@@my-access-requests"}
    assert links("archivist") >= {"@@access-queue", "@@use-register", "@@request-access"}
    assert links("sysadmin") == set()  # 三员 take no part
