"""Compile the .po catalogues to .mo once, atomically (before the instance or tests start),
so that no two processes compile and read the same .mo at the same time."""

import os
import pathlib
import tempfile

from pythongettext.msgfmt import Msgfmt

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src" / "sd" / "archive" / "locales"

for po in ROOT.glob("*/LC_MESSAGES/*.po"):
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_size and mo.stat().st_mtime >= po.stat().st_mtime:
        continue
    with open(po, "rb") as f:
        data = Msgfmt(f, name=str(po)).get()
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, mo)
    print(f"compiled {mo.relative_to(ROOT.parent)}")
