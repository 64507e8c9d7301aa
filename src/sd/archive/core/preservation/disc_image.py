"""ISO images of planned discs and their read-back verification (光盘镜像与回读校验).

ISO 9660 level 3 with generated 8.3-style names, plus Joliet and UDF 2.60 with the real
(Chinese) names; readers use the UDF or Joliet tree. Read-back re-hashes every file against
the disc's own manifest-sm3.txt. An image holding AIPs of destroyed records is rebuilt
without them (:func:`rebuild_iso`, streaming the kept AIPs from the old image).
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
from .discs import DiscFile
from .discs import DiscPlan
from .discs import label_text
from .discs import manifest_text
from .discs import parse_label
from .discs import rebuilt_plan
from .hashing import new_sm3
from .hashing import sm3_file
from .storage import parse_relpath

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


def _names_fit(disc: DiscPlan) -> None:
    problems = [
        Problem("DISC-NAME", f"name longer than {JOLIET_MAX} characters", f.relpath)
        for f in disc.files
        for seg in f.relpath.split("/")
        if len(seg) > JOLIET_MAX
    ]
    if problems:
        raise ArchiveError("names do not fit on a disc", problems, 422, "DiscError")


def _new_image(disc: DiscPlan, label: str, manifest: str):
    """A pycdlib image of ``disc`` with its 说明文件 and manifest; ``add(f, fp, size)`` puts
    one AIP in (ISO 9660 8.3 names, the real path in Joliet and UDF)."""
    iso = pycdlib.PyCdlib()
    iso.new(
        interchange_level=3,
        joliet=3,
        udf="2.60",
        vol_ident=_volume_id(disc.carrier_id),
        app_ident_str="sd.archive",
    )
    dirs: dict[str, str] = {"": ""}
    count = [0]

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

    def add(f, fp, size: int) -> None:
        parent, _, _ = f.relpath.rpartition("/")
        iso_dir = ensure_dir(parent)
        count[0] += 1
        iso_path = f"{iso_dir}/F{count[0]:06d}.EEP;1"
        kw = {"joliet_path": "/" + f.relpath, "udf_path": "/" + f.relpath}
        if isinstance(fp, str):
            iso.add_file(fp, iso_path, **kw)
        else:
            iso.add_fp(fp, size, iso_path, **kw)

    return iso, add


def _write_atomically(iso, iso_path: str | os.PathLike) -> Path:
    """Write the image to a temp file next to ``iso_path``, fsync it, rename it in place."""
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
    return target


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
    _names_fit(disc)
    label = label_text(disc, unit=unit, made=made)
    iso, add = _new_image(disc, label, manifest_text(disc, label))
    root = Path(source_root)
    problems = []
    for f in disc.files:
        src = root.joinpath(*f.relpath.split("/"))
        digest = sm3_file(src)
        if digest != f.sm3:
            problems.append(
                Problem("DISC-DIGEST", f"SM3 {digest} differs from the plan", f.relpath)
            )
            continue
        add(f, str(src), 0)
    if problems:
        iso.close()
        raise ArchiveError("source AIPs do not match the plan", problems, 409, "DiscError")
    return sm3_file(_write_atomically(iso, iso_path))


def read_disc(iso_path: str | os.PathLike) -> DiscPlan:
    """What an image holds (光盘镜像内容): its carrier id, batch, set, type and capacity from
    the 说明文件, every AIP from the manifest with its SM3 and its size on the image."""
    iso = pycdlib.PyCdlib()
    iso.open(str(iso_path))
    try:
        texts = {}
        for name in (LABEL_NAME, MANIFEST_NAME):
            buf = io.BytesIO()
            iso.get_file_from_iso_fp(buf, udf_path="/" + name)
            texts[name] = buf.getvalue().decode("utf-8")
        label = parse_label(texts[LABEL_NAME])
        files = []
        for rel, digest in _parse_manifest(texts[MANIFEST_NAME]).items():
            if rel == LABEL_NAME:
                continue
            with iso.open_file_from_iso(udf_path="/" + rel) as fh:
                size = fh.seek(0, 2)
            ref = parse_relpath(rel)
            fonds, year, code = (ref.fonds, ref.year, ref.archival_code) if ref else ("", "", rel)
            files.append(DiscFile(rel, size, digest, fonds, year, code))
    finally:
        iso.close()
    carrier = label.get("载体编号", "") or Path(iso_path).stem
    seq = re.search(r"-(\d+)(?:-R\d+)?$", carrier)
    capacity = re.match(r"\d+", label.get("容量", ""))
    disc = DiscPlan(
        carrier,
        label.get("批次", ""),
        label.get("套别", ""),
        label.get("载体类型", ""),
        int(capacity.group()) if capacity else 0,
        int(seq.group(1)) if seq else 0,
        files,
    )
    disc.used = rebuilt_plan(disc, (), carrier).used
    return disc


def rebuild_iso(
    old_iso: str | os.PathLike,
    new_iso: str | os.PathLike,
    *,
    drop,
    carrier_id: str,
    unit: str,
    note: str = "",
    made: datetime | None = None,
) -> tuple[DiscPlan, str]:
    """Write the image of ``old_iso`` without the ``drop`` AIPs as ``new_iso`` (光盘镜像重制):
    the kept AIPs are copied from the old image, a new 说明文件 (carrier ``carrier_id``,
    ``note`` saying why) and manifest are written, the image goes to a temp file, is read
    back against its manifest (every kept AIP's SM3 is the old manifest's) and only then
    renamed in place. The old image is left alone. Returns the new plan and the image's SM3.
    """
    old = read_disc(old_iso)
    disc = rebuilt_plan(old, drop, carrier_id)
    _names_fit(disc)
    label = label_text(disc, unit=unit, made=made, note=note)
    iso, add = _new_image(disc, label, manifest_text(disc, label))
    source = pycdlib.PyCdlib()
    source.open(str(old_iso))
    opened = []
    target = Path(new_iso)
    tmp = target.with_name(TEMP_PREFIX + target.name)
    try:
        for f in disc.files:
            ctx = source.open_file_from_iso(udf_path="/" + f.relpath)
            opened.append(ctx)
            add(f, ctx.__enter__(), f.size)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            iso.write(str(tmp))
        finally:
            iso.close()
    finally:
        for ctx in opened:
            ctx.__exit__(None, None, None)
        source.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    report = verify_iso(tmp, carrier_id)
    if not report.ok:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(
            "the rebuilt image failed its read-back",
            [Problem("DISC-READBACK", "mismatch", r) for r in report.mismatched + report.missing],
            500,
            "DiscError",
        )
    os.replace(tmp, target)
    return disc, sm3_file(target)


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
