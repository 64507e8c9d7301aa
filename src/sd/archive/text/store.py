"""Where the text of a record's files is kept (文本存放) and how it is extracted for a record.

The annotation ``sd.archive.text`` of the record maps each component's UID to one entry:
``name, sequence, sm3, status, method, reason, pages, text, time, tries, next_try``. It is
derived data: the originals, the record's fields and so the ledger's state digest stay as they
are. The text travels in the record's AIP as a derived representation (派生/文本/…), see
``preservation.package.derived_components``; :func:`restore_from_aip` reads it back.

A file whose text is not available (无法提取) is tried again later: after 10 minutes, then
twice as long each time up to a day, at most ``MAX_TRIES`` times; a site-wide BTree keyed by
record UID holds the next try (``RETRY_KEY``), so the worker and ``scripts/text.py retry``
find the due ones without walking the site.
"""

from __future__ import annotations

import os
from datetime import datetime
from datetime import timedelta

from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations
from zope.event import notify

from sd.archive import logger
from sd.archive.core.preservation.aip_model import DERIVED_ROLE
from sd.archive.core.text import TextResult
from sd.archive.core.text import extract
from sd.archive.core.text.extract import unavailable
from sd.archive.preservation import store as aip_store
from sd.archive.preservation.package import DERIVED_FOLDER
from sd.archive.preservation.package import blob_path
from sd.archive.preservation.package import component_name
from sd.archive.preservation.package import components
from sd.archive.sitedata import site_tree

from . import TEXT_KEY
from . import _entries
from .events import TextExtracted

RETRY_KEY = "sd.archive.text.retry"
MAX_TRIES = int(os.environ.get("SD_ARCHIVE_TEXT_MAX_TRIES", 5))
FIRST_RETRY = timedelta(minutes=10)
LONGEST_RETRY = timedelta(days=1)
#: method of a version whose text is its original's (归档章版本、转换版本)
ORIGINAL = "original"


def _now() -> datetime:
    return datetime.now().astimezone()


def _component_uids(record) -> list[str]:
    return [c.UID() for c in components(record)]


def next_delay(tries: int) -> timedelta:
    """The wait before try ``tries + 1``: 10 min, 20 min, 40 min … at most a day."""
    return min(FIRST_RETRY * (2 ** max(tries - 1, 0)), LONGEST_RETRY)


def text_status(record) -> dict:
    """The record's extraction status: ``extracted`` (已提取), ``unavailable`` (无法提取, with
    the reasons and the next try), ``waiting`` (等待中) or ``none`` (no files):
    ``{"status", "reasons": [...], "components": n, "next_try", "methods"}``."""
    entries = _entries(record)
    uids = _component_uids(record)
    if not uids:
        return {"status": "none", "reasons": [], "components": 0, "next_try": None}
    failed = [entries[u] for u in uids if u in entries and entries[u].get("status") != "ok"]
    if any(uid not in entries for uid in uids):
        status = "waiting"
    elif failed:
        status = "unavailable"
    else:
        status = "extracted"
    tries = [e["next_try"] for e in failed if e.get("next_try")]
    return {
        "status": status,
        "reasons": [f"{e.get('name', '')}: {e.get('reason', '')}" for e in failed],
        "components": len(uids),
        "next_try": min(tries) if tries else None,
        "methods": sorted({entries[u].get("method", "") for u in uids if u in entries}),
    }


def _store(record) -> PersistentMapping:
    annotations = IAnnotations(record)
    found = annotations.get(TEXT_KEY)
    if found is None:
        found = annotations[TEXT_KEY] = PersistentMapping()
    return found


def _source_of(component) -> str | None:
    """The UID of the component this one is a version of (派生自), if any."""
    return getattr(component, "version_of", None)


