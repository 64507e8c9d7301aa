"""Spooling a request body: size limit while copying, digests beside the read, cleanup."""

import hashlib
import io
import os
import time
from pathlib import Path

import pytest

from sd.archive.core.errors import PackageError
from sd.archive.intake.spool import discard
from sd.archive.intake.spool import spool


def test_spooled_body_has_its_digests(tmp_path):
    body = os.urandom(3 * (1 << 20) + 17)
    spooled = spool(io.BytesIO(body), str(tmp_path), limit=10 << 20)
    assert spooled.size == len(body)
    assert (tmp_path / "package").read_bytes() == body
    assert spooled.sm3 == hashlib.new("sm3", body).hexdigest()
    assert spooled.sha256 == hashlib.sha256(body).hexdigest()


def test_an_over_long_body_stops_at_the_limit(tmp_path):
    with pytest.raises(PackageError) as refused:
        spool(io.BytesIO(b"x" * (3 << 20)), str(tmp_path), limit=1 << 20)
    assert refused.value.status == 413


def test_the_spooling_directory_is_removed_on_the_helper_thread(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    assert spool(io.BytesIO(b"PK" * 1000), str(work), limit=1 << 20).sm3
    discard(str(work))
    for _ in range(100):
        if not work.exists():
            break
        time.sleep(0.02)
    assert not work.exists()


# --- beside the read (the intake interfaces) ------------------------------------------------


def test_beside_an_in_memory_body_the_reader_gets_the_body_itself(tmp_path):
    body = os.urandom(2 * (1 << 20) + 5)
    stream = io.BytesIO(body)
    spooled = spool(stream, str(tmp_path), limit=10 << 20, beside=True)
    assert spooled.size == len(body)
    source = spooled.readable()
    assert source is stream and source.tell() == 0
    assert source.read() == body  # reading does not disturb the copy
    assert Path(spooled.file()).read_bytes() == body
    assert spooled.sm3 == hashlib.new("sm3", body).hexdigest()
    assert spooled.sha256 == hashlib.sha256(body).hexdigest()


def test_beside_a_file_body_its_unflushed_writes_are_copied_too(tmp_path):
    body = os.urandom((1 << 20) + 3)
    with open(tmp_path / "body", "w+b") as server:  # buffered, as the server writes it
        server.write(body)
        server.seek(0)
        spooled = spool(server, str(tmp_path), limit=10 << 20, beside=True)
        assert spooled.readable().read(4) == body[:4]
    # the server closed its file: the copy reads from a descriptor of its own
    assert Path(spooled.file()).read_bytes() == body
    assert spooled.sm3 == hashlib.new("sm3", body).hexdigest()


def test_beside_a_multipart_upload_its_file_is_read(tmp_path):
    class Upload:  # ZPublisher's FileUpload keeps the file in ``.file``
        def __init__(self, data):
            self.file = io.BytesIO(data)

    body = b"PK" + os.urandom(4000)
    spooled = spool(Upload(body), str(tmp_path), limit=1 << 20, beside=True)
    assert spooled.readable().read() == body
    assert Path(spooled.file()).read_bytes() == body


def test_beside_an_over_long_body_is_refused_before_anything_is_copied(tmp_path):
    with pytest.raises(PackageError) as refused:
        spool(io.BytesIO(b"x" * (3 << 20)), str(tmp_path), limit=1 << 20, beside=True)
    assert refused.value.status == 413
    assert "3145728 bytes" in refused.value.problems[0].message
    assert not (tmp_path / "package").exists()


def test_a_body_that_reads_only_once_is_copied_first(tmp_path):
    class Once(io.RawIOBase):
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

        def tell(self):
            raise OSError("not seekable")

    body = os.urandom(70000)
    try:
        spooled = spool(Once(body), str(tmp_path), limit=1 << 20, beside=True)
    except OSError:
        pytest.fail("an unseekable body must fall back to copying")
    assert spooled.readable() == str(tmp_path / "package")
    assert spooled.sm3 == hashlib.new("sm3", body).hexdigest()


def test_discarding_waits_for_the_copy_beside(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    body = os.urandom(4 << 20)
    spooled = spool(io.BytesIO(body), str(work), limit=8 << 20, beside=True)
    spooled.begin()
    discard(str(work), spooled)  # at once, before anybody waited for the copy
    assert spooled.digests.result(timeout=10)["SM3"] == hashlib.new("sm3", body).hexdigest()
    for _ in range(100):
        if not work.exists():
            break
        time.sleep(0.02)
    assert not work.exists()


def test_the_copy_beside_begins_when_asked(tmp_path):
    """Nothing is copied until begin() (or a digest or the file is asked for)."""
    body = os.urandom(1 << 20)
    spooled = spool(io.BytesIO(body), str(tmp_path), limit=4 << 20, beside=True)
    assert spooled.readable().read() == body
    time.sleep(0.05)
    assert spooled.digests is None and not (tmp_path / "package").exists()
    spooled.begin()
    assert Path(spooled.file()).read_bytes() == body


@pytest.mark.parametrize("in_memory", [True, False])
def test_the_body_is_read_whole_while_the_copy_is_made(tmp_path, in_memory):
    """Intake begins the copy before it reads the package from the body: the copy's reads do
    not move the reader's position, and both see every byte."""
    body = os.urandom(6 << 20)
    (tmp_path / "body").write_bytes(body)
    work = tmp_path / "work"
    work.mkdir()
    with open(tmp_path / "body", "rb") as server:
        source = io.BytesIO(body) if in_memory else server
        spooled = spool(source, str(work), limit=8 << 20, beside=True)
        spooled.begin()
        reader = spooled.readable()
        read = bytearray()
        while chunk := reader.read(64 * 1024):
            read += chunk
    assert bytes(read) == body
    assert spooled.sm3 == hashlib.new("sm3", body).hexdigest()
    assert spooled.sha256 == hashlib.sha256(body).hexdigest()
    assert Path(spooled.file()).read_bytes() == body


def test_a_copy_never_begun_is_given_up(tmp_path):
    """A copy never begun (a request answered before its package was read, e.g. an empty
    body) is given up; its descriptor is closed."""
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "body").write_bytes(os.urandom(1 << 20))
    fds = len(os.listdir("/proc/self/fd"))
    with open(tmp_path / "body", "rb") as server:
        spooled = spool(server, str(work), limit=4 << 20, beside=True)
    discard(str(work), spooled)
    for _ in range(100):
        if not work.exists():
            break
        time.sleep(0.02)
    assert not work.exists() and spooled.digests is None
    assert len(os.listdir("/proc/self/fd")) == fds
