"""Upgrade 1000 → 1001 (升级步骤): a site left at 1000 without this release's catalog indexes and
columns and with Plone's front page gets them back, its records indexed, and @@workbench."""

from plone import api

from sd.archive.intake.review import PENDING_REVIEW
from sd.archive.retention import computed_expiry
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

PROFILE = "sd.archive:default"
NEW_INDEXES = (
    "arrangement_status",
    "open_status",
    "document_number",
    "record_title",
    "retention_due",
)
NEW_COLUMNS = ("review_proposal", "document_type", "open_status", "retention_due")


def test_upgrade_1001_from_an_old_site(manager):
    portal = api.portal.get()
    setup = api.portal.get_tool("portal_setup")
    catalog = api.portal.get_tool("portal_catalog")
    record = make_record(make_fonds(manager))
    record.arrangement_status = PENDING_REVIEW
    record.arrangement = {"category": "WS", "problems": [{"message": "没有适用的整理规则"}]}
    record.document_type = "通知"
    record.retention_period = "D30"
    expiry = computed_expiry(record)
    assert expiry is not None
    record.retention_expiry = None  # a record of a release that did not set it
    record.reindexObject()
    # the site as 1000 left it
    for name in NEW_INDEXES:
        catalog.delIndex(name)
    for name in NEW_COLUMNS:
        catalog.delColumn(name)
    portal.setLayout("document_view")
    portal.manage_permission("sd.archive: Arrange volumes", ["Manager"], acquire=True)
    portal.portal_registry["plone.site_title"] = "Plone site"
    setup.setLastVersionForProfile(PROFILE, "1000")
    assert setup.listUpgrades(PROFILE)

    setup.upgradeProfile(PROFILE)

    assert setup.getLastVersionForProfile(PROFILE) == ("1004",)  # and on to the latest
    assert not setup.listUpgrades(PROFILE)
    assert set(NEW_INDEXES) <= set(catalog.indexes())
    assert set(NEW_COLUMNS) <= set(catalog.schema())
    brains = catalog(arrangement_status=PENDING_REVIEW)
    assert [b.getObject() for b in brains] == [record]  # indexed again
    assert brains[0].document_type == "通知"
    assert brains[0].review_proposal["problems"] == ("没有适用的整理规则",)
    assert len(catalog(record_title=record.Title())) == 1
    assert record.retention_expiry == expiry  # computed in the one place, and indexed
    assert [b.getObject() for b in catalog(retention_due=expiry)] == [record]
    assert portal.getLayout() == "workbench"
    roles = {
        r["name"] for r in portal.rolesOfPermission("sd.archive: Arrange volumes") if r["selected"]
    }
    assert {"RecordsOfficer", "Archivist"} <= roles  # rolemap
    assert portal.portal_registry["plone.site_title"] == "山东省电子档案单套管理一体化平台"


def test_profile_version_is_the_latest(portal):
    setup = api.portal.get_tool("portal_setup")
    assert setup.getVersionForProfile(PROFILE) == "1004"
