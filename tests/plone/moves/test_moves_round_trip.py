"""Whole-repository moves (#31 item 4): export → import into an empty site → compare."""

import json
import shutil

import pytest
import transaction
from Acquisition import aq_base
from plone import api
from Products.CMFPlone.factory import addPloneSite
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite

from sd.archive import audit
from sd.archive.audit.store import Query
from sd.archive.core.moves import MoveRefused
from sd.archive.core.preservation.hashing import sm3_bytes
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.ledger.current import current_ledger
from sd.archive.moves import SKIPPED
from sd.archive.moves import export_repository
from sd.archive.moves import import_repository
from sd.archive.moves.codec import encode
from sd.archive.numbering import assign_code
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
    transaction.commit()
    return fportal


def new_site(app, site_id="moved"):
    addPloneSite(app, site_id, extension_ids=["plone.restapi:default", "sd.archive:default"])
    site = app[site_id]
    setSite(site)
    api.portal.set_registry_record("sd.archive.settings.network_domain", "combined")
    site.portal_workflow.setDefaultChain("simple_publication_workflow")
    transaction.commit()
    return site


def test_round_trip_leaves_nothing_different(functional, source, tmp_path):
    app = functional["app"]
    export = tmp_path / "export"
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

    # a tampered export (one file's bytes changed, same size) is refused, nothing imported
    target = new_site(app)
    tampered = tmp_path / "tampered"
    shutil.copytree(export, tampered)
    blob = next((tampered / "blobs").iterdir())
    data = bytearray(blob.read_bytes())
    data[0] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(MoveRefused) as refused:
        import_repository(target, tampered)
    assert refused.value.status == 422
    assert [p["code"] for p in refused.value.as_dict()["errors"]] == ["MOVE-BLOB-SM3"]
    assert refused.value.as_dict()["type"] == "MoveRefused"
    # a truncated one too
    blob.write_bytes(bytes(data[:-3]))
    with pytest.raises(MoveRefused) as refused:
        import_repository(target, tampered)
    assert [p["code"] for p in refused.value.as_dict()["errors"]] == ["MOVE-BLOB-SIZE"]
    # and an altered content.json (a field changed after export)
    shutil.rmtree(tampered)
    shutil.copytree(export, tampered)
    content = tampered / "content.json"
    content.write_text(content.read_text().replace("J001-WS", "J009-WS"))
    with pytest.raises(MoveRefused) as refused:
        import_repository(target, tampered)
    assert [p["code"] for p in refused.value.as_dict()["errors"]] == ["MOVE-CONTENT"]
    # an item of a type the site does not have, or whose parent is not before it
    shutil.rmtree(tampered)
    shutil.copytree(export, tampered)
    items = json.loads((tampered / "content.json").read_text())
    items[1]["@type"] = "Unknown"
    items[2]["parent"]["@id"] = "nowhere"
    (tampered / "content.json").write_text(json.dumps(items))
    fixed = json.loads((tampered / "manifest.json").read_text())
    fixed["content_sm3"] = sm3_file(tampered / "content.json")
    (tampered / "manifest.json").write_text(json.dumps(fixed))
    with pytest.raises(MoveRefused) as refused:
        import_repository(target, tampered)
    assert {p["code"] for p in refused.value.as_dict()["errors"]} == {"MOVE-TYPE", "MOVE-PARENT"}
    transaction.abort()
    assert "j001" not in target.objectIds()
    assert not target.portal_catalog.unrestrictedSearchResults(portal_type="Record")

    ledger_before = current_ledger(target).state()["tree_size"]
    outcome = import_repository(target, export)
    transaction.commit()
    # a system action: nothing re-archived or re-logged in the new node's ledger, the move
    # itself once in its audit trail
    assert current_ledger(target).state()["tree_size"] == ledger_before
    moves = list(audit.trail(target).iterate(Query(action="moves.imported")))
    assert len(moves) == 1 and moves[0].details["items"] == 14
    assert moves[0].details["ledger_origin"] == manifest["ledger_origin"] != ""
    assert outcome["items"] == 14
    assert outcome["aips"] == 2  # v1 of each archived record, in the new site's AIP index
    assert {k: dict(v) for k, v in aip_index(target).items()} == aips_before
    assert outcome["source_site"] == "/plone"

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

    # a second import into the same site is refused: it already holds the records
    with pytest.raises(MoveRefused) as refused:
        import_repository(target, export)
    assert {p["code"] for p in refused.value.as_dict()["errors"]} == {"MOVE-EXISTS"}
    transaction.abort()


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
    record = next(i for i in items if i["review_state"] == "archived")
    assert record["sd_state"]["archival_code"].startswith("J001-WS")
    assert record["parent"]["@id"] == "j001"
    transaction.abort()
