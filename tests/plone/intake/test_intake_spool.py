"""Spooling a request body: size limit while copying, digests beside the read, cleanup."""

import hashlib
import io
import os
import time

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
