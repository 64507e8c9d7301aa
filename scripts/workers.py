r"""Several Zope workers on RelStorage/PostgreSQL behind HAProxy (多实例部署, #31).

    python scripts/workers.py start --workers 2 --dsn "host=127.0.0.1 port=5433 ..." \
        [--base instance/var-workers] [--listen localhost:8080] [--first-port 8091] [--demo] \
        [--blobs shared|database]
    python scripts/workers.py stop [--base instance/var-workers]

``start`` writes one instance per worker (``<base>/w1``, ``<base>/w2``, …: RelStorage,
history-free; blobs in one directory every worker shares, ``<base>/shared/blobs``, RelStorage's
``shared-blob-dir``, or with ``--blobs database`` in PostgreSQL with a blob cache per worker —
a database keeps the layout it was made with), one shared
``SD_ARCHIVE_VAR`` (``<base>/shared``: ledger, audit trail, seal key, AIP locations), creates
the site once (idempotent), starts the workers on loopback ports and HAProxy (round robin,
health check) on ``--listen``; pid files under ``<base>/run``. ``stop`` ends them (by pid).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.executable).parent
HAPROXY = "/usr/sbin/haproxy"
THREADS = 4  # waitress threads per worker (instance/zope.ini.in): requests HAProxy sends at once

HAPROXY_CFG = """# written by scripts/workers.py: {workers} Zope workers behind one port
global
    maxconn 256
    pidfile {run}/haproxy.pid

defaults
    mode http
    option forwardfor
    timeout connect 5s
    # packages are megabytes and archiving them may take a while
    timeout client 600s
    timeout server 600s
    timeout http-request 600s
    # requests wait here while every thread of every worker is busy (not in a worker's queue)
    timeout queue 600s
    # a busy worker answers its health check late, not never: no 503 for a worker at work
    timeout check 30s
    retries 2
    option redispatch

frontend sd_archive
    bind {host}:{port}
    default_backend zope

backend zope
    balance roundrobin
    option httpchk
    # a page of the site, not the Zope root: it checks the site answers through this worker
    http-check send meth GET uri /{site}/ok ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
{servers}
"""


#: where the blobs live: ``shared``, one blob directory all workers share (RelStorage's
#: ``shared-blob-dir``, instance/zope-relstorage-shared-blobs.conf.in); ``database``, in
#: PostgreSQL with a blob cache per worker (instance/zope-relstorage.conf.in)
BLOBS = {"shared": "relstorage-shared-blobs", "database": "relstorage"}


def instance(
    base: pathlib.Path, n: int, port: int, dsn: str, blobs: str = "shared"
) -> pathlib.Path:
    from write_instance import write

    return write(BLOBS[blobs], base / f"w{n}", f"localhost:{port}", dsn, base / "shared")


def haproxy_config(base: pathlib.Path, listen: str, ports: list[int], site: str) -> pathlib.Path:
    host, port = listen.rsplit(":", 1)
    servers = "\n".join(
        f"    server w{i} 127.0.0.1:{p} check inter 5s fall 3 rise 1 maxconn {THREADS}"
        for i, p in enumerate(ports, 1)
    )
    path = base / "haproxy.cfg"
    run = base / "run"
    text = HAPROXY_CFG.format(
        workers=len(ports), run=run, host=host, port=port, servers=servers, site=site
    )
    path.write_text(text)
    return path


def log_tail(logdir: pathlib.Path, chars: int = 2000) -> str:
    """The end of a worker's output and event log, to say why it did not answer."""
    parts = []
    for name in ("stdout.log", "event.log"):
        try:
            parts.append(f"--- {name}\n{(logdir / name).read_text(errors='replace')[-chars:]}")
        except OSError:
            parts.append(f"--- no {name} in {logdir}")
    return "\n".join(parts)


def wait_http(
    url: str, timeout: float = 180, process: subprocess.Popen | None = None, log=None
) -> None:
    """Wait for ``url`` to answer 200; give up at once, with its log, if ``process`` ended."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process is not None and process.poll() is not None:
            raise SystemExit(
                f"the worker for {url} ended (exit {process.returncode}) before it answered;"
                f" the end of its log:\n{log_tail(log)}"
            )
        if time.monotonic() > deadline:
            tail = f"; the end of its log:\n{log_tail(log)}" if log else ""
            raise SystemExit(f"no answer from {url} after {timeout:.0f} s{tail}")
        time.sleep(0.5)


def start(args) -> None:
    base = pathlib.Path(args.base).resolve()
    run = base / "run"
    run.mkdir(parents=True, exist_ok=True)
    ports = [args.first_port + i for i in range(args.workers)]
    (base / "shared" / "blobs").mkdir(parents=True, exist_ok=True, mode=0o700)
    confs = [instance(base, n, p, args.dsn, args.blobs) for n, p in enumerate(ports, 1)]
    site = [BIN / "zconsole", "run", confs[0], ROOT / "scripts/create_site.py", "--site", args.site]
    subprocess.run([*site, *(["--demo"] if args.demo else [])], check=True, cwd=ROOT)
    env = dict(os.environ, **{k: v for k, v in (e.split("=", 1) for e in args.env)})
    started = []
    for n, conf in enumerate(confs, 1):
        logfile = base / f"w{n}" / "log" / "stdout.log"
        log = open(logfile, "ab")  # noqa: SIM115 - child's
        worker = subprocess.Popen(
            [BIN / "runwsgi", conf.parent / "zope.ini"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        (run / f"w{n}.pid").write_text(str(worker.pid))
        started.append((worker, logfile))
    for port, (worker, logfile) in zip(ports, started, strict=True):
        wait_http(f"http://localhost:{port}/{args.site}/ok", process=worker, log=logfile.parent)
    cfg = haproxy_config(base, args.listen, ports, args.site)
    subprocess.run([HAPROXY, "-c", "-q", "-f", cfg], check=True)
    subprocess.run([HAPROXY, "-D", "-f", cfg], check=True)
    wait_http(f"http://{args.listen}/{args.site}/ok")
    print(f"{args.workers} workers ({', '.join(map(str, ports))}) behind HAProxy on {args.listen}")


def stop(args) -> None:
    run = pathlib.Path(args.base).resolve() / "run"
    for pidfile in sorted(run.glob("*.pid")) if run.is_dir() else []:
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pidfile.read_text().split()[0]), signal.SIGTERM)
        pidfile.unlink()
    print("stopped")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("start")
    up.add_argument("--workers", type=int, default=2)
    up.add_argument("--dsn", required=True)
    up.add_argument("--listen", default="localhost:8080")
    up.add_argument("--first-port", type=int, default=8091)
    up.add_argument("--site", default="archive")
    up.add_argument("--demo", action="store_true")
    up.add_argument(
        "--blobs",
        choices=sorted(BLOBS),
        default="shared",
        help="one blob directory shared by the workers (default) or blobs in PostgreSQL",
    )
    up.add_argument("--env", action="append", default=[], help="NAME=value for the workers")
    for p in (up, sub.add_parser("stop")):
        p.add_argument("--base", default=str(ROOT / "instance" / "var-workers"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "scripts"))
    start(args) if args.command == "start" else stop(args)


if __name__ == "__main__":
    main()