def extract_record(record, *, force: bool = False, site=None, extractor=None) -> dict:
    """Extract the text of every component of ``record`` that needs it (new, changed, failed
    and due, or all with ``force``) and keep it with the record; returns a summary.

    ``extractor(path, name)`` replaces :func:`extract` (the after-archiving worker passes one
    that answers from text it extracted ahead, ``preservation.ahead.TextAhead``).

    Never raises for a bad file. Reindexes ``SearchableText`` and queues a new AIP version (the
    text as a derived representation) when the text changed and the record has an AIP."""
    now = _now()
    entries = _store(record)
    present = {}
    changed = done = failed = 0
    # originals first: a version made from one (archiving seal, conversion) holds the same
    # text and is read only when its original's text is not available
    for component in sorted(components(record), key=lambda c: bool(_source_of(c))):
        uid = component.UID()
        present[uid] = True
        old = entries.get(uid)
        if not force and old is not None and old.get("sm3") == component.sm3:
            if old.get("status") == "ok":
                continue
            if not old.get("next_try") or old["next_try"] > now.isoformat():
                continue  # given up, or not due yet
        name = component.file.filename or component.getId()
        source = entries.get(_source_of(component) or "", {})
        if source.get("status") == "ok":
            result = TextResult("", ORIGINAL, "ok", "", source.get("pages", 0))
        else:
            try:
                result = (extractor or extract)(blob_path(component), name)
            except Exception as error:  # noqa: BLE001 - extract never raises; reading a blob might
                result = unavailable(f"文本提取失败 (text extraction failed: {error})")
        tries = 0 if result.ok else ((old or {}).get("tries", 0) + 1 if not force else 1)
        entry = {
            "name": name,
            "component": component.getId(),
            "sequence": component.sequence or 0,
            "sm3": component.sm3,
            "status": result.status,
            "method": result.method,
            "reason": result.reason,
            "pages": result.pages,
            "ocr_pages": list(result.ocr_pages),
            "text": result.text,
            "time": now.isoformat(timespec="seconds"),
            "tries": tries,
            "next_try": (
                (now + next_delay(tries)).isoformat(timespec="seconds")
                if not result.ok and tries < MAX_TRIES
                else None
            ),
        }
        if old is None or {k: old.get(k) for k in ("status", "text", "sm3")} != {
            k: entry[k] for k in ("status", "text", "sm3")
        }:
            changed += 1
        entries[uid] = entry
        done += 1
        failed += 0 if result.ok else 1
        if not result.ok:
            logger.info("text of %s not available: %s", name, result.reason)
    for uid in [u for u in entries if u not in present]:
        del entries[uid]
        changed += 1
    _schedule_retry(record, site)
    if changed:
        record.reindexObject(idxs=["SearchableText"], update_metadata=0)  # no column holds text
        aip_store.queue_if_preserved(record)
        notify(TextExtracted(record))  # mining findings (#28) read the new text
    return {"extracted": done, "failed": failed, "changed": changed}


def _schedule_retry(record, site=None) -> None:
    """Keep the record's earliest next try in the site's retry index (or drop it)."""
    status = text_status(record)
    uid = record.UID()
    tree = site_tree(site, RETRY_KEY, create=bool(status["next_try"]))
    if tree is None:
        return
    if status["next_try"]:
        if tree.get(uid) != status["next_try"]:
            tree[uid] = status["next_try"]
    elif uid in tree:
        del tree[uid]


def due_retries(site=None, now: datetime | None = None) -> list[str]:
    """UIDs of records whose unavailable text is due for another try."""
    tree = site_tree(site, RETRY_KEY)
    if tree is None:
        return []
    moment = (now or _now()).isoformat()
    return [uid for uid, when in tree.items() if when <= moment]


def retry_count(site=None) -> int:
    tree = site_tree(site, RETRY_KEY)
    return len(tree) if tree is not None else 0


# --- back from the AIP's derived representation (``preservation.package``) ---------------


def restore_from_aip(record, aip) -> int:
    """Put the text of a rebuilt record back from its AIP's derived text (no OCR again)."""
    by_name = {c.name: c for c in aip.components if c.role == DERIVED_ROLE}
    entries = None
    restored = 0
    for component in components(record):
        found = by_name.get(f"{DERIVED_FOLDER}/{component_name(component)}.txt")
        if found is None:
            continue
        content = found.content
        if not isinstance(content, (bytes, bytearray)):
            with open(content, "rb") as f:
                content = f.read()
        entries = entries if entries is not None else _store(record)
        entries[component.UID()] = {
            "name": component.file.filename or component.getId(),
            "component": component.getId(),
            "sequence": component.sequence or 0,
            "sm3": component.sm3,
            "status": "ok",
            "method": "aip",
            "reason": "",
            "pages": 0,
            "ocr_pages": [],
            "text": bytes(content).decode("utf-8"),
            "time": _now().isoformat(timespec="seconds"),
            "tries": 0,
            "next_try": None,
        }
        restored += 1
    return restored
