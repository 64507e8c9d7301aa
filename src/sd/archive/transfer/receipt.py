"""The two-sided transfer receipt (双方签名的移交回执).

The receipt text states the fonds, the number of records and the SM3 of the package's
``manifest-sm3.txt`` (which covers every file). The sender signs it as a C2SP signed note with
its node key (``X-Sender-Receipt``); on acceptance the archives checks that signature against
the admitted nodes, checks that the text is that of the package it received, and adds its own
signature line (countersignature). The receipt file carries the note and, per record, the
sender's ``transfer-out`` inclusion proof (from the package) and the archives' ``receive``
inclusion proof (from this node's ledger): both can be checked offline with
``core.ledger.bundle.verify_bundle``.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date

from plone import api

from sd.archive.core import digests
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.notes import sign_text
from sd.archive.core.ledger.vkeys import Verifier
from sd.archive.transfer import batch as state
from sd.archive.transfer import spool
from sd.archive.transfer.sender import EVIDENCE_FOLDER

RECEIPT_FORMAT = "sd-archive-transfer-receipt/v1"


def receipt_text(manifest_sm3: str, record_count: int, fonds_code: str) -> str:
    return (
        f"{RECEIPT_FORMAT}\nfonds {fonds_code}\nrecords {record_count}\n"
        f"manifest-sm3 {manifest_sm3}\n"
    )


def sender_note(manifest_sm3: str, record_count: int, fonds_code: str, key=None) -> str:
    """The receipt note signed by the sender (移交方签名); ``key`` defaults to the node key."""
    from sd.archive.core.ledger.notes import sign_note
    from sd.archive.ledger.node import identity

    key = key or identity().key
    return str(sign_note(receipt_text(manifest_sm3, record_count, fonds_code), key))


def receipts_dir():
    path = spool.root() / "receipts"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sender_signers(note: Note, admitted) -> list[str]:
    """Admitted nodes whose signature on the note verifies (raises on a bad known signature)."""
    good = []
    for node in admitted:
        verifier = Verifier.from_vkey(node.vkey)
        for signature in note.signatures:
            if signature.made_by(verifier):
                if not verifier.verify(note.text.encode("utf-8"), signature.signature):
                    raise LedgerError("the sender's signature does not verify", [])
                good.append(node.origin)
    return good


def sender_proofs(batch) -> dict:
    """The sender's ``transfer-out`` proofs from every package of the batch (later rounds win)."""
    found = {}
    for path in spool.all_packages(batch.token):
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if EVIDENCE_FOLDER in name and name.endswith(".json"):
                        bundle = json.loads(archive.read(name))
                        found[bundle.get("archival_code") or name] = bundle
        except (OSError, zipfile.BadZipFile, ValueError):
            continue
    return found


def packages_of(batch) -> list[dict]:
    """The batch's packages: the first one and each corrected one (重新移交)."""
    facts = batch.facts
    first = {
        "round": 0,
        "manifest_sm3": facts.get("manifest_sm3", ""),
        "record_count": facts.get("record_count", 0),
        "sender_receipt": facts.get("sender_receipt") or "",
    }
    return [first, *(dict(r) for r in facts.get("rounds", ()))]


def countersign(package: dict, fonds_code: str, ledger) -> tuple[Note, list[str], list[str]]:
    """(the note signed by both sides, admitted sender signers, problems) for one package."""
    text = receipt_text(package["manifest_sm3"], package["record_count"], fonds_code)
    problems, signers = [], []
    note = Note(text)
    sent = package.get("sender_receipt") or ""
    label = f"round {package['round']}: " if package["round"] else ""
    if sent:
        try:
            incoming = parse_note(sent)
            if incoming.text != text:
                problems.append(
                    f"{label}the sender signed another package (manifest, count or fonds differ)"
                )
            else:
                signers = sender_signers(incoming, ledger.admitted())
                note = incoming
                if not signers:
                    problems.append(f"{label}the sender's note is not signed by an admitted node")
        except LedgerError as error:
            problems.append(f"{label}the sender's note is invalid: {error.message}")
    else:
        problems.append(f"{label}the sender sent no signed receipt")
    return note.with_signature(sign_text(text, ledger.node.key)), signers, problems


