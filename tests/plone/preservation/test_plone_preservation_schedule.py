"""Scheduled fixity: which locations are due, and one scheduler tick on a site."""

from datetime import UTC
from datetime import datetime

import pytest

from sd.archive.preservation import fixity
from sd.archive.preservation import schedule

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "runs,due",
    [
        ([], ["copy1", "copy2"]),
        (
            [{"location_id": "copy1", "complete": True, "finished": "2026-11-20T00:00:00+00:00"}],
            ["copy2"],
        ),
        (
            [
                {"location_id": "copy1", "complete": True, "finished": "2026-09-01T00:00:00+00:00"},
                {"location_id": "copy2", "complete": True, "finished": "2026-11-24T00:00:00+00:00"},
            ],
            ["copy1"],
        ),
        (
            [
                {"location_id": "copy1", "complete": False, "started": "2026-11-24T00:00:00+00:00"},
                {"location_id": "copy2", "complete": True, "finished": "2026-11-24T00:00:00+00:00"},
            ],
            ["copy1"],
        ),  # an unfinished run does not count as checked
    ],
)
def test_due_locations(runs, due):
    assert schedule.due_locations(["copy1", "copy2"], runs, 30, NOW) == due


def test_tick_checks_due_locations_once(archived):
    checked = schedule.tick()
    assert sorted(checked) == ["copy1", "copy2"]
    runs = [r for r in fixity.list_runs() if r["complete"]]
    assert {r["location_id"] for r in runs} == {"copy1", "copy2"}
    assert all(r["ok"] and r["passed"] >= 3 for r in runs)
    assert schedule.tick() == []  # nothing due again within the interval


def test_background_threads_start_in_serving_processes_only(monkeypatch):
    """``zconsole run`` fires the same start-up events as a served instance; a thread started
    there would be cut off when the script ends (a record's work half done)."""
    import sys
    import threading
    import types

    from sd.archive.preservation import queues
    from sd.archive.preservation import worker

    monkeypatch.setitem(sys.modules, "Zope2.utilities.zconsole", types.ModuleType("zconsole"))
    assert not schedule.serving()
    monkeypatch.setattr(schedule, "_started", threading.Event())
    monkeypatch.setattr(worker, "_started", threading.Event())
    monkeypatch.setattr(queues, "queued", lambda: True)
    before = {t.name for t in threading.enumerate()}
    schedule.start_scheduler(types.SimpleNamespace(database=None))
    worker.start_worker(None)
    assert not schedule._started.is_set() and not worker._started.is_set()
    assert {t.name for t in threading.enumerate()} == before

    monkeypatch.delitem(sys.modules, "Zope2.utilities.zconsole")
    assert schedule.serving()
