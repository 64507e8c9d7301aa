"""Cosigning the checkpoints of peer nodes (见证联署) over HTTP, with replicas of their logs.

For each admitted peer with a URL, a witness run:

1. fetches the peer's latest signed checkpoint (``GET {peer}/@ledger``),
2. fetches a consistency proof from the checkpoint it last cosigned for that origin
   (``GET {peer}/@ledger/consistency``) and checks it with ``core.ledger.cosign.witness``,
3. fetches the new entries (``GET {peer}/@ledger/entries``) and extends its replica of the
   peer's log only if they reproduce the checkpoint root (``core.ledger.replica``),
4. stores the new state in ``witness.sqlite`` (one SQLite transaction), and
5. posts its cosignature to the peer (``POST {peer}/@ledger/cosignature``).

A peer that rewrote its history (truncated and re-appended) fails step 2 and is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.cosign import cosignature_time
from sd.archive.core.ledger.cosign import witness
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.replica import replicate
from sd.archive.core.ledger.stores import SQLiteNodeStore
from sd.archive.ledger import disclosure
from sd.archive.ledger.store import BUSY_TIMEOUT

logger = logging.getLogger("sd.archive.ledger")
PAGE = 1000  # entries per request when replicating

SCHEMA = """
CREATE TABLE IF NOT EXISTS witnessed (
  origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS replica_entries (
  origin TEXT NOT NULL, idx INTEGER NOT NULL, entry BLOB NOT NULL, PRIMARY KEY (origin, idx));
CREATE TABLE IF NOT EXISTS refusals (
  origin TEXT NOT NULL, time TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, errors TEXT NOT NULL);
"""


class WitnessStore:
    """The witness state of this node: last cosigned checkpoint and replica per origin."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        self.conn.executescript(SCHEMA)

    def close(self):
        self.conn.close()

    def last(self, origin: str) -> tuple[Checkpoint | None, str]:
        row = self.conn.execute(
            "SELECT size, root, note FROM witnessed WHERE origin = ?", (origin,)
        ).fetchone()
        if row is None:
            return None, ""
        return Checkpoint(origin, row[0], bytes(row[1])), row[2]

    def replica(self, peer: AdmittedNode) -> MerkleLog:
        table = "replica_" + hashlib.sha256(peer.origin.encode()).hexdigest()[:16]
        return MerkleLog(SQLiteNodeStore(self.conn, table), peer.hash_alg)

    def replica_entries(self, origin: str, start: int, end: int) -> list[bytes]:
        return [
            bytes(r[0])
            for r in self.conn.execute(
                "SELECT entry FROM replica_entries WHERE origin = ? AND idx >= ? AND idx < ? "
                "ORDER BY idx",
                (origin, start, end),
            )
        ]

    def all_witnessed(self) -> list[tuple[str, int, str]]:
        return self.conn.execute(
            "SELECT origin, size, note FROM witnessed ORDER BY origin"
        ).fetchall()

    def refused(self, origin: str, errors: list[dict]) -> None:
        self.conn.execute(
            "INSERT INTO refusals (origin, errors) VALUES (?, ?)",
            (origin, json.dumps(errors, ensure_ascii=False)),
        )


def _get(url: str, timeout: float, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - admitted URL
        return json.loads(response.read().decode("utf-8"))


def _post(url: str, body: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Accept": "application/json", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


def cosign_peer(ledger, peer: AdmittedNode, timeout: float = 10) -> dict:
    """Witness one peer; returns {"origin", "status": cosigned|refused|unreachable, …}."""
    base = peer.url.rstrip("/")
    result = {"origin": peer.origin, "url": peer.url}
    store = WitnessStore(ledger.node.witness_database)
    try:
        try:
            state = _get(f"{base}/@ledger", timeout)
            note = parse_note(state["checkpoint"])
            checkpoint = parse_checkpoint(note.text)
            last, _last_note = store.last(peer.origin)
            proof: list[bytes] = []
            if last is not None and last.size < checkpoint.size:
                query = urllib.parse.urlencode({"first": last.size, "second": checkpoint.size})
                answer = _get(f"{base}/@ledger/consistency?{query}", timeout)
                proof = [bytes.fromhex(p) for p in answer["proof"]]
            cosigned = witness(
                note, key=ledger.node.key, peers=ledger.admitted(), last=last, proof=proof
            )
            store.conn.execute("BEGIN IMMEDIATE")
            try:
                replica = store.replica(peer)
                entries = _fetch_entries(base, replica.size, checkpoint.size, timeout, ledger)
                start = replica.size
                replicate(replica, entries, cosigned.checkpoint)
                store.conn.executemany(
                    "INSERT OR REPLACE INTO replica_entries (origin, idx, entry) VALUES (?, ?, ?)",
                    [(peer.origin, start + i, e) for i, e in enumerate(entries)],
                )
                store.conn.execute(
                    "INSERT OR REPLACE INTO witnessed (origin, size, root, note) "
                    "VALUES (?, ?, ?, ?)",
                    (peer.origin, checkpoint.size, checkpoint.root, str(cosigned.note)),
                )
                store.conn.execute("COMMIT")
            except BaseException:
                store.conn.execute("ROLLBACK")
                raise
        except LedgerError as error:
            errors = [p.as_dict() for p in error.problems]
            store.refused(peer.origin, errors)
            logger.warning("refused to cosign %s: %s", peer.origin, error.message)
            return {**result, "status": "refused", "message": error.message, "errors": errors}
        except (OSError, ValueError, KeyError, urllib.error.URLError) as error:
            return {**result, "status": "unreachable", "message": str(error)}
        result.update(
            status="cosigned",
            tree_size=checkpoint.size,
            root=base64.b64encode(checkpoint.root).decode("ascii"),
        )
        try:
            answer = _post(
                f"{base}/@ledger/cosignature", {"checkpoint": str(cosigned.note)}, timeout
            )
            result["peer"] = {k: answer.get(k) for k in ("confirmed", "confirmed_by", "quorum")}
        except (OSError, ValueError, urllib.error.URLError) as error:
            result["delivered"] = False
            result["message"] = f"cosigned, but the peer did not take it: {error}"
        return result
    finally:
        store.close()


def _fetch_entries(base: str, start: int, end: int, timeout: float, ledger) -> list[bytes]:
    """The peer's entries, asked for as its witness (signed with our node key): a peer that
    does not know us sends redacted entries, which cannot rebuild its tree."""
    entries: list[bytes] = []
    while start + len(entries) < end:
        first = start + len(entries)
        query = urllib.parse.urlencode({"start": first, "end": min(end, first + PAGE)})
        page = _get(f"{base}/@ledger/entries?{query}", timeout, disclosure.witness_header(ledger))[
            "entries"
        ]
        if not page:
            raise refuse("LEDGER-REPLICA-SIZE", "the peer sent no entries", object=base)
        if not all(isinstance(text, str) for text in page):
            raise refuse(
                "LEDGER-REPLICA-REDACTED",
                "the peer redacted entries: does it admit this node?",
                object=base,
            )
        for text in page:
            data = text.encode("utf-8")
            parse_entry(data)  # canonical and valid, or refused
            entries.append(data)
    return entries[: end - start]


def cosign_all(ledger, timeout: float = 10) -> list[dict]:
    """Witness every admitted peer that has a URL (the scheduled job and the button)."""
    return [
        cosign_peer(ledger, peer, timeout)
        for peer in ledger.admitted()
        if peer.origin != ledger.origin and peer.url
    ]


def accept_cosignatures(ledger, note_text: str) -> dict:
    """Take the valid cosignatures of admitted nodes from a cosigned copy of our checkpoint."""
    incoming = parse_note(note_text)
    checkpoint = parse_checkpoint(incoming.text)
    if checkpoint.origin != ledger.origin:
        raise refuse(
            "LEDGER-ORIGIN-UNKNOWN", "not a checkpoint of this node", object=checkpoint.origin
        )
    admitted = [n for n in ledger.admitted() if n.origin != ledger.origin]
    valid = Note(incoming.text)
    for peer in admitted:
        if cosignature_time(incoming, peer.cosigner) is not None:  # raises on a bad signature
            for signature in incoming.signatures:
                if signature.made_by(peer.cosigner):
                    valid = valid.with_signature(signature)
    if not valid.signatures:
        raise refuse("LEDGER-COSIGN-NONE", "no cosignature of an admitted node")
    with ledger.log.reading() as conn:
        merged = ledger.log.add_cosignature(conn, checkpoint.size, str(valid))
    return {"checkpoint": merged, **ledger.quorum_state(merged)}
