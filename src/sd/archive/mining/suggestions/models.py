"""The fonds' suggestion models on a site (整理建议模型): where they are kept, training, schedule.

Models are files (``sd.archive.core.mining.model_store``) under
``$SD_ARCHIVE_MINING_DIR/<site>`` or ``$SD_ARCHIVE_VAR/mining/<site>`` — beside the ledger and
the audit trail, not in the ZODB: a model is derived, large and replaced whole, and a damaged
file falls back to the previous version.

:func:`retrain` learns a fonds from its arranged records (every record past pre-archiving with
a 门类 and 保管期限 — which includes every suggestion a person accepted or corrected: their
answers are what the next model learns) and their file text (``sd.archive.text``).
The scheduler (a daemon thread in serving processes, like scheduled fixity) looks every 10
minutes (``SD_ARCHIVE_MINING_CHECK_SECONDS``): it queues the text extraction of records waiting
for review (:func:`queue_waiting_text`) and retrains every fonds that has no model, whose model
is older than :data:`RETRAIN_DAYS` days (``SD_ARCHIVE_MINING_RETRAIN_DAYS``, default 7) or whose
arranged records grew by a tenth since (:func:`due`); ``SD_ARCHIVE_MINING_SCHEDULER=off``
leaves it to the on-demand button and
``POST {fonds}/@mining-model``.
"""

from __future__ import annotations

import os
import tempfile
import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import getSite

from sd.archive import logger
from sd.archive.core.mining import arrangement
from sd.archive.core.mining import keywords
from sd.archive.core.mining.features import Sample
from sd.archive.core.mining.model_store import ModelStore

RETRAIN_DAYS = float(os.environ.get("SD_ARCHIVE_MINING_RETRAIN_DAYS", 7))
CHECK_SECONDS = float(os.environ.get("SD_ARCHIVE_MINING_CHECK_SECONDS", 600))
MIN_RECORDS = int(os.environ.get("SD_ARCHIVE_MINING_MIN_RECORDS", arrangement.MIN_RECORDS))
#: states of a record that is not arranged yet or no longer held: not learned from
NOT_ARRANGED = ("pre_archived", "rejected", "destroyed")
#: record annotation: what was suggested to the record and the person's answers
DECISIONS_KEY = "sd.archive.mining.decisions"
#: fonds annotation: the outcome of the last training run (trained, or why not)
STATUS_KEY = "sd.archive.mining.status"
_started = threading.Event()
_wake = threading.Event()
_training = threading.Lock()


def root(site=None) -> Path:
    site = site or getSite()
    explicit = os.environ.get("SD_ARCHIVE_MINING_DIR")
    if explicit:
        base = Path(explicit)
    elif os.environ.get("SD_ARCHIVE_VAR"):
        base = Path(os.environ["SD_ARCHIVE_VAR"]) / "mining"
    else:
        base = Path(tempfile.gettempdir()) / "sd-archive-mining"
    path = base / site.getId()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store(site=None) -> ModelStore:
    return ModelStore(root(site), "arrangement")


def load(fonds_code: str):
    """``core.mining.model_store.Loaded`` for the fonds (the model or None; never raises)."""
    loaded = store().load(fonds_code)
    if loaded.failures:
        logger.warning("mining model of %s: %s", fonds_code, loaded.failures)
    return loaded


def sample_of(record, *, arranged: bool = True) -> Sample:
    """A record as the models see it: description, file text and — when ``arranged`` — what
    it was arranged as (the scope entry: the deciding rule, or the one a person accepted)."""
    from sd.archive.text import record_text

    decided = dict(getattr(record, "arrangement", None) or {})
    accepted = IAnnotations(record).get(DECISIONS_KEY, {}).get("arrangement", {})
    return Sample(
        ref=record.UID(),
        label=record.archival_code or record.Title(),
        title=record.Title() or "",
        doc_type=record.document_type or "",
        author=record.author or "",
        kind=record.record_kind or "",
        item_name=getattr(record, "service_item_name", "") or "",
        text=record_text(record),
        year=record.year,
        category=(record.category_code or "") if arranged else "",
        retention=(record.retention_period or "") if arranged else "",
        org_code=(record.org_code or "") if arranged else "",
        rule_id=(decided.get("rule_id") or accepted.get("rule_id") or "") if arranged else "",
    )


