"""AIPs are written to every online location on archive, and read back the same."""

from pathlib import Path

import pytest
import transaction
from plone import api

from sd.archive.appraisal.execution import sanctioned
from sd.archive.core.preservation.aip import read_aip_file
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.preservation import alarms
from sd.archive.preservation import config
from sd.archive.preservation import keys
from sd.archive.preservation import store
from sd.archive.preservation.package import components
from sd.archive.preservation.package import read_snapshot
from sd.archive.repository import ComponentData
from sd.archive.repository import add_component
from sd.archive.testing import PDF


def test_aip_written_to_both_online_locations_on_archive(archived, var):
    record = archived[0]
    (entry,) = store.versions(record)
    assert entry["version"] == 1 and entry["reason"] == "archive"
    assert entry["locations"] == ["copy1", "copy2"]
    for loc_id in ("copy1", "copy2"):
        path = var / "aip" / loc_id / Path(entry["relpath"])
        assert path.is_file()
        assert sm3_file(path) == entry["sm3"]
    assert entry["relpath"] == f"J001/2023/{record.archival_code}/{record.archival_code}.v1.eep"
    assert store.expected_digests()[entry["relpath"]] == entry["sm3"]
    assert not (var / "discs").exists()  # the optical location is offline: filled by 组盘


def test_reader_round_trip_same_metadata_and_digests(archived, var):
    record = archived[1]
    entry = store.last_version(record)
    out = var / "extract"
    aip = read_aip_file(
        var / "aip" / "copy2" / entry["relpath"],
        content_dir=out,
        verifier=keys.verify,
        require_signature=True,
    )
    assert aip.signature.verified is True
    assert aip.archival_code == record.archival_code
    assert aip.uid == record.UID()
    assert aip.version == 1
    assert aip.metadata["题名"] == record.title
    assert aip.metadata["电子文件号"] == record.electronic_record_id
    assert aip.metadata["档号"] == record.archival_code
    assert aip.metadata["立档单位名称"] == "山东省某某厅"
    assert aip.metadata["年度"] == "2023"
    assert [c.sm3 for c in aip.components] == [c.sm3 for c in components(record)]
    snap = read_snapshot(aip)
    assert snap["review_state"] == "archived"
    assert [c["sm3"] for c in snap["components"]] == [c.sm3 for c in components(record)]


def test_key_file_is_private(archived, var):
    key_file = config.work_dir("keys") / keys.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_new_component_makes_new_version_old_kept(archived, var):
    record = archived[0]
    with api.env.adopt_roles(["Manager"]):
        add_component(
            record, ComponentData(filename="附件.pdf", data=PDF + b"%att", role="附件", sequence=3)
        )
    (entry,) = store.flush()
    assert entry["version"] == 2 and entry["reason"] == "change"
    assert [v["version"] for v in store.versions(record)] == [1, 2]
    for v in (1, 2):
        assert (var / "aip" / "copy1" / store.relpath_of(record, v)).is_file()
    aip = read_aip_file(var / "aip" / "copy1" / store.relpath_of(record, 2))
    assert aip.package_type == "修改型"
    assert len(aip.components) == 3
    assert store.flush() == []  # nothing queued any more


def test_metadata_correction_makes_new_version(archived):
    from sd.archive.corrections import correct_description

    record = archived[2]
    correct_description(record, {"abstract": "更正后的摘要"}, "摘要遗漏")
    (entry,) = store.flush()
    assert entry["version"] == 2


def test_unchanged_record_no_new_version(archived):
    from zope.lifecycleevent import modified

    modified(archived[0])
    assert store.flush() == []


def test_record_that_cannot_be_packaged_raises_alarm(fonds, var):
    from sd.archive.testing import make_record

    record = make_record(fonds, 9)  # no archival code: it cannot be archived nor packaged
    assert store.preserve_or_alarm(record, "archive") is None
    assert store.versions(record) == []
    (alarm,) = alarms.open_alarms()
    assert alarm["kind"] == alarms.NOT_PRESERVED
    assert alarm["details"]["uid"] == record.UID()


def test_aborted_transaction_removes_the_files(archived, var):
    relpath = store.last_version(archived[0])["relpath"]
    assert (var / "aip" / "copy1" / relpath).exists()
    transaction.abort()
    assert not (var / "aip" / "copy1" / relpath).exists()
    assert not (var / "aip" / "copy2" / relpath).exists()


@pytest.mark.parametrize("line", ["x|floppy|a", "only|two", "a||b"])
def test_bad_location_lines_refused(line):
    from sd.archive.core.errors import ArchiveError

    with pytest.raises(ArchiveError):
        config.parse_location(line)


def test_destroyed_record_gets_no_new_version_and_no_alarm(fonds):
    """Archived and destroyed in one transaction (as the demo does): its files are gone by
    design, so no new AIP version is attempted and no alarm is raised."""
    from sd.archive.numbering import assign_code
    from sd.archive.preservation.store import flush
    from sd.archive.preservation.store import versions
    from sd.archive.testing import make_record

    record = make_record(fonds, 9, retention_period="D10")
    assign_code(record, "WS", 2013, "D10", "BGS")
    with sanctioned(record, "test"):  # destroyed as an executed appraisal batch does (#25)
        for transition in ("archive", "appraise", "destroy"):
            api.content.transition(record, transition=transition)
    flush()
    assert record.objectIds() == []
    assert alarms.open_alarms() == []
    assert len(versions(record)) <= 1
