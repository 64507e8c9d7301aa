"""Upgrade 1002 → 1003 (升级步骤): a site left at 1002 gets the agency's leader role and its
right to approve its fonds' destruction."""

from plone import api

PROFILE = "sd.archive:default"
APPROVE = "sd.archive: Approve destruction"


def _roles(portal, permission):
    return {r["name"] for r in portal.rolesOfPermission(permission) if r["selected"]}


def test_upgrade_1003_from_a_1002_site(manager):
    portal = api.portal.get()
    setup = api.portal.get_tool("portal_setup")
    # the site as 1002 left it: no AgencyLeader role, destruction approved by Leader alone
    portal.manage_permission(APPROVE, ["Manager", "Leader"], acquire=True)
    portal._delRoles(["AgencyLeader"])
    assert "AgencyLeader" not in portal.validRoles()
    setup.setLastVersionForProfile(PROFILE, "1002")

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1004",)  # and on to the latest
    assert "AgencyLeader" in portal.validRoles()
    assert {"Leader", "AgencyLeader"} <= _roles(portal, APPROVE)
