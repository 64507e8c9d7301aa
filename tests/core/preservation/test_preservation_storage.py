"""Storage locations, policy and the AIP layout."""

from __future__ import annotations

from pathlib import Path

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
from sd.archive.core.preservation.storage import set_aside_strays
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
    datas = [Path(p).read_bytes() for p in stored.copies.values()]
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


def test_strays_are_set_aside_then_the_version_is_written(tmp_path, signer):
    locs = [
        StorageLocation("a", str(tmp_path / "a")),
        StorageLocation("b", str(tmp_path / "b")),
        StorageLocation("d", str(tmp_path / "d"), "optical", online=False),
    ]
    first = write_aip(locs[:1], make_record(), signer)  # only copy a exists: a crash mid-way
    moved = set_aside_strays(locs, first.relpath, "20261125T000000")
    assert [p.name for p in moved] == [first.relpath.rsplit("/", 1)[1] + ".stray-20261125T000000"]
    assert sm3(moved[0].read_bytes()) == first.sm3  # kept, not deleted
    again = write_aip(locs, make_record(), signer)
    assert sorted(again.copies) == ["a", "b"]
    assert set_aside_strays([], again.relpath, "x") == []
    assert list(list_aips(locs[0])) == list(list_aips(locs[1]))  # the stray is no AIP


@pytest.mark.parametrize("processes", [0, 1])
def test_writer_process_writes_the_same_aip_and_refuses_the_same_way(tmp_path, processes):
    from sd.archive.core.ledger.algorithms import verify_raw
    from sd.archive.core.ledger.keys import NodeKey
    from sd.archive.core.preservation.aip import read_aip_file
    from sd.archive.core.preservation.writer_process import AIPWriter
    from sd.archive.core.preservation.writer_process import KeySpec

    key = NodeKey.generate("writer-test")
    key.save(tmp_path / "node.pem")
    spec = KeySpec(str(tmp_path / "node.pem"), "writer-test", "测试节点", "Ed25519")
    locs = [StorageLocation("a", str(tmp_path / "a")), StorageLocation("b", str(tmp_path / "b"))]
    writer = AIPWriter(processes)
    try:
        stored = writer.write(locs, make_record(), spec, StoragePolicy(2))
        assert sorted(stored.copies) == ["a", "b"]
        aip = read_aip_file(
            stored.copies["b"],
            require_signature=True,
            verifier=lambda m, s, c, a: verify_raw("ed25519", c, m, s),
        )
        assert aip.signature.verified and aip.signature.certificate == key.public_key
        with pytest.raises(ArchiveError) as err:
            writer.write(locs, make_record(), spec, StoragePolicy(2))
        assert err.value.status == 409 and err.value.problems[0].code == "STORE-EXISTS"
    finally:
        writer.shutdown()


def test_writer_process_ends_when_its_parent_is_killed(tmp_path):
    """A Zope process killed by a signal runs no exit handlers: its AIP writer process must
    not stay behind as an orphan (one per restart)."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from sd.archive.core.preservation.writer_process import AIPWriter\n"
        "writer = AIPWriter(1)\n"
        "print(writer._executor().submit(os.getpid).result(), flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        os.kill(child, 0)  # the writer runs
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            with contextlib.suppress(ChildProcessError):  # reap it should it be our child after all
                os.waitpid(child, os.WNOHANG)
            time.sleep(0.1)
        else:
            os.kill(child, signal.SIGKILL)
            raise AssertionError("the writer process outlived its parent")
    finally:
        if parent.poll() is None:
            parent.kill()
