"""The JSON of an access request (利用申请) as every access endpoint answers it."""

from __future__ import annotations

from sd.archive.access import lookup
from sd.archive.access import register
from sd.archive.access import requests


def request_json(request, with_register: bool = False) -> dict:
    records = lookup.records_of(request)
    body = {
        "@id": request.absolute_url(),
        "@type": "AccessRequest",
        "request_number": request.request_number,
        "requester": request.requester,
        "purpose": request.purpose,
        "purpose_text": request.purpose_text or "",
        "scope_text": request.scope_text or "",
        "form": request.form,
        "start": request.start.isoformat() if request.start else None,
        "end": request.end.isoformat() if request.end else None,
        "state": requests.state_of(request),
        "approvers": list(request.approvers or ()),
        "decisions": [dict(d) for d in request.decisions or ()],
        "effect": request.effect or "",
        "records": [
            {
                "UID": r.UID(),
                "archival_code": getattr(r, "archival_code", "") or "",
                "title": r.Title(),
            }
            for r in records
        ],
    }
    if body["state"] == requests.APPROVED:
        url = f"{request.absolute_url()}/@access-copy"
        body["copies"] = [
            {
                "UID": r.UID(),
                "view": f"{url}?record={r.UID()}&disposition=inline",
                "download": f"{url}?record={r.UID()}",
            }
            for r in records
        ]
    if with_register:
        body["register"] = [register.row(e) for e in getattr(request, "register", None) or ()]
    return body


def brain_json(brain) -> dict:
    request = brain.getObject()
    return request_json(request)
