"""Checking a transferred record against the sender's ledger (移交方存证核验).

A package from another sd.archive node carries, for each record, the proof bundle of its
``transfer-out`` entry in ``其他/证据/<档号>.json`` (``sd-archive-evidence/1``, see
``core.ledger.bundle``). When the sender is an admitted node (its origin in the admitted
nodes), every record must come with a bundle that verifies with the admitted keys and quorum
(``verify_bundle``), is a ``transfer-out`` entry of that origin for the record's 档号, and
vouches for each content file with the digest the file has in the package. A sender that is
not an admitted node (an agency's own records room system) is reported as not checked.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.errors import Problem
from sd.archive.core.ledger.bundle import verify_bundle
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.notes import parse_note

EVIDENCE_FOLDER = "其他/证据/"
CODE = "YJ-LEDGER"  # 移交方存证核验


def evidence_path(archival_code: str) -> str:
    return f"{EVIDENCE_FOLDER}{archival_code}.json"


@dataclass
class LedgerCheck:
    status: str  # verified | failed | not-applicable
    origin: str = ""
    leaf_index: int | None = None
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "origin": self.origin,
            "leaf_index": self.leaf_index,
            "errors": [p.as_dict() for p in self.problems],
        }


def _origin_of(bundle: dict) -> str:
    try:
        return parse_checkpoint(parse_note(bundle["checkpoint"]).text).origin
    except (LedgerError, KeyError, TypeError, ValueError):
        return ""


class SenderLedger:
    """The sender's bundles in a package and the admitted nodes that vouch for them."""

    def __init__(self, bundles: dict[str, dict], sender_node: str, admitted, quorum: int):
        self.bundles = bundles
        self.admitted = {n.origin: n for n in admitted}
        origins = {_origin_of(b) for b in bundles.values()} - {""}
        self.origin = sender_node or (origins.pop() if len(origins) == 1 else "")
        self.quorum = quorum

    @classmethod
    def from_package(cls, package, sender_node: str = "") -> SenderLedger:
        from sd.archive.ledger.current import current_ledger
        from sd.archive.ledger.node import quorum

        bundles = {}
        for path, described in package.files.items():
            if path.startswith(EVIDENCE_FOLDER) and path.endswith(".json") and described.location:
                try:
                    with open(described.location, "rb") as fp:
                        bundles[posixpath.basename(path)[:-5]] = json.load(fp)
                except (OSError, ValueError):
                    continue
        admitted = current_ledger().admitted()
        return cls(bundles, sender_node, admitted, quorum(admitted))

    @property
    def applies(self) -> bool:
        return bool(self.origin) and self.origin in self.admitted

    def check(self, record) -> LedgerCheck:  # noqa: C901 - the proof checked step by step
        if not self.applies:
            return LedgerCheck("not-applicable", self.origin)
        found = LedgerCheck("verified", self.origin)

        def fail(message: str, obj: str = "") -> None:
            found.status = "failed"
            found.problems.append(Problem(CODE, message, obj or record.object, "authenticity"))

        bundle = self.bundles.get(record.archival_code)
        if bundle is None:
            fail(
                "no proof of the sender's transfer-out entry "
                f"({evidence_path(record.archival_code)})"
            )
            return found
        files = {}
        try:
            for path, described in record.content_files().items():
                files[path] = open(described.location, "rb")  # noqa: SIM115 - closed below
            vkeys = [n.vkey for n in self.admitted.values()]
            result = verify_bundle(bundle, files, vkeys, self.quorum)
        except LedgerError as error:
            for p in error.problems:
                fail(p.message, p.object)
            return found
        finally:
            for stream in files.values():
                stream.close()
        found.leaf_index = result.leaf_index
        for p in result.problems:
            fail(f"{p.code}: {p.message}", p.object)
        entry = bundle.get("entry") or {}
        if result.origin and result.origin != self.origin:
            fail(f"the proof is from {result.origin}, not from the sender {self.origin}")
        if entry.get("event") != "transfer-out":
            fail(f"the proven entry is {entry.get('event')!r}, not transfer-out")
        if entry.get("code") != record.archival_code:
            fail(f"the proven entry is for {entry.get('code')!r}")
        content = entry.get("content") or {}
        for path, described in record.content_files().items():
            if content.get(path) != described.sm3:
                fail("the file is not the one the sender logged", path)
        return found
