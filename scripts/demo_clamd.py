"""The demo site's virus scanner (演示用病毒扫描): a clamd of its own for ``make start``.

    python scripts/demo_clamd.py start instance/var/clamd   # prints the socket path
    python scripts/demo_clamd.py stop instance/var/clamd

It runs on the project's own signature database (the EICAR test string and the hash of the
test sample, ``core/detection/clamd_local.py``): the demo's detection then scans every file
through clamd's socket as production does, and an EICAR attachment is refused naming the
signature. Production runs Debian's clamd with signatures kept current by freshclam
(docs/clamav.md), not this.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from sd.archive.core.detection.clamd_local import LocalClamd


def start(base: Path) -> str:
    """Start clamd in ``base`` unless one answers there already; the socket path."""
    server = LocalClamd(base)
    server.start()
    server.process = None  # left running after this script ends: `stop` ends it by its pid file
    return server.socket


def stop(base: Path) -> bool:
    """End the clamd of ``base`` (its pid file); True when one was running."""
    pid_file = base / "clamd.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        return False
    finally:
        pid_file.unlink(missing_ok=True)
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    base = Path(argv[1]).resolve()
    if argv[0] == "start":
        stop(base)  # a clamd left over from an interrupted run
        try:
            print(start(base))
        except RuntimeError as exc:
            print(f"demo virus scanner not started: {exc}", file=sys.stderr)
            return 1
        return 0
    stop(base)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
