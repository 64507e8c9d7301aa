"""Generated repository contents shared by the benchmarks (基准测试的生成数据): catalog entries
of records that do not exist as objects, and ledger entries written in bulk.

Imported by scripts that run inside an instance (``zconsole run``, with ``bench`` on
``sys.path``): ``bench_search.py`` and ``bench_million.py``.

- ``Entry``: what the catalog indexes of generated record ``i`` (``search_text.record``: title,
  档号, 文号, 电子文件号, 责任者, 主题词, ~520 characters of real Chinese words as file text),
  for ``Catalog.catalogObject`` — making real records with files takes hours at 100,000.
- ``ledger_entry`` / ``append_entries``: the ``archive`` entry of such a record and a batch of
  them appended to a node's SQLite log in one SQL transaction, with the real Merkle hashing
  (``core.ledger.merkle``) and one signed checkpoint at the end of the batch instead of one
  per entry.
"""

from __future__ import annotations

import datetime

import search_text

#: review states of generated records (of 100)
STATES = ["archived"] * 70 + ["transferred"] * 10 + ["open"] * 15 + ["pre_archived"] * 5
#: fonds of generated records with unique archival codes (taken round robin)
FONDS = 10
#: the series of such records (全宗 × 年度 × 保管期限 × 机构: 10 × 24 × 3 × 4 = 2,880) follow
#: each other record by record: a series holds N / SERIES_PERIOD records (347 of 1,000,000,
#: about what one department files a year under one retention period), and 件号
#: ``i // SERIES_PERIOD + 1`` is unique in it
SERIES_PERIOD = FONDS * 24 * 3 * 4


