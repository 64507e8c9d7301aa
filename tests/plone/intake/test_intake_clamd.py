"""Archiving with a real clamd (#29 item 1): an infected file is refused with 422 and the item
names the signature; a clean package is archived with the virus items passed by the scanner."""

import tempfile
from pathlib import Path

import transaction
from build_corpus import eicar_attachment
from build_corpus import hash_sample_attachment
from build_corpus import regen
from intake_helpers import holdings
from intake_helpers import post

from sd.archive import detection
from sd.archive.core.detection.clamd_local import EICAR_SIGNATURE
from sd.archive.core.detection.clamd_local import HASH_SIGNATURE


def build(change) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.zip"
        regen(change)(str(path))
        return path.read_bytes()


def latest_report(site, url: str) -> dict:
    """The record's last stored detection run (read in-process: the service account may not)."""
    transaction.begin()
    record = site.unrestrictedTraverse(url.split(site.absolute_url() + "/", 1)[1])
    return detection.reports(record)[-1]


def test_infected_files_are_refused_naming_the_signature(site, svc, clamd):
    before = holdings(site)
    for change, signature in (
        (hash_sample_attachment, HASH_SIGNATURE),
        (eicar_attachment, EICAR_SIGNATURE),
    ):
        response = post(svc, "@archive", build(change))
        assert response.status_code == 422, response.text[:2000]
        errors = [e for e in response.json()["errors"] if e["code"] == "GD-4-2"]
        assert len(errors) == 1 and f"{signature}.UNOFFICIAL" in errors[0]["message"]
        assert "附件/附件1.txt" in str(errors[0])
    transaction.begin()
    assert holdings(site) == before


def test_a_clean_package_is_scanned_and_archived(site, svc, clamd):
    response = post(svc, "@archive", build(lambda files: files))
    assert response.status_code == 201, response.text[:2000]
    report = latest_report(site, response.json()["@id"])
    lines = {i["code"]: i for i in report["items"] if i["code"] in ("GD-4-1", "GD-4-2")}
    assert {code: line["result"] for code, line in lines.items()} == {
        "GD-4-1": "passed",
        "GD-4-2": "passed",
    }


def test_without_a_scanner_the_virus_items_wait_for_a_person(site, svc, monkeypatch):
    monkeypatch.delenv("SD_ARCHIVE_CLAMD_SOCKET", raising=False)
    response = post(svc, "@archive", build(lambda files: files))
    assert response.status_code == 201, response.text[:2000]
    report = latest_report(site, response.json()["@id"])
    lines = [i for i in report["items"] if i["code"] in ("GD-4-1", "GD-4-2")]
    assert {i["result"] for i in lines} == {"manual"}
    assert all("SD_ARCHIVE_CLAMD_SOCKET" in i["message"] for i in lines)
