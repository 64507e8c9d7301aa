"""Fixtures of the appraisal tests (#25): expired records of J001, the appraisal group, the
agency's and the archives' leaders and a second group member."""

from types import SimpleNamespace

import pytest
from plone import api

from sd.archive.appraisal import batches
from sd.archive.numbering import assign_code
from sd.archive.testing import make_record


def expired_record(fonds, n, period="D10", year=2011, states=("archive",)):
    record = make_record(fonds, n, retention_period=period, pages=3)
    assign_code(record, "WS", year, period, "BGS")
    for transition in states:
        api.content.transition(record, transition=transition)
    return record


@pytest.fixture
def team(users, portal, fonds):
    """officer + member (the group); ``leader``, the agency's leader (机关领导: AgencyLeader on
    the fonds) approving its records room's batches; ``archives-leader`` (档案馆领导: global
    Leader) approving holdings batches."""
    for user_id, roles in (
        ("leader", ["Member"]),
        ("archives-leader", ["Leader"]),
        ("member2", ["Member"]),
    ):
        api.user.create(
            email=f"{user_id}@example.org", username=user_id, password="secret-12345", roles=roles
        )
    api.user.grant_roles(username="leader", obj=fonds, roles=["AgencyLeader", "Reader"])
    api.user.grant_roles(username="archivist", obj=fonds, roles=["Reader"])
    with api.env.adopt_user(username="officer"):
        batches.set_group(fonds, "agency", ["officer", "member2"])
    return fonds


@pytest.fixture
def expired(team):
    return [expired_record(team, n) for n in (1, 2, 3)]


def propose(fonds, records, **kw):
    with api.env.adopt_user(username="officer"):
        return batches.propose(fonds, [r.UID() for r in records], reason="保管期满", **kw)


def opine(batch, user, record="*", decision="destroy", years=None, reason="已无保存价值"):
    body = {"record": record, "decision": decision, "reason": reason}
    if years is not None:
        body["years"] = years
    with api.env.adopt_user(username=user):
        return batches.record_opinion(batch, body)


@pytest.fixture
def ap():
    """The helpers above, for the test modules (conftest modules are not imported by name)."""
    return SimpleNamespace(expired_record=expired_record, propose=propose, opine=opine)
