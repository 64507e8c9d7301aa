"""Evidence that outlives its hash (证据续期), pure Python.

A ledger entry proves a file by its SM3 digest for as long as SM3 holds. Before it weakens,
the holdings are re-hashed with a second algorithm and a ``renew`` entry is logged per record:
the same files' digests under the new algorithm (``alg``), and ``links`` to the entry it
renews (origin, index, leaf hash). Logged while the old algorithm still holds, the renew entry
carries the old entry's proof forward: a file whose new digest matches the last entry of an
unbroken chain ``original → renew → renew …`` is the file the original entry vouched for.

:func:`renew_entry` builds the entry; :func:`verify_chain` checks a chain of offline proof
bundles (each one verified as :func:`~sd.archive.core.ledger.bundle.verify_bundle` does)
and the files against the last one's algorithm.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import BinaryIO

from sd.archive.core.errors import Problem
from sd.archive.core.ledger.bundle import VerificationResult
from sd.archive.core.ledger.bundle import verify_bundle
from sd.archive.core.ledger.entry import make_entry
from sd.archive.core.ledger.hashing import DEFAULT_ALGORITHM
from sd.archive.core.ledger.hashing import SHA256


def renew_entry(
    old: dict,
    old_index: int,
    old_leaf_hash: str,
    *,
    node: str,
    actor: str,
    content: Mapping[str, str],
    package: str = "",
    alg: str = SHA256,
    title: str | None = None,
) -> dict:
    """The ``renew`` entry re-stating ``old`` (logged at ``old_index``) under ``alg``.

    ``content`` are the digests under ``alg`` of the same paths as the old entry's content
    (a path the old entry did not state is refused: renewal vouches for nothing new).
    ``title`` gives the code-and-title digest under ``alg`` (none without it)."""
    extra = sorted(set(content) - set(old["content"]))
    missing = sorted(set(old["content"]) - set(content))
    if extra or missing:
        raise ValueError(
            f"renewal re-states the old entry's files: extra {extra}, missing {missing}"
        )
    return make_entry(
        "renew",
        node=node,
        actor=actor,
        record=old["record"],
        code=old["code"],
        title=title,
        content=dict(content),
        metadata="",
        package=package,
        alg=alg,
        links=[{"origin": old["node"], "index": old_index, "leaf_hash": old_leaf_hash}],
    )


def verify_chain(
    bundles: list[dict],
    files: Mapping[str, bytes | BinaryIO],
    trusted_vkeys: Iterable[str],
    quorum: int | None = None,
) -> VerificationResult:
    """Check a renewal chain: every bundle verifies, each ``renew`` entry links the one before
    (same record and code, same files), and ``files`` match the last entry's digests (its
    algorithm). The result is the last bundle's, with every problem found on the way."""
    trusted = list(trusted_vkeys)
    result = VerificationResult()
    if not bundles:
        result.problems.append(Problem("LEDGER-RENEW-CHAIN", "no bundle given", "bundles"))
        return result
    for n, bundle in enumerate(bundles):
        last = n == len(bundles) - 1
        step = verify_bundle(bundle, files if last else {}, trusted, quorum)
        for problem in step.problems:
            result.problems.append(
                Problem(problem.code, problem.message, f"bundle {n}: {problem.object}".strip())
            )
        if n:
            _check_link(bundles[n - 1], bundle, n, result)
        if last:
            result.origin, result.leaf_index = step.origin, step.leaf_index
            result.tree_size, result.archival_code = step.tree_size, step.archival_code
            result.confirmed_by, result.matched = step.confirmed_by, step.matched
    return result


def _check_link(before: dict, after: dict, n: int, result: VerificationResult) -> None:
    def fail(message: str) -> None:
        result.problems.append(Problem("LEDGER-RENEW-LINK", message, f"bundle {n}"))

    try:
        old, new = before["entry"], after["entry"]
        wanted = {
            "origin": old["node"],
            "index": before["leaf_index"],
            "leaf_hash": before["leaf_hash"],
        }
    except (KeyError, TypeError):
        fail("a bundle of the chain is not readable")
        return
    if new.get("event") != "renew":
        fail("a later entry of the chain is not a renewal")
    elif wanted not in (new.get("links") or []):
        fail("the renewal does not link the entry before it")
    elif (new.get("record"), new.get("code")) != (old.get("record"), old.get("code")):
        fail("the renewal is of another record")
    elif set(new.get("content", {})) != set(old.get("content", {})):
        fail("the renewal states other files than the entry it renews")
    elif new.get("alg", DEFAULT_ALGORITHM) == old.get("alg", DEFAULT_ALGORITHM):
        fail("the renewal keeps the algorithm it should replace")
