"""三员分立 rules on every path to a role: global roles, groups, local roles (integration layer).

Code outside a published request acts for the operator (no actor rules), so these tests are
about what an account may hold, whoever makes the change; the actor's rules are in
test_security_rest.py and, as a table, in test_judge.
"""

import pytest
from plone import api

from sd.archive.security.separation import RoleSeparationRefused


def refused(rule):
    return pytest.raises(RoleSeparationRefused, match=rule)


def test_second_administrator_role_refused_globally(users):
    with refused("three_admins_exclusive"):
        api.user.grant_roles(username="sysadmin", roles=["SecurityAuditor"])
    assert "SecurityAuditor" not in api.user.get_roles(username="sysadmin")


def test_joining_a_group_that_carries_an_administrator_role(users):
    api.group.create(groupname="auditors", roles=["SecurityAuditor"])
    with refused("three_admins_exclusive"):
        api.group.add_user(groupname="auditors", username="sysadmin")
    api.group.add_user(groupname="auditors", username="member")  # a plain account may join
    assert "SecurityAuditor" in api.user.get_roles(username="member")


def test_group_given_an_administrator_role_another_of_its_members_holds(users):
    api.group.create(groupname="staff")
    api.group.add_user(groupname="staff", username="sysadmin")
    with refused("three_admins_exclusive"):
        api.group.grant_roles(groupname="staff", roles=["SecurityAuditor"])


def test_nested_group_counts(users):
    api.group.create(groupname="auditors", roles=["SecurityAuditor"])
    api.group.create(groupname="ops")
    api.group.add_user(groupname="ops", username="sysadmin")
    with refused("three_admins_exclusive"):
        api.portal.get_tool("portal_groups").addPrincipalToGroup("ops", "auditors")


def test_second_administrator_role_refused_as_local_role(fonds, users):
    with refused("three_admins_exclusive"):
        fonds.manage_setLocalRoles("sysadmin", ["SecurityAuditor"])
    with refused("three_admins_exclusive"):
        api.user.grant_roles(username="sysadmin", obj=fonds, roles=["SecurityAuditor"])
    assert fonds.get_local_roles_for_userid("sysadmin") == ()


def test_rules_hold_on_a_fresh_site(portal):
    # portal_role_manager learns the site's roles lazily: the guard must not wait for it
    assert "SecurityAuditor" not in portal.acl_users.portal_role_manager._roles
    with refused("administrator_role_global_only"):
        portal.manage_setLocalRoles("someone", ["SecurityAuditor"])


def test_administrator_roles_are_never_local(fonds, users):
    with refused("administrator_role_global_only"):
        fonds.manage_addLocalRoles("member", ["SecurityAuditor"])


@pytest.mark.parametrize(
    "user,role", [("auditor", "Reader"), ("sysadmin", "RecordsOfficer"), ("secadmin", "Manager")]
)
def test_administrator_holds_no_other_role(fonds, users, user, role):
    with refused("administrator_holds_no_other_role"):
        api.user.grant_roles(username=user, obj=fonds, roles=[role])
    with refused("administrator_holds_no_other_role"):
        api.user.grant_roles(username=user, roles=[role])


def test_business_account_made_administrator_refused(users):
    with refused("administrator_holds_no_other_role"):
        api.user.grant_roles(username="archivist", roles=["SystemAdministrator"])


def test_records_officer_of_a_fonds_made_administrator_refused(users):
    # "officer" holds RecordsOfficer and Reader as local roles on fonds J001 only
    with refused("administrator_holds_no_other_role"):
        api.user.grant_roles(username="officer", roles=["SecurityAuditor"])
    api.group.create(groupname="auditors", roles=["SecurityAuditor"])
    with refused("administrator_holds_no_other_role"):
        api.group.add_user(groupname="auditors", username="officer")


def test_everyone_group_takes_no_administrator_role(users):
    with refused("three_admins_exclusive"):
        api.group.grant_roles(groupname="AuthenticatedUsers", roles=["SecurityAuditor"])


def test_business_roles_pass_and_are_announced(fonds, users, events):
    api.user.grant_roles(username="member", obj=fonds, roles=["Reader"])
    api.group.create(groupname="readers", roles=["Reader"])
    api.group.add_user(groupname="readers", username="member")
    api.group.remove_user(groupname="readers", username="member")
    fonds.manage_delLocalRoles(["member"])
    seen = [(e.action, e.principal, e.outcome) for e in events]
    assert ("local_roles_changed", "member", "ok") in seen
    assert ("group_roles_changed", "readers", "ok") in seen
    assert ("group_member_added", "member", "ok") in seen
    assert ("group_member_removed", "member", "ok") in seen
    local = [e for e in events if e.action == "local_roles_changed"]
    assert local[0].target == "/".join(fonds.getPhysicalPath()) and local[0].details["new"] == [
        "Reader"
    ]
    assert local[-1].details["new"] == []


def test_owner_on_new_content_is_not_announced(fonds, events):
    from sd.archive.testing import make_record

    make_record(fonds)
    assert [e for e in events if e.action == "local_roles_changed"] == []


def test_owner_given_on_an_existing_object_is_announced(fonds, users, events):
    fonds.manage_setLocalRoles("member", ["Owner"])
    assert [(e.action, e.principal, e.details["new"]) for e in events] == [
        ("local_roles_changed", "member", ["Owner"])
    ]


def test_refusal_is_announced(users, events):
    with refused("three_admins_exclusive"):
        api.user.grant_roles(username="sysadmin", roles=["SecurityAuditor"])
    assert [(e.action, e.principal, e.outcome, e.details["rule"]) for e in events] == [
        ("roles_changed", "sysadmin", "refused", "three_admins_exclusive")
    ]


def test_demo_accounts_keep_the_rules(portal, manager):
    from sd.archive import demo

    demo.ensure_users(portal)
    for user_id, role in [
        ("sysadmin", "SystemAdministrator"),
        ("secadmin", "SecurityAdministrator"),
        ("auditor", "SecurityAuditor"),
    ]:
        assert role in api.user.get_roles(username=user_id)
