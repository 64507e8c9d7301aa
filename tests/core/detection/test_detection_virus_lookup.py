"""The ClamAV look-up on PATH is kept for a minute, and redone when PATH changes."""

import os
import stat

from sd.archive.core.detection import virus


def fake_scanner(directory, name="clamscan"):
    path = directory / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_the_scanner_is_found_on_path_and_remembered(tmp_path, monkeypatch):
    monkeypatch.setattr(virus, "_looked_up", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert virus.clamav_command() is None
    scanner = fake_scanner(tmp_path)
    assert virus.clamav_command() is None  # remembered: not looked up again at once
    monkeypatch.setattr(virus, "LOOKUP_SECONDS", 0.0)
    assert virus.clamav_command() == scanner  # the minute is over


def test_a_changed_path_is_looked_up_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(virus, "_looked_up", None)
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert virus.clamav_command() is None
    monkeypatch.setenv("PATH", os.pathsep.join([str(empty), str(tmp_path)]))
    scanner = fake_scanner(tmp_path, "clamdscan")
    assert virus.clamav_command() == scanner
