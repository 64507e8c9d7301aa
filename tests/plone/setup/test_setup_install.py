"""Install and uninstall of sd.archive."""

import pytest
from plone.browserlayer.utils import registered_layers

from sd.archive import PACKAGE_NAME
from sd.archive.interfaces import ISdArchiveLayer


class TestInstall:
    def test_product_installed(self, installer):
        assert installer.is_product_installed(PACKAGE_NAME) is True

    def test_browserlayer(self, portal):
        assert ISdArchiveLayer in registered_layers()

    @pytest.mark.parametrize("type_id", ["Fonds", "Dossier", "Record", "Component"])
    def test_types(self, portal, type_id):
        assert type_id in portal.portal_types

    @pytest.mark.parametrize(
        "type_id,chain",
        [("Fonds", ("sd_fonds_workflow",)), ("Record", ("sd_record_workflow",)), ("Component", ())],
    )
    def test_workflow_bindings(self, portal, type_id, chain):
        assert portal.portal_workflow.getChainForPortalType(type_id) == chain

    @pytest.mark.parametrize(
        "index",
        [
            "archival_code",
            "fonds_code",
            "archive_year",
            "category_code",
            "retention_period",
            "record_kind",
            "electronic_record_id",
            "review_state",
        ],
    )
    def test_catalog_indexes(self, portal, index):
        assert index in portal.portal_catalog.indexes()


class TestUninstall:
    @pytest.fixture(autouse=True)
    def _uninstalled(self, installer):
        installer.uninstall_product(PACKAGE_NAME)

    def test_product_uninstalled(self, installer):
        assert installer.is_product_installed(PACKAGE_NAME) is False

    def test_browserlayer_removed(self):
        assert ISdArchiveLayer not in registered_layers()

    def test_settings_removed(self, portal):
        registry = portal.portal_registry
        assert "sd.archive.settings.network_domain" not in registry.records
