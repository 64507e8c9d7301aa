"""Intake with and without the clamd virus scan (病毒扫描对接收性能的影响, #29 item 1).

    .venv/bin/python bench/bench_clamd_intake.py [--records 300] [--kb 300] [--block 50]

1. Starts a clamd of its own (``sd.archive.core.detection.clamd_local``: own socket, the
   project's test signature database) and two throw-away instances like ``bench_intake.py``
   (FileStorage, fonds J001, its service account): one with ``SD_ARCHIVE_CLAMD_SOCKET`` set
   (every file of every package streamed to clamd), one without (the virus items manual).
2. ``POST @archive`` of ``--records`` packages (3 components of ``--kb`` KB) to each, in
   alternating blocks of ``--block`` records, both after-archiving queues emptied before each
   block (``bench_audit_overhead.alternate``). Prints records/s answered of both and the
   ratio on/off (goal: >= 0.87, i.e. clamd adds at most 15 %).
3. Checks that the scanning instance really scanned: one more clean package has GD-4-2
   ``passed``, a package carrying the hash-signature test file answers 422 naming it.

``--aa``: both instances without clamd (an A/A run): the ratio two equal instances show on
this host, to read the on/off ratio against.

``--detection-only [--records 200]``: no instance; the same packages read (core reader, files
to temporary sinks) and checked (``run_detection`` at the archiving stage) in this process,
with and without ``SD_ARCHIVE_CLAMD_SOCKET`` in alternating blocks: the milliseconds clamd adds
per record, to set beside the whole request's time.
"""

from __future__ import annotations

import argparse
import io
import os
import pathlib
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import bench_intake as bi  # noqa: E402
from bench_audit_overhead import alternate  # noqa: E402

from sd.archive.core.detection.clamd import SOCKET_ENV  # noqa: E402
from sd.archive.core.detection.clamd_local import HASH_SAMPLE  # noqa: E402
from sd.archive.core.detection.clamd_local import LocalClamd  # noqa: E402


def start(root: pathlib.Path, name: str, socket_path: str | None):
    port = bi.free_port()
    os.environ.pop(SOCKET_ENV, None)
    if socket_path:
        os.environ[SOCKET_ENV] = socket_path
    try:
        server = bi.start(root / name, port)
    finally:
        os.environ.pop(SOCKET_ENV, None)
    return server, f"http://localhost:{port}/archive"


def infected(n: int, kb: int) -> bytes:
    """Package n with its last component replaced by the hash-signature test file (its size
    and SM3 in 元数据.xml and the manifest kept right, so only the virus scan refuses it)."""
    source = zipfile.ZipFile(io.BytesIO(bi.package(n, kb)))
    files = {name: source.read(name) for name in source.namelist()}
    path = bi.ROLES[-1][1]
    old = files[path]
    meta = files["元数据.xml"].decode("utf-8")
    meta = meta.replace(bi.sm3(old), bi.sm3(HASH_SAMPLE)).replace(
        f"<计算机文件大小>{len(old)}<", f"<计算机文件大小>{len(HASH_SAMPLE)}<"
    )
    files[path], files["元数据.xml"] = HASH_SAMPLE, meta.encode("utf-8")
    files.pop("manifest-sm3.txt")
    files["manifest-sm3.txt"] = "".join(f"{bi.sm3(d)}  {p}\n" for p, d in files.items()).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def check_scanning(base: str, n: int, kb: int) -> str:
    svc, admin = bi.session("svc-j001", "svc-j001-bench"), bi.session("admin", "admin")
    headers = {"Content-Type": "application/zip"}
    clean = svc.post(f"{base}/@archive", data=bi.package(n, kb), headers=headers)
    assert clean.status_code == 201, clean.text[:500]
    runs = admin.get(clean.json()["@id"] + "/@detection").json()["reports"]
    virus = {i["code"]: i["result"] for i in runs[-1]["items"] if i["code"].startswith("GD-4")}
    bad = svc.post(f"{base}/@archive", data=infected(n + 1, kb), headers=headers)
    messages = [e["message"] for e in bad.json().get("errors", []) if e["code"] == "GD-4-2"]
    return f"clean package {virus}; infected package {bad.status_code} {messages}"


