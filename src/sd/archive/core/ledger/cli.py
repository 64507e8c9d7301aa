"""``sd-archive-verify``: verify files offline against an evidence proof bundle (离线验证工具).

    sd-archive-verify --bundle proof.json --key node.vkey [--key ...] [--quorum N] FILE...

Each ``--key`` is a file of vkeys (one per line) or a vkey itself. Exits 0 when the bundle
and every file verify, 1 when anything does not (and says why), 2 on usage errors. A bundle
file holding a list of bundles is a renewal chain (证据续期链: the original entry, then each
``renew`` entry), checked with :func:`~sd.archive.core.ledger.renewal.verify_chain`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path

from sd.archive.core.ledger.bundle import verify_bundle
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.renewal import verify_chain
from sd.archive.core.ledger.vkeys import Verifier
from sd.archive.core.ledger.vkeys import load_vkeys

VALID, INVALID, USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sd-archive-verify",
        description=(
            "Verify files against an sd.archive evidence proof bundle (电子档案离线证据验证)."
        ),
    )
    parser.add_argument("--bundle", required=True, help="proof bundle (JSON)")
    parser.add_argument(
        "--key", action="append", required=True, help="trusted vkey file, or a vkey"
    )
    parser.add_argument(
        "--quorum", type=int, default=None, help="nodes that must vouch (default: majority)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check")
    return parser


def _read_keys(values: list[str]) -> list[Verifier]:
    verifiers: list[Verifier] = []
    for value in values:
        if os.path.exists(value):
            verifiers.extend(load_vkeys(Path(value).read_text("utf-8")))
        else:
            verifiers.append(Verifier.from_vkey(value))
    return verifiers


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = sys.stdout
    try:
        keys = _read_keys(args.key)
    except (LedgerError, OSError, UnicodeDecodeError) as error:
        print(f"INVALID: cannot read the trusted keys: {error}", file=out)
        return USAGE
    try:
        bundle = json.loads(Path(args.bundle).read_text("utf-8"))
    except (OSError, ValueError) as error:
        print(f"INVALID: cannot read the bundle: {error}", file=out)
        return INVALID
    with ExitStack() as stack:
        try:
            files = {path: stack.enter_context(open(path, "rb")) for path in args.files}
        except OSError as error:
            print(f"INVALID: cannot read {error.filename}: {error.strerror}", file=out)
            return INVALID
        try:
            verify = verify_chain if isinstance(bundle, list) else verify_bundle
            result = verify(bundle, files, keys, args.quorum)
        except LedgerError as error:
            print(f"INVALID: {error.message}", file=out)
            return INVALID
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), file=out)
    elif result.valid:
        print(
            f"VALID: {result.archival_code} is entry {result.leaf_index} of {result.origin} "
            f"(tree size {result.tree_size}), confirmed by {', '.join(result.confirmed_by)}",
            file=out,
        )
        for name, path in result.matched.items():
            print(f"  {name}: matches {path}", file=out)
    else:
        print("INVALID:", file=out)
        for problem in result.problems:
            where = f" [{problem.object}]" if problem.object else ""
            print(f"  {problem.code}{where}: {problem.message}", file=out)
    return VALID if result.valid else INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
