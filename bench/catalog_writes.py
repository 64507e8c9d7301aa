"""What each intake transaction writes to Data.fs, by catalog tree and class (#31 storage).

    .venv/bin/python bench/catalog_writes.py [--records 30] [--kb 30] [--dir /tmp] [--keep]
    .venv/bin/python bench/catalog_writes.py --analyse VAR   # an instance's var left by --keep

Makes a throw-away instance (``bench_intake.start``: FileStorage, no pack), posts one warm-up
package and ``--records`` archive packages to ``@archive``, drains the after-archiving queue,
stops the instance and reads Data.fs transaction by transaction (``FileStorage`` iterator;
history kept). Each object revision written is named by the catalog tree that holds it (the
metadata table ``data``, ``paths``, ``uids``, each index's attribute such as
``review_state._unindex``; found by walking each tree's references from its root) or by its
class, and summed per kind of transaction (``@archive`` = intake, the rest by description).
Prints bytes and objects per intake transaction, the biggest first.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import bench_intake  # noqa: E402

ANALYSE = r"""
import json, sys
from collections import defaultdict
from persistent import Persistent
from ZODB.serialize import referencesf
from ZODB.utils import get_pickle_metadata

site = app.archive
storage = app._p_jar.db().storage
catalog = site.portal_catalog
labels = {}

def root(label, obj):
    if isinstance(obj, Persistent) and obj._p_oid is not None:
        labels.setdefault(obj._p_oid, label)
        return True
    return False

inner = catalog._catalog
for attr in ("data", "paths", "uids", "_length"):
    root(f"catalog.{attr}", getattr(inner, attr))
for name, index in inner.indexes.items():
    index = getattr(index, "aq_base", index)
    root(f"{name}", index)
    for attr, value in vars(index).items():
        if not root(f"{name}.{attr}", value) and attr == "index":
            for sub, subvalue in vars(value).items():
                root(f"{name}.index.{sub}", subvalue)
for lexicon in catalog.objectValues():
    for attr, value in vars(getattr(lexicon, "aq_base", lexicon)).items():
        root(f"lexicon {lexicon.getId()}.{attr}", value)
from zope.component import queryUtility
from zope.component.hooks import setSite
from zope.intid.interfaces import IIntIds
setSite(site)
intids = queryUtility(IIntIds)
if intids is not None:
    for attr in ("ids", "refs"):
        root(f"intids.{attr}", getattr(intids, attr))

# every object reachable from a tree's root, without crossing into another labelled root
queue = list(labels)
while queue:
    oid = queue.pop()
    try:
        data, _serial = storage.load(oid, "")
    except Exception:
        continue
    for ref in referencesf(data):
        if ref in labels:
            continue
        try:  # only the trees' own parts (buckets, inner nodes, sets), not what they point at
            module = get_pickle_metadata(storage.load(ref, "")[0])[0]
        except Exception:
            continue
        if module.startswith("BTrees") or module == "sd.archive.catalogtrees":
            labels[ref] = labels[oid]
            queue.append(ref)

per_kind = defaultdict(lambda: defaultdict(lambda: [0, 0]))
count = defaultdict(int)
for txn in storage.iterator():
    desc = txn.description
    desc = desc.decode("utf-8", "replace") if isinstance(desc, bytes) else desc
    kind = desc.split("\n")[0][:60] or "(no description)"
    kind = "intake @archive" if "@archive" in desc else kind
    count[kind] += 1
    for rec in txn:
        if rec.data is None:
            continue
        module, klass = get_pickle_metadata(rec.data)
        label = labels.get(rec.oid, "-")
        key = f"{label} | {module.rsplit('.', 1)[-1]}.{klass}"
        cell = per_kind[kind][key]
        cell[0] += len(rec.data)
        cell[1] += 1
