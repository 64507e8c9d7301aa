"""Whole-repository moves (#31 item 4): export → import into an empty site → compare."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import transaction
from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from plone import api
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.file import NamedBlobImage
from Products.CMFPlone.factory import addPloneSite
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite

from sd.archive import audit
from sd.archive.audit.store import Query
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import problem
from sd.archive.core.moves import sign
from sd.archive.core.preservation.hashing import sm3_bytes
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.ledger.current import current_ledger
from sd.archive.moves.codec import BLOB_DIR
from sd.archive.moves.codec import encode
from sd.archive.moves.exporter import SKIPPED
from sd.archive.moves.exporter import export_repository
from sd.archive.moves.history import imported_trails
from sd.archive.moves.importer import import_repository
from sd.archive.numbering import assign_code
from sd.archive.preservation import config
from sd.archive.preservation import fixity
from sd.archive.preservation.store import index as aip_index
from sd.archive.supervision.aggregates import COUNTS
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

#: what may differ between the source and the moved object: nothing stored but the
#: annotations a site rebuilds (folder order, rebuilt from the items' order) or keeps as
#: its own configuration (content rule assignments)
REBUILT = {
    "plone.folder.ordered.order",
    "plone.folder.ordered.pos",
    "plone.contentrules.localassignments",
}


@pytest.fixture(autouse=True)
def var(tmp_path, monkeypatch):
    path = tmp_path / "var"
    path.mkdir()
    monkeypatch.setenv("SD_ARCHIVE_VAR", str(path))
    return path


def archive(record):
    assign_code(record, "WS", record.year, record.retention_period, "BGS")
    api.content.transition(record, transition="archive")
    return record


def walk(container):
    """The fonds of a site and everything under them."""
    children = container.objectValues()
    if container.portal_type == "Plone Site":
        children = [c for c in children if c.portal_type == "Fonds"]
    for obj in children:
        yield obj
        if hasattr(aq_base(obj), "objectValues"):
            yield from walk(obj)


@pytest.fixture(autouse=True)
def scratch_blobs(tmp_path):
    """Where :func:`stored` writes the side files of blob values (named by their SM3: two
    blob values compare equal when their bytes, names and types are)."""
    (tmp_path / "scratch" / "blobs").mkdir(parents=True)
    token = BLOB_DIR.set(str(tmp_path / "scratch"))
    yield
    BLOB_DIR.reset(token)


def stored(obj) -> dict:
    """Everything stored on ``obj`` in comparable form (attributes, annotations, file)."""
    base = aq_base(obj)
    out = {
        name: encode(value)
        for name, value in base.__dict__.items()
        if name not in SKIPPED and not name.startswith(("_v_", "_p_")) and name != "file"
    }
    for key, value in (base.__dict__.get("__annotations__") or {}).items():
        if key not in REBUILT:
            out[f"@{key}"] = encode(value)
    blob = base.__dict__.get("file")
    if blob is not None:
        data = blob.data
        out["file"] = (blob.filename, blob.contentType, len(data), sm3_bytes(data))
    return out


@pytest.fixture
def source(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    records = [archive(make_record(fonds, n)) for n in (1, 2)]
    make_record(fonds, 3)  # a draft (待归档) beside the archived ones
    make_record(other, 1)
    fonds.manage_setLocalRoles("officer-x", ["RecordsOfficer", "Reader"])
    records[0].manage_setLocalRoles("reader-y", ["Reader"])
    # files beside a component's own: a certificate kept on an object, a seal picture in a
    # component's annotations (as appraisal and seal verification store them)
    fonds.certificate_file = NamedBlobFile(
        data=b"%PDF-1.4 certificate", filename="证书.pdf", contentType="application/pdf"
    )
    component = records[1].objectValues()[0]
    IAnnotations(component)["sd.archive.seals.pictures"] = OOBTree(
        {"ab12": NamedBlobImage(data=PNG, filename="seal-ab12.png", contentType="image/png")}
    )
    transaction.commit()
    return fportal


TARGET_ORIGIN = "ledger.test/target"
#: a 1x1 PNG (a seal picture)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f6e2a90000000049454e44ae426082"
)


def new_site(app, site_id="moved", monkeypatch=None):
    """An empty site of its own node: its ledger origin and key, its own AIP locations."""
    if monkeypatch is not None:
        monkeypatch.setenv("SD_ARCHIVE_LEDGER_ORIGIN", TARGET_ORIGIN)
    addPloneSite(app, site_id, extension_ids=["plone.restapi:default", "sd.archive:default"])
    site = app[site_id]
    setSite(site)
    current_ledger(site)  # its node identity, made under its own origin
    if monkeypatch is not None:
        monkeypatch.delenv("SD_ARCHIVE_LEDGER_ORIGIN")
    api.portal.set_registry_record("sd.archive.settings.network_domain", "combined")
    api.portal.set_registry_record(
        "sd.archive.preservation.locations",
        [f"t1|online_disk|{site_id}/copy1", f"t2|online_disk|{site_id}/copy2"],
    )
    site.portal_workflow.setDefaultChain("simple_publication_workflow")
    transaction.commit()
    return site


def aip_files(site) -> dict:
    """relpath → bytes of every AIP in the site's online locations (one entry a location)."""
    setSite(site)
    found = {}
    for location in config.online_locations():
        root = location.root
        for path in root.rglob("*.eep"):
            found[(location.id, str(path.relative_to(root)))] = path.read_bytes()
    return found


