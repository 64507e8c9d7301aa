"""Name the objects behind ConflictError oids (冲突对象定位, #31): which catalog index, which
BTree, which counter.

    zconsole run <worker>/etc/zope.conf bench/conflict_map.py 0x1a2b 0x3c4d ...

For a RelStorage/PostgreSQL database (history-free): every object's references are read from
``object_state`` in one query, the parents of each oid are followed up to the root, and each step
is named by the attribute, index id or mapping key that holds it. Prints one line per oid:
``0x1a2b  IOBucket  <- portal_catalog._catalog.indexes['review_state']._unindex <- …``.
"""

from __future__ import annotations

import sys

import psycopg2
from ZODB.serialize import referencesf
from ZODB.utils import get_pickle_metadata
from ZODB.utils import p64
from ZODB.utils import u64

from sd.archive.workers import pg_dsn


def parents_of(dsn: str) -> tuple[dict[int, int], dict[int, str]]:
    """Child oid → one parent oid, and oid → class name, for the whole database."""
    parent: dict[int, int] = {}
    classes: dict[int, str] = {}
    with psycopg2.connect(dsn) as conn, conn.cursor(name="states") as cursor:
        cursor.itersize = 5000
        cursor.execute("SELECT zoid, state FROM object_state")
        for zoid, state in cursor:
            data = bytes(state)
            module, name = get_pickle_metadata(data)
            classes[zoid] = f"{module}.{name}"
            for ref in referencesf(data):
                # the oldest referrer: containers are made before what they hold, and
                # back references (an index's ``catalog``) come from younger objects
                child = u64(ref)
                if child != zoid and zoid < parent.get(child, zoid + 1):
                    parent[child] = zoid
    return parent, classes


def step_name(holder, child) -> str:
    """How ``holder`` refers to ``child``: an attribute, a mapping key, or a BTree node."""
    oid = child._p_oid
    state = holder.__getstate__()
    if isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], dict):
        state = state[1]  # persistent classes with slots: (slots, dict)
    if isinstance(state, dict):
        for key, value in state.items():
            if getattr(value, "_p_oid", None) == oid:
                return f".{key}"
            if isinstance(value, dict | list | tuple):
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for k, v in items:
                    if getattr(v, "_p_oid", None) == oid:
                        return f".{key}[{k!r}]"
    if hasattr(holder, "items") and "Bucket" in type(holder).__name__:
        for key, value in holder.items():
            if getattr(value, "_p_oid", None) == oid:
                return f"[{key!r}]"
    return " node"


def describe(conn, oid: int, parent, classes, depth: int = 12) -> str:
    steps = []
    current, seen = oid, {oid}
    while current in parent and len(steps) < depth and parent[current] not in seen:
        up = parent[current]
        seen.add(up)
        holder, child = conn.get(p64(up)), conn.get(p64(current))
        label = getattr(holder, "id", None) or getattr(holder, "__name__", None)
        name = classes.get(up, "?").rsplit(".", 1)[-1]
        steps.append(
            f"{name}{f'({label})' if isinstance(label, str) else ''}{step_name(holder, child)}"
        )
        current = up
    return " <- ".join(steps)


def main(app, oids: list[str]) -> None:
    db = app._p_jar.db()
    dsn = pg_dsn(db)
    if not dsn:
        sys.exit("not a RelStorage/PostgreSQL database")
    parent, classes = parents_of(dsn)
    for text in oids:
        oid = int(text, 16)
        name = classes.get(oid, "?").rsplit(".", 1)[-1]
        print(f"{text}  {name}  {describe(app._p_jar, oid, parent, classes)}")


if __name__ == "__main__" and "app" in globals():
    main(app, [a for a in sys.argv[1:] if a.startswith("0x")])  # noqa: F821 - zconsole's
