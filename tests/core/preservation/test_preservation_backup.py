"""Backup/restore with a sampled fixity check, and migration to a new location."""

from __future__ import annotations

import pytest
from preservation_helpers import flip_byte

from sd.archive.core.errors import ArchiveError
from sd.archive.core.preservation.backup import make_backup
from sd.archive.core.preservation.backup import restore_backup
from sd.archive.core.preservation.backup import restore_counts
from sd.archive.core.preservation.backup import verify_backup
from sd.archive.core.preservation.backup import verify_restore
from sd.archive.core.preservation.fixity import run_fixity
from sd.archive.core.preservation.migration import migrate
from sd.archive.core.preservation.storage import StorageLocation
from sd.archive.core.preservation.storage import aip_path


@pytest.fixture
def sources(tmp_path, holdings):
    locs, _ = holdings
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "Data.fs").write_bytes(b"FS21" + b"\0" * 5000)
    (tmp_path / "blobs" / "0x00").mkdir(parents=True)
    (tmp_path / "blobs" / "0x00" / "a.blob").write_bytes(b"blob")
    (tmp_path / "keys.pub").write_text("ed25519 AAAA 公钥")
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "2024.jsonl").write_text('{"event":"login"}\n')
    return {
        "filestorage": tmp_path / "var",
        "blobs": tmp_path / "blobs",
        "aips": locs[0].path,
        "keys": tmp_path / "keys.pub",
        "audit": tmp_path / "audit",
    }


def test_backup_restore_and_verified_restore(tmp_path, sources):
    result = make_backup(sources, tmp_path / "backups")
    assert result.files == 11 and result.path.split("/")[-1].startswith("backup-")
    assert verify_backup(result.path).ok
    target = restore_backup(result.path, tmp_path / "restore")
    assert (target / "keys" / "keys.pub").read_text() == "ed25519 AAAA 公钥"
    assert (target / "filestorage" / "Data.fs").read_bytes().startswith(b"FS21")
    assert not restore_counts(target)
    check = verify_restore(target, 1.0)
    assert check.ok and check.sampled == 11 and restore_counts(target)


def test_restore_with_damage_does_not_count(tmp_path, sources):
    result = make_backup(sources, tmp_path / "backups")
    target = restore_backup(result.path, tmp_path / "restore")
    flip_byte(target / "filestorage" / "Data.fs", 10)
    check = verify_restore(target, 1.0)
    assert not check.ok and check.failed == ["filestorage/Data.fs"] and not restore_counts(target)
    with pytest.raises(ArchiveError):
        restore_backup(result.path, target)  # not empty


def test_sampled_restore_check_checks_a_fraction(tmp_path, sources):
    result = make_backup(sources, tmp_path / "backups")
    target = restore_backup(result.path, tmp_path / "restore")
    check = verify_restore(target, 0.3, seed=1)
    assert check.sampled == 3 and check.total == 11 and check.ok


def test_migration_copies_and_verifies_each_aip(tmp_path, holdings):
    locs, expected = holdings
    new = StorageLocation("nas2", str(tmp_path / "nas2"))
    bad = sorted(expected)[3]
    flip_byte(aip_path(locs[0], bad))
    seen = []
    report = migrate(locs[0], new, expected.get, progress=lambda n, t, r: seen.append(n))
    assert [f["relpath"] for f in report.failed] == [bad] and len(report.copied) == len(
        expected
    ) - 1
    assert not aip_path(new, bad).exists() and seen[-1] == len(expected)
    # fix the source from the second copy, migrate again: only the missing one is copied
    again = migrate(locs[1], new, expected.get)
    assert again.copied == [bad] and len(again.already_present) == len(expected) - 1 and again.ok
    assert run_fixity(new, expected.get, tmp_path / "runs", inventory=expected).ok
