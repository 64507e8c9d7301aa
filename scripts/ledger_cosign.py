"""Cosign the admitted peers now (见证联署定时任务): for cron, against a running instance.

    SD_ARCHIVE_ADMIN_PASSWORD=… python scripts/ledger_cosign.py --url http://localhost:8080/archive

Posts ``@ledger/cosign`` as a user with "sd.archive: Manage configuration" and prints one line
per peer (cosigned / refused / unreachable) and this node's quorum state. Exits 1 when a peer
was refused (a rewritten history needs an operator), 0 otherwise.

    */10 * * * *  cd /srv/sd.archive && .venv/bin/python scripts/ledger_cosign.py --url …
"""

import argparse
import base64
import json
import os
import sys
import urllib.request


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="site URL, e.g. http://localhost:8080/archive")
    parser.add_argument("--user", default=os.environ.get("SD_ARCHIVE_ADMIN_USER", "admin"))
    args = parser.parse_args(argv)
    password = os.environ.get("SD_ARCHIVE_ADMIN_PASSWORD", "admin")
    token = base64.b64encode(f"{args.user}:{password}".encode()).decode()
    request = urllib.request.Request(
        args.url.rstrip("/") + "/@ledger/cosign",
        data=b"{}",
        method="POST",
        headers={
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": f"Basic {token}",
        },
    )
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - operator URL
        answer = json.loads(response.read().decode())
    for result in answer["results"]:
        print(
            f"{result['origin']}: {result['status']} {result.get('tree_size', '')} "
            f"{result.get('message', '')}".rstrip()
        )
    print(
        f"{answer['origin']}: size {answer['tree_size']}, confirmed by "
        f"{', '.join(answer['confirmed_by'])} (quorum {answer['quorum']})"
    )
    return 1 if any(r["status"] == "refused" for r in answer["results"]) else 0


if __name__ == "__main__":
    sys.exit(main())
