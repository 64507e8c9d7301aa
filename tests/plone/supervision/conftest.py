"""Fixtures of the supervision tests (#26): records of J001 with 文号, archived or not."""

import datetime

import pytest
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.supervision import aggregates
from sd.archive.testing import make_record


def archive(record, year=2026, retention="Y", org="BGS"):
    assign_code(record, "WS", year, retention, org)
    api.content.transition(record, transition="archive")
    return record


def official(fonds, n, number=None, day=None, year=2026, archived=True, **extra):
    """A 电子公文 of ``year`` with 文号 鲁某发〔year〕``number``号 dated ``day``."""
    record = make_record(
        fonds,
        n,
        document_number=f"鲁某发〔{year}〕{number or n}号" if number != 0 else "",
        document_date=day or datetime.date(year, 1, 5),
        year=year,
        **extra,
    )
    return archive(record, year) if archived else record


@pytest.fixture
def agency(fonds):
    """J001, 2026: 文号 1, 2, 4, 6 archived on time (no 3, no 5); one 2026 record still
    pre-archived; one record of 2019 dated 2019 (late, and due for transfer)."""
    made = {n: official(fonds, n) for n in (1, 2, 4, 6)}
    made["pending"] = official(fonds, 50, number=7, archived=False)
    made["late"] = official(fonds, 60, number=1, year=2019, day=datetime.date(2019, 4, 1))
    aggregates.flush()
    return made
