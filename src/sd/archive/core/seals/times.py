"""Time values found in seals and OFD signatures (签章时间).

ASN.1 times are UTC; OFD ``SignatureDateTime`` strings come in several shapes
(``20200723130907.763Z``, ``20201010151120``, ``2020-10-23 19:45:37``). A time without a zone
is read as China Standard Time (UTC+8): on the samples that agree with the signed ASN.1 time.
"""

from __future__ import annotations

import datetime as dt
import re

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")

_COMPACT = re.compile(
    r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$"
)
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def _zone(text: str | None) -> dt.tzinfo:
    if not text:
        return CHINA
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def parse_time(text: str | None) -> dt.datetime | None:
    """Parse a signing time string; None when it is empty or unreadable."""
    if not text:
        return None
    text = text.strip()
    for pattern in (_COMPACT, _ISO):
        match = pattern.match(text)
        if match:
            y, mo, d, h, mi, s, frac, zone = match.groups()
            micro = int((frac or "0")[:6].ljust(6, "0"))
            return dt.datetime(
                int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro, tzinfo=_zone(zone)
            )
    return None


def utc_iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None
