"""A throw-away Zope instance with the demo-less site, for benchmarks that run in it.

``results(load, env)`` writes an instance under a temporary directory, creates the site with
``scripts/create_site.py``, runs the ``load`` script in it with ``zconsole run`` (extra ``env``
on top of this process's) and returns the lines the script printed that start with ``RESULT``;
with none, it prints the end of the script's stderr and exits 1.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent


def instance(tmp) -> str:
    """Write an instance under ``tmp`` and create the site in it; the path of its zope.conf."""
    var = pathlib.Path(tmp) / "var"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/write_instance.py"), "--var", str(var)],
        check=True,
        capture_output=True,
    )
    conf = str(var / "etc" / "zope.conf")
    subprocess.run(
        [str(BIN / "zconsole"), "run", conf, str(ROOT / "scripts/create_site.py")],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return conf


def command(conf: str, script) -> list[str]:
    """The command that runs ``script`` in the instance (``zconsole run``)."""
    return [str(BIN / "zconsole"), "run", conf, str(script)]


def results(load: str, env: dict[str, str]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        conf = instance(tmp)
        script = pathlib.Path(tmp) / "load.py"
        script.write_text(load)
        out = subprocess.run(
            command(conf, script),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, **env},
        )
    lines = [x for x in out.stdout.splitlines() if x.startswith("RESULT")]
    if not lines:
        print(out.stderr[-3000:])
        sys.exit(1)
    return lines
