"""C2SP tlog checkpoints (日志检查点): origin, tree size, base64 root, optional extension lines.

The checkpoint is the text of a signed note; the log signs it with its node key, the
other admitted nodes add cosignature lines (``cosign``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from sd.archive.core.ledger.errors import refuse
from sd.archive.core.ledger.hashing import DIGEST_SIZE
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.notes import Note
from sd.archive.core.ledger.notes import check_text
from sd.archive.core.ledger.notes import parse_note
from sd.archive.core.ledger.notes import sign_note
from sd.archive.core.ledger.notes import verify_note
from sd.archive.core.ledger.vkeys import Verifier

COSIGNATURE_HEADER = "cosignature/v1"


@dataclass(frozen=True)
class Checkpoint:
    """A tree head (树头): origin (日志标识), size (树大小), root hash (根哈希)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text: three lines plus extension lines, each newline-terminated."""
        lines = [
            self.origin,
            str(self.size),
            base64.b64encode(self.root).decode("ascii"),
            *self.extensions,
        ]
        return check_text("".join(line + "\n" for line in lines))

    def __post_init__(self):
        if not self.origin or self.origin == COSIGNATURE_HEADER or "\n" in self.origin:
            raise refuse("LEDGER-CHECKPOINT-ORIGIN", f"invalid origin {self.origin!r}")
        if self.size < 0:
            raise refuse("LEDGER-CHECKPOINT-SIZE", "tree size is negative")
        if len(self.root) != DIGEST_SIZE:
            raise refuse("LEDGER-CHECKPOINT-ROOT", f"root hash must have {DIGEST_SIZE} bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise refuse("LEDGER-CHECKPOINT-EXT", "extension lines must be non-empty single lines")


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (the note text)."""
    if not text.endswith("\n"):
        raise refuse("LEDGER-CHECKPOINT-FORMAT", "checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise refuse("LEDGER-CHECKPOINT-FORMAT", "a checkpoint has at least three lines")
    origin, size_text, root_text, *extensions = lines
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (size_text.startswith("0") and size_text != "0")
    ):
        raise refuse(
            "LEDGER-CHECKPOINT-SIZE",
            f"tree size {size_text!r} is not a canonical decimal",
            object=origin,
        )
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as error:
        raise refuse("LEDGER-CHECKPOINT-ROOT", "root hash is not base64", object=origin) from error
    if base64.b64encode(root).decode("ascii") != root_text:
        raise refuse("LEDGER-CHECKPOINT-ROOT", "root hash is not canonical base64", object=origin)
    checkpoint = Checkpoint(origin, int(size_text), root, tuple(extensions))
    if checkpoint.body() != text:
        raise refuse(
            "LEDGER-CHECKPOINT-FORMAT", "checkpoint text is not in canonical form", object=origin
        )
    return checkpoint


def sign_checkpoint(checkpoint: Checkpoint, key: NodeKey) -> Note:
    """The log's signed note over ``checkpoint``; the key name must be the origin."""
    if key.name != checkpoint.origin:
        raise refuse(
            "LEDGER-CHECKPOINT-KEY",
            "the log key name must match the checkpoint origin",
            object=key.name,
        )
    return sign_note(checkpoint.body(), key)


def open_checkpoint(
    note: str | bytes | Note, log_verifiers: Sequence[Verifier]
) -> tuple[Checkpoint, Note]:
    """Parse a signed checkpoint and check the signature of its log (the key named as origin)."""
    if not isinstance(note, Note):
        note = parse_note(note)
    checkpoint = parse_checkpoint(note.text)
    own = [v for v in log_verifiers if v.name == checkpoint.origin and not v.is_cosigner]
    if not own:
        raise refuse(
            "LEDGER-ORIGIN-UNKNOWN",
            "the checkpoint origin is not a known log",
            object=checkpoint.origin,
        )
    verify_note(note, own)
    return checkpoint, note
