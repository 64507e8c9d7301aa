"""@verify, the record page and @export: tampering shows; the export verifies offline."""

import io
import json
import os
import shutil
import zipfile

import pytest
import transaction
from pdfcheck import assert_embedded
from pdfcheck import pdf_text

from sd.archive.core import digests
from sd.archive.core import pdffonts
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.cli import main as verify_cli
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.core.ledger.vkeys import Verifier
from sd.archive.repository import ComponentData
from sd.archive.testing import PDF


@pytest.fixture
def session(admin):
    return admin


def blob_path(component):
    return component.file._blob.committed()


def overwrite_blob(component, data: bytes):
    path = blob_path(component)
    os.chmod(path, 0o644)
    with open(path, "wb") as f:
        f.write(data)


def test_verify_digest_answers_record_entry_and_proof(session, unique):
    record, files = unique
    digest = digests.digest_bytes(files["正本.pdf"])
    answer = session.post("@verify", json={"digest": digest}).json()
    assert answer["found"]
    match = next(m for m in answer["matches"] if m["record"]["UID"] == record.UID())
    # the newest entry stating this digest: the archive event, or the AIP written after it
    assert match["event"] in ("archive", "preserve") and match["path"] == "正本.pdf"
    assert match["stored_copy"] == "intact" and match["record"]["intact"]
    checkpoint, _ = open_checkpoint(
        match["checkpoint"], [Verifier.from_vkey(session.get("@ledger").json()["vkey"])]
    )
    assert verify_inclusion(
        match["ledger_index"],
        match["tree_size"],
        bytes.fromhex(match["leaf_hash"]),
        [bytes.fromhex(p) for p in match["inclusion_proof"]],
        checkpoint.root,
        "sm3",
    )


def test_verify_upload_and_package(session, unique):
    record, files = unique
    answer = session.post("@verify", files={"file": ("x.pdf", files["附件.pdf"])}).json()
    assert answer["found"] and answer["name"] == "x.pdf"
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as z:
        for name, data in files.items():
            z.writestr(f"正本/{name}", data)
        z.writestr("other.txt", b"not held")
    answer = session.post(
        "@verify", data=package.getvalue(), headers={"Content-Type": "application/zip"}
    ).json()
    found = {f["name"]: f["found"] for f in answer["files"]}
    assert found == {"正本/正本.pdf": True, "正本/附件.pdf": True, "other.txt": False}


@pytest.mark.parametrize("body,status", [({"digest": "zz"}, 400), ({"nodigest": 1}, 400)])
def test_verify_bad_input(session, body, status):
    response = session.post("@verify", json=body)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == "VERIFY-INPUT"


def test_changed_blob_on_disk_is_reported(session, unique):
    record, files = unique
    overwrite_blob(record["c001"], b"%PDF-1.4 forged")
    answer = session.post(
        "@verify", json={"digest": digests.digest_bytes(files["正本.pdf"])}
    ).json()
    match = next(m for m in answer["matches"] if m["record"]["UID"] == record.UID())
    assert match["stored_copy"] == "changed" and not match["record"]["intact"]
    assert {p["code"] for p in match["record"]["problems"]} == {"LEDGER-FILE-DIGEST"}
    page = session.get(record.absolute_url(), headers={"Accept": "text/html"}).text
    assert "sd-ledger-tampered" in page and "LEDGER-FILE-DIGEST" in page
    export = session.get(f"{record.absolute_url()}/@export")
    assert export.status_code == 409 and export.json()["type"] == "StoredCopyChanged"


def test_metadata_changed_behind_the_api_is_reported(session, unique):
    record, files = unique
    page = session.get(record.absolute_url(), headers={"Accept": "text/html"}).text
    assert "sd-ledger-intact" in page
    record.title = "被篡改的题名"  # no event, no audit: behind the API
    record.document_number = "鲁政发〔2023〕99号"
    transaction.commit()
    answer = session.post(
        "@verify", json={"digest": digests.digest_bytes(files["附件.pdf"])}
    ).json()
    match = next(m for m in answer["matches"] if m["record"]["UID"] == record.UID())
    assert match["stored_copy"] == "intact"  # the file itself is fine
    assert {p["code"] for p in match["record"]["problems"]} == {"LEDGER-TITLE", "LEDGER-METADATA"}
    page = session.get(record.absolute_url(), headers={"Accept": "text/html"}).text
    assert "sd-ledger-tampered" in page and "LEDGER-METADATA" in page


