"""Sign-in through the OpenID provider vs a local login, same run (统一身份认证登录耗时).

    .venv/bin/python bench/bench_signon.py [--rounds 40] [--first 10]

1. A throw-away instance (FileStorage) with the site, fonds J001 and its local account
   ``svc-j001`` (as ``bench_intake.py``), pointed at the test OpenID provider
   (``scripts/demo_oidc.py``), and the provider itself (tests/oidc, node-oidc-provider, on
   localhost: no network latency is counted, only the work of both sides).
2. ``--rounds`` rounds, alternating, each with a fresh cookie jar (a browser that never logged
   in), measured over HTTP with ``requests`` (no browser: it would add the same page rendering to
   both), from the first request until the browser holds Plone's session cookie (the landing
   page after it is the same on both paths, so it is left out):
   * local: ``GET /login`` (Plone's form) → ``POST /login``;
   * provider: ``GET /acl_users/oidc/login`` → the provider's authorization → its login page
     → ``POST`` of the credentials there → the provider's redirects → Plone's callback (code
     exchanged with the PKCE verifier, ID token verified, userinfo read, session made). The
     account exists (signed on before): an ordinary day's sign-in.
   Prints the median and p90 of both, the added time (median provider − median local; goal
   ≤ 200 ms), the ratio, and the callback request alone.
3. ``--first`` first sign-ins of new accounts (the account is created) for the record.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urljoin

import requests

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "oidc"))

import bench_intake as bi  # noqa: E402
from testop import DEFAULT_USERS  # noqa: E402
from testop import TestOP  # noqa: E402

FORM = re.compile(r'<form method="post" action="([^"]+)"')


def start_site(var: pathlib.Path, port: int, issuer: str) -> subprocess.Popen:
    """The instance, the site, J001 and svc-j001, sign-on towards ``issuer``; served."""
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run(
        [bi.BIN / "python", bi.ROOT / "scripts/write_instance.py", "--storage", "filestorage",
         "--var", str(var), "--listen", f"localhost:{port}"],
        **run,
    )  # fmt: skip
    conf = var / "etc" / "zope.conf"
    subprocess.run([bi.BIN / "zconsole", "run", conf, bi.ROOT / "scripts/create_site.py"], **run)
    setup = var / "setup_bench.py"
    setup.write_text(bi.SETUP)
    subprocess.run([bi.BIN / "zconsole", "run", conf, setup], **run)
    subprocess.run(
        [bi.BIN / "zconsole", "run", conf, bi.ROOT / "scripts/demo_oidc.py", "--issuer", issuer],
        **run,
    )
    server = subprocess.Popen(
        [bi.BIN / "runwsgi", var / "etc" / "zope.ini"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://localhost:{port}/archive"
    for _ in range(600):
        try:
            if requests.get(f"{base}/login", timeout=30).ok:
                return server
        except requests.RequestException:  # not listening yet, or its first page still rendering
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the instance did not start")


def follow(http: requests.Session, response, stop_at: str = "", timings: dict | None = None):
    """Follow redirects by hand; stop at the response of the first URL under ``stop_at`` (its
    own redirect not followed); ``timings[url prefix]`` gets that request's duration."""
    while response.is_redirect:
        target = urljoin(response.url, response.headers["Location"])
        t0 = time.perf_counter()
        response = http.get(target, allow_redirects=False, timeout=30)
        if stop_at and target.startswith(stop_at):
            if timings is not None:
                timings.setdefault(stop_at, []).append(time.perf_counter() - t0)
            return response
    return response


def local_login(base: str) -> float:
    """The login form, then its POST: until the browser holds the session cookie."""
    http = requests.Session()
    t0 = time.perf_counter()
    assert http.get(f"{base}/login", timeout=30).ok
    answer = http.post(
        f"{base}/login",
        data={
            "__ac_name": "svc-j001",
            "__ac_password": "svc-j001-bench",
            "buttons.login": "Log in",
        },
        allow_redirects=False,
        timeout=30,
    )
    elapsed = time.perf_counter() - t0
    assert answer.status_code < 400 and "__ac" in http.cookies, answer.status_code
    return elapsed


CALLBACKS: dict = {}


def provider_login(base: str, login: str, password: str) -> float:
    """Plone's sign-on start, the provider's login page and its POST, the provider's redirects
    and Plone's callback: until the browser holds the session cookie."""
    http = requests.Session()
    t0 = time.perf_counter()
    page = follow(http, http.get(f"{base}/acl_users/oidc/login", allow_redirects=False, timeout=30))
    action = FORM.search(page.text).group(1)
    answer = http.post(
        urljoin(page.url, action),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    callback = f"{base}/acl_users/oidc/callback"
    done = follow(http, answer, stop_at=callback, timings=CALLBACKS)
    elapsed = time.perf_counter() - t0
    assert done.is_redirect and "__ac" in http.cookies, (done.status_code, done.url)
    return elapsed


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 1),
        "n": len(ordered),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--first", type=int, default=10)
    args = parser.parse_args()
    root = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-signon-", dir=HERE / "var"))
    port = bi.free_port()
    base = f"http://localhost:{port}/archive"
    users = DEFAULT_USERS + [
        {"sub": f"bench-{i:03d}", "password": f"bench-{i:03d}", "name": f"测试用户{i}"}
        for i in range(args.first)
    ]
    op = TestOP(base, users=users, workdir=root)
    op.start()
    server = None
    try:
        server = start_site(root / "instance", port, op.issuer)
        # warm both paths (first requests compile templates, open connections)
        for _ in range(3):
            local_login(base)
            provider_login(base, "zhangwei", "zhangwei-demo")
        local, provider = [], []
        for i in range(args.rounds):
            pair = [
                ("local", lambda: local_login(base)),
                ("provider", lambda: provider_login(base, "zhangwei", "zhangwei-demo")),
            ]
            for name, measure in pair if i % 2 == 0 else reversed(pair):
                (local if name == "local" else provider).append(measure())
        first = [
            provider_login(base, f"bench-{i:03d}", f"bench-{i:03d}") for i in range(args.first)
        ]
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        op.stop()
    callbacks = CALLBACKS[f"{base}/acl_users/oidc/callback"]
    result = {
        "local": summary(local),
        "provider": summary(provider),
        "plone_callback": summary(callbacks[3 : 3 + args.rounds]),
        "first_sign_in": summary(first),
    }
    added = result["provider"]["median_ms"] - result["local"]["median_ms"]
    result["added_ms"] = round(added, 1)
    result["ratio"] = round(result["provider"]["median_ms"] / result["local"]["median_ms"], 2)
    result["goal_added_ms"] = 200
    result["met"] = added <= 200
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "signon.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    if not os.environ.get("SD_BENCH_KEEP"):
        import shutil

        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
