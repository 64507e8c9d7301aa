"""Fixity checks over a storage location (固定性检测 / 完整性巡检).

Each AIP copy is hashed (SM3) and compared with the digest the ledger holds for it, looked up
through an injected callable. Hashing runs on a pool (threads by default: OpenSSL releases
the GIL; processes on request). A run is resumable: every finished item is appended to
``<runs_dir>/<run_id>/done.jsonl``; running again with the same ``run_id`` skips those.
The final result is ``result.json`` (passed / failed / missing / unknown with paths).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sys
import time
from collections.abc import Callable
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

from .atomic import atomic_writer
from .hashing import sm3_stream
from .storage import StorageLocation
from .storage import aip_path
from .storage import list_aips

PASSED, FAILED, MISSING, UNKNOWN, ERROR = "passed", "failed", "missing", "unknown", "error"

# expected(relpath) -> SM3 hex the ledger holds for that AIP version, or None if unknown
ExpectedDigest = Callable[[str], "str | None"]


@dataclass
class FixityItem:
    """The check of one copy (一份副本的检测结果)."""

    relpath: str
    status: str
    path: str
    expected: str | None = None
    actual: str | None = None
    size: int = 0
    error: str = ""


@dataclass
class FixityProgress:
    done: int
    total: int
    bytes: int
    elapsed: float
    item: FixityItem


@dataclass
class FixityRun:
    """The result of one run (一次检测任务): lists of relative paths per outcome."""

    run_id: str
    location_id: str
    started: str
    finished: str = ""
    complete: bool = False
    total: int = 0
    bytes: int = 0
    seconds: float = 0.0
    passed: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.complete and not (self.failed or self.missing or self.errors)

    def as_dict(self) -> dict:
        return asdict(self)


def hash_file(path: str) -> tuple[str | None, int, str]:
    """(SM3 hex, size, error) of one file; runs in worker threads or processes."""
    try:
        with open(path, "rb", buffering=0) as f:
            digest, size = sm3_stream(f)
        return digest, size, ""
    except FileNotFoundError:
        return None, 0, "missing"
    except OSError as exc:
        return None, 0, f"{type(exc).__name__}: {exc}"


def hash_files(paths: list[str]) -> list[tuple[str | None, int, str]]:
    """:func:`hash_file` of each path: one task of a worker process for several small files
    (one round trip to the process instead of one per file)."""
    return [hash_file(path) for path in paths]


BATCH_BYTES = 32 << 20  # a worker process's task: small files up to this many bytes together
BATCH_FILES = 64


def _tasks(location, relpaths, processes: bool):
    """``[(relpath, path), …]`` per task: one file each for threads (no round trip to save),
    small files grouped up to ``BATCH_BYTES`` / ``BATCH_FILES`` for worker processes."""
    batch, size = [], 0
    for relpath in relpaths:
        path = str(aip_path(location, relpath))
        if not processes:
            yield [(relpath, path)]
            continue
        with contextlib.suppress(OSError):  # the worker reports it (missing, unreadable)
            size += os.stat(path).st_size
        batch.append((relpath, path))
        if size >= BATCH_BYTES or len(batch) >= BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def new_run_id(location: StorageLocation) -> str:
    return f"fixity-{location.id}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"


def _inventory(location, inventory, sample, seed) -> list[str]:
    items = {ref.relpath for ref in list_aips(location)}
    if inventory is not None:
        items.update(inventory)
    ordered = sorted(items)
    if sample is not None and sample < 1:
        rng = random.Random(seed)
        k = max(1, round(len(ordered) * sample)) if ordered else 0
        ordered = sorted(rng.sample(ordered, k))
    return ordered


def _load_done(done_file: Path) -> dict[str, FixityItem]:
    done: dict[str, FixityItem] = {}
    if done_file.exists():
        with open(done_file, encoding="utf-8") as f:
            for line in f:
                try:
                    item = FixityItem(**json.loads(line))
                except (ValueError, TypeError):
                    continue  # a torn last line after a crash: that item is done again
                done[item.relpath] = item
    return done


def _classify(relpath, path, expected_digest, digest, size, error) -> FixityItem:
    if error == "missing":
        return FixityItem(relpath, MISSING, path, expected_digest)
    if error:
        return FixityItem(relpath, ERROR, path, expected_digest, error=error)
    if expected_digest is None:
        return FixityItem(relpath, UNKNOWN, path, None, digest, size)
    status = PASSED if digest == expected_digest.lower() else FAILED
    return FixityItem(relpath, status, path, expected_digest.lower(), digest, size)


def _tally(run: FixityRun, relpath: str, item: FixityItem) -> None:
    """Count ``item`` into ``run``: its bytes, and its relpath under its status."""
    run.bytes += item.size
    if item.status == PASSED:
        run.passed.append(relpath)
    elif item.status == FAILED:
        run.failed.append(
            {
                "relpath": relpath,
                "path": item.path,
                "expected": item.expected,
                "actual": item.actual,
            }
        )
    elif item.status == MISSING:
        run.missing.append(relpath)
    elif item.status == UNKNOWN:
        run.unknown.append(relpath)
    else:
        run.errors.append({"relpath": relpath, "path": item.path, "error": item.error})


def run_fixity(
    location: StorageLocation,
    expected: ExpectedDigest,
    runs_dir: str | os.PathLike,
    *,
    run_id: str | None = None,
    inventory: Iterable[str] | None = None,
    workers: int | None = None,
    use_processes: bool = False,
    progress: Callable[[FixityProgress], None] | None = None,
    sample: float | None = None,
    seed: int | str | None = None,
) -> FixityRun:
    """Check every AIP copy at ``location`` (plus ``inventory``: relpaths that must exist).

    ``progress`` is called in this thread after each item; an exception it raises stops
    the run (the items recorded so far stay done) and propagates. ``sample`` (0–1) checks a
    reproducible random sample (``seed``). Call again with the same ``run_id`` to resume.
    """
    run_id = run_id or new_run_id(location)
    run_dir = Path(runs_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    state_file, done_file = run_dir / "state.json", run_dir / "done.jsonl"
    if state_file.exists():
        state = json.loads(state_file.read_text("utf-8"))
        items = state["items"]
    else:
        items = _inventory(location, inventory, sample, seed)
        state = {
            "run_id": run_id,
            "location_id": location.id,
            "location_path": str(location.path),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "items": items,
        }
        with atomic_writer(state_file) as f:
            f.write(json.dumps(state, ensure_ascii=False).encode("utf-8"))
    done = _load_done(done_file)
    todo = [r for r in items if r not in done]
    total = len(items)
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    nbytes = 0
    pool_cls = ProcessPoolExecutor if use_processes else ThreadPoolExecutor
    with open(done_file, "a", encoding="utf-8") as log, pool_cls(max_workers=workers) as pool:
        pending: dict = {}
        queue = _tasks(location, todo, use_processes)
        try:
            while True:
                while len(pending) < workers * 4:
                    task = next(queue, None)
                    if task is None:
                        break
                    paths = [path for _relpath, path in task]
                    pending[pool.submit(hash_files, paths)] = task
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    task = pending.pop(fut)
                    for (relpath, path), (digest, size, error) in zip(
                        task, fut.result(), strict=True
                    ):
                        item = _classify(relpath, path, expected(relpath), digest, size, error)
                        log.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
                        done[relpath] = item
                        nbytes += item.size
                        if progress is not None:
                            log.flush()
                            progress(
                                FixityProgress(
                                    len(done), total, nbytes, time.perf_counter() - started, item
                                )
                            )
        finally:
            for fut in pending:
                fut.cancel()
            log.flush()
            os.fsync(log.fileno())
    run = FixityRun(run_id, location.id, state["started"], total=total)
    for relpath in items:
        _tally(run, relpath, done[relpath])
    run.finished = datetime.now(UTC).isoformat(timespec="seconds")
    run.complete = True
    run.seconds = time.perf_counter() - started
    with atomic_writer(run_dir / "result.json") as f:
        f.write(json.dumps(run.as_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return run


def load_run(runs_dir: str | os.PathLike, run_id: str) -> FixityRun | None:
    """The stored result of a finished run, or None while it is unfinished."""
    path = Path(runs_dir) / run_id / "result.json"
    if not path.exists():
        return None
    return FixityRun(**json.loads(path.read_text("utf-8")))


def unfinished_runs(runs_dir: str | os.PathLike) -> list[str]:
    """Run ids that were started but have no result yet (to resume)."""
    root = Path(runs_dir)
    if not root.is_dir():
        return []
    return sorted(
        p.name
        for p in root.iterdir()
        if (p / "state.json").exists() and not (p / "result.json").exists()
    )


class TextProgress:
    """A text progress bar for the command line (进度条)."""

    def __init__(self, stream=None, width: int = 40):
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, p: FixityProgress) -> None:
        frac = p.done / p.total if p.total else 1.0
        filled = int(frac * self.width)
        rate = p.bytes / p.elapsed / 1e6 if p.elapsed > 0 else 0.0
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {frac:6.1%} "
            f"{p.done}/{p.total} {rate:7.1f} MB/s"
        )
        if p.done >= p.total:
            self.stream.write("\n")
        self.stream.flush()


def read_manifest(path: str | os.PathLike) -> dict[str, str]:
    """``<hex>  <relative path>`` lines (manifest-sm3.txt) → {path: hex}."""
    result = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                digest, _, rel = line.partition("  ")
                result[rel] = digest.lower()
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m sd.archive.core.preservation.fixity ROOT MANIFEST RUNS_DIR [--run-id ID]``."""
    import argparse

    parser = argparse.ArgumentParser(
        description="Fixity check of an AIP storage location (固定性检测)"
    )
    parser.add_argument("root")
    parser.add_argument("manifest", help="manifest-sm3.txt with the expected digests")
    parser.add_argument("runs_dir")
    parser.add_argument("--run-id")
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    expected = read_manifest(args.manifest)
    run = run_fixity(
        StorageLocation("cli", args.root),
        expected.get,
        args.runs_dir,
        run_id=args.run_id,
        inventory=expected,
        workers=args.workers,
        progress=TextProgress(),
    )
    print(
        json.dumps(
            {k: (len(v) if isinstance(v, list) else v) for k, v in run.as_dict().items()},
            ensure_ascii=False,
        )
    )
    return 0 if run.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
