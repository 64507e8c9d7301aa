"""Reading ahead (预读): order kept, errors where they happened, nothing read ahead leaks."""

import threading
import time

import pytest

from sd.archive.core.packages.readahead import ReadAhead


def test_items_arrive_in_order_from_another_thread():
    seen_threads = set()

    def source():
        for n in range(50):
            seen_threads.add(threading.current_thread().name)
            yield n

    with ReadAhead(source(), depth=4, name="reader") as ahead:
        assert list(ahead) == list(range(50))
    assert seen_threads == {"reader"}


def test_reads_ahead_while_the_consumer_works():
    started = []

    def source():
        for n in range(6):
            started.append(n)
            yield n

    with ReadAhead(source(), depth=3) as ahead:
        items = iter(ahead)
        assert next(items) == 0
        deadline = time.monotonic() + 2
        while len(started) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        # the item in hand, three queued, and the reader blocked on the fourth: never more
        assert 4 <= len(started) <= 5
        assert list(items) == [1, 2, 3, 4, 5]


def test_an_error_of_the_source_reaches_the_consumer_after_the_good_items():
    def source():
        yield 1
        yield 2
        raise ValueError("entry 3 is corrupt")

    got = []
    with ReadAhead(source(), depth=2) as ahead, pytest.raises(ValueError, match="entry 3"):
        for item in ahead:
            got.append(item)
    assert got == [1, 2]


def test_closing_early_discards_what_was_read_ahead():
    produced, discarded = [], []

    def source():
        for n in range(100):
            produced.append(n)
            yield n

    ahead = ReadAhead(source(), depth=5, discard=discarded.append)
    taken = []
    for item in ahead:
        taken.append(item)
        if len(taken) == 3:
            break
    ahead.close()
    assert taken == [0, 1, 2]
    # every item produced is either taken or discarded, none twice, the reader stopped
    assert sorted(taken + discarded) == produced
    assert len(produced) < 100
    ahead.close()  # idempotent


def test_depth_must_be_positive():
    with pytest.raises(ValueError):
        ReadAhead([], depth=0)
