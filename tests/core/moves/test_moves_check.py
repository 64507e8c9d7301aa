"""The check of an export before any import (迁移包校验, #31 item 4)."""

import json

import pytest

from sd.archive.core.audit.entry import Event
from sd.archive.core.audit.entry import chain_all
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.moves import FORMAT
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import check_export
from sd.archive.core.moves import sign
from sd.archive.core.preservation.hashing import sm3_bytes
from sd.archive.core.preservation.hashing import sm3_file

DATA = b"%PDF-1.4 a file of a record"
AIP = b"<EEP>J001-WS-2024-Y-0001</EEP>" * 20
RELPATH = "J001/2024/J001-WS-2024-Y-0001/J001-WS-2024-Y-0001.v1.eep"
ORIGIN = "ledger.example/source"
KEY = NodeKey.generate(ORIGIN)


def signed(tmp_path, manifest, key=KEY):
    data = json.dumps(manifest).encode()
    (tmp_path / "manifest.json").write_bytes(data)
    (tmp_path / "manifest.note").write_text(sign(data, key.name, manifest["export_id"], key))


def write_export(tmp_path, data=DATA, own_sm3=None, blob_path="blobs/uid1", key=KEY):
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / "uid1").write_bytes(data)
    aip = tmp_path / "aips" / RELPATH
    aip.parent.mkdir(parents=True)
    aip.write_bytes(AIP)
    entries = chain_all([Event("record.created", actor="u1"), Event("record.archived")], None)
    with open(tmp_path / "audit.jsonl", "w") as out:
        for entry in entries:
            out.write(json.dumps(entry.as_dict()) + "\n")
    items = [
        {"@id": "j001", "@type": "Fonds", "UID": "f", "sd_state": {}},
        {
            "@id": "j001/r1/c001",
            "@type": "Component",
            "UID": "uid1",
            "sd_state": {"sm3": own_sm3 or sm3_bytes(DATA)},
            "file": {"blob_path": blob_path, "size": len(DATA), "sm3": sm3_bytes(DATA)},
        },
    ]
    (tmp_path / "content.json").write_text(json.dumps(items))
    aips = {RELPATH: {"sm3": sm3_bytes(AIP), "size": len(AIP), "uid": "r1", "version": 1}}
    (tmp_path / "aips.json").write_text(json.dumps(aips))
    manifest = {
        "format": FORMAT,
        "export_id": "e1",
        "ledger_origin": ORIGIN,
        "items": 2,
        "files": 1,
        "content_sm3": sm3_file(tmp_path / "content.json"),
        "aips_sm3": sm3_file(tmp_path / "aips.json"),
        "audit_entries": 2,
        "audit_head": entries[-1].hash,
        "audit_sm3": sm3_file(tmp_path / "audit.jsonl"),
    }
    signed(tmp_path, manifest, key)
    return tmp_path


def check(tmp_path):
    return check_export(tmp_path, [KEY.vkey])


def codes(error):
    return [p["code"] for p in error.value.as_dict()["errors"]]


def test_an_intact_export_passes(tmp_path):
    manifest, items = check(write_export(tmp_path))
    assert manifest["items"] == 2 and items[1]["UID"] == "uid1"


def test_a_changed_byte_is_refused(tmp_path):
    data = bytearray(DATA)
    data[-1] ^= 1
    with pytest.raises(MoveRefused) as error:
        check(write_export(tmp_path, bytes(data)))
    assert codes(error) == ["MOVE-BLOB-SM3"]
    assert error.value.status == 422
    assert error.value.as_dict()["errors"][0]["object"] == "j001/r1/c001"


def test_a_truncated_file_is_refused(tmp_path):
    with pytest.raises(MoveRefused) as error:
        check(write_export(tmp_path, DATA[:-4]))
    assert codes(error) == ["MOVE-BLOB-SIZE"]


def test_a_missing_file_is_refused(tmp_path):
    write_export(tmp_path)
    (tmp_path / "blobs" / "uid1").unlink()
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-BLOB-MISSING"]


def test_a_file_that_is_not_the_component_s_own_is_refused(tmp_path):
    with pytest.raises(MoveRefused) as error:
        check(write_export(tmp_path, own_sm3="0" * 64))
    assert codes(error) == ["MOVE-BLOB-SM3"]


def test_a_path_out_of_the_export_is_refused(tmp_path):
    with pytest.raises(MoveRefused) as error:
        check(write_export(tmp_path, blob_path="blobs/../../etc/passwd"))
    assert codes(error) == ["MOVE-BLOB-PATH"]


