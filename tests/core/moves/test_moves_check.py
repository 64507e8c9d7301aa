"""The check of an export before any import (迁移包校验, #31 item 4)."""

import json

import pytest

from sd.archive.core.moves import FORMAT
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import check_export
from sd.archive.core.preservation.hashing import sm3_bytes
from sd.archive.core.preservation.hashing import sm3_file

DATA = b"%PDF-1.4 a file of a record"


def write_export(tmp_path, data=DATA, own_sm3=None, blob_path="blobs/uid1"):
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / "uid1").write_bytes(data)
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
    (tmp_path / "aips.json").write_text("{}")
    manifest = {
        "format": FORMAT,
        "items": 2,
        "files": 1,
        "content_sm3": sm3_file(tmp_path / "content.json"),
        "aips_sm3": sm3_file(tmp_path / "aips.json"),
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def codes(error):
    return [p["code"] for p in error.value.as_dict()["errors"]]


def test_an_intact_export_passes(tmp_path):
    manifest, items = check_export(write_export(tmp_path))
    assert manifest["items"] == 2 and items[1]["UID"] == "uid1"


def test_a_changed_byte_is_refused(tmp_path):
    data = bytearray(DATA)
    data[-1] ^= 1
    with pytest.raises(MoveRefused) as error:
        check_export(write_export(tmp_path, bytes(data)))
    assert codes(error) == ["MOVE-BLOB-SM3"]
    assert error.value.status == 422
    assert error.value.as_dict()["errors"][0]["object"] == "j001/r1/c001"


def test_a_truncated_file_is_refused(tmp_path):
    with pytest.raises(MoveRefused) as error:
        check_export(write_export(tmp_path, DATA[:-4]))
    assert codes(error) == ["MOVE-BLOB-SIZE"]


def test_a_missing_file_is_refused(tmp_path):
    write_export(tmp_path)
    (tmp_path / "blobs" / "uid1").unlink()
    with pytest.raises(MoveRefused) as error:
        check_export(tmp_path)
    assert codes(error) == ["MOVE-BLOB-MISSING"]


def test_a_file_that_is_not_the_component_s_own_is_refused(tmp_path):
    with pytest.raises(MoveRefused) as error:
        check_export(write_export(tmp_path, own_sm3="0" * 64))
    assert codes(error) == ["MOVE-BLOB-SM3"]


def test_a_path_out_of_the_export_is_refused(tmp_path):
    with pytest.raises(MoveRefused) as error:
        check_export(write_export(tmp_path, blob_path="blobs/../../etc/passwd"))
    assert codes(error) == ["MOVE-BLOB-PATH"]


def test_an_altered_content_or_manifest_is_refused(tmp_path):
    write_export(tmp_path)
    content = tmp_path / "content.json"
    content.write_text(content.read_text().replace("j001", "j002"))
    with pytest.raises(MoveRefused) as error:
        check_export(tmp_path)
    assert codes(error) == ["MOVE-CONTENT"]
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(MoveRefused) as error:
        check_export(tmp_path)
    assert codes(error) == ["MOVE-MANIFEST"]
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(MoveRefused) as error:
        check_export(tmp_path)
    assert codes(error) == ["MOVE-FORMAT"]
