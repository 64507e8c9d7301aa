"""Lifecycle workflow: every transition, and each role's permissions in each state."""

import pytest
from plone import api

from sd.archive.appraisal.execution import sanctioned
from sd.archive.numbering import assign_code
from sd.archive.testing import ROLE_USERS
from sd.archive.testing import make_record

PATHS = {
    "pre_archived": [],
    "archived": ["archive"],
    "rejected": ["reject"],
    "transfer_pending": ["archive", "request_transfer"],
    "transferred": ["archive", "request_transfer", "transfer"],
    "received": ["archive", "request_transfer", "transfer", "receive"],
    "open": ["archive", "request_transfer", "transfer", "receive", "open"],
    "controlled": ["archive", "request_transfer", "transfer", "receive", "control"],
    "appraisal": ["archive", "appraise"],
    "destroyed": ["archive", "appraise", "destroy"],
}

V, M = "View", "Modify portal content"
ROLES = tuple(ROLE_USERS)  # one user per role (sd.archive.testing)
# state: (users who may View, users who may Modify)
MATRIX = {
    "pre_archived": ({"officer", "submitter", "supervisor"}, {"officer"}),
    "archived": ({"officer", "supervisor"}, {"officer"}),
    "rejected": ({"officer", "submitter", "supervisor"}, set()),
    "transfer_pending": ({"officer", "archivist", "supervisor"}, set()),
    "transferred": ({"officer", "archivist", "supervisor"}, set()),
    "received": ({"archivist", "supervisor"}, {"archivist"}),
    "open": (
        {
            "officer",
            "submitter",
            "archivist",
            "supervisor",
            "other-officer",
            "member",
            "sysadmin",
            "secadmin",
            "auditor",
        },
        {"archivist"},
    ),
    "controlled": ({"archivist", "supervisor"}, {"archivist"}),
    "appraisal": ({"officer", "archivist", "supervisor"}, set()),
    "destroyed": ({"officer", "archivist", "supervisor", "auditor"}, set()),
}


def bring_to(record, state):
    if state in ("appraisal", "destroyed"):
        # only an expired record is destroyed (#25): 2013 + D10 → kept to 2023-12-31
        assign_code(record, "WS", 2013, "D10", "BGS")
    elif state != "pre_archived" and state != "rejected":
        assign_code(record, "WS", 2018, "D30", "BGS")
    with sanctioned(record, "test"):  # destroyed as an executed appraisal batch does (#25)
        for transition in PATHS[state]:
            api.content.transition(record, transition=transition)
    assert api.content.get_state(record) == state
    return record


@pytest.mark.parametrize("state", list(PATHS))
def test_each_state_reachable(fonds, state):
    bring_to(make_record(fonds), state)


@pytest.mark.parametrize("state", list(MATRIX))
@pytest.mark.parametrize("user", ROLES)
def test_permissions_per_role_and_state(fonds, users, state, user):
    record = bring_to(make_record(fonds), state)
    viewers, editors = MATRIX[state]
    assert api.user.has_permission(V, username=user, obj=record) == (user in viewers)
    assert api.user.has_permission(M, username=user, obj=record) == (user in editors)


@pytest.mark.parametrize(
    "state,transition,allowed",
    [
        ("pre_archived", "archive", {"officer"}),
        ("pre_archived", "reject", {"officer"}),
        ("archived", "request_transfer", {"officer"}),
        ("archived", "appraise", {"officer"}),
        ("transfer_pending", "transfer", {"officer"}),
        ("transfer_pending", "cancel_transfer", {"officer"}),
        ("transfer_pending", "receive", {"archivist"}),
        ("transferred", "receive", {"archivist"}),
        ("transferred", "return", {"archivist"}),
        ("received", "open", {"archivist"}),
        ("received", "control", {"archivist"}),
        ("received", "appraise_holdings", {"archivist"}),
        ("controlled", "open", {"archivist"}),
        ("open", "control", {"archivist"}),
        # never a lone transition (#25): only inside an executed appraisal batch
        ("appraisal", "destroy", set()),
        ("appraisal", "retain", {"officer", "archivist"}),
    ],
)
def test_who_may_transition(fonds, users, state, transition, allowed):
    record = bring_to(make_record(fonds), state)
    if transition == "archive":
        assign_code(record, "WS", 2018, "D30", "BGS")  # archived only with a valid code
    wf = api.portal.get_tool("portal_workflow")
    for user in ROLES:
        with api.env.adopt_user(username=user):
            ids = [t["id"] for t in wf.getTransitionsFor(record)]
        assert (transition in ids) == (user in allowed), (user, transition, ids)


