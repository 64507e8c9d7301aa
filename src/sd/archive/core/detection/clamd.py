"""ClamAV daemon client (clamd 病毒扫描) over its socket, with a time limit.

The documented clamd protocol (``man clamd``, section COMMANDS): a command is ``z<NAME>\\0``
and its answer ends with ``\\0``. ``INSTREAM`` sends the file as chunks, each prefixed by its
length as a 4-byte big-endian integer, ended by a zero-length chunk; clamd answers
``stream: OK``, ``stream: <signature> FOUND`` or ``… ERROR`` (for example ``INSTREAM size
limit exceeded``). Streaming the bytes rather than naming a path means clamd needs no read
access to the archive's spool and blobs (it runs as its own user).

Why our own ~100 lines and no client library: the PyPI clients (``clamd``, ``pyclamd``) have had
no release since 2020 and call ``SCAN`` by path or block without a deadline. Here every
socket operation waits at most until the scan's deadline; a missing socket, a refused
connection, a timeout, an ``ERROR`` answer all raise :class:`ScannerUnavailable` with the
reason — the detection item becomes ``manual``, never ``passed``.

Configuration (the deployment's environment, like ``SD_ARCHIVE_VAR``):
``SD_ARCHIVE_CLAMD_SOCKET`` — the clamd ``LocalSocket`` path, or ``tcp:<host>:<port>`` for a
``TCPSocket``; ``SD_ARCHIVE_CLAMD_TIMEOUT`` — seconds per file (default 120).
"""

from __future__ import annotations

import os
import socket
import struct
import time
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

SOCKET_ENV = "SD_ARCHIVE_CLAMD_SOCKET"
TIMEOUT_ENV = "SD_ARCHIVE_CLAMD_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
CHUNK = 256 * 1024
#: scans of one package run side by side (clamd's MaxThreads is 10 by default)
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="clamd")
AVAILABLE_SECONDS = 30.0
_available: dict[str, tuple[float, object]] = {}


class ScannerUnavailable(Exception):
    """clamd could not give an answer (未能完成扫描): the reason is the message."""


@dataclass(frozen=True)
class ClamdScanner:
    """One clamd (病毒扫描守护进程) at ``address`` (socket path or ``tcp:host:port``)."""

    address: str
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_environment(cls, environ=None) -> ClamdScanner | None:
        """The scanner the deployment configured, or None when none is (未配置)."""
        environ = os.environ if environ is None else environ
        address = (environ.get(SOCKET_ENV) or "").strip()
        if not address:
            return None
        try:
            timeout = float(environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return cls(address, timeout if timeout > 0 else DEFAULT_TIMEOUT)

    # -- connection -----------------------------------------------------------------------

    def _connect(self, deadline: float) -> socket.socket:
        if self.address.startswith("tcp:"):
            host, _, port = self.address[4:].rpartition(":")
            family, target = socket.AF_INET, (host or "127.0.0.1", int(port))
        else:
            family, target = socket.AF_UNIX, self.address
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect(target)
        except (OSError, ValueError) as exc:
            sock.close()
            raise ScannerUnavailable(
                f"clamd at {self.address} unreachable: {_reason(exc)}"
            ) from exc
        return sock

    def _answer(self, sock: socket.socket, deadline: float) -> str:
        data = b""
        while not data.endswith(b"\0"):
            sock.settimeout(_remaining(deadline))
            part = sock.recv(4096)
            if not part:
                break
            data += part
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def _command(self, name: str) -> str:
        deadline = time.monotonic() + self.timeout
        with self._connect(deadline) as sock:
            try:
                sock.sendall(f"z{name}\0".encode())
                return self._answer(sock, deadline)
            except OSError as exc:
                raise ScannerUnavailable(f"clamd {name} failed: {_reason(exc)}") from exc

    # -- commands -------------------------------------------------------------------------

    def version(self) -> str:
        """``VERSION``: engine and signature database (e.g. ``ClamAV 1.4.6/27…/…``)."""
        answer = self._command("VERSION")
        if not answer.startswith("ClamAV"):
            raise ScannerUnavailable(f"clamd answered VERSION with {answer!r}")
        return answer

    def scan_file(self, location: str) -> str | None:
        """``INSTREAM`` one stored file: the signature found, or None when clean."""
        deadline = time.monotonic() + self.timeout
        try:
            fp = open(location, "rb")  # noqa: SIM115 - closed below, before the answer waits
        except OSError as exc:
            raise ScannerUnavailable(f"file not readable for the scan: {_reason(exc)}") from exc
        with fp, self._connect(deadline) as sock:
            try:
                sock.settimeout(_remaining(deadline))
                sock.sendall(b"zINSTREAM\0")
                for chunk in iter(lambda: fp.read(CHUNK), b""):
                    sock.settimeout(_remaining(deadline))
                    sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.settimeout(_remaining(deadline))
                sock.sendall(struct.pack(">I", 0))
                answer = self._answer(sock, deadline)
            except OSError as exc:
                # clamd closes the stream at its StreamMaxLength: its answer says so
                answer = _late_answer(sock) or ""
                if not answer:
                    raise ScannerUnavailable(f"clamd scan failed: {_reason(exc)}") from exc
        return parse_answer(answer)

    def submit(self, locations: dict[str, str]) -> dict[str, Future]:
        """Start ``INSTREAM`` scans of {path: location} side by side (one connection each);
        each future gives the signature, None, or raises :class:`ScannerUnavailable`."""
        return {
            path: _POOL.submit(self.scan_file, location) for path, location in locations.items()
        }

    def available(self) -> str:
        """``VERSION``, remembered for :data:`AVAILABLE_SECONDS` per address (the answer, or
        the refusal, of the last minute: one round trip less per package)."""
        now = time.monotonic()
        known = _available.get(self.address)
        if known is not None and now - known[0] < AVAILABLE_SECONDS:
            if isinstance(known[1], ScannerUnavailable):
                raise known[1]
            return known[1]
        try:
            answer: str | ScannerUnavailable = self.version()
        except ScannerUnavailable as exc:
            answer = exc
        _available[self.address] = (now, answer)
        if isinstance(answer, ScannerUnavailable):
            raise answer
        return answer

    def scan(self, locations: dict[str, str]) -> dict[str, str]:
        """{path: location} → {path: signature} for the infected files."""
        found = {}
        for path, location in locations.items():
            signature = self.scan_file(location)
            if signature:
                found[path] = signature
        return found


def parse_answer(answer: str) -> str | None:
    """clamd's INSTREAM answer → signature, None (clean); raises on ``ERROR`` or the unknown."""
    _, _, result = answer.partition(": ") if answer.startswith("stream:") else ("", "", answer)
    result = result.strip()
    if result == "OK":
        return None
    if result.endswith(" FOUND"):
        return result[: -len(" FOUND")].strip()
    raise ScannerUnavailable(f"clamd did not scan the file: {answer or 'no answer'}")


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("time limit reached")
    return left


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "time limit reached (超时)"
    return f"{type(exc).__name__}: {exc}"


def _late_answer(sock: socket.socket) -> str:
    try:
        sock.settimeout(1.0)
        return sock.recv(4096).rstrip(b"\0").decode("utf-8", "replace").strip()
    except OSError:
        return ""
