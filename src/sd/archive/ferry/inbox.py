"""The LAN node's inbox (摆渡接收): bundles checked, imported and answered with receipts."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from typing import BinaryIO

import transaction
from persistent.mapping import PersistentMapping

from sd.archive import audit
from sd.archive.core.ferry import RECEIPT_SUFFIX
from sd.archive.core.ferry import SUFFIX
from sd.archive.core.ferry.bundles import CheckedBundle
from sd.archive.core.ferry.bundles import check_bundle
from sd.archive.core.ferry.inbox import REFUSED
from sd.archive.core.ferry.inbox import import_bundle
from sd.archive.core.ferry.inbox import make_receipt
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.storage import aip_path
from sd.archive.core.preservation.storage import parse_relpath
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import alarms
from sd.archive.preservation import config
from sd.archive.preservation import store
from sd.archive.sitedata import site_tree

from .outbox import folder
from .outbox import trusted

IMPORTS_KEY = "sd.archive.ferry.imports"  # "origin#sequence" → {sm3, stored, time}
CHUNK = 1 << 20


class SiteTarget:
    """The LAN node's storage, digest index and ledger as the importer's target (also the
    target of a whole-repository move, ``via="move"``: its AIPs attested the same way)."""

    def __init__(self, commit=None, via: str = "ferry"):
        self.via = via
        self.ledger = current_ledger()
        self.locations = config.online_locations()
        self._commit = commit
        self._sync_hooked = False

    def seen(self, origin: str, sequence: int) -> str | None:
        row = (site_tree(None, IMPORTS_KEY) or {}).get(f"{origin}#{sequence}")
        return row["sm3"] if row else None

    def held(self, relpath: str) -> str | None:
        entry = store.index().get(relpath)
        return entry["sm3"] if entry else None

    def write(self, relpath: str, source: BinaryIO) -> str:
        """Written without a flush per file: one ``os.sync()`` before the transaction that
        records them commits (a batch, or the request's) makes the batch durable first."""
        if not self._sync_hooked:
            transaction.get().addBeforeCommitHook(os.sync)
            self._sync_hooked = True
        first = aip_path(self.locations[0], relpath)
        digest = hashlib.new("sm3")
        with atomic_writer(first, sync=False) as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        for location in self.locations[1:]:
            target = aip_path(location, relpath)
            with atomic_writer(target, sync=False) as out, open(first, "rb") as f:
                shutil.copyfileobj(f, out, CHUNK)
        return digest.hexdigest()

    def register(self, row: dict, origin: str) -> None:
        ref = parse_relpath(row["relpath"])
        store.register(
            row["relpath"], row["sm3"], row["size"], row["uid"], row["code"], ref.version
        )
        entry = make_entry(
            "receive",
            node=self.ledger.origin,
            actor=f"{self.via}:{origin}",
            record=row["uid"],
            code=row["code"],
            content={row["relpath"]: row["sm3"]},
            package=row["sm3"],
        )
        self.ledger.log.append(entry)

    def commit(self) -> None:
        if self._commit is not None:
            self._commit()
            self._sync_hooked = False  # the next transaction needs its own flush

    def done(self, bundle: CheckedBundle, stored: int) -> None:
        tree = site_tree(None, IMPORTS_KEY, create=True)
        tree[f"{bundle.origin}#{bundle.sequence}"] = PersistentMapping(
            {"sm3": bundle.sm3, "stored": stored, "name": bundle.path.name}
        )


def import_one(path, commit=None) -> dict:
    """Check and import one bundle; write its receipt; return the outcome."""
    ledger = current_ledger()
    checked = check_bundle(path, trusted(ledger))
    outcome = import_bundle(checked, SiteTarget(commit))
    receipt = make_receipt(outcome, ledger.origin, ledger.node.key)
    stem, receipts = path.name.removesuffix(SUFFIX), folder("receipts")
    name, n = stem + RECEIPT_SUFFIX, 1
    while (receipts / name).exists():  # a bundle carried again gets a receipt of its own
        n += 1
        name = f"{stem}.{n}{RECEIPT_SUFFIX}"
    with atomic_writer(receipts / name) as out:
        out.write(json.dumps(receipt, ensure_ascii=False, indent=1).encode("utf-8"))
    if outcome.status == REFUSED:
        codes = ", ".join(p.code for p in outcome.problems)
        alarms.raise_alarm(alarms.FERRY_REFUSED, path.name, codes[:1000])
    audit.log("ferry.imported", details={"bundle": path.name, **outcome.as_dict()})
    return {"bundle": path.name, "receipt": name, **outcome.as_dict()}


def import_inbox(commit=None) -> list[dict]:
    """Import every bundle waiting in the inbox (oldest name first); a bundle imported or
    refused moves to ``inbox/done`` (its receipt says which)."""
    inbox, done = folder("inbox"), folder("inbox/done")
    results = []
    for path in sorted(inbox.glob(f"*{SUFFIX}")):
        results.append(import_one(path, commit))
        # moved once its import is committed (a rolled-back import finds it again)
        transaction.get().addAfterCommitHook(
            lambda ok, source=path: ok and source.exists() and source.replace(done / source.name)
        )
        if commit is not None:
            commit()
    return results
