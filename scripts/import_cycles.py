"""Import circles of a package (导入环): the strongly connected parts of its import graph.

Reads every module of ``src/sd/archive`` with ``ast`` (nothing is imported) and counts an edge
for every ``import``/``from … import`` of another module of the package, at module level or
inside a function (a deferred import hides a circle, it does not remove it). Prints each circle
(a set of modules that reach each other) and exits 1 when there are more than ``--max``.

    python scripts/import_cycles.py [--max N] [--top-level-only]
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "sd.archive"


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for path in (root / PACKAGE.replace(".", "/")).rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _resolve(name: str, known: dict) -> str | None:
    """The longest known module a dotted name starts with (``a.b.c`` → ``a.b`` if a module)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def edges(known: dict[str, Path], top_level_only: bool = False) -> dict[str, set[str]]:
    graph = {name: set() for name in known}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        nodes = tree.body if top_level_only else ast.walk(tree)
        for node in nodes:
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                found = _resolve(target, known)
                if found and found != name and not name.startswith(found + "."):
                    graph[name].add(found)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(result)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=None, help="fail above this many circles")
    parser.add_argument(
        "--top-level-only",
        action="store_true",
        help="count module-level imports only (the ones that fail at import)",
    )
    args = parser.parse_args(argv)
    found = circles(edges(modules(), args.top_level_only))
    for number, circle in enumerate(found, 1):
        print(f"circle {number} ({len(circle)} modules): {', '.join(circle)}")
    print(f"{len(found)} import circle(s) in {PACKAGE}")
    return 1 if args.max is not None and len(found) > args.max else 0


if __name__ == "__main__":
    sys.exit(main())
