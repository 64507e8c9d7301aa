"""Fixtures of the supervision tests (#26): records of J001 with 文号, archived or not."""

import datetime

import pytest
from supervision_helpers import official

from sd.archive.supervision import aggregates


@pytest.fixture
def agency(fonds):
    """J001, 2026: 文号 1, 2, 4, 6 archived on time (no 3, no 5); one 2026 record still
    pre-archived; one record of 2019 dated 2019 (late, and due for transfer)."""
    made = {n: official(fonds, n) for n in (1, 2, 4, 6)}
    made["pending"] = official(fonds, 50, number=7, archived=False)
    made["late"] = official(fonds, 60, number=1, year=2019, day=datetime.date(2019, 4, 1))
    aggregates.flush()
    return made
