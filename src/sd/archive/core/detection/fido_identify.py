"""Optional PRONOM identification with opf-fido (格式登记号识别), loaded once per process.

Loading the signatures takes about 0.3 s, so it is lazy and cached. Use as
``DetectionContext(format_identifier=fido_puid)``: the magic-byte sniffer stays the rule,
fido names the PRONOM PUID of files the sniffer does not know.
"""

from __future__ import annotations

import glob
import os
from functools import lru_cache


@lru_cache(maxsize=1)
def _fido():
    from fido import CONFIG_DIR
    from fido.fido import Fido

    formats = sorted(glob.glob(os.path.join(CONFIG_DIR, "formats-v*.xml")))[-1:]
    found: list = []
    engine = Fido(
        quiet=True,
        nocontainer=True,
        format_files=[os.path.basename(f) for f in formats] + ["format_extensions.xml"],
        handle_matches=lambda name, matches, delta, matchtype="": found.extend(matches),
    )
    return engine, found


def fido_puid(file) -> str | None:
    """The PRONOM PUID of a stored file (``file.location``), or None."""
    if not getattr(file, "location", None):
        return None
    engine, found = _fido()
    found.clear()
    engine.identify_file(file.location, extension=False)
    return engine.get_puid(found[0][0]) if found else None
