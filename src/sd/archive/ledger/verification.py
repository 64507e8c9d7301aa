"""Verification against the holdings and the ledger (存证核验): for a file, a package or a
digest — which record, which entry, the inclusion proof, and whether the stored copy still
matches (the blob re-hashed now, and the record's metadata against the entry)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import BinaryIO

from plone import api

from sd.archive.core import digests
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import bad_request
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.packages.zipsafe import open_zip
from sd.archive.intake.limits import limits as intake_limits
from sd.archive.ledger import disclosure
from sd.archive.ledger import records
from sd.archive.ledger.current import current_ledger

HEX = re.compile(r"^[0-9a-f]{64}$")
MAX_MEMBERS = 10000
MAX_MATCHES = 20


def bad(message: str, code: str = "VERIFY-INPUT", obj: str = "") -> ArchiveError:
    return bad_request(message, code, obj=obj)


def verify_digest(digest: str, name: str = "") -> dict:
    """What the ledger and the holdings know of ``digest`` (SM3 or SHA-256, lower-case hex)."""
    digest = (digest or "").strip().lower()
    if not HEX.match(digest):
        raise bad("a digest is 64 hexadecimal characters (SM3 or SHA-256)", obj="digest")
    ledger = current_ledger()
    with ledger.log.reading() as conn:
        hits = ledger.log.find_digest(conn, digest)
        latest: dict[str, tuple[int, str, dict]] = {}
        indexes: dict[str, list[int]] = {}
        for index, path in hits:
            entry = parse_entry(ledger.log.entry(conn, index)[0])
            key = entry["record"] or entry["code"]
            latest[key] = (index, path, entry)
            indexes.setdefault(key, []).append(index)
    matches = [
        _match(ledger, key, index, path, entry, digest, indexes[key])
        for key, (index, path, entry) in list(latest.items())[:MAX_MATCHES]
    ]
    return {"name": name or digest, "digest": digest, "found": bool(matches), "matches": matches}


def _match(ledger, key, index, path, entry, digest, all_indexes) -> dict:
    """One match: the entry, its proof and the stored copy. A record the caller may not View
    is looked up all the same (unrestricted) but not named: the answer says a record held
    here matches, with the entry's index and proof, without its code, title, path or UID."""
    bundle = ledger.bundle(index)
    record = disclosure.held_record(entry["record"])
    visible = not entry["record"] or (
        record is not None and api.user.has_permission("View", obj=record)
    )
    match = {
        "ledger_index": index,
        "entries": all_indexes,
        "path": path if visible else None,
        "event": entry["event"],
        "archival_code": entry["code"] if visible else None,
        "entry": entry if visible else disclosure.redact(entry),
        "leaf_hash": bundle["leaf_hash"],
        "tree_size": bundle["tree_size"],
        "inclusion_proof": bundle["inclusion_proof"],
        "checkpoint": bundle["checkpoint"],
        **{
            k: v
            for k, v in ledger.quorum_state(bundle["checkpoint"]).items()
            if k in ("confirmed", "confirmed_by", "quorum")
        },
        "record": None,
        "stored_copy": "not held",
    }
    if record is None:
        if not visible:
            match["message"] = "matches an entry of this ledger (the record is not held here)"
        return match
    status = records.tamper_status(record, ledger)
    held = {"held": True, "intact": status.intact}
    if visible:
        held.update(
            {
                "@id": record.absolute_url(),
                "UID": record.UID(),
                "archival_code": records.record_code(record),
                "title": record.Title(),
                "review_state": api.content.get_state(record, default=None),
                "problems": status.problems,
            }
        )
    else:
        match["message"] = "matches a record held here"
    match["record"] = held
    component = {records.component_path(c): c for c in records.components(record)}.get(path)
    if component is None or getattr(component, "file", None) is None:
        match["stored_copy"] = "missing" if path in entry["content"] else "not a file"
    else:
        found, _size = records.blob_digests(component)
        match["stored_copy"] = "intact" if digest in (found["SM3"], found["SHA-256"]) else "changed"
    return match


def _verify_digests(found: dict[str, str], size: int, name: str) -> dict:
    """``verify_digest`` by SM3, else by SHA-256, with both digests and the size."""
    result = verify_digest(found["SM3"], name)
    if not result["found"]:
        result = {**verify_digest(found["SHA-256"], name), "name": name}
    return {**result, "digest": found["SM3"], "digests": found, "size": size}


def verify_stream(stream: BinaryIO, name: str) -> dict:
    found, size = digests.digest_stream(stream, ("SM3", "SHA-256"))
    return _verify_digests(found, size, name)


def verify_package(stream: BinaryIO, name: str) -> dict:
    """A ZIP package: the package digest itself, then each member file, read through the
    safe ZIP reader with intake's limits (entries, total size, compression ratio, a size
    that lies): a bomb is refused, not inflated."""
    result = verify_stream(stream, name)
    stream.seek(0)
    limits = replace(intake_limits(), max_entries=MAX_MEMBERS)
    files = []
    with open_zip(stream, limits) as archive:
        for entry in archive.files():
            described, _data = archive.stream(entry, sha256=True)
            found = {"SM3": described.sm3, "SHA-256": described.sha256}
            files.append(_verify_digests(found, described.size, entry.name))
    return {**result, "files": files}
