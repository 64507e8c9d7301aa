"""The rules of separation.judge as a table (no Plone layer)."""

import pytest

from sd.archive.security.separation import judge
from sd.archive.security.separation import judge_account

SA, SEC, AUD = "SystemAdministrator", "SecurityAdministrator", "SecurityAuditor"


@pytest.mark.parametrize(
    "actor,trusted,affected,gained,local,joins,expected",
    [
        # the security administrator manages others' business roles
        ("secadmin", False, {"clerk": {"Member"}}, {"Archivist"}, False, False, None),
        ("secadmin", False, {"clerk": {"Member"}}, {"RecordsOfficer"}, True, False, None),
        # ... but neither appoints nor dismisses an administrator, nor gives itself a role, nor a
        # superuser role
        (
            "secadmin",
            False,
            {"clerk": {"Member"}},
            {AUD},
            False,
            False,
            "administrator_roles_reserved",
        ),
        ("secadmin", False, {"secadmin": {SEC}}, {"Reader"}, True, False, "no_self_grant"),
        ("secadmin", False, {"secadmin": {SEC}}, set(), False, True, "no_self_grant"),
        (
            "secadmin",
            False,
            {"g": set(), "secadmin": {SEC}},
            {"Reader"},
            False,
            False,
            "no_self_grant",
        ),
        (
            "secadmin",
            False,
            {"clerk": {"Member"}},
            {"Site Administrator"},
            False,
            False,
            "superuser_roles_reserved",
        ),
        # a Manager (or the operator's script) may give superuser roles, never two administrator
        # roles
        ("admin", True, {"clerk": {"Member"}}, {"Manager"}, False, False, None),
        ("admin", True, {"sysadmin": {SA}}, {AUD}, False, False, "three_admins_exclusive"),
        (
            "admin",
            True,
            {"g": set(), "sysadmin": {SA}},
            {AUD},
            False,
            False,
            "three_admins_exclusive",
        ),
        (
            "admin",
            True,
            {"auditor": {AUD, "Member"}},
            {"Reader"},
            True,
            False,
            "administrator_holds_no_other_role",
        ),
        (
            "admin",
            True,
            {"clerk": {"Member"}},
            {AUD},
            True,
            False,
            "administrator_role_global_only",
        ),
        # Owner (given to every creator) is no other role, but nobody makes itself Owner
        ("admin", True, {"auditor": {AUD}}, {"Owner"}, True, False, None),
        ("secadmin", False, {"clerk": {"Member"}}, {"Owner"}, True, False, None),
        ("secadmin", False, {"secadmin": {SEC}}, {"Owner"}, True, False, "no_self_grant"),
    ],
)
def test_judge(actor, trusted, affected, gained, local, joins, expected):
    verdict = judge(actor, trusted, affected, gained, local=local, joins=joins)
    assert (verdict[0] if verdict else None) == expected


@pytest.mark.parametrize(
    "actor,trusted,affected,removed,expected",
    [
        ("secadmin", False, {"auditor": {AUD}}, {AUD}, "administrator_roles_reserved"),
        ("secadmin", False, {"clerk": {"Archivist"}}, {"Archivist"}, None),
        (
            "secadmin",
            False,
            {"siteadmin": {"Site Administrator"}},
            {"Site Administrator"},
            "superuser_roles_reserved",
        ),
        ("admin", True, {"auditor": {AUD}}, {AUD}, None),
        # taking away fixes, never breaks, what an account holds
        ("admin", True, {"both": {AUD, SA}}, {SA}, None),
    ],
)
def test_judge_removal(actor, trusted, affected, removed, expected):
    verdict = judge(actor, trusted, affected, set(), removed=removed)
    assert (verdict[0] if verdict else None) == expected


@pytest.mark.parametrize(
    "actor,trusted,principal,held,deletes,expected",
    [
        ("secadmin", False, "auditor", {AUD}, False, "administrator_account_reserved"),
        ("secadmin", False, "auditor", {AUD}, True, "administrator_account_reserved"),
        ("secadmin", False, "admin", {"Manager"}, False, "administrator_account_reserved"),
        ("secadmin", False, "clerk", {"Member"}, True, None),
        ("auditor", False, "auditor", {AUD}, False, None),  # its own password
        ("auditor", False, "auditor", {AUD}, True, "administrator_account_reserved"),
        (None, False, "auditor", {AUD}, False, None),  # reset by the e-mailed link
        ("admin", True, "auditor", {AUD}, True, None),
    ],
)
def test_judge_account(actor, trusted, principal, held, deletes, expected):
    verdict = judge_account(actor, trusted, principal, held, deletes)
    assert (verdict[0] if verdict else None) == expected
