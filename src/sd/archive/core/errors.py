"""Structured problems shared by the whole domain core (结构化错误).

Every rule that rejects input says which rule failed and where, in one shape that the REST
services render unchanged::

    {"code": "GD-2-7", "property": "integrity", "object": "正本/正本.ofd",
     "message": "SM3 digest differs from 元数据.xml"}
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

from sd.archive.core.messages import error_phrase_code
from sd.archive.core.messages import zh_first


@dataclass(frozen=True)
class Problem:
    """One failed rule (一条不通过的规则); its message reads Chinese first
    (:func:`~sd.archive.core.messages.zh_first`), ``code`` stays the machine-readable rule."""

    code: str
    message: str
    object: str = ""
    property: str = ""

    def __post_init__(self):
        object.__setattr__(self, "message", zh_first(self.message, self.code))

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v != "" or k in ("code", "message")}


@dataclass
class ArchiveError(Exception):
    """Base of all domain errors: a type name, a message and the problems behind it.

    ``status`` is the HTTP status the REST layer answers with (400 unreadable input,
    409 conflict, 413 too large, 415 wrong media type, 422 read but rejected). The message
    reads Chinese first (:mod:`sd.archive.core.messages`); ``type`` and the problems' codes
    stay the machine-readable fields.
    """

    message: str
    problems: list[Problem] = field(default_factory=list)
    status: int = 400
    type: str = "BadRequest"

    def __post_init__(self):
        codes = [p.code for p in self.problems if isinstance(p, Problem)]
        self.message = zh_first(self.message, error_phrase_code(self.type, codes), self.type)
        Exception.__init__(self, self.message)

    def as_dict(self) -> dict:
        return {
            "type": self.type,
            "message": self.message,
            "errors": [p.as_dict() for p in self.problems],
        }


class PackageError(ArchiveError):
    """The package cannot be read safely (信息包不可读或不安全): HTTP 400 by default."""

    def __init__(self, message, problems=None, status=400, type="PackageUnreadable"):
        super().__init__(message, list(problems or []), status, type)


class DetectionFailed(ArchiveError):
    """The package was read but detection failed (检测不通过): HTTP 422."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "DetectionFailed")


def bad_request(message: str, code: str, prop: str = "", obj: str = "") -> ArchiveError:
    """Unusable input (请求有误): an HTTP 400 ``BadRequest`` with one problem (to raise), the
    rule ``code`` failing at ``obj``/``prop``."""
    return ArchiveError(message, [Problem(code, message, obj, prop)], 400, "BadRequest")


def forbidden(message: str, code: str, obj: str = "") -> ArchiveError:
    """Not allowed for this user (无权办理): an HTTP 403 ``Forbidden`` with one problem (to
    raise)."""
    return ArchiveError(message, [Problem(code, message, obj, "")], 403, "Forbidden")


def unauthorized(message: str) -> ArchiveError:
    """Nobody logged in (请先登录): an HTTP 401 ``Unauthorized`` (to raise)."""
    return ArchiveError(
        message, [Problem("auth.required", "anonymous", "", "authorization")], 401, "Unauthorized"
    )
