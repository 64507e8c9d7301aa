"""A domain node's outbox (摆渡发出): bundles of the AIP versions not sent yet, and what the
LAN node's receipts confirmed."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from pathlib import Path

from persistent.mapping import PersistentMapping

from sd.archive import audit
from sd.archive.core.errors import ArchiveError
from sd.archive.core.ferry.bundles import Outgoing
from sd.archive.core.ferry.bundles import write_bundle
from sd.archive.core.ferry.inbox import check_receipt
from sd.archive.core.preservation.storage import aip_path
from sd.archive.ledger.current import current_ledger
from sd.archive.preservation import config
from sd.archive.preservation import store
from sd.archive.sitedata import site_tree

SENT_KEY = "sd.archive.ferry.sent"  # relpath → {sequence, sent, status}
BUNDLES_KEY = "sd.archive.ferry.bundles"  # sequence → {name, records, sent, status, receipt}
UNCONFIRMED, IMPORTED, REFUSED = "unconfirmed", "imported", "refused"


def folder(name: str) -> Path:
    path = config.work_dir("ferry") / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def trusted(ledger) -> list[str]:
    """The keys a ferry trusts: the other admitted nodes' and this node's own current key
    (never an older key admitted under its own name)."""
    others = [n.vkey for n in ledger.admitted() if n.origin != ledger.origin]
    return [*others, ledger.vkey]


def _tree(key: str, create: bool = False):
    tree = site_tree(None, key, create)
    return tree if tree is not None else {}


def not_sent() -> list[str]:
    """AIP versions of this node not in any bundle yet (待摆渡)."""
    sent = _tree(SENT_KEY)
    return sorted(r for r in store.index() if r not in sent)


def _outgoing(relpaths: list[str]) -> list[Outgoing]:
    ledger, idx = current_ledger(), store.index()
    source = config.online_locations()[0]
    items = []
    with ledger.log.reading() as conn:
        found = {r: ledger.log.find_digest(conn, idx[r]["sm3"]) for r in relpaths}
    for relpath in relpaths:
        entry = idx[relpath]
        logged = [i for i, path in found[relpath] if path == "package"]
        if not logged:
            continue  # not attested by the ledger: fixity raises the alarm, nothing is sent
        items.append(
            Outgoing(
                entry["uid"],
                entry["code"],
                relpath,
                entry["sm3"],
                entry["size"],
                str(aip_path(source, relpath)),
                ledger.bundle(logged[-1]),
            )
        )
    return items


def export(limit: int | None = None) -> dict:
    """Write the next bundle of what was not sent; ``{}`` when nothing waits."""
    relpaths = not_sent()[:limit] if limit else not_sent()
    items = _outgoing(relpaths)
    if not items:
        return {}
    ledger = current_ledger()
    bundles = _tree(BUNDLES_KEY, create=True)
    sequence = (max(bundles.keys()) if len(bundles) else 0) + 1
    path = write_bundle(folder("outbox"), ledger.origin, sequence, items, ledger.node.key)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sent = _tree(SENT_KEY, create=True)
    for item in items:
        sent[item.relpath] = PersistentMapping({"sequence": sequence, "sent": now})
    bundles[sequence] = PersistentMapping(
        {"name": path.name, "records": len(items), "sent": now, "status": UNCONFIRMED}
    )
    audit.log("ferry.exported", details={"bundle": path.name, "records": len(items)})
    return {"bundle": path.name, "sequence": sequence, "records": len(items)}


def apply_receipt(data: object) -> dict:
    """Read in a receipt carried back from the LAN node: the bundle is confirmed (imported,
    or a duplicate of an imported one) or refused (its problems kept, to send again)."""
    ledger = current_ledger()
    body, problems = check_receipt(data, trusted(ledger))
    if problems:
        raise ArchiveError("the receipt is not valid (回执无效)", problems, 422, "ReceiptRefused")
    bundles = _tree(BUNDLES_KEY)
    sequence = body.get("sequence")
    if body.get("origin") != ledger.origin or sequence not in bundles:
        raise ArchiveError(
            "the receipt is for no bundle of this node (回执不对应本节点的摆渡包)",
            [],
            422,
            "ReceiptRefused",
        )
    row = bundles[sequence]
    row["status"] = REFUSED if body["status"] == "refused" else IMPORTED
    row["receipt"] = {k: body[k] for k in ("receiver", "time", "status", "stored", "held")}
    row["errors"] = list(body.get("errors", []))
    if row["status"] == REFUSED:  # what it carried may go into the next bundle again
        sent = _tree(SENT_KEY)
        for relpath in [r for r, v in sent.items() if v["sequence"] == sequence]:
            del sent[relpath]
    audit.log("ferry.receipt", details={"bundle": row["name"], "status": row["status"]})
    return {"sequence": sequence, **dict(row)}


def bundles() -> list[dict]:
    """Every bundle sent, newest first, with its status (unconfirmed until its receipt)."""
    return [{"sequence": s, **dict(v)} for s, v in reversed(list(_tree(BUNDLES_KEY).items()))]


def unconfirmed() -> list[dict]:
    return [b for b in bundles() if b["status"] == UNCONFIRMED]
