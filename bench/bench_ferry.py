"""The one-way ferry at 10,000 records (#31): export, carry, import; a kill half way.

    .venv/bin/python bench/bench_ferry.py [RECORDS=10000] [AIP_KB=32]

In one process, on RECORDS AIP files of AIP_KB each with their ``preserve`` entries in a real
SQLite ledger (Merkle tree, signed checkpoint) of a sender node:

- **export**: ``write_bundle`` (the ledger proof of every entry, the AIPs byte for byte, the
  signed manifest);
- **carry**: the bundle copied to the LAN node's inbox;
- **import**: ``check_bundle`` (signature, every AIP hashed, every proof verified) and
  ``import_bundle`` into a LAN node made of files: each AIP written atomically to two
  locations, hashed as written, a ``receive`` entry appended to the LAN node's own SQLite
  ledger (Merkle tree + signed checkpoint per entry, as ``LedgerLog.append`` does), committed
  every 100 AIPs after one ``os.sync()`` (files are not fsynced one by one: the batch is made
  durable before it counts as held). The Plone side adds one ZODB index entry per AIP (not
  in this figure);
- **baseline**: the same AIPs copied with ``shutil.copyfile`` into two locations.

Then the kill: a child process imports the same bundle into an empty LAN node and is killed
(SIGKILL) once half the AIPs are committed; a second run imports the rest. The bench checks
that every AIP is held once with its digest and the ledger has one entry per AIP.
Goal: import ≥ 50 records/s; nothing lost after the kill.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sd.archive.core.ferry.bundles import Outgoing  # noqa: E402
from sd.archive.core.ferry.bundles import check_bundle  # noqa: E402
from sd.archive.core.ferry.bundles import write_bundle  # noqa: E402
from sd.archive.core.ferry.inbox import import_bundle  # noqa: E402
from sd.archive.core.ledger.bundle import make_bundle  # noqa: E402
from sd.archive.core.ledger.checkpoint import Checkpoint  # noqa: E402
from sd.archive.core.ledger.checkpoint import sign_checkpoint  # noqa: E402
from sd.archive.core.ledger.entry import canonical_json  # noqa: E402
from sd.archive.core.ledger.entry import make_entry  # noqa: E402
from sd.archive.core.ledger.keys import NodeKey  # noqa: E402
from sd.archive.core.ledger.merkle import MerkleLog  # noqa: E402
from sd.archive.core.ledger.stores import SQLiteNodeStore  # noqa: E402
from sd.archive.core.preservation.atomic import atomic_writer  # noqa: E402

SENDER, LAN = "ledger.bench/administrative", "ledger.bench/archives"


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def sender_holdings(root: Path, count: int, kb: int, key: NodeKey) -> list[Outgoing]:
    conn = sqlite3.connect(root / "sender.sqlite")
    log = MerkleLog(SQLiteNodeStore(conn), "sm3")
    rows = []
    filler = os.urandom(kb * 512).hex().encode()
    for n in range(count):
        code = f"J001-WS·{2000 + n % 20}-Y-BGS-{n:05d}"
        aip = b"<EEP>" + code.encode() + b"</EEP>" + filler[: kb * 1024 - 40] + b"%d" % n
        path = root / "aips" / f"{n:06d}.eep"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(aip)
        entry = make_entry(
            "preserve",
            node=SENDER,
            actor="system",
            record=f"uid{n}",
            code=code,
            content={"正本.pdf": sm3(b"pdf%d" % n)},
            package=sm3(aip),
        )
        log.append(canonical_json(entry))
        rows.append((entry, path, aip, code))
    conn.commit()
    note = sign_checkpoint(Checkpoint(SENDER, log.size, log.root()), key)
    items = []
    for index, (entry, path, aip, code) in enumerate(rows):
        relpath = f"J001/{code[8:12]}/{code}/{code}.v1.eep"
        evidence = make_bundle(entry, log, index, note)
        items.append(
            Outgoing(entry["record"], code, relpath, sm3(aip), len(aip), str(path), evidence)
        )
    return items


class FileNode:
    """A LAN node of files: two locations, an index and a ledger in SQLite, both committed
    together every batch (as the site's transaction commits the ZODB and the ledger)."""

    def __init__(self, root: Path, key: NodeKey, die_after: int | None = None):
        self.root, self.key, self.die_after = root, key, die_after
        self.db = sqlite3.connect(root / "lan.sqlite")
        self.db.execute("CREATE TABLE IF NOT EXISTS held (relpath TEXT PRIMARY KEY, sm3 TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS bundles (k TEXT PRIMARY KEY, sm3 TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, entry BLOB)")
        self.db.commit()
        self.log = MerkleLog(SQLiteNodeStore(self.db), "sm3")
        self.committed = 0

    def seen(self, origin, sequence):
        row = self.db.execute("SELECT sm3 FROM bundles WHERE k = ?", (f"{origin}#{sequence}",))
        found = row.fetchone()
        return found[0] if found else None

    def held(self, relpath):
        found = self.db.execute("SELECT sm3 FROM held WHERE relpath = ?", (relpath,)).fetchone()
        return found[0] if found else None

    def write(self, relpath, source):
        digest = hashlib.new("sm3")
        first = self.root / "copy1" / relpath
        with atomic_writer(first, sync=False) as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        with (
            atomic_writer(self.root / "copy2" / relpath, sync=False) as out,
            open(first, "rb") as f,
        ):
            shutil.copyfileobj(f, out)
        return digest.hexdigest()

    def register(self, row, origin):
        self.db.execute("INSERT INTO held VALUES (?, ?)", (row["relpath"], row["sm3"]))
        entry = make_entry(
            "receive",
            node=LAN,
            actor=f"ferry:{origin}",
            record=row["uid"],
            code=row["code"],
            content={row["relpath"]: row["sm3"]},
            package=row["sm3"],
        )
        data = canonical_json(entry)
        index = self.log.append(data)
        self.db.execute("INSERT INTO entries VALUES (?, ?)", (index, data))
        sign_checkpoint(Checkpoint(LAN, self.log.size, self.log.root()), self.key)

    def commit(self):
        os.sync()  # the batch's files on disk before they count as held
        self.db.commit()
        self.committed = self.db.execute("SELECT COUNT(*) FROM held").fetchone()[0]
        if self.die_after is not None and self.committed >= self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)  # killed half way, right after a commit

    def done(self, bundle, stored):
        self.db.execute(
            "INSERT INTO bundles VALUES (?, ?)", (f"{bundle.origin}#{bundle.sequence}", bundle.sm3)
        )