def series_fields(r: dict, i: int) -> dict:
    """``r`` (``search_text.record(i, …)``) with 年度, 保管期限 and 机构 drawn independently of
    each other and of the fonds (``i % FONDS``), so that the 2,880 series take turns."""
    k = i // FONDS
    year = 2000 + k % 24
    k //= 24
    retention = search_text.RETENTIONS[k % 3]
    org = search_text.ORGS[k // 3 % 4]
    number = r["document_number"].replace(f"〔{r['year']}〕", f"〔{year}〕")
    return {**r, "year": year, "retention": retention, "org": org, "document_number": number}


def series_code(r: dict, fonds: str, i: int) -> str:
    """档号 of generated record ``i`` with a 件号 unique in its series (``r``: its
    :func:`series_fields`)."""
    return f"{fonds}-WS·{r['year']}-{r['retention']}-{r['org']}-{i // SERIES_PERIOD + 1:04d}"


class Entry:
    """The catalog entry of generated record ``i`` (without the record)."""

    portal_type = "Record"
    Type = "Record"
    effective = expires = None

    def __init__(self, path, i, fonds="B001", readers=("user:officer",), unique_code=False):
        from sd.archive.core.search.segment import BODY

        r = search_text.record(i, fonds)
        if unique_code:
            r = series_fields(r, i)
        self._path = path
        self.id = self.getId = path.rsplit("/", 1)[1]
        self.review_state = STATES[i % 100]
        self.fonds_code = fonds
        self.archive_year = r["year"]
        self.category_code = "WS"
        self.retention_period = r["retention"]
        self.org_code = r["org"]
        self.archival_code = series_code(r, fonds, i) if unique_code else r["archival_code"]
        self.document_number = r["document_number"]
        self.electronic_record_id = r["electronic_record_id"]
        self.author = r["author"]
        self.keywords = r["keywords"]
        self.security_level = r["security"]
        self.open_status = r["open_status"]
        self.document_date = datetime.date(r["year"], r["month"], 1 + i % 28)
        self.allowedRolesAndUsers = ["Manager", "Site Administrator", *readers]
        self.Title = self.title = r["title"]
        self.sortable_title = r["title"][:40]
        self.UID = f"bench{i:027d}"
        meta = "\n".join(
            [
                r["title"],
                self.archival_code,
                r["document_number"],
                r["electronic_record_id"],
                r["author"],
                " ".join(r["keywords"]),
            ]
        )
        # as the record indexer gives it: description, BODY, file text
        self.SearchableText = meta + BODY + r["text"]
        self.SearchableText_stock = meta + "\n" + r["text"]
        self.text = r["text"]

    def getPhysicalPath(self):
        return tuple(self._path.split("/"))


def ledger_entry(entry: Entry, node: str, digests: dict[str, str]) -> dict:
    """The ``archive`` ledger entry of a generated record: ``digests`` maps the paths of its
    files (元数据.xml, components) to their SM3; the package digest is that of them all."""
    from sd.archive.core.ledger.entry import make_entry
    from sd.archive.core.ledger.hashing import hex_digest

    content = {p: d for p, d in digests.items() if p != "元数据.xml"}
    package = hex_digest("".join(sorted(digests.values())).encode(), "sm3")
    return make_entry(
        "archive",
        node=node,
        actor="svc-bench",
        record=entry.UID,
        code=entry.archival_code,
        title=entry.Title,
        content=content,
        metadata=digests.get("元数据.xml", ""),
        package=package,
        time=f"{entry.document_date.isoformat()}T10:00:00+08:00",
    )


def append_entries(log, entries) -> int:
    """Append ``entries`` (dicts) to ``log`` (``ledger.store.LedgerLog``) in one SQL
    transaction, outside any Zope transaction: the rows ``LedgerLog.append`` writes (Merkle
    nodes, entry, digest index) and one signed checkpoint of the new size. The new size."""
    from sd.archive.core.ledger.checkpoint import Checkpoint
    from sd.archive.core.ledger.checkpoint import sign_checkpoint
    from sd.archive.core.ledger.entry import entry_bytes
    from sd.archive.core.ledger.merkle import MerkleLog
    from sd.archive.core.ledger.stores import SQLiteNodeStore

    with log.reading() as conn:
        conn.execute("BEGIN IMMEDIATE")
        merkle = MerkleLog(SQLiteNodeStore(conn), log.hash_alg, size=log.size(conn))
        rows, digests = [], []
        for entry in entries:
            data = entry_bytes(entry)
            index = merkle.append(data)
            rows.append(
                (index, merkle.leaf_hash(index), data, entry["event"], entry["record"], "", 1)
            )
            found = {(d, p) for p, d in entry["content"].items()}
            found |= {(entry[f], f) for f in ("package", "metadata") if entry[f]}
            digests.extend((d, index, p) for d, p in found)
        conn.executemany(
            "INSERT INTO entries (idx, leaf, entry, event, record, state, full) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO digests (digest, idx, path) VALUES (?, ?, ?)", digests
        )
        size = merkle.size
        note = str(sign_checkpoint(Checkpoint(log.origin, size, merkle.root()), log.key))
        conn.execute("INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?, ?)", (size, note))
        conn.execute("COMMIT")
    return size


def timed(fn, args) -> tuple[float, float]:
    """(p50, p95) in ms of ``fn(a)`` for each of ``args``, after one warm-up call."""
    import statistics
    import time

    fn(args[0])
    times = []
    for a in args:
        t = time.perf_counter()
        fn(a)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def engine_text(word):
    """``@archive-search`` full text (security, one result set, page of 20, facet counts)."""
    from sd.archive.search import engine

    return engine.run({"q": word})


def engine_fields(r):
    """``@archive-search`` by 责任者, a range of 年度 and 保管期限 (``r``: a generated record)."""
    from sd.archive.search import engine

    return engine.run(
        {
            "author": r["author"],
            "year_from": str(r["year"] - 2),
            "year_to": str(r["year"]),
            "retention": r["retention"],
        }
    )


def engine_code(r):
    """``@archive-search`` by one 档号."""
    from sd.archive.search import engine

    return engine.run({"archival_code": r["archival_code"]})


def engine_prefix(r):
    """``@archive-search`` by a 档号 prefix (the series of ``r``'s 档号)."""
    from sd.archive.search import engine

    return engine.run({"archival_code_prefix": r["archival_code"].rsplit("-", 1)[0]})