def refused_codes(target, directory, **kw):
    with pytest.raises(MoveRefused) as refused:
        import_repository(target, directory, **kw)
    assert refused.value.status == 422
    assert refused.value.as_dict()["type"] == "MoveRefused"
    transaction.abort()
    return [p["code"] for p in refused.value.as_dict()["errors"]]


def test_round_trip_leaves_nothing_different(functional, source, tmp_path, monkeypatch):
    app = functional["app"]
    export = tmp_path / "export"
    source_trail = [e.as_dict() for e in audit.trail(source).iterate()]
    assert source_trail  # the source's own history (creations, transitions …)
    source_aips = aip_files(source)
    manifest = export_repository(source, export)
    transaction.commit()
    # 2 fonds, 4 records, 8 components
    assert (manifest["items"], manifest["files"]) == (14, 8)
    before = {"/".join(o.getPhysicalPath()[2:]): stored(o) for o in walk(source)}
    before_states = {
        "/".join(o.getPhysicalPath()[2:]): api.content.get_state(o, None) for o in walk(source)
    }
    orders = {
        "/".join(o.getPhysicalPath()[2:]): list(o.objectIds())
        for o in walk(source)
        if hasattr(aq_base(o), "objectIds")
    }
    aips_before = {k: dict(v) for k, v in aip_index(source).items()}
    record_uids = {o.UID() for o in walk(source) if o.portal_type == "Record"}

    # every AIP version, once, its bytes those of the source's copies
    assert manifest["aip_files"] == 2
    for (_location, relpath), data in source_aips.items():
        assert (export / "aips" / relpath).read_bytes() == data
    assert manifest["audit_entries"] == len(source_trail)

    target = new_site(app, monkeypatch=monkeypatch)
    trust = {"trust": [manifest["ledger_vkey"]]}
    # signed by a node this one does not trust: refused whole
    assert refused_codes(target, export) == ["MOVE-SIGNER"]
    # a manifest altered after signing (its SM3 fields made to fit), or a note not its own
    altered = tmp_path / "altered"
    shutil.copytree(export, altered)
    fields = json.loads((altered / "manifest.json").read_text())
    fields["site"] = "/elsewhere"
    (altered / "manifest.json").write_text(json.dumps(fields))
    assert refused_codes(target, altered, **trust) == ["MOVE-SIGNATURE"]
    (altered / "manifest.note").unlink()
    assert refused_codes(target, altered, **trust) == ["MOVE-UNSIGNED"]
    # an AIP of the export changed (same size), or missing: refused, nothing imported
    shutil.rmtree(altered)
    shutil.copytree(export, altered)
    aip = next((altered / "aips").rglob("*.eep"))
    data = bytearray(aip.read_bytes())
    data[len(data) // 2] ^= 1
    aip.write_bytes(bytes(data))
    assert refused_codes(target, altered, **trust) == ["MOVE-AIP-SM3"]
    aip.unlink()
    assert refused_codes(target, altered, **trust) == ["MOVE-AIP-MISSING"]
    assert aip_files(target) == {}  # nothing written to the target's locations

    # a tampered export (one file's bytes changed, same size) is refused, nothing imported
    tampered = tmp_path / "tampered"
    shutil.copytree(export, tampered)
    blob = next((tampered / "blobs").iterdir())
    data = bytearray(blob.read_bytes())
    data[0] ^= 1
    blob.write_bytes(bytes(data))
    assert refused_codes(target, tampered, **trust) == ["MOVE-BLOB-SM3"]
    # a truncated one too
    blob.write_bytes(bytes(data[:-3]))
    assert refused_codes(target, tampered, **trust) == ["MOVE-BLOB-SIZE"]
    # and an altered content.json (a field changed after export)
    shutil.rmtree(tampered)
    shutil.copytree(export, tampered)
    content = tampered / "content.json"
    content.write_text(content.read_text().replace("J001-WS", "J009-WS"))
    assert refused_codes(target, tampered, **trust) == ["MOVE-CONTENT"]
    # an item of a type the site does not have, or whose parent is not before it (the
    # manifest re-signed by the source: what passes the check is still refused by the site)
    shutil.rmtree(tampered)
    shutil.copytree(export, tampered)
    items = json.loads((tampered / "content.json").read_text())
    items[1]["@type"] = "Unknown"
    items[2]["parent"]["@id"] = "nowhere"
    (tampered / "content.json").write_text(json.dumps(items))
    fixed = json.loads((tampered / "manifest.json").read_text())
    fixed["content_sm3"] = sm3_file(tampered / "content.json")
    data = json.dumps(fixed).encode()
    (tampered / "manifest.json").write_bytes(data)
    key = current_ledger(source).node.key
    (tampered / "manifest.note").write_text(sign(data, key.name, fixed["export_id"], key))
    assert set(refused_codes(target, tampered, **trust)) == {"MOVE-TYPE", "MOVE-PARENT"}
    setSite(target)
    assert "j001" not in target.objectIds()
    assert not target.portal_catalog.unrestrictedSearchResults(portal_type="Record")

    # a failure while the AIPs are written (the disk full as the audit history is stored),
    # or after they were written (the transaction aborts): no file stays behind
    import sd.archive.moves.history as history_module
    import sd.archive.moves.importer as importer_module

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(history_module, "store_trail", disk_full)
        with pytest.raises(OSError):
            import_repository(target, export, **trust)
        transaction.abort()
        assert aip_files(target) == {}
        patch.undo()
        patch.setattr(importer_module, "_attest_aips", disk_full)
        with pytest.raises(OSError):
            import_repository(target, export, **trust)
        assert len(aip_files(target)) == 4  # written, not yet committed …
        transaction.abort()
        assert aip_files(target) == {}  # … and gone with the transaction
    setSite(target)
    assert not imported_trails(target)
    assert not target.portal_catalog.unrestrictedSearchResults(portal_type="Record")

    ledger_before = current_ledger(target).state()["tree_size"]
    outcome = import_repository(target, export, **trust)
    transaction.commit()
    # a system action: nothing re-archived; the new node's ledger attests each AIP it now
    # holds (one ``receive`` entry each, by move:<source origin>), the move itself is once
    # in its audit trail
    assert current_ledger(target).state()["tree_size"] == ledger_before + 2
    with current_ledger(target).log.reading() as conn:
        logged = [data for _i, data in current_ledger(target).log.recent(conn, 2)]
    assert all(
        b'"receive"' in d and b"move:" + manifest["ledger_origin"].encode() in d for d in logged
    )
    moves = list(audit.trail(target).iterate(Query(action="moves.imported")))
    assert len(moves) == 1 and moves[0].details["items"] == 14
    assert moves[0].details["ledger_origin"] == manifest["ledger_origin"] != ""
    assert moves[0].details["audit_entries"] == len(source_trail)
    assert outcome["items"] == 14
    assert outcome["aips"] == 2  # v1 of each archived record, in the new site's AIP index
    assert {k: dict(v) for k, v in aip_index(target).items()} == aips_before
    assert outcome["source_site"] == "/plone"

    # the AIP files are in the target's own locations, byte for byte, and its fixity passes
    moved_aips = aip_files(target)
    assert {(loc, r) for loc, r in moved_aips} == {
        (loc, r) for loc in ("t1", "t2") for _l, r in source_aips
    }
    assert {r: d for (_l, r), d in moved_aips.items()} == {
        r: d for (_l, r), d in source_aips.items()
    }
    for location in config.online_locations():
        assert location.path.startswith(str(tmp_path / "var" / "moved"))
        run, report = fixity.run(location.id)
        assert run.ok and len(run.passed) == 2, run.as_dict()
    transaction.commit()

    # the source's audit trail: a read-only history naming the source, entry for entry
    (history,) = imported_trails(target)
    assert history.source["site"] == "/plone"
    assert history.source["ledger_origin"] == manifest["ledger_origin"]
    assert [e.as_dict() for e in history.iterate()] == source_trail
    assert history.check().valid and history.check().checked == len(source_trail)
    total, newest = history.search(Query(action="moves."))
    assert total == 0  # the export itself was logged after the trail was written
    with pytest.raises(sqlite3.OperationalError), history.reading() as conn:  # read-only
        conn.execute("DELETE FROM entries")

    after = {"/".join(o.getPhysicalPath()[2:]): stored(o) for o in walk(target)}
    assert set(after) == set(before)
    differing = {
        (path, name)
        for path in before
        for name in set(before[path]) | set(after[path])
        if before[path].get(name) != after[path].get(name)
    }
    assert differing == set()  # every attribute, annotation and file byte is the same
    assert {
        "/".join(o.getPhysicalPath()[2:]): api.content.get_state(o, None) for o in walk(target)
    } == before_states
    assert {
        "/".join(o.getPhysicalPath()[2:]): list(o.objectIds())
        for o in walk(target)
        if hasattr(aq_base(o), "objectIds")
    } == orders

    # derived site data kept by subscribers is rebuilt: the supervision counters
    counts = IAnnotations(target).get(COUNTS)
    assert counts is not None and len(counts) > 0
    source_counts = IAnnotations(source)[COUNTS]
    assert list(counts.keys()) == list(source_counts.keys())
    assert [repr(getattr(v, "value", v)) for v in counts.values()] == [
        repr(getattr(v, "value", v)) for v in source_counts.values()
    ]

    # what must differ: the site's path and the objects' physical paths, nothing else
    moved = target["j001"]
    assert moved.getPhysicalPath() == ("", "moved", "j001")
    uid = source["j001"].objectValues()[0].UID()
    (found,) = target.portal_catalog.unrestrictedSearchResults(UID=uid)
    assert found.getPath().startswith("/moved/j001/")  # same UID, the new site's path
    # found through the new site's catalog, with the same codes, states and security
    catalog = target.portal_catalog
    brains = catalog.unrestrictedSearchResults(portal_type="Record")
    assert {b.UID for b in brains} == record_uids
    archived = [b for b in brains if b.review_state == "archived"]
    assert len(archived) == 2 and all(b._unrestrictedGetObject().archival_code for b in archived)
    assert moved.get_local_roles_for_userid("officer-x") == ("RecordsOfficer", "Reader")
    first = target.unrestrictedTraverse(archived[0].getPath())
    assert type(first.workflow_history) is type(source["j001"].workflow_history)
    # ledger references kept as they were (they refer to the source node's ledger)
    assert first.ledger_index is not None and first.leaf_hash
    # component bytes and digests: the stored SM3 is the SM3 of the moved bytes
    for component in first.objectValues():
        assert sm3_bytes(component.file.data) == component.sm3

    # a second import into the same site is refused: it already holds the records and AIPs
    assert set(refused_codes(target, export, **trust)) == {"MOVE-EXISTS"}
    assert aip_files(target) == moved_aips


def test_export_refuses_a_file_that_differs_from_its_digest(functional, source, tmp_path):
    record = source["j001"].objectValues()[0]
    component = record.objectValues()[0]
    component.sm3 = "0" * 64  # 账实不符
    with pytest.raises(MoveRefused) as refused:
        export_repository(source, tmp_path / "export")
    assert refused.value.as_dict()["errors"][0]["code"] == "MOVE-BLOB-SM3"
    transaction.abort()


def test_manifest_and_items_shape(functional, source, tmp_path):
    export_repository(source, tmp_path / "export")
    items = json.loads((tmp_path / "export" / "content.json").read_text())
    component = next(i for i in items if i["@type"] == "Component")
    assert set(component["file"]) == {"filename", "content-type", "size", "blob_path", "sm3"}
    fonds = next(i for i in items if i["@id"] == "j001")
    certificate = fonds["sd_state"]["certificate_file"]
    assert certificate["@t"] == "blob" and certificate["v"]["filename"] == "证书.pdf"
    side = tmp_path / "export" / certificate["v"]["blob_path"]
    assert side.read_bytes() == b"%PDF-1.4 certificate"
    assert sm3_file(side) == certificate["v"]["sm3"]
    record = next(i for i in items if i["review_state"] == "archived")
    assert record["sd_state"]["archival_code"].startswith("J001-WS")
    assert record["parent"]["@id"] == "j001"
    transaction.abort()


def test_rest_export_in_the_background_then_import_elsewhere(functional, source, monkeypatch):
    """``@repository-export`` (background, progress) → ``@repository-import`` into another
    node's empty site; only the system administrator may call them."""
    import time

    from sd.archive.testing import rest_session

    app = functional["app"]
    admin = rest_session(source, "admin")
    assert rest_session(source).post("@repository-export").status_code == 401
    started = admin.post("@repository-export")
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    for _ in range(240):
        (row,) = [e for e in admin.get("@repository-export").json()["exports"] if e["id"] == run_id]
        if not row["running"]:
            break
        time.sleep(0.25)
    assert row["state"] == "done", row
    assert row["stage"] == "audit" and row["manifest"]["items"] == 14
    assert row["manifest"]["aip_files"] == 2

    # an export that fails in the background says so, with the error shape, and leaves no
    # half-written export behind
    import sd.archive.moves.exporter as exporter_module

    def broken(*args):
        raise MoveRefused("AIP copies differ", [problem("MOVE-AIP-SM3", "SM3 differs")])

    with monkeypatch.context() as patch:
        patch.setattr(exporter_module, "_export_aips", broken)
        failing = admin.post("@repository-export").json()["id"]
        for _ in range(240):
            exports = admin.get("@repository-export").json()["exports"]
            (failed,) = [e for e in exports if e["id"] == failing]
            if not failed["running"]:
                break
            time.sleep(0.25)
    assert failed["state"] == "failed" and failed["error"]["type"] == "MoveRefused"
    assert not list(Path(failed["directory"]).iterdir())

    target = new_site(app, monkeypatch=monkeypatch)
    transaction.commit()
    moved = rest_session(target, "admin")
    body = {"path": run_id}
    refused = moved.post("@repository-import", json=body)
    assert refused.status_code == 422, refused.text
    assert [e["code"] for e in refused.json()["errors"]] == ["MOVE-SIGNER"]
    assert moved.post("@repository-import", json={"path": "no/such"}).status_code == 400
    assert moved.post("@repository-import", json={**body, "trust": "x"}).status_code == 400
    assert rest_session(target).post("@repository-import", json=body).status_code == 401
    done = moved.post(
        "@repository-import", json={**body, "trust": [row["manifest"]["ledger_vkey"]]}
    )
    assert done.status_code == 200, done.text
    assert done.json()["items"] == 14 and done.json()["aips"] == 2
    transaction.begin()  # see what the request committed
    assert len(target.portal_catalog.unrestrictedSearchResults(portal_type="Record")) == 4
    assert len(aip_files(target)) == 4  # 2 AIPs in each of the target's 2 online locations
    # the source's trail, read-only, through @audit-trail?trail=<name>
    listing = moved.get("@audit-trail").json()
    (imported,) = listing["imported"]
    assert imported["site"] == "/plone" and imported["export_id"] == done.json()["export_id"]
    page = moved.get("@audit-trail", params={"trail": imported["name"], "b_size": 1000}).json()
    assert page["source"]["ledger_origin"] == row["manifest"]["ledger_origin"]
    assert page["items_total"] == int(imported["entries"]) > 0
    assert page["log_id"] == imported["log_id"] != listing["log_id"]
    csv = moved.get("@audit-trail/csv", params={"trail": imported["name"]})
    assert csv.status_code == 200 and csv.text.count("\n") >= page["items_total"]
    missing = moved.get("@audit-trail", params={"trail": "../../etc"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "AUDIT-TRAIL"
    moved.close()
    admin.close()
