"""Offline evidence proof bundles (离线证据包) and their verification (脱链验证).

A bundle is a JSON object that lets anyone check, with the nodes' public keys and without
access to the system, that files are those whose digests a node logged:

=================== =====================================================================
``format``          ``"sd-archive-evidence/1"``
``hash_alg``        hash of the log's Merkle tree, ``"sm3"`` or ``"sha256"``
``archival_code``   archival code (档号) — equals ``entry.code``
``entry``           the ledger entry (object; its canonical JSON is the leaf input)
``leaf_index``      index of the entry in the log
``leaf_hash``       hex HASH(0x00 || canonical entry)
``tree_size``       size of the checkpoint the proof is against
``inclusion_proof`` [hex, …] RFC 9162 inclusion proof from the leaf to the checkpoint root
``checkpoint``      the signed checkpoint note with its cosignatures (C2SP formats)
``files``           {path: hex digest} of the files the bundle vouches for (⊆ entry.content)
=================== =====================================================================

File digests use the entry's ``alg`` (default SM3).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO

from sd.archive.core.errors import Problem
from sd.archive.core.ledger.checkpoint import open_checkpoint
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.cosign import cosignature_time
from sd.archive.core.ledger.entry import canonical_json
from sd.archive.core.ledger.entry import validate_entry
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.hashing import ALGORITHMS
from sd.archive.core.ledger.hashing import DEFAULT_ALGORITHM
from sd.archive.core.ledger.hashing import hash_constructor
from sd.archive.core.ledger.hashing import leaf_hash
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.merkle import verify_inclusion
from sd.archive.core.ledger.nodes import majority
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.vkeys import Verifier

FORMAT = "sd-archive-evidence/1"
FIELDS = (
    "format",
    "hash_alg",
    "archival_code",
    "entry",
    "leaf_index",
    "leaf_hash",
    "tree_size",
    "inclusion_proof",
    "checkpoint",
    "files",
)
CHUNK = 1 << 20


def make_bundle(
    entry: dict,
    log: MerkleLog,
    index: int,
    checkpoint_note: str | Note,
    paths: Iterable[str] | None = None,
) -> dict:
    """Build the bundle of entry ``index`` of ``log`` against a signed checkpoint of it.

    ``paths`` selects the content files the bundle vouches for (default: all of them).
    """
    note = checkpoint_note if isinstance(checkpoint_note, Note) else parse_note(checkpoint_note)
    size = parse_checkpoint(note.text).size
    leaf = leaf_hash(canonical_json(entry), log.algorithm)
    if log.leaf_hash(index) != leaf:
        raise refuse(
            "LEDGER-BUNDLE-LEAF", "the entry is not the one logged at this index", object=str(index)
        )
    content = entry["content"]
    chosen = list(content) if paths is None else list(paths)
    missing = [p for p in chosen if p not in content]
    if missing:
        raise refuse("LEDGER-BUNDLE-FILES", f"not in the entry: {', '.join(missing)}")
    return {
        "format": FORMAT,
        "hash_alg": log.algorithm,
        "archival_code": entry["code"],
        "entry": entry,
        "leaf_index": index,
        "leaf_hash": leaf.hex(),
        "tree_size": size,
        "inclusion_proof": [p.hex() for p in log.inclusion_proof(index, size)],
        "checkpoint": str(note),
        "files": {p: content[p] for p in chosen},
    }


@dataclass
class VerificationResult:
    """The outcome of verifying a bundle (验证结果): valid only when no problem was found."""

    problems: list[Problem] = field(default_factory=list)
    origin: str = ""
    leaf_index: int | None = None
    tree_size: int | None = None
    archival_code: str = ""
    confirmed_by: list[str] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)  # given file name -> path in entry

    @property
    def valid(self) -> bool:
        return not self.problems

    def __bool__(self) -> bool:
        return self.valid

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "origin": self.origin,
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "archival_code": self.archival_code,
            "confirmed_by": self.confirmed_by,
            "matched": self.matched,
            "errors": [p.as_dict() for p in self.problems],
        }


def verify_bundle(
    bundle: object,
    files: Mapping[str, bytes | BinaryIO],
    trusted_vkeys: Iterable[str | Verifier],
    quorum: int | None = None,
) -> VerificationResult:
    """Check a proof bundle, the given files (name -> bytes or binary stream) against it,
    the inclusion proof, the log's signature and a quorum of cosignatures by trusted keys.

    ``quorum`` defaults to a majority of the distinct trusted key names; the log's own
    signature counts as one.
    """
    result = VerificationResult()

    def fail(code: str, message: str, object: str = "") -> None:
        result.problems.append(Problem(code, message, object=object))

    if not isinstance(bundle, dict):
        fail("LEDGER-BUNDLE-TYPE", "a bundle is a JSON object")
        return result
    for name in FIELDS:
        if name not in bundle:
            fail("LEDGER-BUNDLE-FIELD", f"missing field {name!r}", name)
    for name in bundle:
        if name not in FIELDS:
            fail("LEDGER-BUNDLE-FIELD", f"unknown field {name!r}", name)
    if result.problems:
        return result
    if bundle["format"] != FORMAT:
        fail("LEDGER-BUNDLE-FORMAT", f"unknown bundle format {bundle['format']!r}", "format")
    hash_alg = bundle["hash_alg"]
    if hash_alg not in ALGORITHMS:
        fail("LEDGER-BUNDLE-HASH", f"unknown hash algorithm {hash_alg!r}", "hash_alg")
        return result

    entry = bundle["entry"]
    entry_problems = validate_entry(entry)
    result.problems.extend(entry_problems)
    if entry_problems:
        return result
    result.archival_code = entry["code"]
    if bundle["archival_code"] != entry["code"]:
        fail("LEDGER-BUNDLE-CODE", "archival code differs from the entry's", "archival_code")

    _check_files(bundle["files"], entry, files, result, fail)
    _check_proof(bundle, entry, hash_alg, trusted_vkeys, quorum, result, fail)
    return result


def _check_files(
    claimed: object, entry: dict, given: Mapping, result: VerificationResult, fail
) -> None:
    if not isinstance(claimed, dict) or not claimed:
        fail("LEDGER-BUNDLE-FILES", "files is a non-empty object {path: digest}", "files")
        return
    content = entry["content"]
    for path, value in claimed.items():
        if content.get(path) != value:
            fail("LEDGER-BUNDLE-FILES", "file digest is not the one in the entry", path)
    if not given:
        return
    algorithm = entry.get("alg", DEFAULT_ALGORITHM)
    for name, data in given.items():
        value = _digest(data, algorithm)
        candidates = [p for p in claimed if p == name] or [
            p
            for p in claimed
            if posixpath.basename(p) == posixpath.basename(name.replace("\\", "/"))
        ]
        matches = [p for p in candidates if claimed[p] == value] or [
            p for p in claimed if claimed[p] == value
        ]
        if matches:
            result.matched[name] = matches[0]
        elif candidates:
            fail(
                "LEDGER-FILE-DIGEST",
                f"{algorithm.upper()} digest {value} differs from the logged one",
                name,
            )
        else:
            fail(
                "LEDGER-FILE-UNKNOWN",
                f"no file of the bundle has {algorithm.upper()} digest {value}",
                name,
            )


def _confirmations(origin, note, trusted, result: VerificationResult) -> list[str]:
    """The checkpoint's origin and the trusted nodes whose cosignature is on the note.

    Problems of unreadable cosignatures go to ``result``.
    """
    confirmed = [origin]
    for name, verifier in trusted.items():
        if name == origin:
            continue
        try:
            if cosignature_time(note, verifier.as_cosigner()) is not None:
                confirmed.append(name)
        except LedgerError as error:
            result.problems.extend(error.problems)
    return confirmed


def _check_proof(
    bundle, entry, hash_alg, trusted_vkeys, quorum, result: VerificationResult, fail
) -> None:
    index, size = bundle["leaf_index"], bundle["tree_size"]
    if type(index) is not int or type(size) is not int or not 0 <= index < size:
        fail(
            "LEDGER-BUNDLE-INDEX",
            "leaf_index and tree_size are integers, 0 <= leaf_index < tree_size",
        )
        return
    result.leaf_index, result.tree_size = index, size
    leaf = leaf_hash(canonical_json(entry), hash_alg)
    if bundle["leaf_hash"] != leaf.hex():
        fail("LEDGER-BUNDLE-LEAF", "the leaf hash is not the hash of the entry", "leaf_hash")
    proof = _hex_list(bundle["inclusion_proof"])
    if proof is None:
        fail("LEDGER-BUNDLE-PROOF", "inclusion_proof is a list of hex hashes", "inclusion_proof")
        return

    trusted = _trusted(trusted_vkeys)
    if not isinstance(bundle["checkpoint"], str):
        fail("LEDGER-BUNDLE-CHECKPOINT", "checkpoint is the text of a signed note", "checkpoint")
        return
    try:
        checkpoint, note = open_checkpoint(
            bundle["checkpoint"], [v.as_note_signer() for v in trusted.values()]
        )
    except LedgerError as error:
        result.problems.extend(error.problems)
        return
    result.origin = checkpoint.origin
    if entry["node"] != checkpoint.origin:
        fail(
            "LEDGER-BUNDLE-NODE",
            "the entry was logged by another node than the checkpoint's",
            "entry.node",
        )
    if checkpoint.size != size:
        fail(
            "LEDGER-BUNDLE-SIZE",
            f"tree_size {size} is not the checkpoint size {checkpoint.size}",
            "tree_size",
        )
    elif not verify_inclusion(index, size, leaf, proof, checkpoint.root, hash_alg):
        fail(
            "LEDGER-BUNDLE-INCLUSION",
            "the inclusion proof does not lead to the checkpoint root",
            "inclusion_proof",
        )

    confirmed = _confirmations(checkpoint.origin, note, trusted, result)
    result.confirmed_by = confirmed
    needed = majority(len(trusted)) if quorum is None else quorum
    if len(confirmed) < needed:
        fail(
            "LEDGER-BUNDLE-QUORUM",
            f"confirmed by {len(confirmed)} trusted node(s), {needed} needed",
            "checkpoint",
        )


def _trusted(vkeys: Iterable[str | Verifier]) -> dict[str, Verifier]:
    trusted: dict[str, Verifier] = {}
    for vkey in vkeys:
        verifier = vkey if isinstance(vkey, Verifier) else Verifier.from_vkey(vkey)
        known = trusted.get(verifier.name)
        if known is not None and known.public_key != verifier.public_key:
            raise refuse(
                "LEDGER-VKEY-CONFLICT", "two trusted keys of the same name", object=verifier.name
            )
        trusted[verifier.name] = verifier
    return trusted


def _hex_list(value: object) -> list[bytes] | None:
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if not isinstance(item, str) or len(item) != 64 or item != item.lower():
            return None
        try:
            out.append(bytes.fromhex(item))
        except ValueError:
            return None
    return out


def _digest(data: bytes | BinaryIO, algorithm: str) -> str:
    hasher = hash_constructor(algorithm)()
    if isinstance(data, (bytes, bytearray, memoryview)):
        hasher.update(data)
    else:
        for chunk in iter(lambda: data.read(CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()
