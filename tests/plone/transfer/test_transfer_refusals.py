"""Transfer packages refused as a whole (整包拒收): nothing of them is stored, no batch opened.

- an entry of a record folder that inflates beyond its declared size (a lying bomb) answers
  400 with the intake error shape, and sending it again answers 400 again;
- a 目录文件 that does not correspond to the folders although the counts agree (a 档号 listed
  twice, another one missing) answers 422 naming both codes.
"""

import tempfile
from pathlib import Path

import transaction
from build_corpus import patch_headers
from build_corpus import t_drop_row
from build_corpus import t_duplicate_row
from build_corpus import transfer
from plone import api
from transfer_helpers import holdings
from transfer_helpers import post

FOLDER = "J001/WS/2018/J001-WS·2018-D30-BGS-000{}/"


def batches() -> int:
    transaction.begin()
    catalog = api.portal.get_tool("portal_catalog")
    return len(catalog.unrestrictedSearchResults(portal_type="TransferBatch"))


def package(build, lie: str = "") -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.zip"
        build(str(path))
        if lie:
            patch_headers(str(path), lie, size=100)
        return path.read_bytes()


def test_entry_inflating_beyond_its_size_leaves_no_batch(site, room):
    data = package(transfer(lambda f: f), lie=FOLDER.format(3) + "附件/附件1.pdf")
    for _attempt in range(2):  # sent again: refused again, not a stuck batch
        response = post(room, data)
        assert response.status_code == 400, response.text[:2000]
        body = response.json()
        assert body["type"] == "PackageUnreadable"
        assert body["errors"][0]["code"] == "zip.size-mismatch"
        assert body["errors"][0]["object"].endswith("附件/附件1.pdf")
        assert batches() == 0
    assert holdings(site) == (0, {})


def test_catalogue_not_matching_the_folders_is_refused_whole(site, room):
    # five rows for five folders, but row 1 twice and row 5 missing
    response = post(room, package(transfer(lambda f: t_duplicate_row(t_drop_row(f, 5)))))
    assert response.status_code == 422, response.text[:2000]
    errors = response.json()["errors"]
    named = {e["object"] for e in errors if e["code"] == "YJ-2-1"}
    assert {FOLDER.format(1).split("/")[-2], FOLDER.format(5).split("/")[-2]} <= named, errors
    assert batches() == 0
    assert holdings(site) == (0, {})
