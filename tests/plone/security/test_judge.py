"""The rules of separation.judge as a table (no Plone layer)."""

import pytest

from sd.archive.security.separation import judge

SA, SEC, AUD = "SystemAdministrator", "SecurityAdministrator", "SecurityAuditor"


@pytest.mark.parametrize("actor,trusted,affected,gained,local,joins,expected", [
    # the security administrator manages others' business roles
    ("secadmin", False, {"clerk": {"Member"}}, {"Archivist"}, False, False, None),
    ("secadmin", False, {"clerk": {"Member"}}, {"RecordsOfficer"}, True, False, None),
    # ... and may appoint an auditor, but not itself, and not a superuser
    ("secadmin", False, {"clerk": {"Member"}}, {AUD}, False, False, None),
    ("secadmin", False, {"secadmin": {SEC}}, {"Reader"}, True, False, "no_self_grant"),
    ("secadmin", False, {"secadmin": {SEC}}, set(), False, True, "no_self_grant"),
    ("secadmin", False, {"g": set(), "secadmin": {SEC}}, {"Reader"}, False, False, "no_self_grant"),
    ("secadmin", False, {"clerk": {"Member"}}, {"Site Administrator"}, False, False,
     "superuser_roles_reserved"),
    # a Manager (or the operator's script) may give superuser roles, never two administrator roles
    ("admin", True, {"clerk": {"Member"}}, {"Manager"}, False, False, None),
    ("admin", True, {"sysadmin": {SA}}, {AUD}, False, False, "three_admins_exclusive"),
    ("admin", True, {"g": set(), "sysadmin": {SA}}, {AUD}, False, False, "three_admins_exclusive"),
    ("admin", True, {"auditor": {AUD, "Member"}}, {"Reader"}, True, False,
     "administrator_holds_no_other_role"),
    ("admin", True, {"clerk": {"Member"}}, {AUD}, True, False, "administrator_role_global_only"),
    # Owner (given to every creator) is no other role, but nobody makes itself Owner
    ("admin", True, {"auditor": {AUD}}, {"Owner"}, True, False, None),
    ("secadmin", False, {"clerk": {"Member"}}, {"Owner"}, True, False, None),
    ("secadmin", False, {"secadmin": {SEC}}, {"Owner"}, True, False, "no_self_grant"),
])
def test_judge(actor, trusted, affected, gained, local, joins, expected):
    verdict = judge(actor, trusted, affected, gained, local=local, joins=joins)
    assert (verdict[0] if verdict else None) == expected
