"""Work on the next queued records that needs no transaction (预先处理), for the
after-archiving worker (``postprocess``): their text extracted on helper threads
(:class:`TextAhead`) and their PDF originals sealed in a process (:class:`SealAhead`), also
while the worker gives way to intake. Nothing here is durable: the worker uses a result only
when it was made from the same input, else it does the work itself."""

from __future__ import annotations

import os
import threading

from sd.archive import logger
from sd.archive.text import queue as text_queue

from . import queues
from . import store


def unseen(seen: dict, uids, depth: int):
    """The ``uids`` not looked at yet, each noted in ``seen`` (ordered; the oldest forgotten
    past ``8 * depth``, so that a record queued again is looked at again)."""
    for uid in uids:
        if uid in seen:
            continue
        seen[uid] = None
        if len(seen) > 8 * depth:
            seen.pop(next(iter(seen)))
        yield uid


class TextAhead:
    """The text of the next queued records, extracted ahead on helper threads (预先提取文本).

    Text extraction runs external tools (pdftotext, OCR) on the components' blob files: work
    outside the interpreter that needs nothing of the database but the file paths. The worker
    looks up the next records of the queue (in its own thread and connection) and hands the
    paths of their originals to a small thread pool, also while it gives way to intake, so the
    tools run on the other core meanwhile; when the worker then takes the record,
    ``extractor`` answers from the finished result (the same :func:`extract` of the same file,
    so the result is the one the record would get anyway). Nothing here is durable: a result
    not used (a record changed or gone, a restart) is dropped and the text is extracted then.
    """

    def __init__(self, threads: int = 2, depth: int = 128, extract=None):
        self.threads = threads
        self.depth = depth
        self._extract = extract
        self._pool = None
        self._lock = threading.Lock()
        self._futures: dict[tuple[str, str], object] = {}  # (path, name) → Future, in order
        self._seen: dict[str, None] = {}  # uids looked at (ordered, bounded)
        self.hits = self.misses = 0

    def _function(self):
        if self._extract is None:
            from sd.archive.core.text import extract

            self._extract = extract
        return self._extract

    def _submit(self, path: str, name: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            if (path, name) in self._futures:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="sd-text-ahead")
            self._futures[(path, name)] = self._pool.submit(self._function(), path, name)
            while len(self._futures) > 4 * self.depth:  # never used: drop the oldest
                self._futures.pop(next(iter(self._futures))).cancel()

    def fill(self, site=None) -> int:
        """Submit the originals of the next ``depth`` queued records not looked at yet."""
        from sd.archive.text import _entries

        from .package import blob_path
        from .package import components

        submitted = 0
        upcoming = queues.upcoming(queues.AFTER_ARCHIVING, site, self.depth)
        for uid in unseen(self._seen, upcoming, self.depth):
            if not text_queue.is_pending_uid(uid, site):
                continue
            record = store.record_by_uid(uid)
            if record is None:
                continue
            entries = _entries(record)
            for component in components(record):
                if getattr(component, "version_of", None) or component.UID() in entries:
                    continue
                try:
                    path = blob_path(component)
                except Exception as error:  # noqa: BLE001 - the worker meets it again
                    logger.debug("text of %s not extracted ahead: %s", uid, error)
                    continue
                self._submit(path, component.file.filename or component.getId())
                submitted += 1
        return submitted

    def extractor(self, path: str, name: str):
        """:func:`extract` of ``path``, from the result extracted ahead when there is one."""
        with self._lock:
            future = self._futures.pop((path, name), None)
        if future is not None and not future.cancelled():
            self.hits += 1
            return future.result()
        self.misses += 1
        return self._function()(path, name)


def _key_of(data: bytes, fields, key) -> tuple:
    from hashlib import sha256

    return (sha256(data).hexdigest(), repr(fields), sha256(key.key + key.cert).hexdigest())


class SealAhead:
    """The archiving seal (归档章) of the next queued records' PDF originals, drawn and signed
    ahead in worker processes (预先盖章).

    Stamping a PDF (reportlab draws the seal, pyHanko signs) is pure Python: in the worker
    thread it holds the interpreter lock against the requests. The worker reads the originals
    of the next records that wait for their seal (in its own thread and connection), and a
    ``spawn`` pool (``SD_ARCHIVE_SEAL_PROCESSES``, default 1) runs :func:`stamp_pdf` on
    another core, also while the worker gives way to intake. When the worker then seals the
    record, ``stamp`` answers from the result made from the same bytes, the same seal items and
    the same key (else it stamps here). Nothing here is durable: the sealed version is added
    by the worker in the record's transaction, as before."""

    def __init__(self, processes: int = 1, depth: int = 64):
        self.processes = processes
        self.depth = depth
        self._pool = None
        self._lock = threading.Lock()
        self._futures: dict[tuple, object] = {}
        self._seen: dict[str, None] = {}
        self.hits = self.misses = 0

    def _executor(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from sd.archive.core.preservation.writer_process import _exit_with_parent

        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    def fill(self, site=None) -> int:
        """Submit the PDF originals of the next ``depth`` records waiting for their seal."""
        from sd.archive.core.seals.archiving_seal import stamp_pdf
        from sd.archive.seals import settings
        from sd.archive.seals.archiving import originals
        from sd.archive.seals.archiving import seal_fields
        from sd.archive.seals.verification import component_bytes
        from sd.archive.seals.verification import component_format

        submitted = 0
        key = None
        upcoming = queues.upcoming(queues.AFTER_ARCHIVING, site, self.depth)
        for uid in unseen(self._seen, upcoming, self.depth):
            shard = queues.shard(queues.AFTER_ARCHIVING, uid, site)
            if shard is None or queues.SEAL not in shard.items.get(uid, ((), ()))[1]:
                continue
            record = store.record_by_uid(uid)
            if record is None:
                continue
            try:
                key = key or settings.load_key()
                fields = seal_fields(record)
                for original in originals(record):
                    data = component_bytes(original)
                    if component_format(original, data) != "PDF":
                        continue
                    with self._lock:
                        wanted = _key_of(data, fields, key)
                        if wanted not in self._futures:
                            self._futures[wanted] = self._executor().submit(
                                stamp_pdf, data, fields, key
                            )
                            submitted += 1
                        while len(self._futures) > 4 * self.depth:
                            self._futures.pop(next(iter(self._futures))).cancel()
            except Exception as error:  # noqa: BLE001 - the worker meets it again and says so
                logger.debug("seal of %s not made ahead: %s", uid, error)
        return submitted

    def stamp(self, data: bytes, fields, key) -> bytes:
        """:func:`stamp_pdf`, from the result made ahead when there is one."""
        from concurrent.futures.process import BrokenProcessPool

        from sd.archive.core.seals.archiving_seal import stamp_pdf

        with self._lock:
            future = self._futures.pop(_key_of(data, fields, key), None)
        if future is not None and not future.cancelled():
            try:
                sealed = future.result()
            except BrokenProcessPool:  # a killed seal process: stamp here, a new pool later
                with self._lock:
                    self._pool = None
            else:
                self.hits += 1
                return sealed
        self.misses += 1
        return stamp_pdf(data, fields, key)
