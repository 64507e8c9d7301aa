"""ISO images of planned discs and their read-back verification (光盘镜像与回读校验).

ISO 9660 level 3 with generated 8.3-style names, plus Joliet and UDF 2.60 with the real
(Chinese) names; readers use the UDF or Joliet tree. Read-back re-hashes every file against
the disc's own manifest-sm3.txt.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path

import pycdlib

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

from .atomic import TEMP_PREFIX
from .discs import LABEL_NAME
from .discs import MANIFEST_NAME
from .discs import DiscPlan
from .discs import label_text
from .discs import manifest_text
from .hashing import new_sm3
from .hashing import sm3_file

JOLIET_MAX = 64


@dataclass
class ReadBackReport:
    """Result of reading a disc back (回读校验)."""

    carrier: str
    checked: int = 0
    passed: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.passed) and not (self.mismatched or self.missing or self.extra)


def _volume_id(carrier_id: str) -> str:
    return (re.sub(r"[^A-Z0-9_]", "_", carrier_id.upper()) or "AIP")[:32]


def build_iso(
    disc: DiscPlan,
    source_root: str | os.PathLike,
    iso_path: str | os.PathLike,
    *,
    unit: str,
    made: datetime | None = None,
) -> str:
    """Write the ISO image of ``disc`` (files read from ``source_root``); return its SM3.

    Every AIP is checked against its planned SM3 while the image is written; the image goes
    to a temp file and is renamed only when complete.
    """
    label = label_text(disc, unit=unit, made=made)
    manifest = manifest_text(disc, label)
    problems = []
    for f in disc.files:
        for seg in f.relpath.split("/"):
            if len(seg) > JOLIET_MAX:
                problems.append(
                    Problem("DISC-NAME", f"name longer than {JOLIET_MAX} characters", f.relpath)
                )
    if problems:
        raise ArchiveError("names do not fit on a disc", problems, 422, "DiscError")
    iso = pycdlib.PyCdlib()
    iso.new(
        interchange_level=3,
        joliet=3,
        udf="2.60",
        vol_ident=_volume_id(disc.carrier_id),
        app_ident_str="sd.archive",
    )
    dirs: dict[str, str] = {"": ""}
    files_added = 0

    def ensure_dir(rel: str) -> str:
        if rel in dirs:
            return dirs[rel]
        parent, _, _ = rel.rpartition("/")
        iso_parent = ensure_dir(parent)
        iso_dir = f"{iso_parent}/D{len(dirs):06d}"
        iso.add_directory(iso_dir, joliet_path="/" + rel, udf_path="/" + rel)
        dirs[rel] = iso_dir
        return iso_dir

    for text, name, iso_name in (
        (label, LABEL_NAME, "README.TXT"),
        (manifest, MANIFEST_NAME, "MANIFEST.TXT"),
    ):
        data = text.encode("utf-8")
        iso.add_fp(
            io.BytesIO(data),
            len(data),
            f"/{iso_name};1",
            joliet_path="/" + name,
            udf_path="/" + name,
        )
    root = Path(source_root)
    for f in disc.files:
        parent, _, _ = f.relpath.rpartition("/")
        iso_dir = ensure_dir(parent)
        files_added += 1
        src = root.joinpath(*f.relpath.split("/"))
        digest = sm3_file(src)
        if digest != f.sm3:
            problems.append(
                Problem("DISC-DIGEST", f"SM3 {digest} differs from the plan", f.relpath)
            )
            continue
        iso.add_file(
            str(src),
            f"{iso_dir}/F{files_added:06d}.EEP;1",
            joliet_path="/" + f.relpath,
            udf_path="/" + f.relpath,
        )
    if problems:
        iso.close()
        raise ArchiveError("source AIPs do not match the plan", problems, 409, "DiscError")
    target = Path(iso_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(TEMP_PREFIX + target.name)
    try:
        iso.write(str(tmp))
    finally:
        iso.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return sm3_file(target)


def _parse_manifest(text: str) -> dict[str, str]:
    result = {}
    for line in text.splitlines():
        if line:
            digest, _, rel = line.partition("  ")
            result[rel] = digest.lower()
    return result


def verify_iso(iso_path: str | os.PathLike, carrier: str = "") -> ReadBackReport:
    """Re-hash every file of an ISO image (UDF tree) against its manifest-sm3.txt."""
    report = ReadBackReport(carrier or Path(iso_path).name)
    iso = pycdlib.PyCdlib()
    iso.open(str(iso_path))
    try:
        buf = io.BytesIO()
        try:
            iso.get_file_from_iso_fp(buf, udf_path="/" + MANIFEST_NAME)
        except pycdlib.pycdlibexception.PyCdlibInvalidInput:
            report.missing.append(MANIFEST_NAME)
            return report
        expected = _parse_manifest(buf.getvalue().decode("utf-8"))
        present = set()
        for root, _dirs, files in iso.walk(udf_path="/"):
            for name in files:
                present.add(f"{root.rstrip('/')}/{name}".lstrip("/"))
        present.discard(MANIFEST_NAME)
        for rel, digest in expected.items():
            if rel not in present:
                report.missing.append(rel)
                continue
            h = new_sm3()
            with iso.open_file_from_iso(udf_path="/" + rel) as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
            report.checked += 1
            (report.passed if h.hexdigest() == digest else report.mismatched).append(rel)
        report.extra = sorted(present - set(expected))
    finally:
        iso.close()
    return report


def verify_directory(root: str | os.PathLike, carrier: str = "") -> ReadBackReport:
    """Read back a mounted disc (or an extracted copy) against its manifest-sm3.txt."""
    root = Path(root)
    report = ReadBackReport(carrier or root.name)
    manifest = root / MANIFEST_NAME
    if not manifest.exists():
        report.missing.append(MANIFEST_NAME)
        return report
    expected = _parse_manifest(manifest.read_text("utf-8"))
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    present.discard(MANIFEST_NAME)
    for rel, digest in expected.items():
        path = root.joinpath(*rel.split("/"))
        if rel not in present:
            report.missing.append(rel)
            continue
        report.checked += 1
        (report.passed if sm3_file(path) == digest else report.mismatched).append(rel)
    report.extra = sorted(present - set(expected))
    return report
