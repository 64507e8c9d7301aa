"""The after-archiving worker gives way to intake (让路于前台接收).

Sealing and packaging compete with the requests for the same interpreter, so while
``SD_ARCHIVE_POSTPROCESS_GIVE_WAY_AT`` packages (default 2) arrive in this process at once (and
for ``SD_ARCHIVE_POSTPROCESS_QUIET`` seconds after, default 0.5) the worker waits
(:func:`give_way`), unless the oldest record of the after-archiving queue has waited
``SD_ARCHIVE_POSTPROCESS_MAX_DEFER`` seconds (default 300): under a steady stream no record
waits much longer than that for its seal and AIP. One package at a time leaves the interpreter
free most of the time, and the worker runs beside it (:class:`Foreground`); then it gathers
the records that arrive into batches (:func:`gather`). Every drain of the worker's queues
(``drainloop``) gives way the same way.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager

from . import queues

QUIET_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_QUIET", 0.5))
GIVE_WAY_AT = int(os.environ.get("SD_ARCHIVE_POSTPROCESS_GIVE_WAY_AT", 2))
GATHER = int(os.environ.get("SD_ARCHIVE_POSTPROCESS_GATHER", 4))
GATHER_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_GATHER_SECONDS", 1.5))
MAX_DEFER_SECONDS = float(os.environ.get("SD_ARCHIVE_POSTPROCESS_MAX_DEFER", 300))


class Foreground:
    """Intake requests running in this process (前台接收), for the worker to give way to.

    ``at``: how many requests at once make the worker wait (default 2, ``GIVE_WAY_AT``). One
    request at a time keeps one core and leaves the interpreter lock free most of
    the time (measured on two cores: the request thread holds it about two thirds of its time),
    so the worker's batches run beside it and the queue keeps up with the answers; from
    ``at`` requests on, the requests need the interpreter and the worker waits."""

    def __init__(self, clock=time.monotonic, at: int | None = None):
        self._clock = clock
        self._lock = threading.Lock()
        self._active = 0
        self._last = self._ended = float("-inf")
        self.at = max(1, GIVE_WAY_AT if at is None else at)

    @contextmanager
    def running(self):
        with self._lock:
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                if self._active >= self.at:
                    self._last = self._clock()
                self._ended = self._clock()
                self._active -= 1

    def busy(self, quiet: float | None = None) -> bool:
        """``at`` requests run, or that many ran less than ``quiet`` seconds ago."""
        quiet = QUIET_SECONDS if quiet is None else quiet
        with self._lock:
            return self._active >= self.at or self._clock() - self._last < quiet

    def streaming(self, quiet: float | None = None) -> bool:
        """Any request runs, or one ended less than ``quiet`` seconds ago (packages arrive)."""
        quiet = QUIET_SECONDS if quiet is None else quiet
        with self._lock:
            return self._active > 0 or self._clock() - self._ended < quiet


foreground = Foreground()


def give_way(site=None, wait=time.sleep, step: float = 0.1) -> bool:
    """Wait while intake runs here, unless the oldest entry has waited ``MAX_DEFER_SECONDS``;
    True when it waited (the caller then starts a fresh snapshot)."""
    if not foreground.busy():
        return False
    budget = MAX_DEFER_SECONDS - queues.oldest_age(queues.AFTER_ARCHIVING, site)
    waited = 0.0
    while waited < budget and foreground.busy():
        wait(step)
        waited += step
    return waited > 0


def gather(site=None, wait=time.sleep, step: float = 0.1) -> bool:
    """While packages arrive one after the other (the worker runs beside them), wait until
    ``GATHER`` records are queued or ``GATHER_SECONDS`` passed, so that they are taken as one
    batch (one commit, one write of the queue's and the digest index's buckets) instead of one
    transaction each; never past ``MAX_DEFER_SECONDS``. ``wait`` sees new records (the drain
    loop looks at a fresh snapshot every ``AHEAD_EVERY`` seconds). True when it waited."""
    waited = 0.0
    if GATHER < 2:
        return False
    budget = min(
        GATHER_SECONDS, MAX_DEFER_SECONDS - queues.oldest_age(queues.AFTER_ARCHIVING, site)
    )
    while (
        waited < budget
        and foreground.streaming()
        and queues.pending(queues.AFTER_ARCHIVING, site) < GATHER
    ):
        wait(step)
        waited += step
    return waited > 0
