"""Fixity runs (resumable, parallel) and repair from good copies."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from preservation_helpers import flip_byte

from sd.archive.core.preservation.fixity import TextProgress
from sd.archive.core.preservation.fixity import load_run
from sd.archive.core.preservation.fixity import main as fixity_main
from sd.archive.core.preservation.fixity import run_fixity
from sd.archive.core.preservation.fixity import unfinished_runs
from sd.archive.core.preservation.repair import Alarm
from sd.archive.core.preservation.repair import repair_run
from sd.archive.core.preservation.storage import aip_path


@pytest.mark.parametrize("use_processes", [False, True])
def test_clean_location_passes(tmp_path, holdings, use_processes):
    locs, expected = holdings
    run = run_fixity(
        locs[0], expected.get, tmp_path / "runs", workers=2, use_processes=use_processes
    )
    assert run.ok and sorted(run.passed) == sorted(expected) and run.total == 7
    assert load_run(tmp_path / "runs", run.run_id).passed == run.passed


def test_flipped_byte_is_found_and_repaired_from_the_other_copy(tmp_path, holdings):
    locs, expected = holdings
    bad = sorted(expected)[2]
    flip_byte(aip_path(locs[0], bad))
    gone = sorted(expected)[4]
    aip_path(locs[0], gone).unlink()
    run = run_fixity(locs[0], expected.get, tmp_path / "runs", inventory=expected)
    assert [f["relpath"] for f in run.failed] == [bad] and run.missing == [gone]
    assert not run.ok
    stored = json.loads((tmp_path / "runs" / run.run_id / "result.json").read_text())
    assert stored["failed"][0]["path"].endswith(bad.split("/")[-1])
    report = repair_run(run, locs, expected.get, actor="fixity-bot")
    assert report.alarms == []
    assert {(e["relpath"], e["source_location"], e["status"]) for e in report.events} == {
        (bad, "disk2", "replaced"),
        (gone, "disk2", "restored"),
    }
    assert report.events[0]["found"] != report.events[0]["expected"]
    again = run_fixity(locs[0], expected.get, tmp_path / "runs", inventory=expected)
    assert again.ok


def test_flip_in_every_copy_raises_an_alarm_and_changes_nothing(tmp_path, holdings):
    locs, expected = holdings
    bad = sorted(expected)[1]
    for loc in locs:
        flip_byte(aip_path(loc, bad))
    before = [aip_path(loc, bad).read_bytes() for loc in locs]
    run = run_fixity(locs[0], expected.get, tmp_path / "runs")
    report = repair_run(run, locs, expected.get)
    assert report.events == [] and len(report.alarms) == 1
    alarm = report.alarms[0]
    assert (
        isinstance(alarm, Alarm) and alarm.relpath == bad and set(alarm.seen) == {"disk1", "disk2"}
    )
    assert [aip_path(loc, bad).read_bytes() for loc in locs] == before


def test_unknown_digest_is_reported_not_passed(tmp_path, holdings):
    locs, expected = holdings
    partial = dict(list(expected.items())[1:])
    run = run_fixity(locs[0], partial.get, tmp_path / "runs")
    assert run.unknown == [sorted(expected)[0]] and sorted(expected)[0] not in run.passed


def test_interrupted_run_resumes_with_the_rest_only(tmp_path, holdings):
    locs, expected = holdings
    seen = []

    class Stop(Exception):
        pass

    def stop_after_three(p):
        seen.append(p.item.relpath)
        if len(seen) == 3:
            raise Stop

    with pytest.raises(Stop):
        run_fixity(
            locs[0],
            expected.get,
            tmp_path / "runs",
            run_id="r1",
            workers=1,
            progress=stop_after_three,
        )
    assert (
        unfinished_runs(tmp_path / "runs") == ["r1"] and load_run(tmp_path / "runs", "r1") is None
    )
    resumed = []
    run = run_fixity(
        locs[0],
        expected.get,
        tmp_path / "runs",
        run_id="r1",
        progress=lambda p: resumed.append(p.item.relpath),
    )
    assert len(resumed) == len(expected) - 3 and not set(resumed) & set(seen)
    assert run.ok and sorted(run.passed) == sorted(expected)
    assert unfinished_runs(tmp_path / "runs") == []


def test_sample_is_reproducible(tmp_path, holdings):
    locs, expected = holdings
    a = run_fixity(locs[0], expected.get, tmp_path / "runs", sample=0.5, seed=7)
    b = run_fixity(locs[0], expected.get, tmp_path / "runs", sample=0.5, seed=7)
    assert a.passed == b.passed and 0 < len(a.passed) < len(expected)


def test_progress_bar_and_cli(tmp_path, holdings, capsys):
    locs, expected = holdings
    out = io.StringIO()
    run_fixity(locs[0], expected.get, tmp_path / "runs", progress=TextProgress(out, width=10))
    assert (
        out.getvalue().endswith("7/7" + out.getvalue().split("7/7")[-1])
        and "[##########]" in out.getvalue()
    )
    manifest = tmp_path / "manifest-sm3.txt"
    manifest.write_text("".join(f"{d}  {p}\n" for p, d in expected.items()), encoding="utf-8")
    assert fixity_main([locs[0].path, str(manifest), str(tmp_path / "cli")]) == 0
    shutil.rmtree(locs[0].root / "J001" / "2023")
    assert fixity_main([locs[0].path, str(manifest), str(tmp_path / "cli")]) == 1


def test_worker_processes_take_small_files_in_batches(tmp_path, holdings, monkeypatch):
    """Small files go to a worker process several at a time (one round trip per batch); every
    file still gets its own outcome, a missing and a flipped one among them."""
    from sd.archive.core.preservation import fixity

    locs, expected = holdings
    monkeypatch.setattr(fixity, "BATCH_FILES", 3)
    tasks = list(fixity._tasks(locs[0], sorted(expected), processes=True))
    assert [len(t) for t in tasks] == [3, 3, 1]
    assert [len(t) for t in fixity._tasks(locs[0], sorted(expected), processes=False)] == [1] * 7
    bad, gone = sorted(expected)[1], sorted(expected)[3]
    flip_byte(aip_path(locs[0], bad))
    aip_path(locs[0], gone).unlink()
    run = run_fixity(
        locs[0], expected.get, tmp_path / "runs", inventory=expected, workers=2, use_processes=True
    )
    assert [f["relpath"] for f in run.failed] == [bad] and run.missing == [gone]
    assert sorted(run.passed) == sorted(set(expected) - {bad, gone})
