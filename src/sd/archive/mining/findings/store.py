"""A record's findings (一件档案的挖掘发现), kept with it after its text is extracted.

The annotation ``sd.archive.mining.findings`` of the record holds one mapping:

- ``entities``: ``{"people": [...], "organisations": [...], "places": [...]}`` as found;
- ``decisions``: ``{"<kind>:<name>": {"decision": accepted|rejected, "by", "at", "reason"}}``
  — what a person answered; a rejected name leaves the search facets and is not suggested again;
- ``citations``: the 文号 the text cites (normal), ``signature``: the MinHash signature
  (bytes), ``bands``: its LSH keys (to take them out of the index on the next analysis),
  ``sensitive``: the sensitive findings, masked (``kind, value, excerpt, where``);
- ``time``, ``chars``, ``chinese``: when, how much text, whether it read as Chinese.

Like the text it is derived data (派生数据): outside the record's fields and the ledger's state
digest; an analysis again (re-extraction, ``analyse_all``) replaces everything but ``decisions``.
The catalog reads it through the indexers ``mining_people``, ``mining_organisations``,
``mining_places`` (search facets) and ``file_digests`` (the record's original files).
"""

from __future__ import annotations

from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

from sd.archive.actors import now
from sd.archive.core.mining.findings import analyse
from sd.archive.core.mining.findings.entities import KINDS

from .settings import configured_patterns
from .sources import segments

KEY = "sd.archive.mining.findings"
#: the catalog indexes of the findings (facets) and of the files' digests
FACET_INDEXES = {
    "people": "mining_people",
    "organisations": "mining_organisations",
    "places": "mining_places",
}
DIGEST_INDEX = "file_digests"


def findings_of(record) -> dict:
    """The record's findings as kept ({} before its first analysis); never writes."""
    try:
        return IAnnotations(record).get(KEY) or {}
    except TypeError:
        return {}


def _store(record) -> PersistentMapping:
    annotations = IAnnotations(record)
    found = annotations.get(KEY)
    if found is None:
        found = annotations[KEY] = PersistentMapping()
    return found


def decision_key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def entity_names(record, kind: str) -> list[str]:
    """The names of ``kind`` found in the record, those a person rejected left out (facets)."""
    found = findings_of(record)
    decisions = found.get("decisions") or {}
    return [
        name
        for name in (found.get("entities") or {}).get(kind, [])
        if (decisions.get(decision_key(kind, name)) or {}).get("decision") != "rejected"
    ]


def analyse_record(record) -> dict:
    """Find what the record's text holds and keep it; then look for its duplicates and related
    records (:mod:`.pairs`). Returns the kept findings."""
    from . import pairs

    result = analyse(
        segments(record),
        own_number=getattr(record, "document_number", "") or "",
        patterns=configured_patterns(),
    )
    kept = _store(record)
    kept.update(
        {
            "entities": {kind: list(result.entities.get(kind, [])) for kind in KINDS},
            "citations": list(result.citations),
            "cited": [[shown, list(candidates)] for shown, candidates in result.cited],
            "signature": result.signature,
            "shingled": result.shingled,
            "sensitive": [dict(item) for item in result.sensitive],
            "time": now(),
            "chars": result.chars,
            "chinese": result.chinese,
        }
    )
    kept.setdefault("decisions", PersistentMapping())
    record.reindexObject(idxs=[*FACET_INDEXES.values(), DIGEST_INDEX])
    pairs.find_for(record, kept)
    return kept


def analyse_all(states=None, progress=None) -> int:
    """Analyse every archived record again (demo data, an upgrade, new patterns); returns
    how many. The caller commits (one transaction; a script commits per batch)."""
    from sd.archive.preservation import store as aip_store
    from sd.archive.text import queue

    count = 0
    for uid in queue.record_uids(states=states or queue.ARCHIVED_STATES):
        record = aip_store.record_by_uid(uid)
        if record is None:
            continue
        analyse_record(record)
        count += 1
        if progress is not None:
            progress(count, record)
    return count
