"""Where incoming transfer packages wait (移交包暂存): ``<var>/transfer/<batch id>/``.

The var directory is ``$SD_ARCHIVE_VAR`` (set by the instance's zope.conf), else a temporary
directory of the process (tests). A batch's directory holds ``package.zip`` until the batch is
finished (accepted or returned); a crash leaves it there so that the batch can resume.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

PACKAGE_NAME = "package.zip"
_guard = threading.Lock()
_tmp_root: list[str] = []


def root() -> Path:
    var = os.environ.get("SD_ARCHIVE_VAR")
    if var:
        path = Path(var) / "transfer"
    else:
        with _guard:
            if not _tmp_root:
                _tmp_root.append(tempfile.mkdtemp(prefix="sd-archive-transfer-"))
        path = Path(_tmp_root[0])
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def new_area() -> Path:
    """A fresh directory for a package being received (before its batch exists)."""
    return Path(tempfile.mkdtemp(prefix="in-", dir=root()))


def batch_area(token: str) -> Path:
    path = root() / token
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def package_path(token: str) -> Path:
    return root() / token / PACKAGE_NAME


def adopt(area: Path, token: str) -> Path:
    """Move a spooled package into its batch's directory; returns the package path."""
    target = batch_area(token) / PACKAGE_NAME
    os.replace(area / PACKAGE_NAME, target)
    shutil.rmtree(area, ignore_errors=True)
    return target


def set_aside(token: str, round_no: int) -> Path:
    """Keep the package of an earlier round as ``package-r<n>.zip`` before its correction
    takes the place of ``package.zip`` (重新移交: both stay until the batch is accepted)."""
    target = root() / token / f"package-r{round_no}.zip"
    os.replace(package_path(token), target)
    return target


def all_packages(token: str) -> list[Path]:
    """Every package of the batch: earlier rounds first, the current one last."""
    folder = root() / token
    earlier = sorted(folder.glob("package-r*.zip"), key=lambda p: int(p.stem.split("-r")[1]))
    return [*earlier, *([package_path(token)] if package_path(token).exists() else [])]


def discard(token: str) -> None:
    shutil.rmtree(root() / token, ignore_errors=True)
