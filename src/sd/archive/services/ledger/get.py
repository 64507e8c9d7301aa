"""GET @ledger[/proof|/consistency|/entries]: the node's checkpoint and proofs (账本查询)."""

from __future__ import annotations

from sd.archive.core.ledger.entry import parse_entry
from sd.archive.ledger import disclosure
from sd.archive.ledger.current import current_ledger
from sd.archive.services.base import TraversingService
from sd.archive.services.ledger.common import bad_request
from sd.archive.services.ledger.common import int_param

MAX_ENTRIES = 1000


class LedgerGet(TraversingService):
    """The latest signed checkpoint, origin, public key, cosignatures and quorum state;
    ``/proof?index=N&size=M``, ``/consistency?first=M&second=N``, ``/entries?start=&end=``
    (entries about records the caller may not View redacted, see ``evidence.disclosure``)."""

    def reply(self):
        ledger = current_ledger()
        what = self.params[0] if self.params else ""
        if what == "":
            return {"@id": f"{self.context.absolute_url()}/@ledger", **ledger.state()}
        handler = {
            "proof": self.proof,
            "consistency": self.consistency,
            "entries": self.entries,
        }.get(what)
        if handler is None or len(self.params) > 1:
            raise bad_request(f"unknown ledger resource {'/'.join(self.params)}", "LEDGER-RESOURCE")
        return handler(ledger)

    def proof(self, ledger) -> dict:
        form = self.request.form
        index = int_param(form, "index")
        with ledger.log.reading() as conn:
            log = ledger.log.merkle(conn)
            size = int_param(form, "size", log.size)
            proof = log.inclusion_proof(index, size)
            checkpoint = ledger.log.checkpoint_at(conn, size)
            return {
                "index": index,
                "tree_size": size,
                "leaf_hash": log.leaf_hash(index).hex(),
                "root": log.root(size).hex(),
                "proof": [p.hex() for p in proof],
                "checkpoint": checkpoint,
                "hash_alg": log.algorithm,
            }

    def consistency(self, ledger) -> dict:
        form = self.request.form
        with ledger.log.reading() as conn:
            log = ledger.log.merkle(conn)
            first = int_param(form, "first")
            second = int_param(form, "second", log.size)
            proof = log.consistency_proof(first, second)
            return {
                "first": first,
                "second": second,
                "first_root": log.root(first).hex(),
                "second_root": log.root(second).hex(),
                "proof": [p.hex() for p in proof],
                "hash_alg": log.algorithm,
            }

    def entries(self, ledger) -> dict:
        form = self.request.form
        with ledger.log.reading() as conn:
            size = ledger.log.size(conn)
            start = int_param(form, "start", 0)
            end = min(int_param(form, "end", size), size, start + MAX_ENTRIES)
            if start > size:
                raise bad_request(f"start {start} is past the tree size {size}", property="start")
            entries = [e.decode("utf-8") for e in ledger.log.entries(conn, start, end)]
            if not disclosure.is_witness(self.request, ledger):
                entries = self.redacted(ledger, conn, start, entries)
        return {
            "origin": ledger.origin,
            "start": start,
            "end": max(start, end),
            "tree_size": size,
            "entries": entries,
        }

    @staticmethod
    def redacted(ledger, conn, start: int, entries: list[str]) -> list:
        """Each entry as its text, or, about a record the caller may not View, as the
        redacted entry with its ``index`` and ``leaf_hash`` (账本公开范围)."""
        parsed = [parse_entry(e.encode("utf-8")) for e in entries]
        visible = disclosure.visible_records(e["record"] for e in parsed)
        return [
            text
            if disclosure.discloses(entry, visible)
            else {
                **disclosure.redact(entry),
                "index": start + n,
                "leaf_hash": ledger.log.entry(conn, start + n)[1].hex(),
            }
            for n, (text, entry) in enumerate(zip(entries, parsed, strict=True))
        ]
