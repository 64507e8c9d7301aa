"""Writing AIPs in a separate process (封装包写入进程).

Building an EEP is byte work — base64 of every component, SM3 of the package, a signature,
a verified copy per location, fsyncs — that holds the interpreter lock for most of its time.
Run inside the Zope process it competes with every request; in a worker process it runs on
another core. :class:`AIPWriter` sends the AIP description (metadata, events, blob *paths*),
the locations and the policy to a process from a ``spawn`` pool (never a fork of a threaded
server), where the node key is loaded from its key file once per process; the result is the
same :class:`~sd.archive.core.preservation.storage.StoredAIP` that :func:`write_aip` returns,
and a refusal comes back as the same :class:`ArchiveError`.

``processes=0`` writes in the calling process (no pool). A writer process ends by itself
when the process that started it is gone (a Zope process stopped by a signal runs no exit
handlers, and a spawned worker holds its own end of the job pipe, so it would wait forever).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.preservation.aip_model import PackageSigner
from sd.archive.core.preservation.storage import write_aip


@dataclass(frozen=True)
class KeySpec:
    """Where the signing key is and how the signature is labelled (picklable)."""

    path: str
    name: str
    signer: str
    algorithm: str

    def signer_from(self, key: NodeKey) -> PackageSigner:
        return PackageSigner(key.sign, self.signer, self.algorithm, key.public_key)


_keys: dict[tuple[str, float], NodeKey] = {}


def _load(spec: KeySpec) -> NodeKey:
    stamp = Path(spec.path).stat().st_mtime
    key = _keys.get((spec.path, stamp))
    if key is None:
        _keys.clear()
        key = _keys[(spec.path, stamp)] = NodeKey.load(spec.path, spec.name)
    return key


def _write(locations, aip, spec: KeySpec, policy):
    """The job run in the worker process: ``("ok", StoredAIP)`` or ``("error", fields)``."""
    try:
        return "ok", write_aip(locations, aip, spec.signer_from(_load(spec)), policy=policy)
    except ArchiveError as error:
        return "error", (
            error.message,
            [p.as_dict() for p in error.problems],
            error.status,
            error.type,
        )


PARENT_POLL_SECONDS = 1.0


def _exit_with_parent(parent_pid: int) -> None:
    """Pool initializer: a daemon thread ends the writer process once its parent is gone."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="sd-aip-writer-parent", daemon=True).start()


class PendingAIP:
    """An AIP being written (写入中): ``result()`` is the :class:`StoredAIP`."""

    def __init__(self, writer: AIPWriter, future, here):
        self._writer, self._future, self._here = writer, future, here

    def result(self):
        if self._future is None:  # no pool: written now, in this process
            locations, aip, spec, policy = self._here
            return write_aip(locations, aip, spec.signer_from(_load(spec)), policy=policy)
        try:
            status, result = self._future.result()
        except BrokenProcessPool:
            self._writer._forget()
            raise
        if status == "ok":
            return result
        message, problems, http_status, type_ = result
        raise ArchiveError(message, [Problem(**p) for p in problems], http_status, type_)


class AIPWriter:
    """A small pool of writer processes, started on first use."""

    def __init__(self, processes: int = 1):
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_exit_with_parent,
                    initargs=(os.getpid(),),
                )
            return self._pool

    def write(self, locations, aip, spec: KeySpec, policy=None):
        return self.submit(locations, aip, spec, policy).result()

    def submit(self, locations, aip, spec: KeySpec, policy=None) -> PendingAIP:
        """Start writing ``aip`` in a writer process and return at once; ``result()`` of the
        answer waits for the :class:`StoredAIP` (or raises the writer's refusal). Several
        AIPs are written at once by several processes (另一个核心上并行写入)."""
        if self.processes <= 0:
            return PendingAIP(self, None, (locations, aip, spec, policy))
        try:
            future = self._executor().submit(_write, list(locations), aip, spec, policy)
        except BrokenProcessPool:
            self._forget()
            raise
        return PendingAIP(self, future, None)

    def _forget(self) -> None:
        """A killed worker: start a new pool next time."""
        with self._lock:
            self._pool = None

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
