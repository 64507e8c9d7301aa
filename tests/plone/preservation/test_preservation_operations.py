"""组盘, backup and restore, migration, conversion on the site."""

import shutil
import zipfile

import pytest
import transaction
from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.preservation.carriers import CarrierRegister
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.preservation import backup
from sd.archive.preservation import conversion
from sd.archive.preservation import discs
from sd.archive.preservation import migration
from sd.archive.preservation import store
from sd.archive.preservation.package import carriers
from sd.archive.preservation.package import components
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component

MB = 1024 * 1024


def test_disc_batch_builds_iso_reads_back_and_records_carriers(archived, var):
    result = discs.batch("2024A", "2024B", capacity=10 * MB)
    assert result.ok
    assert sorted(result.images) == ["A-2024A-0001", "B-2024B-0001"]
    for carrier_id, iso in result.images.items():
        assert discs.read_back(carrier_id, iso)  # a copied image read back later
    register = CarrierRegister(discs.register_path())
    assert register.carriers["A-2024A-0001"].state == "verified"
    assert register.carriers["A-2024A-0001"].count == 3
    for record in archived:
        assert carriers(record) == ["A-2024A-0001", "B-2024B-0001"]
    # everything is on a carrier now: nothing left to batch
    with pytest.raises(ArchiveError):
        discs.batch("2024C", "2024D", capacity=10 * MB)
    # the next AIP version carries 脱机载体编号 (DA/T 46 M67)
    from sd.archive.core.preservation.aip import read_aip_file

    entry = store.preserve(archived[0], "test", force=True)
    aip = read_aip_file(var / "aip" / "copy1" / entry["relpath"])
    assert aip.metadata["脱机载体编号"] == ["A-2024A-0001", "B-2024B-0001"]


def test_damaged_image_fails_read_back(archived, var):
    result = discs.batch("2024A", "2024B", capacity=10 * MB)
    iso = var / "copy-of-A.iso"
    shutil.copy(result.images["A-2024A-0001"], iso)
    data = bytearray(iso.read_bytes())
    pos = data.find(b"<?xml")  # inside the first AIP on the image
    data[pos + 400] ^= 0xFF
    iso.write_bytes(bytes(data))
    assert discs.read_back("A-2024A-0001", iso) is False
    assert CarrierRegister(discs.register_path()).carriers["A-2024A-0001"].state == "failed"


def _filestorage(var):
    import ZODB
    from ZODB.blob import Blob
    from ZODB.FileStorage import FileStorage

    (var / "filestorage").mkdir()
    db = ZODB.DB(
        FileStorage(str(var / "filestorage" / "Data.fs"), blob_dir=str(var / "blobstorage"))
    )
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    blob = Blob()
    with blob.open("w") as f:
        f.write(b"blob bytes")
    conn.root()["blob"] = blob
    conn.root()["title"] = "档案"
    tm.commit()
    conn.close()
    db.close()


def test_backup_and_restore_with_verification(archived, var, tmp_path):
    import ZODB
    from ZODB.FileStorage import FileStorage

    _filestorage(var)
    (var / "etc").mkdir()
    (var / "etc" / "zope.conf").write_text("%define VAR /x\n")
    result = backup.backup(tmp_path / "backups")
    assert backup.verify_backup(result.path).ok
    parts = {
        rel.split("/", 1)[0] for rel in (tmp_path / "backups").glob("*/*") for rel in [rel.name]
    }
    assert {"filestorage", "blobs", "config", "keys", "audit", "aip-copy1", "aip-copy2"} <= parts
    key_files = list((tmp_path / "backups").glob("*/keys/*"))
    assert [p.name for p in key_files] == ["node.pub"]  # never the private key

    target = tmp_path / "restored"
    check = backup.restore(result.path, target, sample=0.5, seed=1)
    assert check.ok and backup.restore_counts(target)
    for relpath, digest in store.expected_digests().items():
        assert sm3_file(target / "aip-copy2" / relpath) == digest
    db = ZODB.DB(
        FileStorage(
            str(target / "filestorage" / "Data.fs"), blob_dir=str(target / "blobs"), read_only=True
        )
    )
    conn = db.open()
    assert conn.root()["title"] == "档案"
    with conn.root()["blob"].open() as f:
        assert f.read() == b"blob bytes"
    conn.close()
    db.close()
    audit = (target / "audit" / "audit.jsonl").read_text().splitlines()
    assert len(audit) == 3


