"""Trained models kept as files, one version per training run (模型文件与版本).

Layout under the store's root (on a site: ``$SD_ARCHIVE_VAR/mining/<site>/``)::

    <fonds>/v000003/model.joblib     the model (joblib)
    <fonds>/v000003/manifest.json    version, SHA-256 of model.joblib, when, what it learned
    <fonds>/CURRENT                  "v000003": the version in use

A training run writes into a hidden directory (``.tmp-…``) and renames it into place only when
both files are complete, then swaps ``CURRENT`` atomically (``os.replace``). So a run that is
interrupted (process killed, disk full, an exception) leaves the previous model in use, and its
leftovers are removed by the next run.

Loading checks the file against the digest in its manifest before unpickling it, and any
failure — missing, truncated, altered, unreadable, another format — falls back to the previous
version, then to none (:class:`Loaded` says which and why): a broken model file never becomes
an error for the person asking. (The digest guards against damage, not against someone who can
write the var directory: that person can already change the site.) Loaded models are kept in
memory per file (path, size, mtime), so a suggestion does not read the file again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

MODEL_FILE = "model.joblib"
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
KEEP = 3
_cache: dict[tuple, object] = {}
_cache_lock = threading.Lock()


@dataclass
class Loaded:
    """The outcome of :meth:`ModelStore.load`: the model (or None), its version, and the
    versions that could not be read, with why (``failures``)."""

    model: object = None
    version: str = ""
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fell_back(self) -> bool:
        return bool(self.model is not None and self.failures)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _safe(name: str) -> str:
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in "-_")
    if not cleaned:
        raise ValueError(f"not a usable name: {name!r}")
    return cleaned


class ModelStore:
    """Versioned model files of one site (模型库), one folder per fonds and kind."""

    def __init__(self, root: Path | str, kind: str = "arrangement"):
        self.root = Path(root)
        self.kind = _safe(kind)

    def folder(self, fonds_code: str) -> Path:
        return self.root / _safe(fonds_code) / self.kind

    def versions(self, fonds_code: str) -> list[str]:
        """Complete versions, newest first."""
        folder = self.folder(fonds_code)
        if not folder.is_dir():
            return []
        found = [
            p.name
            for p in folder.iterdir()
            if p.is_dir() and p.name.startswith("v") and p.name[1:].isdigit()
        ]
        return sorted(found, reverse=True)

    def current(self, fonds_code: str) -> str:
        try:
            name = (self.folder(fonds_code) / CURRENT).read_text("utf-8").strip()
        except OSError:
            return ""
        return name if name.startswith("v") and name[1:].isdigit() else ""

    def manifest(self, fonds_code: str, version: str = "") -> dict:
        version = version or self.current(fonds_code)
        if not version:
            return {}
        try:
            return json.loads((self.folder(fonds_code) / version / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    # -- writing --------------------------------------------------------------------------

    def save(self, fonds_code: str, model, info: dict | None = None) -> str:
        """Store ``model`` as the next version and make it current; returns the version."""
        import joblib

        folder = self.folder(fonds_code)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for leftover in folder.glob(".tmp-*"):  # an interrupted run before this one
            shutil.rmtree(leftover, ignore_errors=True)
        existing = self.versions(fonds_code)
        number = int(existing[0][1:]) + 1 if existing else 1
        version = f"v{number:06d}"
        if hasattr(model, "version"):
            model.version = version  # the name it was saved as (a clash below renames only)
        work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
        joblib.dump(model, work / MODEL_FILE, compress=3)
        manifest = {
            "version": version,
            "fonds": fonds_code,
            "kind": self.kind,
            "sha256": _sha256(work / MODEL_FILE),
            "bytes": (work / MODEL_FILE).stat().st_size,
            **(info or {}),
        }
        for _attempt in range(5):  # another process may have taken the number meanwhile
            version = manifest["version"] = f"v{number:06d}"
            (work / MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
            )
            try:
                os.rename(work, folder / version)  # fails when the version exists
                break
            except OSError:
                number += 1
        else:
            shutil.rmtree(work, ignore_errors=True)
            raise FileExistsError(f"no free version number after v{number:06d}")
        pointer = folder / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
        pointer.write_text(version, "utf-8")
        os.replace(pointer, folder / CURRENT)
        for old in self.versions(fonds_code)[KEEP:]:
            shutil.rmtree(folder / old, ignore_errors=True)
        return version

    # -- reading --------------------------------------------------------------------------

    def _read(self, fonds_code: str, version: str):
        path = self.folder(fonds_code) / version / MODEL_FILE
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        manifest = self.manifest(fonds_code, version)
        if not manifest.get("sha256"):
            raise ValueError("manifest missing or unreadable")
        if _sha256(path) != manifest["sha256"]:
            raise ValueError("model file differs from its manifest (damaged)")
        import joblib

        model = joblib.load(path)
        if getattr(model, "fonds_code", fonds_code) != fonds_code:
            raise ValueError("model of another fonds")
        with _cache_lock:
            for old in [k for k in _cache if k[0] == key[0]]:
                del _cache[old]
            _cache[key] = model
        return model

    def load(self, fonds_code: str) -> Loaded:
        """The current model, else the newest older one that reads; never raises."""
        loaded = Loaded()
        current = self.current(fonds_code)
        order = self.versions(fonds_code)
        if current in order:
            order.remove(current)
            order.insert(0, current)
        for version in order:
            try:
                model = self._read(fonds_code, version)
            except Exception as error:  # noqa: BLE001 - any damage means: try the previous one
                loaded.failures.append((version, f"{type(error).__name__}: {error}"[:300]))
                continue
            if hasattr(model, "version"):
                model.version = version
            loaded.model, loaded.version = model, version
            return loaded
        return loaded


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
