"""Fixtures of the search tests (records: ``search_data``)."""

import datetime

import pytest
from search_data import PATHS
from search_data import add


@pytest.fixture
def two_fonds(fonds, other_fonds, users):
    """Records of J001 and J002 in each visible state, every one with 财务 in its text."""
    made = {}
    for f in (fonds, other_fonds):
        for i, state in enumerate(PATHS, start=1):
            made[(f.fonds_code, state)] = add(
                f,
                i,
                state,
                text=f"{f.fonds_code} {state} 关于财务预算的报告",
                title=f"{f.fonds_code}-{state} 财务预算报告",
                author="财务处",
                document_date=datetime.date(2023, 1, i),
            )
    return made
