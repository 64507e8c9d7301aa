"""C2SP signed notes (签名注记): text, a blank line, then ``— name base64(keyID||sig)`` lines.

The note text ends in a newline and is separated from the signatures by the last blank line.
A note is valid UTF-8 without control characters other than newline. Verifiers ignore
signatures of unknown keys (name and key ID must both match a known key) and reject a note
when a known key's signature fails.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.ledger.algorithms import check_key_name
from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.vkeys import Verifier

SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_NOTE_BYTES = 1 << 20
MAX_SIGNATURES = 100


@dataclass(frozen=True)
class NoteSignature:
    """One signature line (签名行): key name, 4-byte key ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIGNATURE_PREFIX}{self.name} {encoded}\n"

    def made_by(self, verifier: Verifier) -> bool:
        return self.name == verifier.name and self.key_id == verifier.key_id


@dataclass
class Note:
    """A signed note: its text (ending in a newline) and its signatures."""

    text: str
    signatures: list[NoteSignature] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def encode(self) -> bytes:
        return str(self).encode("utf-8")

    def with_signature(self, signature: NoteSignature) -> Note:
        """A copy with one more signature line (a signer's line is replaced, not doubled)."""
        kept = [
            s for s in self.signatures if (s.name, s.key_id) != (signature.name, signature.key_id)
        ]
        return Note(self.text, kept + [signature])


def check_text(text: str) -> str:
    """A note text is non-empty, ends in a newline and holds no other control characters."""
    if not text.endswith("\n") or text == "\n":
        raise refuse("LEDGER-NOTE-TEXT", "note text must be non-empty and end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise refuse("LEDGER-NOTE-TEXT", "note text holds a control character")
    return text


def parse_note(data: str | bytes) -> Note:
    """Parse a signed note; structural errors raise ``LedgerError`` (no signature is checked)."""
    if isinstance(data, bytes):
        if len(data) > MAX_NOTE_BYTES:
            raise refuse("LEDGER-NOTE-SIZE", "note is too large")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise refuse("LEDGER-NOTE-UTF8", "note is not UTF-8") from error
    if len(data.encode("utf-8")) > MAX_NOTE_BYTES:
        raise refuse("LEDGER-NOTE-SIZE", "note is too large")
    if any(ord(c) < 0x20 and c != "\n" for c in data):
        raise refuse("LEDGER-NOTE-TEXT", "note holds a control character")
    split = data.rfind("\n\n")
    if split < 0 or not data.endswith("\n"):
        raise refuse("LEDGER-NOTE-FORMAT", "note has no blank line before its signatures")
    text, lines = data[: split + 1], data[split + 2 :].split("\n")[:-1]
    check_text(text)
    if not lines:
        raise refuse("LEDGER-NOTE-FORMAT", "note has no signature")
    if len(lines) > MAX_SIGNATURES:
        raise refuse("LEDGER-NOTE-SIZE", "note has too many signatures")
    return Note(text, [_parse_signature_line(line) for line in lines])


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise refuse(
            "LEDGER-NOTE-SIGLINE",
            "a signature line starts with an em dash and a space",
            object=line[:80],
        )
    parts = line[len(SIGNATURE_PREFIX) :].split(" ")
    if len(parts) != 2:
        raise refuse("LEDGER-NOTE-SIGLINE", "a signature line is '— name base64'", object=line[:80])
    name, encoded = parts
    check_key_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise refuse("LEDGER-NOTE-SIGLINE", "signature is not base64", object=name) from error
    if len(raw) < 5 or base64.b64encode(raw).decode("ascii") != encoded:
        raise refuse(
            "LEDGER-NOTE-SIGLINE", "signature is not canonical base64 of keyID||sig", object=name
        )
    return NoteSignature(name, raw[:4], raw[4:])


def sign_text(text: str, key: NodeKey) -> NoteSignature:
    """The note signature of ``key`` over ``text`` (type 0x01 or the SM2 note type)."""
    verifier = key.verifier()
    return NoteSignature(key.name, verifier.key_id, key.sign(check_text(text).encode("utf-8")))


def sign_note(text: str, key: NodeKey) -> Note:
    """A new note with one signature."""
    return Note(text, [sign_text(text, key)])


def verify_note(note: Note, verifiers: Iterable[Verifier]) -> list[Verifier]:
    """The known note signers whose signatures verify.

    Raises ``LedgerError`` when a known key's signature fails, or when no known key signed.
    Cosigner verifiers are skipped: their signatures are checked by ``cosign``.
    """
    message = note.text.encode("utf-8")
    good: list[Verifier] = []
    for verifier in verifiers:
        if verifier.is_cosigner:
            continue
        for signature in note.signatures:
            if signature.made_by(verifier):
                if not verifier.verify(message, signature.signature):
                    raise refuse(
                        "LEDGER-NOTE-BADSIG",
                        "a signature of a known key does not verify",
                        object=verifier.name,
                    )
                if verifier not in good:
                    good.append(verifier)
    if not good:
        raise refuse("LEDGER-NOTE-UNSIGNED", "no known key signed the note")
    return good
