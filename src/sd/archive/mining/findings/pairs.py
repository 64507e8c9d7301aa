"""Duplicates and related records as pairs a person decides (重复档案、关联档案).

Two kinds of pair, each kept once in the site tree :data:`PAIRS_KEY`:

- ``dup`` 重复 (key ``dup:<uid>:<uid>``, the two UIDs in order): the same original file in
  both records (``same_file``: a digest in the catalog index ``file_digests``) and/or nearly
  the same text (``near_text``: MinHash similarity ≥ :data:`~.neardup.THRESHOLD`, candidates
  from the site's LSH band tree). A person marks it ``duplicate`` or ``not_duplicate``.
- ``rel`` 关联 (key ``rel:<citing uid>:<cited uid>``): the text of the first cites the 文号 of
  the second (a reply and the request it answers). Shown on both records (引用 / 被引用); a
  person marks it ``related`` or ``not_related``.

A pair keeps its decision when the records are analysed again; an undecided pair whose reason
no longer holds (the text changed) is dropped. Site trees (written only by an analysis or a
decision, never by a page): :data:`BANDS_KEY` band → UIDs, :data:`SIGNATURES_KEY` UID →
(signature, characters), :data:`CITED_KEY` 文号 → citing UIDs, :data:`BY_UID_KEY` UID → pair keys.
"""

from __future__ import annotations

from BTrees.OOBTree import OOTreeSet
from persistent.mapping import PersistentMapping
from plone import api

from sd.archive.actors import now
from sd.archive.core.mining.findings import citations as cite
from sd.archive.core.mining.findings import neardup
from sd.archive.sitedata import site_tree

from .sources import file_digests

PAIRS_KEY = "sd.archive.mining.pairs"
BY_UID_KEY = "sd.archive.mining.pairs_by_uid"
BANDS_KEY = "sd.archive.mining.bands"
SIGNATURES_KEY = "sd.archive.mining.signatures"
CITED_KEY = "sd.archive.mining.cited"

DUPLICATE = "dup"
RELATED = "rel"
#: the answers a person may give, per kind
DECISIONS = {
    DUPLICATE: ("duplicate", "not_duplicate"),
    RELATED: ("related", "not_related"),
}
SAME_FILE = "same_file"
NEAR_TEXT = "near_text"
CITES = "cites"


def pair_key(kind: str, a: str, b: str) -> str:
    if kind == DUPLICATE:
        a, b = sorted((a, b))
    return f"{kind}:{a}:{b}"


def _tree(key: str, create: bool = False):
    return site_tree(None, key, create=create)


def _set_add(tree, key, value) -> None:
    found = tree.get(key)
    if found is None:
        found = tree[key] = OOTreeSet()
    found.add(value)


def _set_remove(tree, key, value) -> None:
    found = tree.get(key) if tree is not None else None
    if found is not None and value in found:
        found.remove(value)
        if not len(found):
            del tree[key]


def get(key: str):
    tree = _tree(PAIRS_KEY)
    return tree.get(key) if tree is not None else None


def pairs_of(uid: str) -> list:
    """The pairs a record takes part in (kept order: duplicates, then related)."""
    pairs, by_uid = _tree(PAIRS_KEY), _tree(BY_UID_KEY)
    if pairs is None or by_uid is None:
        return []
    return [pairs[k] for k in by_uid.get(uid, ()) if k in pairs]


def all_pairs(open_only: bool = False) -> list:
    tree = _tree(PAIRS_KEY)
    if tree is None:
        return []
    return [p for p in tree.values() if not (open_only and p.get("decision"))]


def _add(kind: str, a: str, b: str, reason: str, **info) -> str:
    key = pair_key(kind, a, b)
    pairs = _tree(PAIRS_KEY, create=True)
    pair = pairs.get(key)
    if pair is None:
        first, second = key.split(":")[1:]
        pair = pairs[key] = PersistentMapping(
            {
                "key": key,
                "kind": kind,
                "a": first,
                "b": second,
                "reasons": [],
                "found": now(),
                "decision": "",
                "by": "",
                "at": "",
                "note": "",
                "history": [],
            }
        )
    if reason not in pair["reasons"]:
        pair["reasons"] = [*pair["reasons"], reason]
    for name, value in info.items():
        if pair.get(name) != value:
            pair[name] = value
    by_uid = _tree(BY_UID_KEY, create=True)
    _set_add(by_uid, pair["a"], key)
    _set_add(by_uid, pair["b"], key)
    return key


