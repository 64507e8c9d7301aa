"""Structured errors of the evidence ledger (证据账本错误)."""

from __future__ import annotations

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem


class LedgerError(ArchiveError):
    """A ledger input was refused (账本输入被拒绝): bad entry, proof, signature or checkpoint.

    ``status`` defaults to 422: the input was read but does not hold.
    """

    def __init__(self, message, problems=None, status=422, type="LedgerError"):
        super().__init__(message, list(problems or []), status, type)


def refuse(code: str, message: str, object: str = "", property: str = "") -> LedgerError:
    """A ``LedgerError`` carrying a single problem (one failed rule)."""
    return LedgerError(
        message, [Problem(code=code, message=message, object=object, property=property)]
    )
