"""The preservation stage's file work (长期保存阶段四性检测的文件部分), pure Python.

One record at a time: every AIP version is measured in every online copy (the same hashing as a
fixity run), each content file is described from its head and tail and opened by the format's
reader (readability), and the ``preservation`` items of the catalogue are run on the result.
Nothing here touches the database: the Plone side (``sd.archive.preservation.checks``) gathers
:class:`RecordFacts` in a transaction, hands them to :func:`check_many` and stores the reports.

Why a process pool (进程池): hashing releases the GIL but the PDF/OFD structure readers are pure
Python and hold it; with small files the structure read is a large share of the work, so
threads left a core idle while two workers read structures (0.70–0.76 of a fixity run's rate).
Worker processes load the detection catalogue once each and take records in chunks.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.detection.subjects import PreservationSubject
from sd.archive.core.detection.subjects import stored_file
from sd.archive.core.preservation.fixity import hash_file
from sd.archive.core.preservation.storage import aip_path

STAGE = "preservation"
MISSING_FILE = "文件缺失，无法读取 / stored file is missing"


@dataclass
class RecordFacts:
    """What a run needs of one record, read in the transaction (plain data only)."""

    uid: str
    code: str
    files: dict[str, tuple[str, str, int]]  # path → (blob file, SM3, size)
    expected: dict[str, str]  # AIP relpath → the ledger's SM3 (or "" when not in the ledger)
    missing_files: list[str] = field(default_factory=list)


def measure_copies(facts: RecordFacts, locations) -> dict[str, dict[str, str]]:
    """{location id: {relpath: SM3}} of every copy found (a missing copy is left out)."""
    copies: dict[str, dict[str, str]] = {}
    for location in locations:
        held = copies.setdefault(location.id, {})
        for relpath in facts.expected:
            digest, _size, _error = hash_file(str(aip_path(location, relpath)))
            if digest is not None:
                held[relpath] = digest
    return copies


def check_facts(facts: RecordFacts, locations, context: DetectionContext, catalogue=None) -> dict:
    """The preservation report of one record (file work only)."""
    files, missing = {}, list(facts.missing_files)
    for path, (location, sm3, size) in facts.files.items():
        try:
            files[path] = stored_file(path, location, sm3, size)
        except OSError:
            missing.append(path)
    subject = PreservationSubject(
        facts.code, files, measure_copies(facts, locations), facts.expected
    )
    data = run_detection(STAGE, subject, catalogue or _catalogue(), context).as_dict()
    for path in missing:  # a content file gone from the store fails readability (BC-3-1)
        data["items"].append(
            {
                "code": "BC-3-1",
                "property": "usability",
                "object": path,
                "result": "failed",
                "message": MISSING_FILE,
            }
        )
        data["result"] = "failed"
    return data


_CATALOGUE = None


def _catalogue():
    """The detection catalogue, loaded once per process (每个进程加载一次)."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = load_catalogue()
    return _CATALOGUE


def _check_chunk(chunk: list[RecordFacts], locations, context: DetectionContext) -> list[dict]:
    return [check_facts(facts, locations, context) for facts in chunk]


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def check_many(
    facts: Iterable[RecordFacts],
    locations,
    context: DetectionContext,
    *,
    workers: int | None = None,
    processes: bool = True,
    chunk: int = 16,
) -> Iterator[tuple[RecordFacts, dict]]:
    """Yield ``(facts, report)`` for every record, in order, checked by ``workers`` worker
    processes (``processes=False``: threads, e.g. for a handful of records). Worker processes
    are started fresh (``spawn``: nothing of the calling server's threads or locks is
    inherited) and import only this pure core."""
    facts = list(facts)
    workers = workers or os.cpu_count() or 1
    if not facts:
        return
    if len(facts) <= chunk or workers == 1 or not processes:
        catalogue = _catalogue()
        with ThreadPoolExecutor(max_workers=2 * workers) as pool:
            yield from zip(
                facts,
                pool.map(lambda f: check_facts(f, locations, context, catalogue), facts),
                strict=True,
            )
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        chunks = list(_chunks(facts, chunk))
        futures = [pool.submit(_check_chunk, c, locations, context) for c in chunks]
        for part, future in zip(chunks, futures, strict=True):
            yield from zip(part, future.result(), strict=True)
