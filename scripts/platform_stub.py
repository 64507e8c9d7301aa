"""The province platform's contract stub as a development server (开发用山东通模拟服务).

    .venv/bin/python scripts/platform_stub.py [--port 8790] [--sign-in-as zhang]

Serves ``tests/platform_stub`` on localhost with the demo province (山东省 / 省档案局 /
办公室, 省财政厅 / 综合处, four members). Start the site with the same secret in its
environment (``SD_ARCHIVE_PLATFORM_SECRET=stub-secret-not-for-production``); the demo points
the platform settings at http://localhost:8790. ``--sign-in-as`` chooses who "signs in" at the
stub's authorize page. A development option only: never for production.
"""

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))

from platform_stub import PlatformStub  # noqa: E402
from platform_stub import demo_province  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--sign-in-as", default="zhang")
    args = parser.parse_args()
    stub = PlatformStub()
    demo_province(stub)
    stub.sign_in_as(args.sign_in_as)
    stub.start(port=args.port)
    print(f"platform stub on {stub.url} (corpid {stub.corp_id}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stub.stop()


if __name__ == "__main__":
    main()
