"""Seal service configuration: control panel, REST panel, demo key at install."""

import os
import stat

from plone import api
from zope.interface import alsoProvides

from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.seals import settings


def test_registry_records(portal):
    for name in (
        "trusted_certificates",
        "archiving_seal_certificate",
        "key_path",
        "seal_image",
        "max_verify_bytes",
    ):
        assert f"sd.archive.seals.{name}" in portal.portal_registry.records


def test_configlet_and_form(manager, seal_key):
    assert "sd-archive-seals" in [a.id for a in manager.portal_controlpanel.listActions()]
    alsoProvides(manager.REQUEST, ISdArchiveLayer)
    html = manager.restrictedTraverse("@@sd-archive-seals")()
    assert "form.widgets.trusted_certificates" in html
    assert "matches the certificate" in html and "PRIVATE KEY" not in html


def test_rest_controlpanel_is_registered(manager):
    from plone.restapi.controlpanels.interfaces import IControlpanel
    from zope.component import getMultiAdapter

    alsoProvides(manager.REQUEST, ISdArchiveLayer)
    panel = getMultiAdapter((manager, manager.REQUEST), IControlpanel, name="sd-archive-seals")
    assert panel.schema_prefix == "sd.archive.seals"


def test_install_step_makes_a_private_demo_key(portal, tmp_path, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_VAR", str(tmp_path))
    api.portal.set_registry_record("sd.archive.seals.key_path", "")
    api.portal.set_registry_record("sd.archive.seals.archiving_seal_certificate", "")
    portal.portal_setup.runImportStepFromProfile(
        "profile-sd.archive:default", "sd.archive.seals-key"
    )
    path = tmp_path / "seals" / "archiving-seal.key"
    assert settings.key_path() == path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
    assert "BEGIN CERTIFICATE" in api.portal.get_registry_record(
        "sd.archive.seals.archiving_seal_certificate"
    )
    key = settings.load_key()
    assert settings.key_status()["matches"] is True and key.cert
    # a second install keeps the key
    before = path.read_bytes()
    portal.portal_setup.runImportStepFromProfile(
        "profile-sd.archive:default", "sd.archive.seals-key"
    )
    assert path.read_bytes() == before


def test_key_of_another_certificate_is_refused(portal, seal_key):
    from sd.archive.core.seals.seal_key import make_demo_key

    api.portal.set_registry_record(
        "sd.archive.seals.archiving_seal_certificate", make_demo_key().cert.decode()
    )
    status = settings.key_status()
    assert status["exists"] and not status["matches"] and "does not belong" in status["error"]
