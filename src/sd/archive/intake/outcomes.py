"""What intake and transfer end with (处理结果), for the services to answer.

The flows return one of these or raise an :class:`~sd.archive.core.errors.ArchiveError`;
they never choose an HTTP status. ``sd.archive.services.base`` maps each outcome to its
status (:data:`~sd.archive.services.base.STATUS`) and each error to its own.

An outcome is not an error: a :class:`Rejected` package keeps its rejection record, so its
transaction is committed, where every error dooms it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem


@dataclass
class Outcome:
    """The answer's body and, for something stored, where it is."""

    body: dict
    location: str | None = None


class Created(Outcome):
    """A record, or a batch processed within the request, was stored (入库)."""


class Started(Outcome):
    """A batch was opened and is processed in the background (后台处理)."""


class Repeated(Outcome):
    """The same package (or Idempotency-Key) came again: what the first request made, nothing
    stored twice (重复提交)."""


class Rejected(Outcome):
    """Detection failed: only the rejection record is kept (拒收)."""


def refused(
    status: int, type_: str, message: str, code: str, detail: str, obj: str = "", prop: str = ""
) -> ArchiveError:
    """A refusal with one problem, in the error shape (to raise)."""
    return ArchiveError(message, [Problem(code, detail, obj, prop)], status, type_)


def rejection_body(portal, rejection: dict) -> dict:
    """The body of a :class:`Rejected` outcome: the stored rejection and where it is."""
    return {
        "type": rejection["type"],
        "message": rejection["message"],
        "errors": rejection["errors"],
        "rejection": {
            "@id": f"{portal.absolute_url()}/@rejections/{rejection['id']}",
            "id": rejection["id"],
        },
    }