print("ANALYSED " + json.dumps({"count": count, "per_kind": per_kind}))
"""


def analyse(var: pathlib.Path) -> dict:
    script = var / "catalog_writes_analyse.py"
    script.write_text(ANALYSE)
    out = subprocess.run(
        [bench_intake.BIN / "zconsole", "run", var / "etc" / "zope.conf", script],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in out.stdout.splitlines():
        if line.startswith("ANALYSED "):
            return json.loads(line.split(" ", 1)[1])
    raise SystemExit(f"analysis failed: {out.stderr[-3000:]}")


def report(result: dict, kind: str = "intake @archive", top: int = 40, skip: int = 1) -> int:
    """Print bytes per transaction of ``kind`` by tree/class; returns bytes per transaction."""
    n = result["count"].get(kind, 0)
    if not n:
        print(f"no transaction of kind {kind!r}: {sorted(result['count'])}")
        return 0
    rows = sorted(result["per_kind"][kind].items(), key=lambda kv: -kv[1][0])
    total = sum(v[0] for _k, v in rows)
    objects = sum(v[1] for _k, v in rows)
    print(f"{kind}: {n} transactions, {total / n / 1024:.1f} KB and {objects / n:.1f} objects each")
    for key, (size, k) in rows[:top]:
        print(f"  {size / n / 1024:8.2f} KB {k / n:6.1f} obj  {key}")
    rest = rows[top:]
    if rest:
        print(f"  {sum(v[0] for _k, v in rest) / n / 1024:8.2f} KB in {len(rest)} more kinds")
    return total // n


GROUPS = (
    ("Length counters", lambda label, cls: cls.endswith("Length.Length")),
    ("metadata table (catalog.data)", lambda label, cls: label.startswith("catalog.data")),
    ("catalog paths and uids", lambda label, cls: label.startswith("catalog.")),
    (
        "text indexes (Okapi trees, postings, lexicons)",
        lambda label, cls: ".index" in label or label.startswith("lexicon"),
    ),
    ("indexes: _unindex (rid → value)", lambda label, cls: label.endswith("._unindex")),
    (
        "indexes: forward trees and rid sets",
        lambda label, cls: label != "-" and "intids" not in label,
    ),
    ("int ids (ids, refs)", lambda label, cls: label.startswith("intids")),
    ("the record, its components, the rest", lambda label, cls: True),
)


def groups(result: dict, kind: str = "intake @archive") -> dict[str, tuple[float, float]]:
    """{group: (KB, objects) per transaction of ``kind``} (see :data:`GROUPS`)."""
    n = result["count"].get(kind, 0) or 1
    out: dict[str, list[float]] = {name: [0.0, 0.0] for name, _test in GROUPS}
    for key, (size, k) in result["per_kind"].get(kind, {}).items():
        label, cls = key.split(" | ", 1)
        name = next(name for name, test in GROUPS if test(label, cls))
        out[name][0] += size / n / 1024
        out[name][1] += k / n
    return {name: (kb, objects) for name, (kb, objects) in out.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=30)
    parser.add_argument("--kb", type=int, default=30)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--analyse", help="only analyse this var directory")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    if args.analyse:
        result = analyse(pathlib.Path(args.analyse))
    else:
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="sd-catalog-writes-", dir=args.dir))
        var = tmp / "var"
        port = bench_intake.free_port()
        server = bench_intake.start(var, port)
        base = f"http://localhost:{port}/archive"
        try:
            bench_intake.post_packages(base, [bench_intake.package(1, args.kb, year=2022)])
            bench_intake.post_packages(
                base, [bench_intake.package(i, args.kb) for i in range(1, args.records + 1)]
            )
            bench_intake.wait_for_queue(base)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        result = analyse(var)
        if args.keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for kind, n in sorted(result["count"].items(), key=lambda kv: -kv[1]):
        size = sum(v[0] for v in result["per_kind"][kind].values())
        print(f"{n:6d} × {size / n / 1024:8.1f} KB  {kind}")
    report(result, top=args.top)
    print("by group, per intake transaction:")
    for name, (kb, objects) in groups(result).items():
        print(f"  {kb:8.2f} KB {objects:6.1f} obj  {name}")


if __name__ == "__main__":
    main()
