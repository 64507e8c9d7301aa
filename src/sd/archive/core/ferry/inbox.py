"""Importing a checked bundle on the LAN node (摆渡导入), and the receipts (回执).

The node's side is a :class:`Target` (its storage, digest index, ledger and transaction):

- a bundle imported before with the same SM3 stores nothing (``duplicate``, idempotent);
- the same sender and sequence with another SM3 is a replay or a forgery (``FERRY-REPLAY``);
- an AIP path the node holds with another digest is a conflict (``FERRY-CONFLICT``);
  both refuse the bundle as a whole before anything is stored;
- each AIP is written (atomically, hashed again as written), registered and logged, and the
  node commits every ``batch`` AIPs: killed half way, a second run skips what the node holds
  already and finishes the rest (resumable; nothing counts as held before its commit).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import BinaryIO
from typing import Protocol

from sd.archive.core.errors import Problem
from sd.archive.core.ferry import RECEIPT_FORMAT
from sd.archive.core.ferry.bundles import CheckedBundle
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.manifests import sm3_of
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.notes import sign_note
from sd.archive.core.ledger.notes import verify_note
from sd.archive.core.ledger.vkeys import Verifier

IMPORTED, DUPLICATE, REFUSED = "imported", "duplicate", "refused"


class Target(Protocol):
    def seen(self, origin: str, sequence: int) -> str | None:
        """The SM3 of the bundle imported before under this sender and sequence."""

    def held(self, relpath: str) -> str | None:
        """The SM3 of the AIP the node holds at ``relpath``."""

    def write(self, relpath: str, source: BinaryIO) -> str:
        """Write the AIP to every online location atomically; return the SM3 written."""

    def register(self, row: dict, origin: str) -> None:
        """Index the AIP (what fixity checks) and log its receipt in the node's ledger."""

    def commit(self) -> None: ...

    def done(self, bundle: CheckedBundle, stored: int) -> None:
        """Remember the bundle as imported (its SM3 under sender and sequence)."""


@dataclass
class Outcome:
    """What an import did (导入结果)."""

    status: str
    origin: str = ""
    sequence: int = 0
    bundle_sm3: str = ""
    stored: list[str] = field(default_factory=list)  # relpaths stored by this run
    held: list[str] = field(default_factory=list)  # relpaths held already (skipped)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "origin": self.origin,
            "sequence": self.sequence,
            "bundle_sm3": self.bundle_sm3,
            "stored": len(self.stored),
            "held": len(self.held),
            "errors": [p.as_dict() for p in self.problems],
        }


def import_bundle(checked: CheckedBundle, target: Target, batch: int = 100) -> Outcome:
    """Import a bundle :func:`~sd.archive.core.ferry.bundles.check_bundle` read."""
    out = Outcome(REFUSED, checked.origin, checked.sequence, checked.sm3)
    if not checked.ok:
        out.problems = list(checked.problems)
        return out
    before = target.seen(checked.origin, checked.sequence)
    if before == checked.sm3:
        out.status = DUPLICATE
        return out
    if before is not None:
        out.problems.append(
            Problem(
                "FERRY-REPLAY",
                f"该节点第 {checked.sequence} 号摆渡包已导入过另一内容 / sequence already imported "
                "with other content (replayed or forged)",
                checked.path.name,
                "ferry",
            )
        )
        return out
    todo = []
    for row in checked.records:
        held = target.held(row["relpath"])
        if held == row["sm3"]:
            out.held.append(row["relpath"])
        elif held is not None:
            out.problems.append(
                Problem(
                    "FERRY-CONFLICT",
                    "本节点在此路径保存着另一个长期保存包 / another AIP is held at this path",
                    row["relpath"],
                    "ferry",
                )
            )
        else:
            todo.append(row)
    if out.problems:
        return out
    with zipfile.ZipFile(checked.path) as z:
        for n, row in enumerate(todo, 1):
            with z.open(row["member"]) as source:
                written = target.write(row["relpath"], source)
            if written != row["sm3"]:  # the carrier changed under us: stop, nothing registered
                out.problems.append(
                    Problem(
                        "FERRY-DIGEST",
                        "写入后摘要值不符 / digest differs as written",
                        row["relpath"],
                        "ferry",
                    )
                )
                return out
            target.register(row, checked.origin)
            out.stored.append(row["relpath"])
            if n % batch == 0:
                target.commit()
    target.done(checked, len(out.stored))
    target.commit()
    out.status = IMPORTED
    return out


def make_receipt(outcome: Outcome, receiver: str, key: NodeKey) -> dict:
    """The receipt a person carries back to the sender (回执), signed by the LAN node."""
    body = {
        "format": RECEIPT_FORMAT,
        "receiver": receiver,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        **outcome.as_dict(),
    }
    text = f"{RECEIPT_FORMAT}\n{receiver}\n{sm3_of(_canonical(body))}\n"
    return {"receipt": body, "note": str(sign_note(text, key))}


def _canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def check_receipt(data: object, trusted_vkeys) -> tuple[dict | None, list[Problem]]:
    """The receipt's body when it is whole and signed by a node the sender trusts."""

    def fail(code, message):
        return None, [Problem(code, message, "receipt", "ferry")]

    if not isinstance(data, dict) or not isinstance(data.get("receipt"), dict):
        return fail("FERRY-RECEIPT", "不是摆渡回执 / not a ferry receipt")
    body = data["receipt"]
    if body.get("format") != RECEIPT_FORMAT:
        return fail("FERRY-RECEIPT", "不是摆渡回执 / not a ferry receipt")
    try:
        note = parse_note(str(data.get("note", "")))
        signers = [Verifier.from_vkey(v) for v in trusted_vkeys]
        signers = [v for v in signers if v.name == body.get("receiver")]
        if not signers:
            return fail("FERRY-SENDER", "回执的签发节点未获信任 / untrusted receiver")
        verify_note(note, signers)
    except (LedgerError, ValueError):
        return fail("FERRY-SIGNATURE", "回执签名无效 / the receipt's signature fails")
    if note.text != f"{RECEIPT_FORMAT}\n{body['receiver']}\n{sm3_of(_canonical(body))}\n":
        return fail("FERRY-RECEIPT", "回执内容与签名不符 / the signed note is not this receipt's")
    return body, []
