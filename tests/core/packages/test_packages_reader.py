"""read_package on the samples and transfer packages: one record at a time, sinks, digests."""

import hashlib
from pathlib import Path

import pytest
from build_corpus import SAMPLES
from build_corpus import build_sha256
from build_corpus import t_drop_folder
from build_corpus import transfer

from sd.archive.core.packages.reader import Package
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import package_digest
from sd.archive.core.packages.reader import read_package
from sd.archive.core.packages.transfer import TransferPackage


@pytest.mark.parametrize(
    "name, kind", [("archive-gongwen.zip", "archive"), ("pre-archive-gongwen.zip", "pre-archive")]
)
def test_single_record_package(name, kind, tmp_path):
    path = SAMPLES / name
    package = read_package(path, kind, sink_factory=TempDirSinks(tmp_path))
    assert isinstance(package, Package)
    assert package.digest == hashlib.new("sm3", path.read_bytes()).hexdigest()
    assert set(package.manifest.entries) == set(package.files) - {"manifest-sm3.txt"}
    for path_, file in package.files.items():
        stored = Path(file.location).read_bytes()
        assert hashlib.new("sm3", stored).hexdigest() == file.sm3 and len(stored) == file.size
        if path_ in package.manifest.entries:
            assert package.manifest.entries[path_] == file.sm3
    assert set(package.content_files()) == {c.path for c in package.metadata.components}


def test_sha256_is_computed_when_declared(tmp_path):
    path = tmp_path / "p.zip"
    build_sha256(str(path))
    package = read_package(path, "archive")
    assert package.manifest.algorithm == "sha256"
    assert all(f.sha256 for p, f in package.files.items() if not p.startswith("manifest-"))


def test_sha256_is_computed_behind_the_read_too(tmp_path):
    """Files written to temporary copies are hashed from the copy on the hashing thread."""
    path = tmp_path / "p.zip"
    build_sha256(str(path))
    (tmp_path / "out").mkdir()
    package = read_package(path, "archive", sink_factory=TempDirSinks(tmp_path / "out"))
    for name, file in package.files.items():
        stored = Path(file.location).read_bytes()
        assert file.sm3 == hashlib.new("sm3", stored).hexdigest(), name
        if not name.startswith("manifest-"):
            assert file.sha256 == hashlib.sha256(stored).hexdigest(), name


def test_the_reader_hashes_what_the_hashing_thread_has_not_begun(tmp_path):
    """A busy hashing thread never makes the read wait: settle() takes the files back."""
    import threading

    from sd.archive.core.packages import reader

    release = threading.Event()
    busy = reader._hashing.submit(release.wait, 30)
    try:
        done = []
        worker = threading.Thread(
            target=lambda: done.append(
                read_package(
                    SAMPLES / "archive-gongwen.zip", "archive", sink_factory=TempDirSinks(tmp_path)
                )
            )
        )
        worker.start()
        worker.join(20)
        assert done, "the read waited for the busy hashing thread"
    finally:
        release.set()
        busy.result()
    for file in done[0].files.values():
        assert file.sm3 == hashlib.new("sm3", Path(file.location).read_bytes()).hexdigest()


def test_package_digest_is_asked_only_when_needed(tmp_path):
    """A digest computed beside the read (a callable) is not waited for by the read."""
    asked = []

    def digest():
        asked.append(1)
        return "ab" * 32

    package = read_package(
        SAMPLES / "archive-gongwen.zip",
        "archive",
        sink_factory=TempDirSinks(tmp_path),
        digest=digest,
    )
    assert asked == []
    assert package_digest(package) == "ab" * 32 and package_digest(package) == "ab" * 32
    assert asked == [1] and package.digest == "ab" * 32


def test_no_sink_digests_only():
    package = read_package(SAMPLES / "archive-zhengwu.zip", "archive")
    assert all(f.location is None and f.sm3 for f in package.files.values())


def test_transfer_yields_records_lazily(tmp_path):
    sinks = TempDirSinks(tmp_path)
    with read_package(
        SAMPLES / "transfer-5-records.zip", "transfer", sink_factory=sinks
    ) as package:
        assert isinstance(package, TransferPackage)
        assert package.description["档案数量"] == "5" and len(package.catalogue) == 5
        written_before = len(list(tmp_path.iterdir()))
        records = package.records()
        first = next(records)
        assert len(list(tmp_path.iterdir())) == written_before + 4  # only the first record streamed
        assert first.archival_code == "J001-WS·2018-D30-BGS-0001" and first.metadata.year == "2018"
        assert set(first.manifest.entries) == set(first.files)
        rest = list(records)
    assert [r.archival_code[-4:] for r in rest] == ["0002", "0003", "0004", "0005"]
    assert all(not r.problems for r in [first, *rest])


def test_transfer_missing_folder_is_a_record_problem(tmp_path):
    path = tmp_path / "t.zip"
    transfer(lambda f: t_drop_folder(f, 3))(str(path))
    with read_package(path, "transfer") as package:
        records = {r.archival_code: r for r in package.records()}
    missing = records["J001-WS·2018-D30-BGS-0003"]
    assert missing.metadata is None and [p.code for p in missing.problems] == [
        "transfer.folder-missing"
    ]
    assert package.record_count == 4


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        read_package(SAMPLES / "archive-gongwen.zip", "dip")


def test_eep_is_read_streaming_into_the_same_model(tmp_path):
    from build_corpus import eep_bytes
    from build_corpus import gongwen

    path = tmp_path / "J001.eep"
    path.write_bytes(eep_bytes())
    package = read_package(path, "archive", sink_factory=TempDirSinks(tmp_path))
    record, originals = package.metadata, gongwen()
    assert package.source_format == "eep" and record.archival_code == "J001-WS·2023-D30-BGS-0007"
    assert (record.fonds_code, record.year, record.item_number, record.title[:4]) == (
        "J001",
        "2023",
        "7",
        "关于测试",
    )
    assert [c.role for c in record.components] == ["正本", "处理单", "附件"]
    for component in record.components:
        file = package.files[component.path]
        assert Path(file.location).read_bytes() == originals[component.path]
        assert component.digest == file.sm3
    assert [s.action for s in record.process] == ["拟稿", "审核", "签发", "归档"]


@pytest.mark.parametrize("edit", ["none", "drop-folder", "drop-row"])
def test_record_codes_follow_the_order_of_records_without_reading(tmp_path, edit):
    from build_corpus import t_drop_row

    path = tmp_path / "t.zip"
    change = {
        "none": lambda f: f,
        "drop-folder": lambda f: t_drop_folder(f, 3),
        "drop-row": lambda f: t_drop_row(f, 2),
    }[edit]
    transfer(change)(str(path))
    with read_package(path, "transfer") as package:
        codes = package.record_codes()
        assert codes == [r.archival_code for r in package.records()]
    assert len(codes) == 5 and len(set(codes)) == 5
