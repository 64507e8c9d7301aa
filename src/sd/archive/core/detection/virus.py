"""Virus scanning (病毒检测): ClamAV when installed, the EICAR test string always.

The EICAR search itself runs while the package streams (:mod:`sd.archive.core.packages.probe`);
this module adds ClamAV (``clamdscan`` preferred, else ``clamscan``) over the stored copies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

#: how long a look-up of the scanner on PATH is trusted (seconds)
LOOKUP_SECONDS = 60.0
_looked_up: tuple[float, str, str | None] | None = None  # (when, PATH, command)


def clamav_command() -> str | None:
    """The ClamAV scanner on PATH, or None (是否安装杀毒软件).

    Every package asks; walking PATH twice cost about a millisecond each time, so the
    answer is kept for a minute (and asked again at once when PATH changes): ClamAV
    installed or removed while the server runs is noticed within that minute."""
    global _looked_up
    path, now = os.environ.get("PATH", ""), time.monotonic()
    if _looked_up is not None and _looked_up[1] == path and now - _looked_up[0] < LOOKUP_SECONDS:
        return _looked_up[2]
    command = shutil.which("clamdscan") or shutil.which("clamscan")
    _looked_up = (now, path, command)
    return command


def clamav_scan(locations: list[str], timeout: int = 600) -> dict[str, str]:
    """Scan stored files with ClamAV; returns {location: signature} for infected files.

    Raises RuntimeError when ClamAV is missing or fails (exit status 2).
    """
    command = clamav_command()
    if command is None:
        raise RuntimeError("ClamAV is not installed")
    if not locations:
        return {}
    args = [command, "--no-summary", "--infected"]
    if command.endswith("clamdscan"):
        args.append("--fdpass")
    done = subprocess.run(
        [*args, *locations], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ClamAV failed: {done.stderr.strip() or done.stdout.strip()}")
    found = {}
    for line in done.stdout.splitlines():
        if line.endswith(" FOUND") and ": " in line:
            path, signature = line[: -len(" FOUND")].rsplit(": ", 1)
            found[path] = signature
    return found
