"""What the ledger tells whom (账本公开范围).

The checkpoints, leaf hashes and proofs are public: anyone may check that an entry is in the
log. What names a record — its archival code (档号), file names, the account that acted, its
UID — is told only to callers who may View the record (a record not open, 未开放, is not
seen by the public), and to admitted nodes that witness this log (they need the entries'
exact bytes to rebuild its tree, and prove who they are with their node key).

An entry about a record the caller may not View is *redacted*: the same fields, with the
record, code and actor blanked and the file names replaced by ``#1``, ``#2`` …; its digests,
event and time stay, and ``redacted`` is true.
"""

from __future__ import annotations

import base64
import binascii
import time

from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.notes import sign_note
from sd.archive.core.ledger.notes import verify_note

#: the request header in which a witnessing node proves who it is
WITNESS_HEADER = "X-Ledger-Witness"
WITNESS_PURPOSE = "sd.archive ledger entries"
#: how old (seconds) a witness's signed request note may be
WITNESS_MAX_AGE = 300


def held_record(uid: str):
    """The record of ``uid`` found unrestricted (whether the caller may see it is asked
    separately), or None when it is not held (destroyed, or never here)."""
    if not uid:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(UID=uid)
    return found[0]._unrestrictedGetObject() if found else None


def visible_records(uids) -> set[str]:
    """The UIDs among ``uids`` of records the current user may View (one catalog query,
    restricted by the catalog's View index as any search is)."""
    wanted = sorted({uid for uid in uids if uid})
    if not wanted:
        return set()
    catalog = api.portal.get_tool("portal_catalog")
    return {brain.UID for brain in catalog.searchResults(UID=wanted)}


def discloses(entry: dict, visible: set[str]) -> bool:
    """Whether ``entry`` may be shown whole: not about a record, or about a visible one."""
    return not entry.get("record") or entry["record"] in visible


def redact(entry: dict) -> dict:
    """``entry`` without what names its record: digests, event, time and node stay."""
    content = {f"#{n}": digest for n, digest in enumerate(entry.get("content", {}).values(), 1)}
    return {**entry, "record": "", "code": "", "actor": "", "content": content, "redacted": True}


def shown(entry: dict, visible: set[str]) -> dict:
    return entry if discloses(entry, visible) else redact(entry)


# --- witnesses ---------------------------------------------------------------------------


def witness_header(ledger) -> dict[str, str]:
    """The header with which this node asks a peer for its entries as a witness: a note
    naming the purpose, this node and the time, signed with the node key (base64)."""
    text = f"{WITNESS_PURPOSE}\n{ledger.origin}\n{int(time.time())}\n"
    note = str(sign_note(text, ledger.node.key)).encode("utf-8")
    return {WITNESS_HEADER: base64.b64encode(note).decode("ascii")}


def is_witness(request, ledger) -> bool:
    """Whether the request comes from an admitted node (its fresh signed note verifies with
    the node's key); anything else, malformed or stale, is just not a witness."""
    value = (request.getHeader(WITNESS_HEADER) or "").strip()
    if not value:
        return False
    try:
        note = parse_note(base64.b64decode(value, validate=True))
        purpose, origin, stamp = note.text.rstrip("\n").split("\n")
        if purpose != WITNESS_PURPOSE or abs(time.time() - int(stamp)) > WITNESS_MAX_AGE:
            return False
        peers = [n for n in ledger.admitted() if n.origin == origin and origin != ledger.origin]
        return bool(peers) and bool(verify_note(note, [peers[0].verifier]))
    except (ArchiveError, binascii.Error, ValueError):
        return False
