"""Upgrade 1001 → 1002 (升级步骤): a site left at 1001 without this release's catalog index and
column, types, permissions and settings gets them back, and its fonds keep their domain."""

from plone import api

from sd.archive.testing import make_fonds

PROFILE = "sd.archive:default"


def test_upgrade_1002_from_a_1001_site(manager):
    portal = api.portal.get()
    setup = api.portal.get_tool("portal_setup")
    catalog = api.portal.get_tool("portal_catalog")
    types = api.portal.get_tool("portal_types")
    registry = portal.portal_registry
    fonds = make_fonds(manager)
    for name in ("network_domain", "record_kinds"):  # a fonds of 1001 made without them
        fonds.__dict__.pop(name, None)
        fonds._p_changed = True
    # the site as 1001 left it
    catalog.delIndex("file_format")
    catalog.delColumn("size_bytes")
    types.manage_delObjects(["RectificationNotice"])
    portal.manage_permission("sd.archive: Add RectificationNotice", ["Manager"], acquire=True)
    del registry.records["sd.archive.preservation.renew_evidence"]
    setup.setLastVersionForProfile(PROFILE, "1001")
    registry["sd.archive.settings.network_domain"] = "public-service"  # this node's domain

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1004",)  # and on to the latest
    assert "file_format" in catalog.indexes() and "size_bytes" in catalog.schema()
    assert "RectificationNotice" in types.objectIds()
    roles = {
        r["name"]
        for r in portal.rolesOfPermission("sd.archive: Add RectificationNotice")
        if r["selected"]
    }
    assert "Supervisor" in roles
    assert registry["sd.archive.preservation.renew_evidence"] is False
    assert fonds.__dict__["network_domain"] == "administrative"  # what it read before
    assert fonds.record_kinds == {"电子公文"}
    assert setup.getLastVersionForProfile("pas.plugins.oidc:default") != "unknown"
