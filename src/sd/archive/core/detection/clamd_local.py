"""A private clamd on a signature database the project writes (测试用病毒库与 clamd).

Debian's ``clamav-daemon`` ships no signatures and ``freshclam`` cannot reach its mirror from
the test machines, so tests, benchmarks and the demo run their own clamd: own configuration
file, own ``LocalSocket`` under a temporary directory, in the foreground, on a database of
two signatures written here:

- ``SdArchive.Test.EICAR`` — a body signature (``.ndb``) of the EICAR test string;
- ``SdArchive.Test.HashSample`` — a SHA-256 hash signature (``.hsb``) of :data:`HASH_SAMPLE`,
  a harmless file that no byte pattern would catch (so a hit proves clamd did the work).

clamd reports signatures from an unsigned database with the suffix ``.UNOFFICIAL``.
Production runs the distribution's clamd with ``freshclam`` (docs/operations/clamav.md).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sd.archive.core.detection.clamd import ClamdScanner
from sd.archive.core.detection.clamd import ScannerUnavailable
from sd.archive.core.packages.probe import EICAR

EICAR_SIGNATURE = "SdArchive.Test.EICAR"
HASH_SIGNATURE = "SdArchive.Test.HashSample"
HASH_SAMPLE = (
    "sd.archive 病毒库哈希特征测试文件 / hash-signature test file.\n"
    "Harmless text; the project's test signature database lists its SHA-256.\n"
).encode()

CONFIG = """\
LocalSocket {socket}
LocalSocketMode 600
Foreground yes
DatabaseDirectory {db}
TemporaryDirectory {tmp}
LogFile {log}
PidFile {pid}
StreamMaxLength {stream_max}M
MaxFileSize {stream_max}M
MaxScanSize {stream_max}M
MaxThreads 4
SelfCheck 0
Bytecode no
"""


def write_database(directory: Path) -> Path:
    """The two test signatures into ``directory`` (an ``.ndb`` and an ``.hsb`` file)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sd-archive-test.ndb").write_text(f"{EICAR_SIGNATURE}:0:*:{EICAR.hex()}\n")
    digest = hashlib.sha256(HASH_SAMPLE).hexdigest()
    (directory / "sd-archive-test.hsb").write_text(
        f"{digest}:{len(HASH_SAMPLE)}:{HASH_SIGNATURE}\n"
    )
    return directory


class LocalClamd:
    """``with LocalClamd() as scanner:`` — clamd started, answering, stopped on exit."""

    def __init__(self, base: str | Path | None = None, stream_max_mb: int = 512):
        self.base = Path(base or tempfile.mkdtemp(prefix="sd-clamd-"))
        self.stream_max_mb = stream_max_mb
        self.process: subprocess.Popen | None = None

    @property
    def socket(self) -> str:
        return str(self.base / "clamd.sock")

    def start(self, wait: float = 60.0) -> ClamdScanner:
        binary = shutil.which("clamd") or (
            "/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None
        )
        if binary is None:
            raise RuntimeError(
                "clamd is not installed: `apt-get install clamav-daemon` "
                "(the Makefile's test-deps does it)"
            )
        db = write_database(self.base / "db")
        (self.base / "tmp").mkdir(exist_ok=True)
        config = self.base / "clamd.conf"
        config.write_text(
            CONFIG.format(
                socket=self.socket,
                db=db,
                tmp=self.base / "tmp",
                log=self.base / "clamd.log",
                pid=self.base / "clamd.pid",
                stream_max=self.stream_max_mb,
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config file
            [binary, "--foreground", f"--config-file={config}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        scanner = ClamdScanner(self.socket, timeout=30.0)
        until = time.monotonic() + wait
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd stopped at start: {self.log_tail()}")
            try:
                scanner.version()
                return scanner
            except ScannerUnavailable:
                if time.monotonic() > until:
                    self.stop()
                    raise RuntimeError(f"clamd did not answer within {wait:.0f} s") from None
                time.sleep(0.1)

    def log_tail(self) -> str:
        log = self.base / "clamd.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> ClamdScanner:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
