"""@export of a destroyed record: 410 in the error shape (only its metadata is kept)."""

import transaction
from plone import api

from sd.archive.appraisal.execution import sanctioned
from sd.archive.numbering import assign_code
from sd.archive.testing import make_record


def test_export_of_a_destroyed_record_is_410(admin, ffonds):
    record = make_record(ffonds, 4)
    assign_code(record, "WS", 2013, "D10", "BGS")  # expired: it may be destroyed (#25)
    with sanctioned(record, "test"):  # as an executed appraisal batch does (#25)
        for transition in ("archive", "appraise", "destroy"):
            api.content.transition(record, transition=transition)
    transaction.commit()
    response = admin.get(f"{record.absolute_url()}/@export")
    assert response.status_code == 410, response.text[:2000]
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] == "Gone" and body["errors"][0]["code"] == "record.destroyed"
