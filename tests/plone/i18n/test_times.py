"""``beijing_time``: every time a page shows, in 北京时间 and labelled (stored values stay UTC)."""

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from DateTime import DateTime

from sd.archive.browser.times import beijing_time


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-07T03:51:15+00:00", "2026-12-07 11:51:15 北京时间"),
        ("2026-12-07T03:51:15Z", "2026-12-07 11:51:15 北京时间"),
        ("2026-12-07T03:51:15.123456Z", "2026-12-07 11:51:15 北京时间"),
        ("2026-12-07T11:51:15+08:00", "2026-12-07 11:51:15 北京时间"),
        ("2026-12-07T03:51:15", "2026-12-07 11:51:15 北京时间"),  # no offset: UTC
        (datetime(2026, 12, 6, 16, 0, tzinfo=UTC), "2026-12-07 00:00:00 北京时间"),
        (DateTime("2026/12/07 03:51:15 UTC"), "2026-12-07 11:51:15 北京时间"),
        (date(2026, 12, 7), "2026-12-07"),
        (None, ""),
        ("", ""),
        ("not a time", "not a time"),
    ],
)
def test_beijing_time(value, shown):
    assert beijing_time(value) == shown


def test_without_label():
    assert beijing_time("2026-12-07T03:51:15Z", label=False) == "2026-12-07 11:51:15"
