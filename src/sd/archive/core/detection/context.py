"""What the caller supplies to a detection run (检测上下文).

The domain core does not know the holdings: the Plone side passes callables for everything
that needs them. A missing callable turns its item into a ``manual`` result — never into a
silent pass.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone

CHINA = timezone(timedelta(hours=8), "CST")


def _now() -> datetime:
    return datetime.now(CHINA)


@dataclass
class DetectionContext:
    """Callables and facts for one run.

    - ``code_validator(code, metadata) -> iterable of messages`` (empty = valid); default:
      :func:`sd.archive.core.codes.validate` with the default DA/T 22 rule, plus the code's
      parts compared with the metadata elements
    - ``is_unique(element, value, metadata) -> bool`` for 档号 and 电子文件号 in the holdings
    - ``continuity(metadata) -> iterable of messages`` (gaps in 件号 within the series)
    - ``series_continuity(package) -> iterable of Problems``: a transfer package's series
      as a whole, less the gaps its 说明文件 explains (YJ-2-6 at package level)
    - ``scope_matcher(metadata) -> bool | None`` (None = no rule decides)
    - ``signature_verifier(file, format) -> (ok: bool | None, message)``
    - ``virus_scanner(files) -> {path: signature}``; default: the deployment's clamd
      (``SD_ARCHIVE_CLAMD_SOCKET``, :mod:`sd.archive.core.detection.clamd`) when
      ``use_clamav``; none configured or unreachable → the virus items are ``manual``
    - ``format_identifier(file) -> str | None`` (e.g. a PRONOM PUID from fido), reported only
    - ``declared_package_digest``: the sender's SM3 of the package, when it sent one
    - ``ledger_digest(path) -> str | None``: preservation fixity reference
    - ``format_watch_list``: formats the archive watches (格式观察名单), replacing the
      catalogue's list when given; ``min_copies``: copies the storage policy requires
    """

    now: datetime = field(default_factory=_now)
    code_validator: Callable[..., Iterable[str]] | None = None
    is_unique: Callable[..., bool] | None = None
    continuity: Callable[..., Iterable[str]] | None = None
    series_continuity: Callable[..., Iterable] | None = None
    scope_matcher: Callable[..., bool | None] | None = None
    signature_verifier: Callable[..., tuple[bool | None, str]] | None = None
    virus_scanner: Callable[..., dict[str, str]] | None = None
    format_identifier: Callable[..., str | None] | None = None
    declared_package_digest: str | None = None
    ledger_digest: Callable[[str], str | None] | None = None
    use_clamav: bool = True
    format_watch_list: tuple[str, ...] | None = None
    min_copies: int | None = None
    #: work a check started early in this run, by check and subject (see registry.PREFETCH)
    started: dict = field(default_factory=dict, repr=False, compare=False)