def test_export_verifies_offline_and_field_changes_are_rejected(session, unique, tmp_path, capsys):
    record, files = unique
    response = session.get(f"{record.absolute_url()}/@export")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        z.extractall(tmp_path)
        names = set(z.namelist())
    assert {"proof.json", "nodes.vkey", "certificate.pdf", "certificate.png", *files} <= names
    assert (tmp_path / "certificate.pdf").read_bytes().startswith(b"%PDF")
    if pdffonts.font_file() and shutil.which("pdftotext"):
        certificate = (tmp_path / "certificate.pdf").read_bytes()
        text = pdf_text(certificate)
        assert "电子档案存证证书" in text and record.archival_code in text
        assert "·" in record.archival_code
        assert_embedded(certificate)
    assert (tmp_path / "certificate.png").read_bytes().startswith(b"\x89PNG")
    args = [
        "--bundle",
        str(tmp_path / "proof.json"),
        "--key",
        str(tmp_path / "nodes.vkey"),
        *(str(tmp_path / name) for name in files),
    ]
    assert verify_cli(args) == 0
    bundle = json.loads((tmp_path / "proof.json").read_text())
    for field, value in [
        ("leaf_index", bundle["leaf_index"] + 1),
        ("archival_code", "J001-WS·2023-Y-BGS-9999"),
        ("entry", {**bundle["entry"], "code": "X"}),
    ]:
        (tmp_path / "proof.json").write_text(json.dumps({**bundle, field: value}))
        assert verify_cli(args) == 1, field
    (tmp_path / "proof.json").write_text(json.dumps(bundle))
    (tmp_path / "正本.pdf").write_bytes(b"%PDF-1.4 changed")
    assert verify_cli(args) == 1
    capsys.readouterr()
    # the export itself is an 'export' entry of the record, and a second export still works
    transaction.begin()
    from sd.archive.core.ledger.entry import parse_entry
    from sd.archive.ledger.current import current_ledger

    ledger = current_ledger(record.aq_parent.aq_parent)
    with ledger.log.reading() as conn:
        events = [
            parse_entry(ledger.log.entry(conn, i)[0])["event"]
            for i in ledger.log.record_indexes(conn, record.UID())
        ]
    assert events[-1] == "export"
    assert session.get(f"{record.absolute_url()}/@export").status_code == 200


def test_partial_entries_of_other_events_keep_the_record_intact(session, unique, fledger):
    """A converted file added and logged by its own event (content = that file only) is
    not tampering; a file added behind the API is."""
    from sd.archive.ledger import log_event
    from sd.archive.ledger.records import tamper_status
    from sd.archive.repository import add_component

    record, files = unique
    converted = PDF + b"%converted" + os.urandom(4).hex().encode()
    new = add_component(
        record,
        ComponentData(
            filename="正本-PDFA.pdf", data=converted, sequence=3, content_type="application/pdf"
        ),
    )
    log_event("convert", record, content={"正本-PDFA.pdf": new.sm3})
    transaction.commit()
    status = tamper_status(record, fledger)
    assert status.intact, status.problems
    assert status.files == {"正本.pdf": "intact", "附件.pdf": "intact", "正本-PDFA.pdf": "intact"}
    # behind the API: the object is put in place without any event (no ledger entry, no AIP)
    from plone.dexterity.utils import createContent
    from plone.namedfile.file import NamedBlobFile

    smuggled = createContent(
        "Component",
        id="smuggled",
        role="附件",
        sequence=4,
        file=NamedBlobFile(PDF + b"%x", filename="夹带.pdf"),
    )
    record._setObject("smuggled", smuggled, suppress_events=True)
    transaction.commit()
    assert [p["code"] for p in tamper_status(record, fledger).problems] == ["LEDGER-FILE-ADDED"]
