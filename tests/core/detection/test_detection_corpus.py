"""Every corpus case through read_package + run_detection gives its expected status and codes."""

from datetime import datetime

import pytest
from build_corpus import CORPUS
from build_corpus import Case

from sd.archive.core.detection.context import CHINA
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.engine import run_detection
from sd.archive.core.detection.engine import run_transfer_detection
from sd.archive.core.errors import PackageError
from sd.archive.core.packages.reader import TempDirSinks
from sd.archive.core.packages.reader import read_package

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=CHINA)


def decide(case: Case, path, tmp_path) -> tuple[int | None, set[str], list]:
    """(core status or None when accepted, codes, reports) for one package."""
    try:
        package = read_package(path, case.kind, sink_factory=TempDirSinks(tmp_path / "sinks"))
    except PackageError as exc:
        return exc.status, {p.code for p in exc.problems}, []
    context = DetectionContext(now=NOW)
    if case.kind == "transfer":
        with package:
            head, records = run_transfer_detection(package, context=context)
            reports = [head] + [report for _record, report in records]
    else:
        reports = [run_detection(case.stage, package, context=context)]
    failed = {code for report in reports for code in report.failed_codes()}
    return (422 if failed else None), failed, reports


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_corpus_case(case, tmp_path):
    (tmp_path / "sinks").mkdir()
    path = tmp_path / f"{case.name}.zip"
    case.build(str(path))
    status, codes, reports = decide(case, path, tmp_path)
    assert status == case.expected_core_status(), (
        codes,
        [i for r in reports for i in r.items if i.outcome == "failed"],
    )
    if status is not None:
        assert set(case.codes) <= codes, codes
    for report in reports:
        for problem in report.problems():
            assert problem.code and problem.message


def test_corpus_is_large_and_names_unique():
    names = [c.name for c in CORPUS]
    assert len(set(names)) == len(names)
    assert sum(c.status in (400, 413, 422) for c in CORPUS) >= 40
