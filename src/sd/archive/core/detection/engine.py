"""The detection engine (检测引擎): ``run_detection(stage, subject, catalogue, context)``.

For each enabled catalogue item of the stage whose scope meets the subject's ``level``: a
manual item yields a ``manual`` line; an automatic one calls its registered check, whose
findings become result lines (no finding = one ``passed`` line). A failed finding of a
``warn`` item is reported as ``warning``. A check that raises is reported ``failed`` — it
never passes by accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

from sd.archive.core.detection import checks  # noqa: F401  (registers the checks)
from sd.archive.core.detection.catalogue import Catalogue
from sd.archive.core.detection.catalogue import CatalogueItem
from sd.archive.core.detection.catalogue import load_catalogue
from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.detection.registry import CHECKS
from sd.archive.core.detection.registry import PREFETCH
from sd.archive.core.detection.report import Finding
from sd.archive.core.detection.report import ItemResult
from sd.archive.core.detection.report import Report


def _results(item: CatalogueItem, subject, context: DetectionContext) -> list[ItemResult]:
    obj = getattr(subject, "object", "") or ""

    def line(outcome: str, message: str, where: str = "") -> ItemResult:
        if outcome == "failed" and item.severity == "warn":
            outcome = "warning"
        return ItemResult(
            item.code, item.property, where or obj, outcome, message, item.severity, item.title_zh
        )

    if item.executor == "manual":
        return [line("manual", "人工复核 / to be signed off by a person")]
    check = CHECKS.get(item.check or "")
    if check is None:
        return [line("failed", f"no check registered as {item.check!r}")]
    try:
        findings: list[Finding] = list(check(subject, item, context) or [])
    except Exception as exc:  # noqa: BLE001 - a broken check must not pass
        return [line("failed", f"check error: {type(exc).__name__}: {exc}")]
    if not findings:
        return [line("passed", "通过 / passed")]
    return [line(f.outcome, f.message, f.object) for f in findings]


def run_detection(
    stage: str,
    subject,
    catalogue: Catalogue | None = None,
    context: DetectionContext | None = None,
) -> Report:
    """Run the stage's items on ``subject`` (a Package, TransferPackage, TransferRecord or
    PreservationSubject) and return the report."""
    catalogue = catalogue or load_catalogue()
    context = context or DetectionContext()
    level = tuple(getattr(subject, "level", ("package", "record")))
    report = Report(
        stage=stage,
        catalogue_version=catalogue.version,
        time=context.now,
        object=getattr(subject, "object", "") or "",
    )
    items = catalogue.for_stage(stage, level)
    for item in items:  # slow outside work (clamd) starts now and runs beside the other checks
        start = PREFETCH.get(item.check or "") if item.executor == "auto" else None
        if start is not None:
            with suppress(Exception):  # the check itself runs later and reports
                start(subject, item, context)
    for item in items:
        report.items.extend(_results(item, subject, context))
    return report


def run_transfer_detection(
    package, catalogue: Catalogue | None = None, context: DetectionContext | None = None
) -> tuple[Report, Iterator[tuple]]:
    """The package-level report and an iterator of (record, report), one record at a time."""
    catalogue = catalogue or load_catalogue()
    context = context or DetectionContext()
    package_report = run_detection("transfer", package, catalogue, context)

    def per_record():
        for record in package.records():
            yield record, run_detection("transfer", record, catalogue, context)

    return package_report, per_record()