def test_an_altered_content_or_manifest_is_refused(tmp_path):
    write_export(tmp_path)
    content = tmp_path / "content.json"
    content.write_text(content.read_text().replace("j001", "j002"))
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-CONTENT"]
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-MANIFEST"]
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-FORMAT"]


def test_a_changed_aip_file_is_refused(tmp_path):
    write_export(tmp_path)
    aip = tmp_path / "aips" / RELPATH
    data = bytearray(aip.read_bytes())
    data[5] ^= 1
    aip.write_bytes(bytes(data))
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-AIP-SM3"]
    assert error.value.as_dict()["errors"][0]["object"] == RELPATH
    aip.write_bytes(AIP[:-1])
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-AIP-SIZE"]


def test_a_missing_aip_is_refused(tmp_path):
    write_export(tmp_path)
    (tmp_path / "aips" / RELPATH).unlink()
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-AIP-MISSING"]


def test_an_aip_path_out_of_the_layout_is_refused(tmp_path):
    write_export(tmp_path)
    bad = "../../x/J001-WS-2024-Y-0001/J001-WS-2024-Y-0001.v1.eep"
    aips = {bad: {"sm3": sm3_bytes(AIP), "size": len(AIP)}}
    (tmp_path / "aips.json").write_text(json.dumps(aips))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["aips_sm3"] = sm3_file(tmp_path / "aips.json")
    signed(tmp_path, manifest)
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-AIP-PATH"]


def test_a_broken_audit_chain_is_refused(tmp_path):
    write_export(tmp_path)
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first["actor"] = "someone-else"  # an entry altered: its hash no longer holds
    (tmp_path / "audit.jsonl").write_text(json.dumps(first) + "\n" + lines[1] + "\n")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["audit_sm3"] = sm3_file(tmp_path / "audit.jsonl")
    signed(tmp_path, manifest)  # even re-signed by the source, a broken chain is refused
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-AUDIT"]
    # a trail cut short (the last entry dropped) is not the one exported
    (tmp_path / "audit.jsonl").write_text(lines[0] + "\n")
    manifest["audit_sm3"] = sm3_file(tmp_path / "audit.jsonl")
    signed(tmp_path, manifest)
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-AUDIT"]


def test_signature_unknown_signer_bad_or_missing_is_refused(tmp_path):
    write_export(tmp_path)
    # a manifest changed after signing (one count, its SM3 fields left as they were)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["files"] = 2
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-SIGNATURE"]
    assert error.value.status == 422 and error.value.as_dict()["type"] == "MoveRefused"
    # signed by another key under the same name: the trusted key's signature is absent
    forger = NodeKey.generate(ORIGIN)
    signed(tmp_path, manifest, forger)
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-SIGNATURE"]
    # signed by a node nobody trusts here
    stranger = NodeKey.generate("ledger.example/stranger")
    manifest["ledger_origin"] = stranger.name
    signed(tmp_path, manifest, stranger)
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-SIGNER"]
    assert check_export(tmp_path, [stranger.vkey])[0]["files"] == 2  # trusted by name: passes
    (tmp_path / "manifest.note").unlink()
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-UNSIGNED"]


def test_a_changed_blob_value_is_refused(tmp_path):
    """A file kept in an attribute or annotation (a certificate, a seal picture) is a side
    file named by its SM3, checked as the components' files are."""
    write_export(tmp_path)
    picture = b"\x89PNG a seal picture"
    digest = sm3_bytes(picture)
    (tmp_path / "blobs" / digest).write_bytes(picture)
    items = json.loads((tmp_path / "content.json").read_text())
    info = {"cls": "plone.namedfile.file.NamedBlobImage", "filename": "seal.png"}
    info |= {"content-type": "image/png", "size": len(picture), "sm3": digest}
    items[1]["sd_annotations"] = {
        "pictures": {"@t": "blob", "v": {**info, "blob_path": f"blobs/{digest}"}}
    }
    (tmp_path / "content.json").write_text(json.dumps(items))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["content_sm3"] = sm3_file(tmp_path / "content.json")
    signed(tmp_path, manifest)
    check(tmp_path)
    (tmp_path / "blobs" / digest).write_bytes(picture[:-1] + b"!")
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-BLOB-SM3"]
    (tmp_path / "blobs" / digest).unlink()
    with pytest.raises(MoveRefused) as error:
        check(tmp_path)
    assert codes(error) == ["MOVE-BLOB-MISSING"]
