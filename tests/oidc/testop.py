"""The test OpenID provider (测试身份提供方) as a process: node-oidc-provider (``server.mjs``).

Used by the tests (``tests/plone/identity/conftest.py``), the sign-in bench and ``make
start-oidc``. ``npm ci`` (the Makefile's ``oidc-op`` target) installs its pinned packages into
``tests/oidc/node_modules``; :meth:`TestOP.start` says so when they are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "sd-archive"
CLIENT_SECRET = "sd-archive-test-secret"  # noqa: S105 (a test provider's client)
DEFAULT_USERS = json.loads((HERE / "users.json").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


class TestOP:
    """One provider process for the relying party at ``site_url`` (a Plone site's URL)."""

    __test__ = False  # not a pytest class

    def __init__(
        self,
        site_url: str,
        users: list[dict] | None = None,
        port: int | None = None,
        access_ttl: int = 600,
        workdir: Path | None = None,
    ):
        self.site_url = site_url.rstrip("/")
        self.users = users if users is not None else DEFAULT_USERS
        self.port = port or free_port()
        self.issuer = f"http://localhost:{self.port}"
        self.access_ttl = access_ttl
        self.workdir = Path(workdir or tempfile.gettempdir())
        self.process: subprocess.Popen | None = None

    @property
    def redirect_uri(self) -> str:
        return f"{self.site_url}/acl_users/oidc/callback"

    def start(self, timeout: float = 20) -> TestOP:
        node = shutil.which("node")
        if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(
                "the test OpenID provider needs Node.js and its packages: run `make oidc-op` "
                "(npm ci in tests/oidc)"
            )
        users_file = self.workdir / f"sd-archive-op-users-{self.port}.json"
        users_file.write_text(json.dumps(self.users, ensure_ascii=False), encoding="utf-8")
        env = {
            **os.environ,
            "OP_PORT": str(self.port),
            "OP_ISSUER": self.issuer,
            "OP_USERS": str(users_file),
            "OP_CLIENT_ID": CLIENT_ID,
            "OP_CLIENT_SECRET": CLIENT_SECRET,
            "OP_REDIRECT_URIS": self.redirect_uri,
            "OP_POST_LOGOUT_URIS": f"{self.site_url},{self.site_url}/logged-out",
            "OP_ACCESS_TTL": str(self.access_ttl),
            "NODE_ENV": "production",
        }
        self.log = self.workdir / f"sd-archive-op-{self.port}.log"
        self.process = subprocess.Popen(  # noqa: S603
            [node, str(HERE / "server.mjs")],
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            cwd=HERE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"test OP exited: {self.log.read_text(errors='replace')}")
            try:
                if requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("test OP did not start in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def tamper(self, mode: str) -> None:
        """The next token response carries a bad ID token (forged, expired, wrong-aud/-iss)."""
        requests.post(
            f"{self.issuer}/__test/tamper", json={"mode": mode}, timeout=5
        ).raise_for_status()

    def disable(self, sub: str) -> None:
        """The account ``sub`` is gone at the provider (a refresh is then refused)."""
        requests.post(
            f"{self.issuer}/__test/disable", json={"sub": sub}, timeout=5
        ).raise_for_status()

    def reset(self) -> None:
        """Every account back, no bad token pending (between tests)."""
        requests.post(f"{self.issuer}/__test/reset", json={}, timeout=5).raise_for_status()

    def __enter__(self) -> TestOP:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
