"""Who acts, and when (操作人与时间): the one definition every log and entry uses."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from plone import api


def now() -> str:
    """The time of an action, UTC, ISO 8601 to the second (pages show it in Beijing time)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def actor() -> str:
    """The acting user's id; scripts run by the system user act as "system"."""
    if api.user.is_anonymous():
        return "system"
    user = api.user.get_current()
    return user.getId() or user.getUserName() or "system"
