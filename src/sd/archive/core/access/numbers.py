"""Request numbers (利用申请编号): ``LY-2026-000123`` — prefix, year, six-digit sequence."""

from __future__ import annotations

import re

PREFIX = "LY"
PATTERN = re.compile(r"^LY-(\d{4})-(\d{6,})$")


def request_number(year: int, sequence: int) -> str:
    """The number of the ``sequence``-th request of ``year`` (from 1)."""
    if sequence < 1:
        raise ValueError("sequences start at 1")
    return f"{PREFIX}-{year:04d}-{sequence:06d}"


def parse(number: str) -> tuple[int, int] | None:
    """(year, sequence) of a request number, None when it is not one."""
    found = PATTERN.match(number or "")
    return (int(found.group(1)), int(found.group(2))) if found else None
