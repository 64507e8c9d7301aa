"""Reading ahead (预读): the next records of a package are read while the current ones are stored.

Reading a record is streaming, hashing (SM3, SHA-256) and writing temporary files: work that
releases the GIL. Storing it is Python work in the ZODB. :class:`ReadAhead` runs a record
iterator in a thread of its own, at most ``depth`` records ahead, so both cores work on a
transfer instead of one.

The reader thread is the only one that advances the iterator; anything else that reads the
same package at the same time (a record read again after an abort) must hold the package's
own lock (``TransferPackage.read_record`` does). Records read ahead but never taken are
handed to ``discard`` (their temporary files removed) when the read-ahead is closed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Generic
from typing import TypeVar

T = TypeVar("T")
_END = object()


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


class ReadAhead(Generic[T]):
    """Iterate ``source`` through a reader thread ``depth`` items ahead (use it in ``with``).

    An exception of the source reaches the consumer at the place it happened; closing early
    stops the reader after the item in hand and discards what it had read ahead.
    """

    def __init__(
        self,
        source: Iterable[T],
        depth: int = 8,
        discard: Callable[[T], None] | None = None,
        name: str = "sd-read-ahead",
    ):
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self._source = source
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._discard = discard
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False
        self._finished = False

    def _run(self) -> None:
        try:
            for item in self._source:
                if not self._put(item):
                    self._drop(item)
                    return
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            self._put(_Failure(error))
            return
        self._put(_END)

    def _put(self, item) -> bool:
        """Block until there is room; False when the consumer has closed."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _drop(self, item) -> None:
        if self._discard is not None and not isinstance(item, _Failure) and item is not _END:
            self._discard(item)

    def __iter__(self) -> Iterator[T]:
        if not self._started:
            self._started = True
            self._thread.start()
        while not self._finished:
            item = self._queue.get()
            if item is _END:
                self._finished = True
                return
            if isinstance(item, _Failure):
                self._finished = True
                raise item.error
            yield item

    def close(self) -> None:
        """Stop the reader and discard what it read ahead (idempotent)."""
        self._stop.set()
        if self._started:
            self._thread.join()
        while True:
            try:
                self._drop(self._queue.get_nowait())
            except queue.Empty:
                break
        self._finished = True

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