def make_receipt(batch) -> dict:
    """Countersign the sender's note of every package and gather both sides' proofs."""
    from sd.archive.ledger.current import current_ledger

    ledger = current_ledger()
    notes, signers, problems = [], [], []
    for package in packages_of(batch):
        note, by, found = countersign(package, batch.fonds_code, ledger)
        notes.append(str(note))
        signers += [s for s in by if s not in signers]
        problems += found
    receiver = {}
    for result in state.results(batch, state.RECEIVED):
        index = (result.get("receipt") or {}).get("ledger_index")
        if index is not None:
            receiver[result["archival_code"]] = ledger.bundle(index)
    receipt = {
        "format": "sd-archive-transfer-receipt/1",
        "note": notes[0],
        "notes": notes,
        "text": parse_note(notes[0]).text,
        "sender_signed_by": signers,
        "countersigned_by": ledger.origin,
        "problems": problems,
        "sender_proofs": sender_proofs(batch),
        "receiver_proofs": receiver,
    }
    data = json.dumps(receipt, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    path = receipts_dir() / f"{batch.getId()}.json"
    path.write_bytes(data)
    return {
        "note": notes[0],
        "notes": notes,
        "sender_signed_by": signers,
        "countersigned_by": ledger.origin,
        "problems": problems,
        "path": str(path),
        "sm3": digests.digest_bytes(data),
        "records": len(receiver),
    }


def load(batch) -> dict:
    summary = getattr(batch, "receipt", None)
    if not summary:
        return {}
    with open(summary["path"], "rb") as fp:
        return json.load(fp)


def take_receipt(batch, receipt: dict) -> dict:
    """The archives' countersigned receipt for an outgoing batch (签收回执).

    Accepted when one of its notes is this batch's receipt text, signed by this node (the
    sender) and countersigned by an admitted node; the batch then shows ``received``."""
    from sd.archive.ledger.current import current_ledger

    def refuse(code, message):
        return ArchiveError(
            message, [Problem(code, message, batch.getId(), "authenticity")], 422, "ReceiptRefused"
        )

    if batch.direction != "outgoing":
        raise refuse("receipt.not-outgoing", "only an outgoing batch takes a receipt")
    if getattr(batch, "receipt", None):
        return dict(batch.receipt)
    facts = batch.facts
    text = receipt_text(facts["manifest_sm3"], facts["record_count"], batch.fonds_code)
    ledger = current_ledger()
    own = Verifier.from_vkey(ledger.vkey)
    for raw in receipt.get("notes") or [receipt.get("note", "")]:
        try:
            note = parse_note(raw)
        except (LedgerError, ValueError, TypeError):
            continue
        if note.text != text:
            continue
        mine = [
            s
            for s in note.signatures
            if s.made_by(own) and own.verify(note.text.encode("utf-8"), s.signature)
        ]
        try:
            by = [o for o in sender_signers(note, ledger.admitted()) if o != ledger.origin]
        except LedgerError:
            raise refuse("receipt.bad-signature", "a countersignature does not verify") from None
        if not mine:
            raise refuse("receipt.not-ours", "the note is not signed by this node")
        if not by:
            raise refuse("receipt.not-countersigned", "no admitted node countersigned the note")
        batch.receipt = {
            "note": str(note),
            "countersigned_by": by,
            "receiver_proofs": len(receipt.get("receiver_proofs") or {}),
            "time": date.today().isoformat(),
        }
        with api.env.adopt_roles(["Manager"]):
            for transition in ("check", "finish_check", "accept"):
                api.content.transition(
                    obj=batch,
                    transition=transition,
                    comment="接收方回执 / receipt from the archives",
                )
        return dict(batch.receipt)
    raise refuse("receipt.other-package", "no note of the receipt is for this batch's package")
