"""List the msgids of the sd.archive domain (Python `_("…")` and templates' i18n:translate).

python scripts/i18n_msgids.py            # msgids missing from the zh_CN catalogue
"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src" / "sd" / "archive"
PO = ROOT / "locales" / "zh_CN" / "LC_MESSAGES" / "sd.archive.po"
PY = re.compile(r'\b_\(\s*"((?:[^"\\]|\\.)*)"')
PT = re.compile(r'i18n:translate=""[^>]*>([^<]+)<')
PT_REV = re.compile(r">([^<>]+)</[a-z0-9]+>")


def msgids():
    found = set()
    for path in ROOT.rglob("*.py"):
        if "core" in path.parts:
            continue
        found.update(PY.findall(path.read_text(encoding="utf-8")))
    for path in ROOT.rglob("*.pt"):
        for m in PT.findall(path.read_text(encoding="utf-8")):
            if m.strip() and "${" not in m:
                found.add(m.strip())
    for path in (ROOT / "profiles").rglob("*.xml"):
        found.update(re.findall(r'i18n:translate="">([^<]+)<', path.read_text(encoding="utf-8")))
    return found


def catalogued():
    if not PO.exists():
        return set()
    return set(re.findall(r'^msgid "(.+)"$', PO.read_text(encoding="utf-8"), re.M))


if __name__ == "__main__":
    for msgid in sorted(msgids() - catalogued()):
        print(msgid)