def arranged_records(fonds):
    """The fonds' arranged records (the catalog finds them; each is woken for its text)."""
    from plone import api

    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Record", path="/".join(fonds.getPhysicalPath())
    ):
        if brain.review_state in NOT_ARRANGED:
            continue
        if not (getattr(brain, "category_code", None) and getattr(brain, "retention_period", None)):
            continue
        yield brain._unrestrictedGetObject()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def retrain(fonds, actor: str = "") -> dict:
    """Learn the fonds again (重新训练) and store the model as a new version; returns the
    status (``trained`` with the version, or ``not-trained`` with the reason — the previous
    model, if any, stays in use). One training at a time per process."""
    from sd.archive import audit

    code = fonds.fonds_code
    with _training:
        arranged = arranged_count(fonds)
        samples = [sample_of(r) for r in arranged_records(fonds)]
        try:
            model = arrangement.train(samples, code, min_records=MIN_RECORDS, now=_now())
        except arrangement.NotTrainable as refused:
            status = {
                "status": "not-trained",
                "reason": refused.reason,
                "records": refused.count,
                "time": _now(),
                "version": store().current(code),
                "arranged": arranged,
            }
        else:
            model.term_statistics = keywords.TermStatistics.learn(
                f"{s.title}\n{s.text}" for s in samples
            )
            version = store().save(code, model, {**model.summary(), "actor": actor})
            status = {
                "status": "trained",
                "records": model.samples,
                "time": model.trained_at,
                "seconds": round(model.seconds, 1),
                "version": version,
                "arranged": arranged,
            }
    IAnnotations(fonds)[STATUS_KEY] = status
    audit.log("mining.trained", fonds, details=status, **({"who": actor} if actor else {}))
    return status


def status(fonds) -> dict:
    """What the page and ``GET @mining-model`` show: the last run, the model in use."""
    code = fonds.fonds_code
    last = dict(IAnnotations(fonds).get(STATUS_KEY) or {})
    loaded = load(code)
    manifest = store().manifest(code, loaded.version) if loaded.version else {}
    return {
        "fonds": code,
        "last_run": last,
        "version": loaded.version,
        "fell_back": [v for v, _why in loaded.failures],
        "trained_at": manifest.get("trained_at", ""),
        "samples": manifest.get("samples", 0),
        "counts": manifest.get("counts", {}),
        "min_records": MIN_RECORDS,
    }


def arranged_count(fonds) -> int:
    """How many records of the fonds are past pre-archiving (an index query, nothing woken)."""
    from plone import api

    from sd.archive.text.queue import ARCHIVED_STATES

    catalog = api.portal.get_tool("portal_catalog")
    return len(
        catalog.unrestrictedSearchResults(
            portal_type="Record",
            path="/".join(fonds.getPhysicalPath()),
            review_state=list(ARCHIVED_STATES),
        )
    )


def due(fonds, now: datetime | None = None) -> bool:
    """A fonds is due for retraining when its last run is older than :data:`RETRAIN_DAYS`, or
    when its arranged records grew by a tenth (at least :data:`MIN_RECORDS`) since: the
    decisions people took since then (accepted and corrected suggestions among them) are
    learned within the next check, not a week later."""
    last = IAnnotations(fonds).get(STATUS_KEY) or {}
    if not last.get("time"):
        return True
    when = datetime.fromisoformat(last["time"])
    if (now or datetime.now(UTC)) - when > timedelta(days=RETRAIN_DAYS):
        return True
    learned = last.get("arranged", last.get("records", 0)) or 0
    grown = arranged_count(fonds) - learned
    return grown >= max(MIN_RECORDS, learned // 10)


def all_fonds(site=None):
    from plone import api

    catalog = api.portal.get_tool("portal_catalog")
    return [
        b._unrestrictedGetObject() for b in catalog.unrestrictedSearchResults(portal_type="Fonds")
    ]


def queue_waiting_text(site=None) -> int:
    """Queue the text extraction (``sd.archive.text.queue``) of every record waiting for review
    whose files have no text yet (待人工整理文件的全文): the text area extracts text after
    archiving, so without this a suggestion for a waiting record would rest on its description
    alone. Derived data only — the record itself does not change. Returns how many were queued."""
    from plone import api

    from sd.archive.text import queue as text_queue
    from sd.archive.text.store import text_status

    catalog = api.portal.get_tool("portal_catalog")
    count = 0
    for brain in catalog.unrestrictedSearchResults(
        portal_type="Record", review_state="pre_archived", arrangement_status="pending_review"
    ):
        record = brain._unrestrictedGetObject()
        if text_status(record)["status"] != "waiting" or text_queue.is_pending(record, site):
            continue
        text_queue.enqueue(record, site)
        count += 1
    return count


def tick(now: datetime | None = None) -> list[str]:
    """Queue the text of records waiting for review, then retrain every due fonds of the
    current site; returns the codes of the fonds retrained."""
    queue_waiting_text()
    done = []
    for fonds in all_fonds():
        if due(fonds, now):
            retrain(fonds, actor="system")
            done.append(fonds.fonds_code)
    return done


def _scheduled(site) -> None:
    import transaction

    done = tick()
    transaction.commit()
    if done:
        logger.info("suggestion models of %s retrained: %s", site.getId(), ", ".join(done))


def _loop(db):
    from sd.archive.preservation.schedule import in_every_site

    while True:
        _wake.wait(CHECK_SECONDS)
        _wake.clear()
        in_every_site(db, _scheduled, "scheduled retraining")


def start_scheduler(event):
    """IDatabaseOpenedWithRoot: start the retraining thread once per serving process."""
    from sd.archive.preservation.schedule import serving

    if os.environ.get("SD_ARCHIVE_MINING_SCHEDULER", "on") == "off" or _started.is_set():
        return
    if not serving():
        return
    _started.set()
    threading.Thread(
        target=_loop, args=(event.database,), name="sd-mining-retrain", daemon=True
    ).start()
