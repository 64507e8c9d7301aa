"""Which batches a worker runs in this process (运行中的批次).

The worker (:mod:`.worker`) records its threads here and the batch state (:mod:`.batch`)
reads them, so neither imports the other.
"""

from __future__ import annotations

import threading

threads: dict[str, threading.Thread] = {}
stops: dict[str, threading.Event] = {}
guard = threading.Lock()


def running(batch) -> bool:
    thread = threads.get(batch.UID())
    return thread is not None and thread.is_alive()
