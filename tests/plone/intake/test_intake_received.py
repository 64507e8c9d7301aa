"""The package as received stored once: a splice table over the components (#31 item 6)."""

import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import transaction
from intake_helpers import post
from intake_helpers import sample
from intake_helpers import session_for
from plone import api

from sd.archive.core.preservation import splice
from sd.archive.core.preservation.aip import read_aip_file
from sd.archive.intake.received import LAYOUT_ENV
from sd.archive.intake.received import PackageAsReceived
from sd.archive.intake.received import is_shared
from sd.archive.ledger import records as ledger_records
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import config
from sd.archive.preservation import rebuild
from sd.archive.preservation import renewal
from sd.archive.preservation import store
from sd.archive.preservation.package import components


def stored_zip(name="archive-gongwen.zip") -> bytes:
    """The sample package written again with every member stored (not deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sample(name))) as src, zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info), zipfile.ZIP_STORED)
    return out.getvalue()


def archive(site, svc, body):
    response = post(svc, "@archive", body)
    assert response.status_code == 201, response.text
    transaction.begin()
    path = response.json()["@id"].replace(site.absolute_url() + "/", "")
    return site.unrestrictedTraverse(path)


def original_of(record):
    return [c for c in record.objectValues() if c.role == "原始包"][0]


def test_a_stored_zip_keeps_its_package_as_a_splice_table(site, svc):
    body = stored_zip()
    record = archive(site, svc, body)
    original = original_of(record)
    assert isinstance(original.file, PackageAsReceived)
    table_bytes = Path(original.file.table_file()).read_bytes()
    assert splice.is_table(table_bytes)
    parts = [c for c in record.objectValues() if c.role in ("正本", "处理单", "附件")]
    shared = sum(c.size for c in parts if not c.version_of)
    assert len(table_bytes) < len(body) - shared + 4096  # the components' bytes are not in it
    # the package as received, byte for byte, wherever it is read
    assert original.file.data == body
    assert original.file.getSize() == len(body)
    with original.file.open() as f:
        assert f.read() == body
    assert original.sm3 == hashlib.new("sm3", body).hexdigest()
    assert original.sha256 == hashlib.sha256(body).hexdigest()
    assert ledger_records.blob_digests(original)[0]["SM3"] == original.sm3
    assert ledger_records.tamper_status(record, current_ledger()).intact


def test_the_download_is_the_package_as_received(site, svc):
    body = stored_zip()
    record = archive(site, svc, body)
    url = f"{original_of(record).absolute_url()}/@@download/file"
    admin = session_for(site, "admin")
    response = admin.get(url)
    assert response.status_code == 200
    assert response.content == body
    assert int(response.headers["Content-Length"]) == len(body)
    ranged = admin.get(url, headers={"Range": "bytes=100-60099"})
    assert ranged.status_code == 206
    assert ranged.content == body[100:60100]
    displayed = admin.get(f"{original_of(record).absolute_url()}/@@display-file/file")
    assert displayed.status_code == 200 and displayed.content == body


def test_the_whole_layout_and_deflated_packages_keep_the_whole_zip(site, svc, svc2, monkeypatch):
    deflated = archive(site, svc, sample("archive-gongwen.zip"))  # deflated members
    assert not is_shared(original_of(deflated).file)
    assert original_of(deflated).file.data == sample("archive-gongwen.zip")
    monkeypatch.setenv(LAYOUT_ENV, "whole")
    body = stored_zip("archive-zhengwu.zip")
    whole = archive(site, svc2, body)
    assert not is_shared(original_of(whole).file)
    assert original_of(whole).file.data == body


def test_the_aip_holds_the_table_and_the_components_once(site, svc):
    body = stored_zip()
    record = archive(site, svc, body)
    original = original_of(record)
    version = store.last_version(record)
    location = config.online_locations()[0]
    aip = read_aip_file(location.root / version["relpath"], content_dir=site_tmp(record))
    table = [c for c in aip.components if c.role == "原始包"][0]
    assert table.format == splice.FORMAT_NAME
    assert table.size == original.file.table_size < len(body) // 4
    assert Path(table.content).read_bytes() == Path(original.file.table_file()).read_bytes()
    found = {(c.getId(), c.sm3) for c in components(record) if c.role != "原始包"}
    assert {(c.name.split("/")[0], c.sm3) for c in aip.components if c.role != "原始包"} == found
    # the AIP is its documents once, Base64-encoded (RFC 2045 lines), and the XML around them
    once = sum(c.size for c in components(record) if c.role != "原始包") + table.size
    assert version["size"] < once * 4 / 3 * 77 / 76 + 40_000


def site_tmp(record):
    import tempfile

    return tempfile.mkdtemp(prefix="sd-received-")


def test_rebuild_joins_the_table_and_the_components_again(site, svc, tmp_path):
    body = stored_zip()
    record = archive(site, svc, body)
    uid, code = record.UID(), record.archival_code
    copy = tmp_path / "aip"  # this record's AIPs alone (the var directory holds others')
    for version in store.versions(record):
        target = copy / version["relpath"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(config.online_locations()[1].root / version["relpath"], target)
    before = [(c.getId(), c.role, c.sm3, c.size) for c in components(record)]
    with api.env.adopt_roles(["Manager"]):  # the database loses the record
        record.unindexObject()
        record.aq_parent._delObject(record.getId(), suppress_events=True)
    transaction.commit()
    report = rebuild.rebuild(str(copy))
    assert report.ok, report.problems
    assert code in report.records
    with api.env.adopt_roles(["Manager"]):
        rebuilt = api.content.get(UID=uid)
    assert [(c.getId(), c.role, c.sm3, c.size) for c in components(rebuilt)] == before
    original = original_of(rebuilt)
    assert is_shared(original.file)
    assert original.file.data == body


def test_renewal_hashes_the_package_as_received(site, svc):
    body = stored_zip()
    record = archive(site, svc, body)
    plan = renewal.plan(record)
    assert plan is not None
    original = original_of(record)
    path = ledger_records.component_path(original)
    assert isinstance(plan.files[path], splice.SplicedFile)
    found, _aip = renewal.hash_plan(plan)
    assert found[path]["SM3"] == original.sm3
    assert found[path]["SHA-256"] == hashlib.sha256(body).hexdigest()


def test_a_move_exports_the_package_as_received_whole(site, svc, tmp_path):
    from sd.archive.core.moves import BLOBS
    from sd.archive.moves.exporter import export_repository

    body = stored_zip()
    archive(site, svc, body)
    with api.env.adopt_roles(["Manager"]):
        export_repository(site, tmp_path / "export")
    exported = [p.read_bytes() for p in (tmp_path / "export" / BLOBS).iterdir()]
    assert body in exported  # the package itself, not its table
    assert not [data for data in exported if splice.is_table(data)]


def test_digests_computed_again_are_the_packages_not_the_tables(site, svc):
    from sd.archive.lifecycle import refresh_digests

    body = stored_zip()
    original = original_of(archive(site, svc, body))
    original.sm3 = "0" * 64  # as if the stored digest were lost
    refresh_digests(original)
    assert original.sm3 == hashlib.new("sm3", body).hexdigest()
    assert original.size == len(body)
