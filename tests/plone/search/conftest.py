"""Fixtures of the search tests (records: ``search_data``)."""

import datetime

import pytest
from search_data import PASSWORD
from search_data import PATHS
from search_data import add

from sd.archive.testing import rest_sessions


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


@pytest.fixture
def fsearch(fportal):
    """The functional site: J001 with an archived and an open record (both 财务 in their file
    text), ``officer`` its records officer; committed, for HTTP tests."""
    import transaction
    from plone import api

    from sd.archive.testing import make_fonds

    fonds = make_fonds(fportal)
    api.user.create(email="officer@example.org", username="officer", password=PASSWORD)
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    archived = add(fonds, 1, "archived", text="二〇二三年财务预算执行情况", title="财务预算报告")
    opened = add(fonds, 2, "open", text="关于财务公开的通知", title="财务公开通知")
    transaction.commit()
    return {"fonds": fonds, "archived": archived, "open": opened}


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make
