"""The demo's virus scanner (scripts/demo_clamd.py, started by `make start`): a clamd that
outlives the script, answers on its socket with the project's signatures, and is stopped by its
pid file."""

import importlib.util
import time
from pathlib import Path

import pytest

from sd.archive.core.detection.clamd import ClamdScanner
from sd.archive.core.detection.clamd import ScannerUnavailable
from sd.archive.core.detection.clamd_local import EICAR_SIGNATURE
from sd.archive.core.packages.probe import EICAR

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "demo_clamd.py"


def demo_clamd():
    spec = importlib.util.spec_from_file_location("demo_clamd", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_scanner_starts_scans_and_stops(tmp_path):
    script = demo_clamd()
    base = tmp_path / "clamd"
    try:
        assert script.main(["start", str(base)]) == 0
    except RuntimeError as exc:  # pragma: no cover - the Makefile installs clamav-daemon
        pytest.fail(f"clamd needed: {exc}")
    scanner = ClamdScanner(str(base / "clamd.sock"), timeout=30.0)
    try:
        assert scanner.version().startswith("ClamAV")
        infected = tmp_path / "eicar.txt"
        infected.write_bytes(EICAR)
        assert scanner.scan_file(str(infected)).startswith(EICAR_SIGNATURE)  # …UNOFFICIAL
        clean = tmp_path / "clean.txt"
        clean.write_text("关于做好档案工作的通知")
        assert scanner.scan_file(str(clean)) is None
    finally:
        assert script.main(["stop", str(base)]) == 0
    until = time.monotonic() + 20
    while time.monotonic() < until:
        try:
            scanner.version()
        except ScannerUnavailable:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the demo clamd still answers after stop")
    assert not (base / "clamd.pid").exists()


def test_usage_errors_answer_2(capsys):
    assert demo_clamd().main(["restart", "x"]) == 2
    assert "demo_clamd.py start" in capsys.readouterr().err
