"""Receiving a transfer with a real clamd (#29 item 1): the infected record is flagged YJ-4-2
with the signature and kept out; the other records are received, scanned clean."""

import tempfile
from pathlib import Path

import transaction
from build_corpus import T1
from build_corpus import transfer
from plone import api
from transfer_helpers import holdings
from transfer_helpers import post

from sd.archive import detection
from sd.archive.core.detection.clamd_local import HASH_SAMPLE
from sd.archive.core.detection.clamd_local import HASH_SIGNATURE


def build(change) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.zip"
        transfer(change)(str(path))
        return path.read_bytes()


def test_an_infected_record_is_flagged_with_its_signature(site, room, clamd):
    response = post(room, build(lambda f: {**f, T1 + "附件/附件1.pdf": HASH_SAMPLE}))
    assert response.status_code == 201, response.text[:2000]
    body = response.json()
    failed = [r for r in body["records"] if r["outcome"] == "failed"]
    assert [r["archival_code"] for r in failed] == ["J001-WS·2018-D30-BGS-0001"]
    assert "YJ-4-2" in failed[0]["codes"]
    virus = [e for e in failed[0]["errors"] if e["code"] == "YJ-4-2"]
    assert len(virus) == 1 and f"{HASH_SIGNATURE}.UNOFFICIAL" in virus[0]["message"]
    transaction.begin()
    assert holdings(site) == (4, {"received": 4})
    # the received records were scanned by clamd (not left to a person)
    catalog = api.portal.get_tool("portal_catalog")
    brain = catalog.unrestrictedSearchResults(archival_code="J001-WS·2018-D30-BGS-0002")[0]
    lines = [
        item
        for run in detection.reports(brain._unrestrictedGetObject())
        for item in run["items"]
        if item["code"] in ("YJ-4-1", "YJ-4-2")
    ]
    assert lines and {i["result"] for i in lines} == {"passed"}
