"""A record's @@history page: its workflow history, for the Manager and the records officer
(records are not versioned; CMFEditions' version diff failed with a 500)."""

import pytest
import transaction
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record
from sd.archive.testing import rest_session


@pytest.mark.parametrize("user", ["admin", "officer"])
def test_record_history_page(fportal, user):
    fonds = make_fonds(fportal)
    record = make_record(fonds, 3)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive", comment="归档 history-check")
    api.user.create(email="o@example.org", username="officer", password="secret-12345")
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    transaction.commit()
    session = rest_session(fportal, user)
    session.headers["Accept"] = "text/html"
    response = session.get(f"{record.absolute_url()}/@@history")
    assert response.status_code == 200, response.text[:3000]
    assert response.url.endswith("/@@history")  # not sent to insufficient-privileges
    if user == "admin":  # the workflow shows its review_history to reviewers only
        assert "history-check" in response.text
