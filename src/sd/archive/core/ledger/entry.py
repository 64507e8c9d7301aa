"""Ledger entries (账本条目): canonical JSON of the digests of one lifecycle event.

Canonical form: UTF-8, keys sorted, no whitespace (``separators=(",", ":")``), non-ASCII
characters as themselves, integers only (no floats), no duplicate keys. The leaf hash of an
entry is computed over exactly these bytes. Content never goes into the log, only digests.

Fields (spec/ledger.md):

=============  ===========================================================================
``v``          format version, 1
``event``      one of ``EVENTS``
``record``     UID of the record (档案 UID); "" for node and audit events
``code``       archival code (档号) or business id
``code_title`` digest of archival code + title, see ``code_title_digest``; "" if none
``content``    {path: digest} of the content files (内容文件摘要)
``metadata``   digest of 元数据.xml; "" if none
``package``    digest of the package (信息包摘要); "" if none
``time``       RFC 3339 date-time with offset, e.g. ``2024-05-06T10:11:12+08:00``
``node``       origin of the node that logs it (节点)
``actor``      who acted (user id or service account) (责任者)
``alg``        optional digest algorithm of the digests above, "sm3" (default) or "sha256"
``links``      optional, evidence renewal (证据续期): [{"origin", "index", "leaf_hash"}] of
               the earlier entries whose digests this entry re-states with a new algorithm
=============  ===========================================================================
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from sd.archive.core.errors import Problem
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.hashing import ALGORITHMS
from sd.archive.core.ledger.hashing import DEFAULT_ALGORITHM
from sd.archive.core.ledger.hashing import hex_digest

VERSION = 1

#: Events of the record lifecycle and of the ledger itself (事件类型).
EVENTS = (
    "pre-archive",  # 预归档
    "archive",  # 归档
    "transfer-out",  # 移交
    "receive",  # 接收
    "return",  # 退回
    "preserve",  # 长期保存 (AIP written)
    "fixity",  # 固定性检查
    "repair",  # 修复
    "convert",  # 格式转换
    "seal-strip",  # 脱密/去除电子印章
    "export",  # 利用输出 (脱链)
    "destroy",  # 销毁
    "renew",  # 证据续期 (re-hash with a new algorithm, links to old entries)
    "node-admit",  # 节点准入
    "node-remove",  # 节点移除
    "audit",  # 安全审计 (security administrators' audit events)
)
#: Events that are not about one record: ``record`` and ``code`` may be empty.
NON_RECORD_EVENTS = frozenset({"node-admit", "node-remove", "audit"})

REQUIRED_FIELDS = (
    "v",
    "event",
    "record",
    "code",
    "code_title",
    "content",
    "metadata",
    "package",
    "time",
    "node",
    "actor",
)
OPTIONAL_FIELDS = ("alg", "links")
LINK_FIELDS = ("origin", "index", "leaf_hash")

_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))


def canonical_json(value: Any) -> bytes:
    """The canonical bytes of a JSON value (规范化 JSON)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def code_title_digest(code: str, title: str, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """Digest of the archival code and title: hex H(UTF-8(code + "\\n" + title))."""
    return hex_digest(f"{code}\n{title}".encode(), algorithm)


def now() -> str:
    """The current time in China Standard Time, RFC 3339, whole seconds."""
    return datetime.now(CHINA_STANDARD_TIME).isoformat(timespec="seconds")


def make_entry(
    event: str,
    *,
    node: str,
    actor: str,
    record: str = "",
    code: str = "",
    title: str | None = None,
    code_title: str = "",
    content: dict[str, str] | None = None,
    metadata: str = "",
    package: str = "",
    time: str | None = None,
    alg: str = DEFAULT_ALGORITHM,
    links: list[dict] | None = None,
) -> dict:
    """Build and validate an entry; ``title`` (if given) yields ``code_title``."""
    entry = {
        "v": VERSION,
        "event": event,
        "record": record,
        "code": code,
        "code_title": code_title_digest(code, title, alg) if title is not None else code_title,
        "content": dict(content or {}),
        "metadata": metadata,
        "package": package,
        "time": time or now(),
        "node": node,
        "actor": actor,
    }
    if alg != DEFAULT_ALGORITHM:
        entry["alg"] = alg
    if links:
        entry["links"] = [dict(link) for link in links]
    check_entry(entry)
    return entry


def entry_bytes(entry: dict) -> bytes:
    """Validate an entry and return its canonical bytes (what the log hashes)."""
    check_entry(entry)
    return canonical_json(entry)


def parse_entry(data: bytes) -> dict:
    """Parse canonical entry bytes; anything not in canonical form is refused."""
    try:
        entry = json.loads(
            data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise LedgerError(
            f"entry is not JSON: {error}", [Problem("LEDGER-ENTRY-JSON", str(error))]
        ) from error
    check_entry(entry)
    if canonical_json(entry) != data:
        raise LedgerError(
            "entry is not canonical", [Problem("LEDGER-ENTRY-CANONICAL", "entry is not canonical")]
        )
    return entry


def check_entry(entry: Any) -> None:
    """Raise ``LedgerError`` with every problem of ``entry``."""
    problems = validate_entry(entry)
    if problems:
        raise LedgerError(f"{len(problems)} entry problem(s)", problems)


def validate_entry(entry: Any) -> list[Problem]:  # noqa: C901 - a checklist, one rule per field
    """All the problems of an entry, empty when it is valid."""
    if not isinstance(entry, dict):
        return [Problem("LEDGER-ENTRY-TYPE", "an entry is a JSON object")]
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(f"LEDGER-ENTRY-{field.upper()}", message, object=field))

    for field in REQUIRED_FIELDS:
        if field not in entry:
            problem(field, f"missing field {field!r}")
    for field in entry:
        if field not in REQUIRED_FIELDS and field not in OPTIONAL_FIELDS:
            problem("field", f"unknown field {field!r}")
    if problems:
        return problems
    if _has_float(entry):
        problem("number", "numbers in an entry are integers")
    if type(entry["v"]) is not int or entry["v"] != VERSION:
        problem("v", f"version must be {VERSION}")
    event = entry["event"]
    if event not in EVENTS:
        problem("event", f"unknown event {event!r}")
    for field in ("record", "code", "node", "actor", "time", "code_title", "metadata", "package"):
        if not isinstance(entry[field], str):
            problem(field, f"{field} is a string")
    if problems:
        return problems
    for field in ("node", "actor"):
        if not entry[field].strip():
            problem(field, f"{field} must not be empty")
    if event not in NON_RECORD_EVENTS:
        for field in ("record", "code"):
            if not entry[field].strip():
                problem(field, f"{field} must not be empty for event {event!r}")
    for field in ("code_title", "metadata", "package"):
        if entry[field] and not _HEX_DIGEST.match(entry[field]):
            problem(field, f"{field} is a lower-case hex digest or empty")
    if not _is_rfc3339(entry["time"]):
        problem("time", "time is an RFC 3339 date-time with an offset")
    content = entry["content"]
    if not isinstance(content, dict):
        problem("content", "content is an object {path: digest}")
    else:
        for path, value in content.items():
            if not _is_safe_path(path):
                problem("content", f"unsafe content path {path!r}")
            if not isinstance(value, str) or not _HEX_DIGEST.match(value):
                problem("content", f"digest of {path!r} is not a lower-case hex digest")
    if "alg" in entry and entry["alg"] not in ALGORITHMS:
        problem("alg", f"alg is one of {', '.join(ALGORITHMS)}")
    if "links" in entry:
        _validate_links(entry["links"], problem)
    return problems


def _validate_links(links: Any, problem) -> None:
    if not isinstance(links, list) or not links:
        problem("links", "links is a non-empty list")
        return
    for link in links:
        if not isinstance(link, dict) or set(link) != set(LINK_FIELDS):
            problem("links", f"a link has exactly the fields {', '.join(LINK_FIELDS)}")
        elif not (isinstance(link["origin"], str) and link["origin"]):
            problem("links", "link origin must be a non-empty string")
        elif type(link["index"]) is not int or link["index"] < 0:
            problem("links", "link index must be a non-negative integer")
        elif not isinstance(link["leaf_hash"], str) or not _HEX_DIGEST.match(link["leaf_hash"]):
            problem("links", "link leaf_hash must be a lower-case hex digest")


def _is_rfc3339(value: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value):
        return False
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _is_safe_path(path: str) -> bool:
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str):
    raise ValueError(f"{name} is not allowed")
