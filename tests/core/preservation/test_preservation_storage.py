"""Storage locations, policy and the AIP layout."""

from __future__ import annotations

import pytest
from preservation_helpers import make_record
from preservation_helpers import sm3

from sd.archive.core.errors import ArchiveError
from sd.archive.core.preservation.storage import StorageLocation
from sd.archive.core.preservation.storage import StoragePolicy
from sd.archive.core.preservation.storage import aip_relpath
from sd.archive.core.preservation.storage import delete_aip
from sd.archive.core.preservation.storage import list_aips
from sd.archive.core.preservation.storage import parse_relpath
from sd.archive.core.preservation.storage import read_aip
from sd.archive.core.preservation.storage import write_aip


def test_write_puts_identical_copies_in_every_online_location(tmp_path, signer, verifier):
    locs = [
        StorageLocation("a", str(tmp_path / "a")),
        StorageLocation("b", str(tmp_path / "b")),
        StorageLocation("tape", str(tmp_path / "tape"), "tape", online=False),
    ]
    stored = write_aip(locs, make_record(), signer, policy=StoragePolicy(2))
    assert stored.relpath == "J001/2023/J001-WS·2023-Y-BGS-0001/J001-WS·2023-Y-BGS-0001.v1.eep"
    assert set(stored.copies) == {"a", "b"} and not (tmp_path / "tape").exists()
    datas = [open(p, "rb").read() for p in stored.copies.values()]
    assert datas[0] == datas[1] and sm3(datas[0]) == stored.sm3
    assert read_aip(locs[1], stored.relpath, verifier=verifier).signature.verified
    leftovers = [p for p in (tmp_path / "a").rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_versions_are_immutable(tmp_path, signer):
    locs = [StorageLocation("a", str(tmp_path / "a"))]
    write_aip(locs, make_record(), signer)
    with pytest.raises(ArchiveError) as err:
        write_aip(locs, make_record(), signer)
    assert err.value.status == 409 and err.value.problems[0].code == "STORE-EXISTS"
    write_aip(locs, make_record(version=2), signer)
    assert [r.version for r in list_aips(locs[0])] == [1, 2]


@pytest.mark.parametrize(
    "locations, problems",
    [
        ([("a", True), ("b", True), ("t", False)], []),
        ([("a", True), ("t", False)], ["STORE-POLICY"]),
        ([("a", True), ("a", True), ("t", False)], ["STORE-POLICY"]),  # same directory twice
        ([("a", True), ("b", True)], ["STORE-POLICY"]),  # no offline set
    ],
)
def test_policy(tmp_path, locations, problems):
    locs = [
        StorageLocation(f"{i}", str(tmp_path / d), "online_disk" if on else "optical", on)
        for i, (d, on) in enumerate(locations)
    ]
    assert [p.code for p in StoragePolicy(2, 1).check(locs)] == problems


def test_policy_refuses_write_without_enough_locations(tmp_path, signer):
    with pytest.raises(ArchiveError):
        write_aip(
            [StorageLocation("a", str(tmp_path / "a"))],
            make_record(),
            signer,
            policy=StoragePolicy(2),
        )


@pytest.mark.parametrize("code", ["../etc", "a/b", ".hidden", "", "x\\y"])
def test_unsafe_path_segments_are_refused(code):
    with pytest.raises(ArchiveError):
        aip_relpath("J001", "2023", code, 1)


def test_listing_ignores_foreign_and_temp_files_and_delete_cleans_up(holdings):
    locs, expected = holdings
    root = locs[0].root
    (root / "J001" / "2022" / "stray.txt").write_text("x")
    (root / "J001" / "2022" / "J001-WS·2022-Y-BGS-0002" / ".tmp-abc.part").write_text("x")
    assert [r.relpath for r in list_aips(locs[0])] == sorted(expected)
    ref = parse_relpath(sorted(expected)[0])
    assert (ref.fonds, ref.year, ref.version) == ("J001", "2022", 1)
    assert delete_aip(locs[0], ref.relpath) and not delete_aip(locs[0], ref.relpath)
    assert not (root / "J001" / "2022" / ref.archival_code).exists()
