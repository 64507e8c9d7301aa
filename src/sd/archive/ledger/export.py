"""Dissemination copy with evidence certificate (利用输出 / 脱链): a ZIP of the record's files,
the JSON proof bundle, the admitted nodes' vkeys, and the certificate as PDF and PNG."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile

from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.ledger import records
from sd.archive.ledger.certificate import certificate_pdf
from sd.archive.ledger.certificate import certificate_png
from sd.archive.ledger.current import current_ledger

README = """This copy carries its evidence (证据包). Check it offline:

    sd-archive-verify --bundle proof.json --key nodes.vkey {files}

Take the nodes' keys (nodes.vkey) from a source you trust, e.g. GET /@ledger of each node.
"""

DESTROYED = "destroyed"


def export_entry_index(record, ledger) -> int:
    """The record's latest entry that states file digests."""
    with ledger.log.reading() as conn:
        for index in reversed(ledger.log.record_indexes(conn, record.UID(), full_only=True)):
            if parse_entry(ledger.log.entry(conn, index)[0])["content"]:
                return index
    raise ArchiveError(
        "the record is not in the ledger",
        [Problem("LEDGER-NOT-LOGGED", "the record has no ledger entry", object=record.getId())],
        409,
        "NotLogged",
    )


def renewed_index(ledger, uid: str, index: int) -> int:
    """The last ``renew`` entry of the chain that starts at entry ``index`` (else ``index``)."""
    with ledger.log.reading() as conn:
        for later in ledger.log.record_indexes(conn, uid):
            if later <= index:
                continue
            entry = parse_entry(ledger.log.entry(conn, later)[0])
            links = entry.get("links") or []
            if entry["event"] == "renew" and any(link["index"] == index for link in links):
                index = later
    return index


def renewal_chain(ledger, index: int) -> list[dict]:
    """The bundles from the entry a renewal renews (oldest) to ``index``'s: one bundle when
    the entry is no renewal (证据续期链)."""
    chain = [ledger.bundle(index)]
    while chain[0]["entry"]["event"] == "renew":
        chain.insert(0, ledger.bundle(chain[0]["entry"]["links"][0]["index"]))
    return chain


def export_record(record) -> tempfile.SpooledTemporaryFile:
    """Write the export ZIP to a temporary file (rewound) and return it.

    A destroyed record (销毁) keeps only its metadata: there is nothing to export, 410."""
    if api.content.get_state(record, default=None) == DESTROYED:
        raise ArchiveError(
            "the record was destroyed: only its metadata is kept",
            [
                Problem(
                    "record.destroyed",
                    "a destroyed record has no files to export",
                    record.getId(),
                    "state",
                )
            ],
            410,
            "Gone",
        )
    ledger = current_ledger()
    status = records.tamper_status(record, ledger)
    if not status.intact:
        raise ArchiveError(
            "the stored copy no longer matches its ledger entry",
            [Problem(p["code"], p["message"], object=p["object"]) for p in status.problems],
            409,
            "StoredCopyChanged",
        )
    latest = renewed_index(ledger, record.UID(), export_entry_index(record, ledger))
    chain = renewal_chain(ledger, latest)
    bundle = chain[-1]
    confirmed = ledger.confirmed_by(bundle["checkpoint"])
    stored = {records.component_path(c): c for c in records.components(record)}
    out = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 - returned open to the caller
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in bundle["files"]:
            with stored[path].file.open() as source, archive.open(path, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        proof = chain if len(chain) > 1 else bundle  # a renewal chain: the list, oldest first
        archive.writestr("proof.json", json.dumps(proof, ensure_ascii=False, indent=1))
        archive.writestr("nodes.vkey", "\n".join(ledger.trusted_vkeys()) + "\n")
        archive.writestr("certificate.pdf", certificate_pdf(bundle, record.Title(), confirmed))
        archive.writestr("certificate.png", certificate_png(bundle, record.Title(), confirmed))
        archive.writestr("README.txt", README.format(files=" ".join(bundle["files"])))
    out.seek(0)
    return out