def _drop(key: str) -> None:
    pairs = _tree(PAIRS_KEY)
    pair = pairs.get(key) if pairs is not None else None
    if pair is None:
        return
    by_uid = _tree(BY_UID_KEY)
    _set_remove(by_uid, pair["a"], key)
    _set_remove(by_uid, pair["b"], key)
    del pairs[key]


def _catalog():
    return api.portal.get_tool("portal_catalog")


def _same_file(uid: str, digests: list[str]) -> set[str]:
    if not digests:
        return set()
    found = set()
    catalog = _catalog()
    index = catalog._catalog.getIndex("file_digests")
    for brain in catalog.unrestrictedSearchResults(portal_type="Record", file_digests=digests):
        if uid == brain.UID:
            continue
        theirs = index.getEntryForObject(brain.getRID(), default=()) or ()
        shared = sorted(set(digests) & set(theirs))
        found.add(_add(DUPLICATE, uid, brain.UID, SAME_FILE, digests=shared))
    return found


def _signature(value) -> tuple:
    """(signature, characters) as kept in :data:`SIGNATURES_KEY` (bytes alone: a long text)."""
    if isinstance(value, tuple):
        return neardup.from_bytes(value[0]), value[1]
    return neardup.from_bytes(value), neardup.LONG_CHARS


def _near_text(uid: str, kept) -> set[str]:
    signatures = _tree(SIGNATURES_KEY, create=True)
    bands = _tree(BANDS_KEY, create=True)
    for band in kept.get("bands") or ():
        _set_remove(bands, band, uid)
    if uid in signatures:
        del signatures[uid]
    sig = neardup.from_bytes(kept.get("signature"))
    kept["bands"] = []
    if sig is None:
        return set()
    found = set()
    candidates = set()
    keys = neardup.band_keys(sig)
    for band in keys:
        candidates.update(bands.get(band, ()))
    chars = kept.get("shingled") or neardup.LONG_CHARS
    for other in sorted(candidates - {uid}):
        theirs, their_chars = _signature(signatures.get(other))
        similarity = neardup.similarity(sig, theirs)
        if similarity >= neardup.required(min(chars, their_chars)):
            found.add(_add(DUPLICATE, uid, other, NEAR_TEXT, similarity=round(similarity, 3)))
    for band in keys:
        _set_add(bands, band, uid)
    signatures[uid] = (bytes(kept["signature"]), chars)
    kept["bands"] = keys
    return found


def _records_numbered(number: str, uid: str) -> list[str]:
    variants = cite.variants(number)
    if not variants:
        return []
    brains = _catalog().unrestrictedSearchResults(portal_type="Record", document_number=variants)
    return [b.UID for b in brains if uid != b.UID]


def _related(uid: str, record, kept) -> set[str]:
    found = set()
    cited = _tree(CITED_KEY, create=True)
    for old in kept.get("cited_keys") or ():
        _set_remove(cited, old, uid)
    keys = []
    for shown, candidates in kept.get("cited") or ():
        for candidate in candidates or [shown]:
            _set_add(cited, candidate, uid)
            keys.append(candidate)
        for candidate in candidates or [shown]:
            others = _records_numbered(candidate, uid)
            for other in others:
                found.add(_add(RELATED, uid, other, CITES, cited=candidate))
            if others:
                break
    kept["cited_keys"] = keys
    own = cite.normal(getattr(record, "document_number", "") or "")
    for citing in cited.get(own, ()) if own else ():
        if citing != uid:
            found.add(_add(RELATED, citing, uid, CITES, cited=own))
    return found


def find_for(record, kept) -> list[str]:
    """Find the record's duplicates and related records (kept: its findings mapping); drop
    its undecided pairs that no longer hold. Returns the keys of its pairs found now."""
    uid = record.UID()
    before = {p["key"] for p in pairs_of(uid) if not p.get("decision")}
    found = _same_file(uid, file_digests(record))
    found |= _near_text(uid, kept)
    found |= _related(uid, record, kept)
    for key in before - found:
        # a pair found from the other record (it cites this one) still holds
        pair = get(key)
        if pair is not None and pair["kind"] == RELATED and pair["b"] == uid:
            continue
        _drop(key)
    return sorted(found)


def forget(uid: str) -> None:
    """Take a record out of the indexes and its undecided pairs out of the queue (销毁)."""
    for pair in pairs_of(uid):
        if not pair.get("decision"):
            _drop(pair["key"])
    signatures = _tree(SIGNATURES_KEY)
    if signatures is not None and uid in signatures:
        del signatures[uid]