def child(bundle: str, root: str, die_after: str, vkey: str) -> None:
    """The import killed half way (run as a child process)."""
    node = FileNode(Path(root), NodeKey.generate(LAN), int(die_after))
    import_bundle(check_bundle(bundle, [vkey]), node)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    kb = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    tmp = Path(tempfile.mkdtemp(prefix="bench-ferry-"))
    try:
        sender, lan = NodeKey.generate(SENDER), NodeKey.generate(LAN)
        t = time.perf_counter()
        items = sender_holdings(tmp, count, kb, sender)
        made = time.perf_counter() - t
        print(f"made {count} AIPs of {kb} KB with their ledger entries in {made:.1f} s")

        t = time.perf_counter()
        for item in items:  # the baseline: the same files copied to two locations
            for copy in ("base1", "base2"):
                target = tmp / copy / item.relpath
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item.path, target)
        base = time.perf_counter() - t

        t = time.perf_counter()
        bundle = write_bundle(tmp / "outbox", SENDER, 1, items, sender)
        export = time.perf_counter() - t
        t = time.perf_counter()
        carried = tmp / "inbox" / bundle.name
        carried.parent.mkdir()
        shutil.copyfile(bundle, carried)
        carry = time.perf_counter() - t
        node_root = tmp / "lan"
        node_root.mkdir()
        t = time.perf_counter()
        checked = check_bundle(carried, [sender.vkey])
        assert checked.ok, checked.problems[:3]
        check = time.perf_counter() - t
        outcome = import_bundle(checked, FileNode(node_root, lan))
        total = time.perf_counter() - t
        assert outcome.status == "imported" and len(outcome.stored) == count
        print(
            f"bundle {bundle.stat().st_size / 1e6:.1f} MB; export {export:.1f} s "
            f"({count / export:.0f} records/s), carry {carry:.1f} s"
        )
        print(
            f"import {total:.1f} s = check {check:.1f} s + store {total - check:.1f} s: "
            f"{count / total:.0f} records/s (goal >= 50) | baseline copy x2 {count / base:.0f} "
            f"records/s | ratio {base / total:.2f}"
        )

        killed_root = tmp / "killed"
        killed_root.mkdir()
        half = count // 2
        run = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(carried),
                str(killed_root),
                str(half),
                sender.vkey,
            ],
            capture_output=True,
            text=True,
        )
        assert run.returncode == -signal.SIGKILL, (run.returncode, run.stderr[-2000:])
        node = FileNode(killed_root, lan)
        before = node.db.execute("SELECT COUNT(*) FROM held").fetchone()[0]
        t = time.perf_counter()
        rest = import_bundle(check_bundle(carried, [sender.vkey]), node)
        resumed = time.perf_counter() - t
        held = dict(node.db.execute("SELECT relpath, sm3 FROM held"))
        entries = node.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        lost = [i.relpath for i in items if held.get(i.relpath) != i.sm3]
        bad = [r for r, d in held.items() if sm3((killed_root / "copy2" / r).read_bytes()) != d]
        print(
            f"kill at {before} of {count} committed; rerun stored {len(rest.stored)}, skipped "
            f"{len(rest.held)} in {resumed:.1f} s; held {len(held)}, ledger entries {entries}, "
            f"lost {len(lost)}, damaged {len(bad)}"
        )
        assert not lost and not bad and entries == count
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:6])
    else:
        main()
