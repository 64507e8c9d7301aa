"""Virus scanning (病毒检测): ClamAV when installed, the EICAR test string always.

The EICAR search itself runs while the package streams (:mod:`sd.archive.core.packages.probe`);
this module adds ClamAV (``clamdscan`` preferred, else ``clamscan``) over the stored copies.
"""

from __future__ import annotations

import shutil
import subprocess


def clamav_command() -> str | None:
    """The ClamAV scanner on PATH, or None (是否安装杀毒软件)."""
    return shutil.which("clamdscan") or shutil.which("clamscan")


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
    done = subprocess.run([*args, *locations], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ClamAV failed: {done.stderr.strip() or done.stdout.strip()}")
    found = {}
    for line in done.stdout.splitlines():
        if line.endswith(" FOUND") and ": " in line:
            path, signature = line[: -len(" FOUND")].rsplit(": ", 1)
            found[path] = signature
    return found
