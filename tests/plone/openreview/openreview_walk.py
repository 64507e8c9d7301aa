"""The open-access review endpoints' part of the OpenAPI walk
(tests/plone/openapi/test_openapi_walk.py): each documented operation once valid, once
invalid, along the path of one batch."""

from __future__ import annotations

import transaction
from plone import api


def _setup(portal) -> list[str]:
    """Two records of 1995 of J001 in the holdings (closure ended 2020), committed."""
    from sd.archive.numbering import assign_code
    from sd.archive.testing import make_record

    fonds = portal["j001"]
    uids = []
    with api.env.adopt_roles(["Manager"]):
        for n in (961, 962):
            record = make_record(fonds, n, year=1995)
            assign_code(record, "WS", 1995, "Y", "BGS")
            for transition in ("archive", "request_transfer", "transfer", "receive"):
                api.content.transition(record, transition=transition)
            uids.append(record.UID())
    transaction.commit()
    return uids


def walk_openreview(w, j001, world):
    uids = _setup(world["portal"])
    site = world["site"]
    path, url = "/@openreview-batches", f"{site}/@openreview-batches"
    w.call("invalid", path, "post", url, "archivist", 404, json={"fonds": "NOPE"})
    answer = w.call(
        "valid", path, "post", url, "archivist", 201, json={"fonds": "J001", "until": "2026-12-31"}
    )
    batch_id = answer.json()["id"]
    w.call("valid", path, "get", url, "archivist", 200)
    w.call("invalid", path, "get", url, None, 401)
    path = "/@openreview-batches/{id}"
    w.call("valid", path, "get", f"{url}/{batch_id}", "archivist", 200)
    w.call("invalid", path, "get", f"{url}/KF-1900-9999", "archivist", 404)
    step = "/@openreview-batches/{id}/{step}"
    bulk = {"uids": uids, "decision": "controlled", "next_review": "2031-01-01"}  # no reason
    w.call("invalid", step, "post", f"{url}/{batch_id}/decide", "archivist", 422, json=bulk)
    w.call(
        "valid",
        step,
        "post",
        f"{url}/{batch_id}/decide",
        "archivist",
        200,
        json={"uids": "all", "decision": "open"},
    )
    xlsx = "/@openreview-batches/{id}/catalogue.xlsx"
    pdf = "/@openreview-batches/{id}/catalogue.pdf"
    w.call("invalid", xlsx, "get", f"{url}/{batch_id}/catalogue.xlsx", "archivist", 409)
    w.call("invalid", pdf, "get", f"{url}/{batch_id}/catalogue.pdf", "archivist", 409)
    w.call("invalid", step, "post", f"{url}/{batch_id}/approve", "archivist", 403, json={})
    w.call("valid", step, "post", f"{url}/{batch_id}/approve", "admin", 200, json={})
    w.call("valid", xlsx, "get", f"{url}/{batch_id}/catalogue.xlsx", "archivist", 200)
    w.call("valid", pdf, "get", f"{url}/{batch_id}/catalogue.pdf", "archivist", 200)
    path, url = "/{fonds}/@openreview-agency", f"{j001}/@openreview-agency"
    w.call("valid", path, "post", url, "admin", 200, json={"required": False})
    w.call("invalid", path, "post", url, "admin", 400, json={"required": "yes"})