def test_archive_needs_a_valid_code(fonds, users):
    """状态 → 归档 never skips the review queue: no code, no archive transition (#22.4)."""
    record = make_record(fonds)
    wf = api.portal.get_tool("portal_workflow")
    for user in ("officer", None):
        with api.env.adopt_user(username=user or "officer"):
            assert "archive" not in [t["id"] for t in wf.getTransitionsFor(record)]
    with pytest.raises(api.exc.InvalidParameterError):
        api.content.transition(record, transition="archive")
    assert api.content.get_state(record) == "pre_archived"
    assign_code(record, "WS", 2018, "D30", "BGS")
    api.content.transition(record, transition="archive")
    assert api.content.get_state(record) == "archived"


def test_retain_returns_to_origin(fonds):
    room = bring_to(make_record(fonds, 1), "appraisal")
    api.content.transition(room, transition="retain")
    assert api.content.get_state(room) == "archived"
    holdings = bring_to(make_record(fonds, 2), "received")
    api.content.transition(holdings, transition="appraise_holdings")
    wf = api.portal.get_tool("portal_workflow")
    ids = [t["id"] for t in wf.getTransitionsFor(holdings)]
    assert "retain_holdings" in ids and "retain" not in ids
    api.content.transition(holdings, transition="retain_holdings")
    assert api.content.get_state(holdings) == "received"


def test_agency_cannot_see_other_fonds(portal, fonds, other_fonds, users):
    mine = bring_to(make_record(fonds, 1), "archived")
    theirs = bring_to(make_record(other_fonds, 1), "archived")
    assert api.user.has_permission(V, username="officer", obj=mine)
    assert not api.user.has_permission(V, username="officer", obj=theirs)
    assert not api.user.has_permission(V, username="officer", obj=other_fonds)
    with api.env.adopt_user(username="officer"):
        found = {b.UID for b in api.content.find(portal_type="Record")}
    assert mine.UID() in found and theirs.UID() not in found


@pytest.mark.parametrize(
    "user,has,lacks",
    [
        (
            "sysadmin",
            {"sd.archive: Manage configuration"},
            {"sd.archive: Manage security", "sd.archive: View audit log", "Manage users"},
        ),
        (
            "secadmin",
            {"sd.archive: Manage security", "Manage users"},
            {"sd.archive: Manage configuration", "sd.archive: View audit log"},
        ),
        (
            "auditor",
            {"sd.archive: View audit log"},
            {"sd.archive: Manage configuration", "sd.archive: Manage security", "Manage users"},
        ),
    ],
)
def test_three_administrators_are_separated(portal, users, user, has, lacks):
    for permission in has:
        assert api.user.has_permission(permission, username=user, obj=portal)
    for permission in lacks:
        assert not api.user.has_permission(permission, username=user, obj=portal)


def test_submitter_may_add_records_only_in_own_fonds(fonds, other_fonds, users):
    assert api.user.has_permission("sd.archive: Add Record", username="submitter", obj=fonds)
    assert not api.user.has_permission("Add portal content", username="submitter", obj=other_fonds)
    assert api.user.has_permission("sd.archive: Submit packages", username="submitter", obj=fonds)
    assert not api.user.has_permission(
        "sd.archive: Submit packages", username="submitter", obj=other_fonds
    )
