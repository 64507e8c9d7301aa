"""Migration of holdings to a new storage location (存储迁移).

Every AIP is copied from the old location to the new one, verified against the digest the
ledger holds (source before copying, target after the atomic rename). The report lists what
was copied, what was already there and good, and what failed; nothing bad is copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime

from .atomic import atomic_copy
from .fixity import ExpectedDigest
from .fixity import hash_file
from .storage import StorageLocation
from .storage import aip_path
from .storage import list_aips


@dataclass
class MigrationReport:
    source: str
    target: str
    started: str
    finished: str = ""
    copied: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)  # relpath, reason, expected, actual
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def migrate(
    source: StorageLocation,
    target: StorageLocation,
    expected: ExpectedDigest,
    *,
    inventory: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> MigrationReport:
    """Copy all AIPs of ``source`` (plus ``inventory`` relpaths that must exist) to ``target``.

    Re-running is safe: copies already present and good are skipped.
    """
    report = MigrationReport(source.id, target.id, _now())
    items = sorted({r.relpath for r in list_aips(source)} | set(inventory or ()))
    for n, relpath in enumerate(items, 1):
        want = expected(relpath)
        src, dst = aip_path(source, relpath), aip_path(target, relpath)
        if want is None:
            report.failed.append({"relpath": relpath, "reason": "no expected digest"})
        else:
            want = want.lower()
            have, _, _ = hash_file(str(dst))
            if have == want:
                report.already_present.append(relpath)
            else:
                digest, _, err = hash_file(str(src))
                if err:
                    report.failed.append({"relpath": relpath, "reason": err, "expected": want})
                elif digest != want:
                    report.failed.append(
                        {
                            "relpath": relpath,
                            "reason": "source differs from the ledger",
                            "expected": want,
                            "actual": digest,
                        }
                    )
                else:
                    copied, size = atomic_copy(src, dst)
                    after, _, _ = hash_file(str(dst))
                    if copied == want and after == want:
                        report.copied.append(relpath)
                        report.bytes += size
                    else:
                        dst.unlink(missing_ok=True)
                        report.failed.append(
                            {
                                "relpath": relpath,
                                "reason": "target differs after copy",
                                "expected": want,
                                "actual": after,
                            }
                        )
        if progress is not None:
            progress(n, len(items), relpath)
    report.finished = _now()
    return report
