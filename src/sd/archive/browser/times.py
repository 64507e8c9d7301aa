"""Times on pages (页面时间): every page shows a time in 北京时间 (Asia/Shanghai), labelled.

Stored values stay what they are (UTC ISO 8601 from :func:`sd.archive.actors.now`, offsets from
packages, Zope ``DateTime`` in the workflow history); only what a person reads is converted,
here, once, for every view and template (``view/beijing_time`` or ``python:
beijing_time(value)`` in the views that build rows).
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")

#: the label after every time shown (时区标注)
LABEL = "北京时间"


def _moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if hasattr(value, "ISO8601"):  # Zope DateTime (workflow history); its asdatetime()
        value = value.ISO8601()  # may carry a pytz zone at local mean time (+08:06)
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def beijing_time(value, label: bool = True) -> str:
    """``value`` (ISO 8601 text, ``datetime`` or ``DateTime``) in 北京时间, to the second:
    ``2026-12-07 13:51:15 北京时间``. A time without offset is UTC (how the system stores
    times); a date or anything that is not a time is shown as it is; nothing is "".
    """
    if value is None or value == "":
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    moment = _moment(value)
    if moment is None:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    return f"{text} {LABEL}" if label else text


class BeijingTimeMixin:
    """``view/beijing_time`` for the templates of a view or viewlet."""

    def beijing_time(self, value, label: bool = True) -> str:
        return beijing_time(value, label)