def test_damaged_restore_does_not_count(archived, var, tmp_path):
    result = backup.backup(tmp_path / "backups")
    target = tmp_path / "restored"
    from sd.archive.core.preservation import backup as core

    core.restore_backup(result.path, target)
    victim = next((target / "aip-copy1").rglob("*.eep"))
    victim.write_bytes(victim.read_bytes()[:-10])
    check = core.verify_restore(target, 1.0)
    assert not check.ok and not backup.restore_counts(target)


def test_migration_verified_record_by_record(archived, var, tmp_path):
    report = migration.migrate("copy1", str(tmp_path / "new-disk"))
    assert report.ok and len(report.copied) == 3
    for relpath, digest in store.expected_digests().items():
        assert sm3_file(tmp_path / "new-disk" / relpath) == digest
    # a damaged source copy is not carried over; a rerun skips what is there and good
    relpath = store.last_version(archived[0])["relpath"]
    (tmp_path / "new-disk" / relpath).unlink()
    src = var / "aip" / "copy1" / relpath
    src.write_bytes(src.read_bytes().replace(b"<", b"[", 1))
    again = migration.migrate("copy1", str(tmp_path / "new-disk"))
    assert [f["relpath"] for f in again.failed] == [relpath]
    assert len(again.already_present) == 2
    assert not (tmp_path / "new-disk" / relpath).exists()


DOCX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="app'
    'lication/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Content'
    'Type="application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schem'
    'as.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/docu'
    'ment.xml"/></Relationships>',
    "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://sc'
    'hemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>关于做好档案'
    "工作的通知</w:t></w:r></w:p><w:p><w:r><w:t>Records are kept as PDF/A.</w:t></w:r></w:p>"
    "</w:body></w:document>",
}


def docx_bytes(tmp_path):
    path = tmp_path / "定稿.docx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in DOCX_PARTS.items():
            z.writestr(name, text)
    return path.read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_docx_conversion_adds_new_version_and_keeps_original(archived, var, tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr(conversion, "log_event", lambda e, r=None, **kw: logged.append((e, kw)))
    record = archived[0]
    with api.env.adopt_roles(["Manager"]):
        original = add_component(
            record,
            ComponentData(
                filename="定稿.docx",
                data=docx_bytes(tmp_path),
                role="正本",
                sequence=3,
                content_type="application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document",
            ),
        )
    store.flush()
    original_sm3 = original.sm3
    new, attestation = conversion.convert_component(original)
    assert new.version_of == original.UID()
    assert new.file.filename == "定稿.pdf" and new.format_name == "PDF/A-2b"
    assert new.file.data.startswith(b"%PDF")
    assert original.sm3 == original_sm3 and original.file.filename == "定稿.docx"
    assert attestation["ok"] and attestation["tool"]
    assert attestation["source"]["sm3"] == original_sm3
    assert attestation["result"]["sm3"] == new.sm3
    assert conversion.attestation(new)["checks"]["pdfa_part"] == "2"
    assert [e for e, _ in logged] == ["convert"]
    assert [c.getId() for c in components(record)][-2:] == ["c003", "c004"]
    (entry,) = store.flush()  # the record's next AIP version holds both
    assert entry["version"] == 3


def test_conversion_needs_permission(archived, users):
    from AccessControl import Unauthorized
    from plone.app.testing import login

    component = components(archived[0])[0]
    login(api.portal.get(), "officer")
    with pytest.raises(Unauthorized):
        conversion.convert_component(component)
