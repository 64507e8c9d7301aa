"""The archiving seal (归档章) on 'archive': a new sealed version, the original untouched."""

import pytest
from plone import api
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from seal_helpers import plain_pdf
from seal_helpers import record_with

from sd.archive.core.seals.certs import TrustStore
from sd.archive.core.seals.detached import verify_detached
from sd.archive.core.seals.ofd.elements import descendants
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.pdf import verify_pdf
from sd.archive.core.seals.sm2 import sm3_hex
from sd.archive.numbering import assign_code
from sd.archive.seals.archiving import seal_fields
from sd.archive.testing import make_record


def archive_as_officer(portal, record):
    assign_code(record, "WS", 2023, "Y", "BGS")
    login(portal, "officer")
    try:
        api.content.transition(record, transition="archive")
    finally:
        logout()
        login(portal, TEST_USER_NAME)
    assert api.content.get_state(record) == "archived"


def components(record):
    return sorted(record.objectValues(), key=lambda c: c.sequence)


def test_seal_fields_from_the_record(fonds, seal_key):
    record = record_with(fonds, "正本.pdf", plain_pdf(), pages=3)
    assign_code(record, "WS", 2023, "Y", "BGS")
    fields = seal_fields(record)
    assert (
        fields.fonds_code,
        fields.year,
        fields.organization,
        fields.retention,
        fields.pages,
    ) == ("J001", "2023", "BGS", "永久", "3")
    assert fields.item_number == "0001"


def test_pdf_gets_a_pades_sealed_version(portal, users, fonds, seal_key):
    original_bytes = plain_pdf()
    record = record_with(fonds, "正本.pdf", original_bytes, content_type="application/pdf")
    archive_as_officer(portal, record)
    original, sealed = components(record)
    assert original.file.data == original_bytes and original.sm3 == sm3_hex(original_bytes)
    assert sealed.version_of == original.UID() and sealed.role == "正本"
    assert sealed.file.filename == "正本-归档章.pdf"
    # verifies with pyHanko, against the archives' certificate as the only trust root
    report = verify_pdf(sealed.file.data, TrustStore.from_bytes([seal_key.cert]))
    assert report["status"] == "valid", [v.as_dict() for v in report["verdicts"]]
    assert "示例档案馆归档章" in report["verdicts"][0].signer
    assert sealed.seal_findings[0]["status"] == "valid"
    assert "归档章" in record.archiving_seal and sealed.getId() in record.archiving_seal
    assert {f["component"] for f in record.seal_findings} == {sealed.UID()}


def test_ofd_gets_a_stamp_and_a_detached_signature(portal, users, fonds, samples, seal_key):
    data = (samples / "helloworld.ofd").read_bytes()
    record = record_with(fonds, "正本.ofd", data, content_type="application/ofd")
    archive_as_officer(portal, record)
    original, stamped, signature = components(record)
    assert original.file.data == data
    assert stamped.version_of == original.UID()
    assert signature.version_of == stamped.UID() and signature.file.filename.endswith(".sig.json")
    ok, reasons = verify_detached(stamped.file.data, signature.file.data, [seal_key.cert])
    assert ok, reasons
    package = OfdPackage.open(stamped.file.data)
    annots = [
        a
        for n in package.names
        if "Annot" in n and n.endswith(".xml")
        for a in descendants(package.xml(n), "Annot")
        if a.get("Subtype") == "ArchivingSeal"
    ]
    assert len(annots) == 1
    # a changed byte is caught
    broken = stamped.file.data[:-10] + bytes([stamped.file.data[-10] ^ 1]) + stamped.file.data[-9:]
    assert not verify_detached(broken, signature.file.data, [seal_key.cert])[0]


def test_signed_ofd_original_stays_signed_and_valid(portal, users, fonds, samples, seal_key):
    data = (samples / "v4signed.ofd").read_bytes()
    record = record_with(fonds, "正本.ofd", data)
    archive_as_officer(portal, record)
    original = components(record)[0]
    assert original.file.data == data and original.seal_findings[0]["status"] == "valid"


