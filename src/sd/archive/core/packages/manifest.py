"""BagIt-style manifests (清单文件) ``manifest-sm3.txt`` / ``manifest-sha256.txt``.

One line per file, ``<hex digest><two spaces><relative path>``, for every file in the package
except the manifest itself (``packages.md`` §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

MANIFEST_NAMES = {"manifest-sm3.txt": "sm3", "manifest-sha256.txt": "sha256"}
_LINE = re.compile(r"^([0-9a-fA-F]{64})[ \t]+\*?(.+)$")


@dataclass
class Manifest:
    """A parsed manifest (清单): algorithm ('sm3' | 'sha256') and path → lower-case digest."""

    algorithm: str
    entries: dict[str, str] = field(default_factory=dict)
    name: str = ""

    def render(self) -> bytes:
        """Write the manifest back (生成清单), UTF-8, LF, sorted by path."""
        return "".join(f"{d}  {p}\n" for p, d in sorted(self.entries.items())).encode("utf-8")


def manifest_name(algorithm: str) -> str:
    """The file name for an algorithm: 'sm3' → 'manifest-sm3.txt'."""
    return f"manifest-{algorithm.lower().replace('-', '')}.txt"


def parse_manifest(data: bytes, name: str = "manifest-sm3.txt") -> Manifest:
    """Parse a manifest (解析清单); a malformed line or duplicate path raises PackageError."""
    algorithm = MANIFEST_NAMES.get(name.rsplit("/", 1)[-1], "sm3")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _error("manifest.encoding", "manifest is not UTF-8", name) from None
    manifest = Manifest(algorithm=algorithm, name=name)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise _error("manifest.syntax", f"line {number} is not '<digest>  <path>'", name)
        digest, path = match.group(1).lower(), match.group(2).strip()
        if path in manifest.entries:
            raise _error("manifest.duplicate", f"path listed twice: {path}", name)
        manifest.entries[path] = digest
    return manifest


def _error(code: str, message: str, name: str) -> PackageError:
    return PackageError(
        message, [Problem(code=code, message=message, object=name, property="integrity")]
    )
