"""The supervision operations in the OpenAPI walk (#26): each called valid and invalid."""

import datetime

from plone import api
from supervision_helpers import official


def walk_supervision(w, world):
    portal = world["portal"]
    site, j001 = world["site"], world["j001"]
    fonds = portal["j001"]
    with api.env.adopt_roles(["Manager"]):
        for n in (1, 3):  # 文号 鲁某发〔2025〕1号 and 3号: 2号 is missing
            official(fonds, 9000 + n, number=n, year=2025, day=datetime.date(2025, 1, n))
    path = "/@declared-counts"
    body = {
        "fonds": "J001",
        "kind": "documents_issued",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "count": 3,
    }
    w.call("valid", path, "post", f"{site}/@declared-counts", "admin", 201, json=body)
    w.call(
        "invalid",
        path,
        "post",
        f"{site}/@declared-counts",
        "admin",
        422,
        json={**body, "count": -1},
    )
    w.call("valid", path, "get", f"{site}/@declared-counts", "admin", 200)
    backwards = {"from": "2025-12-31", "to": "2025-01-01"}
    w.call("invalid", path, "get", f"{site}/@declared-counts", "admin", 400, params=backwards)
    path = "/@supervision"
    w.call("valid", path, "get", f"{site}/@supervision", "admin", 200, params={"year": "2025"})
    w.call("invalid", path, "get", f"{site}/@supervision", "admin", 400, params={"metric": "x"})
    path = "/{fonds}/@supervision"
    w.call("valid", path, "get", f"{j001}/@supervision", "admin", 200, params={"year": "2025"})
    w.call("invalid", path, "get", f"{j001}/@supervision", "admin", 400, params={"year": "20x5"})
    path = "/{fonds}/@supervision-details"
    url = f"{j001}/@supervision-details"
    w.call("valid", path, "get", url, "admin", 200, params={"metric": "number_gaps"})
    w.call("invalid", path, "get", url, "admin", 400, params={"metric": "nonsense"})
    path = "/{fonds}/@number-gaps"
    w.call("valid", path, "get", f"{j001}/@number-gaps", "admin", 200, params={"year": "2025"})
    w.call("invalid", path, "get", f"{j001}/@number-gaps", "admin", 400, params={"year": "x"})
    gap = {"series": "鲁某发〔2025〕", "numbers": [2], "reason": "void", "note": "作废"}
    w.call("valid", path, "post", f"{j001}/@number-gaps", "admin", 201, json=gap)
    w.call("invalid", path, "post", f"{j001}/@number-gaps", "admin", 422, json={**gap, "note": ""})
