"""Virus scanning through clamd's socket (#29 item 1): a hit names the signature; a scanner that
is missing, unreachable, refuses the file or runs out of time makes a ``manual`` item."""

import socket
import threading
from datetime import datetime

import pytest
from build_corpus import eicar_attachment
from build_corpus import hash_sample_attachment
from build_corpus import regen

from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.clamd import ClamdScanner
from sd.archive.core.detection.clamd import ScannerUnavailable
from sd.archive.core.detection.clamd import parse_answer
from sd.archive.core.detection.clamd_local import EICAR_SIGNATURE
from sd.archive.core.detection.clamd_local import HASH_SAMPLE
from sd.archive.core.detection.clamd_local import HASH_SIGNATURE
from sd.archive.core.detection.clamd_local import LocalClamd
from sd.archive.core.detection.context import CHINA
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package

NOW = datetime(2025, 6, 1, tzinfo=CHINA)
CATALOGUE = load_catalogue()


def package_with(tmp_path, change, name="p.zip"):
    path = tmp_path / name
    regen(change)(str(path))
    sinks = tmp_path / (name + ".files")
    sinks.mkdir()
    return read_package(path, "archive", sink_factory=TempDirSinks(sinks))


def virus_lines(report):
    return [(i.code, i.outcome, i.object, i.message) for i in report.items if i.code[-3:-2] == "4"]


@pytest.mark.parametrize(
    "answer, signature",
    [
        ("stream: OK", None),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", "Win.Test.EICAR_HDB-1"),
        (
            "stream: SdArchive.Test.HashSample.UNOFFICIAL FOUND",
            "SdArchive.Test.HashSample.UNOFFICIAL",
        ),
    ],
)
def test_answers_are_read(answer, signature):
    assert parse_answer(answer) == signature


@pytest.mark.parametrize(
    "answer", ["INSTREAM size limit exceeded. ERROR", "stream: Can't allocate memory ERROR", ""]
)
def test_an_error_answer_is_no_verdict(answer):
    with pytest.raises(ScannerUnavailable):
        parse_answer(answer)


def test_configuration_comes_from_the_environment():
    assert ClamdScanner.from_environment({}) is None
    scanner = ClamdScanner.from_environment(
        {"SD_ARCHIVE_CLAMD_SOCKET": "/run/clamav/clamd.ctl", "SD_ARCHIVE_CLAMD_TIMEOUT": "7.5"}
    )
    assert scanner == ClamdScanner("/run/clamav/clamd.ctl", 7.5)
    assert ClamdScanner.from_environment({"SD_ARCHIVE_CLAMD_SOCKET": "x"}).timeout == 120.0


def test_clamd_names_the_eicar_and_the_hash_signature(tmp_path, clamd):
    eicar = run_detection(
        "archiving", package_with(tmp_path, eicar_attachment), CATALOGUE, DetectionContext(now=NOW)
    )
    hashed = run_detection(
        "archiving",
        package_with(tmp_path, hash_sample_attachment, "h.zip"),
        CATALOGUE,
        DetectionContext(now=NOW),
    )
    assert virus_lines(eicar) == [
        ("GD-4-1", "passed", "", "通过 / passed"),
        (
            "GD-4-2",
            "failed",
            "附件/附件1.txt",
            f"发现病毒 / virus found: {EICAR_SIGNATURE}.UNOFFICIAL",
        ),
    ]
    # only clamd knows the hash signature: the built-in EICAR probe finds nothing here
    assert virus_lines(hashed)[1] == (
        "GD-4-2",
        "failed",
        "附件/附件1.txt",
        f"发现病毒 / virus found: {HASH_SIGNATURE}.UNOFFICIAL",
    )
    assert [(p.code, p.object) for p in hashed.problems()] == [("GD-4-2", "附件/附件1.txt")]


def test_a_clean_package_passes_only_when_clamd_scanned_it(tmp_path, clamd):
    report = run_detection(
        "archiving",
        package_with(tmp_path, lambda files: files),
        CATALOGUE,
        DetectionContext(now=NOW),
    )
    assert [line[:2] for line in virus_lines(report)] == [
        ("GD-4-1", "passed"),
        ("GD-4-2", "passed"),
    ]


def test_no_scanner_configured_is_manual_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.delenv("SD_ARCHIVE_CLAMD_SOCKET", raising=False)
    report = run_detection(
        "archiving", package_with(tmp_path, lambda f: f), CATALOGUE, DetectionContext(now=NOW)
    )
    lines = virus_lines(report)
    assert [line[:2] for line in lines] == [("GD-4-1", "manual"), ("GD-4-2", "manual")]
    assert all("SD_ARCHIVE_CLAMD_SOCKET unset" in line[3] for line in lines)
    # the EICAR string is still caught without a scanner
    report = run_detection(
        "archiving",
        package_with(tmp_path, eicar_attachment, "e.zip"),
        CATALOGUE,
        DetectionContext(now=NOW),
    )
    assert [(p.code, p.object) for p in report.problems()] == [("GD-4-2", "附件/附件1.txt")]


def test_an_unreachable_scanner_is_manual(tmp_path, monkeypatch):
    monkeypatch.setenv("SD_ARCHIVE_CLAMD_SOCKET", str(tmp_path / "no-such.sock"))
    report = run_detection(
        "archiving", package_with(tmp_path, lambda f: f), CATALOGUE, DetectionContext(now=NOW)
    )
    lines = virus_lines(report)
    assert {line[1] for line in lines} == {"manual"} and len(lines) > 2  # one per file
    assert all("unreachable" in line[3] for line in lines)
    assert "passed" not in {i.outcome for i in report.items if i.code.startswith("GD-4")}


@pytest.fixture
def silent_clamd(tmp_path):
    """A socket that accepts and reads but never answers (a hung scanner)."""
    path = str(tmp_path / "silent.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)
    held, stop = [], threading.Event()

    def serve():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.settimeout(0.1)
            held.append(conn)
            while not stop.is_set():
                try:
                    if not conn.recv(65536):
                        break
                except OSError:
                    continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()


def test_a_scanner_that_times_out_never_lets_a_file_through(tmp_path, monkeypatch, silent_clamd):
    monkeypatch.setenv("SD_ARCHIVE_CLAMD_SOCKET", silent_clamd)
    monkeypatch.setenv("SD_ARCHIVE_CLAMD_TIMEOUT", "0.3")
    package = package_with(tmp_path, hash_sample_attachment)
    report = run_detection("archiving", package, CATALOGUE, DetectionContext(now=NOW))
    lines = virus_lines(report)
    assert lines and {line[1] for line in lines} == {"manual"}
    assert all("time limit" in line[3] for line in lines)
    path = next(iter(package.files.values())).location
    with pytest.raises(ScannerUnavailable, match="time limit"):
        ClamdScanner(silent_clamd, 0.3).scan_file(path)


def test_a_file_over_clamds_stream_limit_is_not_called_clean(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * (2 * 1024 * 1024))
    with LocalClamd(tmp_path / "small", stream_max_mb=1) as scanner:
        with pytest.raises(ScannerUnavailable, match="size limit"):
            scanner.scan_file(str(big))
        small = tmp_path / "small.bin"
        small.write_bytes(HASH_SAMPLE)
        assert scanner.scan({"s": str(small)}) == {"s": f"{HASH_SIGNATURE}.UNOFFICIAL"}
