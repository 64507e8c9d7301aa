"""@export of a destroyed record: 410 in the error shape (only its metadata is kept)."""

import transaction
from plone import api


def test_export_of_a_destroyed_record_is_410(admin, ffonds, archive):
    record = archive(ffonds, 4)
    for transition in ("appraise", "destroy"):
        api.content.transition(record, transition=transition)
    transaction.commit()
    response = admin.get(f"{record.absolute_url()}/@export")
    assert response.status_code == 410, response.text[:2000]
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] == "Gone" and body["errors"][0]["code"] == "record.destroyed"