def detection_only(records: int, kb: int, block: int) -> None:
    import shutil
    import statistics

    from sd.archive.core.detection.catalogue import load_catalogue
    from sd.archive.core.detection.context import DetectionContext
    from sd.archive.core.detection.engine import run_detection
    from sd.archive.core.packages.reader import TempDirSinks
    from sd.archive.core.packages.reader import read_package

    root = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-clamd-detect-"))
    catalogue = load_catalogue()
    timings: dict[bool, list[float]] = {False: [], True: []}
    with LocalClamd(root / "clamd") as _scanner:
        socket_path = str(root / "clamd" / "clamd.sock")
        paths = []
        for n in range(1, block + 1):
            path = root / f"p{n}.zip"
            path.write_bytes(bi.package(n, kb))
            paths.append(path)
        for round_no in range(records // block + 1):  # round 0 warms both sides up
            for on in (False, True) if round_no % 2 else (True, False):
                if on:
                    os.environ[SOCKET_ENV] = socket_path
                else:
                    os.environ.pop(SOCKET_ENV, None)
                for path in paths:
                    sinks = pathlib.Path(tempfile.mkdtemp(dir=root))
                    t0 = time.perf_counter()
                    package = read_package(str(path), "archive", sink_factory=TempDirSinks(sinks))
                    run_detection("archiving", package, catalogue, DetectionContext())
                    if round_no:
                        timings[on].append(time.perf_counter() - t0)
                    shutil.rmtree(sinks)
        os.environ.pop(SOCKET_ENV, None)
    off, on = statistics.median(timings[False]), statistics.median(timings[True])
    print(f"read + detection, {len(timings[True])} packages per side ({kb} KB × 3 components):")
    print(f"clamd off {off * 1000:7.1f} ms/record (median)")
    print(f"clamd on  {on * 1000:7.1f} ms/record (median): clamd adds {(on - off) * 1000:.1f} ms")
    shutil.rmtree(root, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300)
    parser.add_argument("--kb", type=int, default=300)
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--dir", default=str(bi.ROOT / "bench" / "var"))
    parser.add_argument("--detection-only", action="store_true", help="see the docstring")
    parser.add_argument("--aa", action="store_true", help="both instances without clamd")
    args = parser.parse_args(argv)
    if args.detection_only:
        detection_only(args.records, args.kb, args.block)
        return
    pathlib.Path(args.dir).mkdir(parents=True, exist_ok=True)
    root = pathlib.Path(tempfile.mkdtemp(prefix="sd-bench-clamd-", dir=args.dir))
    servers = []
    clamd = LocalClamd(root / "clamd")
    try:
        scanner = clamd.start()
        print(f"clamd: {scanner.version()} on {clamd.socket}")
        on_server, on = start(root, "on", None if args.aa else clamd.socket)
        servers.append(on_server)
        off_server, off = start(root, "off", None)
        servers.append(off_server)
        print(
            f"instances: clamd on {on}, clamd off {off}; {args.kb} KB × 3 components per "
            f"record, alternating blocks of {args.block} records"
        )
        t0 = time.perf_counter()
        rates = alternate({"on": on, "off": off}, args.records, args.kb, args.block)
        print(f"clamd off  POST @archive: {args.records} records: {rates['off']:.2f} records/s")
        print(f"clamd on   POST @archive: {args.records} records: {rates['on']:.2f} records/s")
        print(
            f"ratio on / off: {rates['on'] / rates['off']:.3f}  (goal >= 0.87: at most 15 % "
            f"slower; {time.perf_counter() - t0:.0f} s)"
        )
        if not args.aa:
            print("scanning instance:", check_scanning(on, args.records + 1, args.kb))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=60)
        clamd.stop()


if __name__ == "__main__":
    main()
