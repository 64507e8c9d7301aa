"""Run several ledger nodes as separate Zope processes on loopback (多节点账本).

    python scripts/ledger_nodes.py --base instance/nodes --ports 8181 8182 8183 [--serve]
        [--domains public-service administrative archives]

Each node gets its own var directory (``BASE/node<i>``: zope.conf from
scripts/write_instance.py, FileStorage, key and log under ``var/ledger``) and its own origin
``ledger.sd-archive.test/node<i>``, and — given ``--domains`` — its network domain (the
province's three nodes: ``make start-nodes``). The script sets every node up (site, key, two
archived records), starts them, admits every node on every other one (``POST @ledger/nodes``, a
logged ``node-admit``), runs one cosigning round (``POST @ledger/cosign`` on each) and prints
each node's quorum state. With ``--serve`` it keeps them running until interrupted.
Used by ``make ledger-nodes`` and by tests/plone/ledger/test_nodes.py.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

HERE = pathlib.Path(__file__).resolve().parent
BIN = pathlib.Path(sys.executable).parent
ADMIN = ("admin", "admin")


class Node:
    def __init__(
        self,
        base: pathlib.Path,
        number: int,
        port: int,
        site: str = "archive",
        domain: str = "administrative",
    ):
        self.number, self.port, self.site, self.domain = number, port, site, domain
        self.var = (base / f"node{number}").resolve()
        self.origin = f"ledger.sd-archive.test/node{number}"
        self.url = f"http://localhost:{port}/{site}"
        self.info: dict = {}
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict:
        return {**os.environ, "SD_ARCHIVE_LEDGER_ORIGIN": self.origin, "TZ": "Asia/Shanghai"}

    def setup(self, records: int = 2, year: int = 2023) -> dict:
        subprocess.run(
            [
                sys.executable,
                str(HERE / "write_instance.py"),
                "--storage",
                "filestorage",
                "--var",
                str(self.var),
                "--listen",
                f"localhost:{self.port}",
            ],
            check=True,
            capture_output=True,
        )
        done = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(self.var / "etc" / "zope.conf"),
                str(HERE / "ledger_node.py"),
                "--site",
                self.site,
                "--url",
                self.url,
                "--records",
                str(records),
                "--year",
                str(year),
                "--domain",
                self.domain,
            ],
            env=self.env,
            capture_output=True,
            text=True,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode or not lines:
            raise RuntimeError(f"node {self.number} setup failed:\n{done.stdout}\n{done.stderr}")
        self.info = json.loads(lines[-1])
        return self.info

    def start(self, timeout: float = 90) -> None:
        log = open(self.var / "log" / "runwsgi.out", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            [str(BIN / "runwsgi"), str(self.var / "etc" / "zope.ini")],
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                self.get("@ledger")
                return
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None:
                    raise RuntimeError(f"node {self.number} exited") from None
                time.sleep(0.5)
        raise RuntimeError(f"node {self.number} did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def _request(self, method: str, path: str, body: dict | None = None, auth: bool = False):
        url = path if path.startswith("http") else f"{self.url}/{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={"Accept": "application/json", "Content-Type": "application/json"},
        )
        if auth:
            token = base64.b64encode(":".join(ADMIN).encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            return {"status": error.code, **json.loads(error.read().decode() or "{}")}

    def get(self, path: str) -> dict:
        return self._request("GET", path)

    def post(self, path: str, body: dict | None = None) -> dict:
        return self._request("POST", path, body or {}, auth=True)

    def admit(self, other: Node) -> dict:
        return self.post(
            "@ledger/nodes",
            {
                "origin": other.info["origin"],
                "vkey": other.info["vkey"],
                "url": other.url,
                "role": "log",
                "hash_alg": other.info["hash_alg"],
            },
        )

    def cosign(self) -> dict:
        return self.post("@ledger/cosign")


def make_nodes(
    base: pathlib.Path, ports: list[int], domains: list[str] | None = None
) -> list[Node]:
    domains = domains or ["administrative"] * len(ports)
    nodes = [
        Node(base, i + 1, port, domain=domain)
        for i, (port, domain) in enumerate(zip(ports, domains, strict=True))
    ]
    with ThreadPoolExecutor(len(nodes)) as pool:
        list(pool.map(Node.setup, nodes))
    return nodes


def start_and_admit(nodes: list[Node]) -> None:
    with ThreadPoolExecutor(len(nodes)) as pool:
        list(pool.map(Node.start, nodes))
    for node in nodes:
        for other in nodes:
            if other is not node:
                answer = node.admit(other)
                if "nodes" not in answer:
                    raise RuntimeError(f"admission refused: {answer}")


def cosign_round(nodes: list[Node]) -> dict[str, dict]:
    return {node.origin: node.cosign() for node in nodes}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="instance/nodes")
    parser.add_argument("--ports", type=int, nargs="+", default=[8181, 8182, 8183])
    parser.add_argument("--serve", action="store_true", help="keep the nodes running")
    parser.add_argument("--domains", nargs="+", help="each node's network domain, in order")
    args = parser.parse_args(argv)
    nodes = make_nodes(pathlib.Path(args.base), args.ports, args.domains)
    try:
        start_and_admit(nodes)
        cosign_round(nodes)
        for node in nodes:
            state = node.get("@ledger")
            print(
                f"{node.url}  [{node.domain}]  {state['origin']}  size {state['tree_size']}  "
                f"confirmed by {', '.join(state['confirmed_by'])} "
                f"({'quorum' if state['confirmed'] else 'no quorum'} of {state['quorum']})"
            )
        if args.serve:
            print("serving; Ctrl-C stops the nodes (ledger pages: <url>/@@ledger, admin/admin)")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for node in nodes:
            node.stop()


if __name__ == "__main__":
    main()