@pytest.mark.parametrize("name", ["v4signed.ofd", "1.ofd"])
def test_signed_ofd_sealed_copy_keeps_the_agency_seal_valid(
    portal, users, fonds, samples, seal_key, name
):
    """The 归档章 on an OFD the agency signed is a later signature: in the sealed copy the
    agency's seal is 有效 and so is the archiving seal (#22 item 17)."""
    data = (samples / name).read_bytes()
    record = record_with(fonds, "正本.ofd", data)
    archive_as_officer(portal, record)
    original, sealed, signature = components(record)
    assert original.file.data == data and original.seal_findings[0]["status"] == "valid"
    assert sealed.version_of == original.UID() and sealed.archiving_seal == "signature+detached"
    agency, archiving = sealed.seal_findings
    assert (agency["id"], agency["status"]) == (original.seal_findings[0]["id"], "valid")
    assert archiving["status"] == "valid" and archiving["kind"] == "sign"
    assert "示例档案馆归档章" in archiving["signer"]
    assert verify_detached(sealed.file.data, signature.file.data, [seal_key.cert]) == (True, [])


def test_ofd_whose_seal_protects_the_signature_list_gets_a_detached_seal_only(
    portal, users, fonds, samples, seal_key
):
    data = (samples / "allprotected.ofd").read_bytes()
    record = record_with(fonds, "正本.ofd", data)
    archive_as_officer(portal, record)
    original, signature = components(record)
    assert original.file.data == data and original.seal_findings[0]["status"] == "valid"
    assert signature.version_of == original.UID()
    assert verify_detached(data, signature.file.data, [seal_key.cert]) == (True, [])
    assert "detached signature only" in record.archiving_seal


def test_without_a_key_archiving_still_works_and_says_why(portal, users, fonds, tmp_path):
    api.portal.set_registry_record("sd.archive.seals.key_path", str(tmp_path / "none.key"))
    record = record_with(fonds, "正本.pdf", plain_pdf())
    archive_as_officer(portal, record)
    assert len(record.objectIds()) == 1
    assert record.archiving_seal.startswith("not applied") and "key" in record.archiving_seal


def test_unreadable_original_is_noted_not_fatal(portal, users, fonds, seal_key):
    record = make_record(fonds)  # placeholder PDF bytes
    archive_as_officer(portal, record)
    assert sorted(record.objectIds()) == ["c001", "c002"]
    assert "not applied" in record.archiving_seal and "c001" in record.archiving_seal


def test_other_transitions_add_nothing(portal, fonds, seal_key):
    record = record_with(fonds, "正本.pdf", plain_pdf())
    api.content.transition(record, transition="reject")
    assert record.objectIds() == ["c001"]
    assert not record.archiving_seal


def test_key_file_readable_by_others_is_refused(portal, seal_key):
    import os

    from sd.archive.seals import settings

    path = settings.key_path()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert oct(os.stat(path.parent).st_mode & 0o777) == "0o700"
    os.chmod(path, 0o644)
    with pytest.raises(settings.SealConfigurationError) as info:
        settings.load_key()
    assert info.value.problems[0].code == "seal.key-mode"
    assert settings.key_status()["private"] is False


def test_key_never_in_the_registry(portal, seal_key):
    registry = portal.portal_registry
    values = [
        str(registry[name]) for name in registry.records if name.startswith("sd.archive.seals.")
    ]
    assert not any("PRIVATE KEY" in v for v in values)
    assert any("BEGIN CERTIFICATE" in v for v in values)


def test_demo_key_is_not_overwritten(portal, seal_key):
    from sd.archive.seals import settings

    before = settings.key_path().read_bytes()
    assert settings.create_demo_key() is False
    assert settings.key_path().read_bytes() == before


def test_certificate_fields_refuse_private_keys_and_garbage(portal, seal_key):
    from zope.interface import Invalid

    from sd.archive.seals.settings import ISealSettings

    for name in ("archiving_seal_certificate", "trusted_certificates"):
        field = ISealSettings[name]
        field.validate(seal_key.cert.decode())
        for bad in (seal_key.key.decode(), "garbage", seal_key.cert.decode().replace("M", "*", 3)):
            with pytest.raises(Invalid):
                field.validate(bad)
    with pytest.raises(Invalid, match="not a certificate"):
        ISealSettings["trusted_certificates"].validate(
            seal_key.cert.decode() + seal_key.key.decode()
        )
