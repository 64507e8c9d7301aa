"""The appraisal endpoints' part of the OpenAPI walk (tests/plone/openapi/test_openapi_walk.py):
each documented operation once valid, once invalid, along the path of one batch."""

from __future__ import annotations

import transaction
from plone import api

PASSWORD = "secret-12345"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _setup(portal):
    """Two group members and two expired archived records of J001 (committed)."""
    from sd.archive.numbering import assign_code
    from sd.archive.preservation import discs
    from sd.archive.preservation import store
    from sd.archive.testing import make_record

    fonds = portal["j001"]
    uids = []
    with api.env.adopt_roles(["Manager"]):
        for user in ("ap-a", "ap-b"):
            api.user.create(email=f"{user}@example.org", username=user, password=PASSWORD)
        # the walk's leader is also J001's agency leader (机关领导 approves its batches)
        api.user.grant_roles(username="leader", obj=fonds, roles=["AgencyLeader"])
        for n in (951, 952):
            record = make_record(fonds, n, retention_period="D10")
            assign_code(record, "WS", 2011, "D10", "BGS")
            api.content.transition(record, transition="archive")
            uids.append(record.UID())
        versions = store.versions(record)
        if versions:  # a copy on a disc: pending physical destruction after the execution
            discs.on_disc(create=True)[versions[0]["relpath"]] = ("WALK-A-0001",)
    transaction.commit()
    return uids


def walk_appraisal(w, j001, world):
    uids = _setup(world["portal"])
    path = "/{fonds}/@appraisal-group"
    url = f"{j001}/@appraisal-group"
    w.call(
        "valid",
        path,
        "post",
        url,
        "admin",
        200,
        json={"kind": "agency", "members": ["ap-a", "ap-b"]},
    )
    w.call("invalid", path, "post", url, "admin", 422, json={"kind": "agency", "members": ["ap-a"]})
    w.call("valid", path, "get", url, "admin", 200)
    w.call("invalid", path, "get", url, None, 403)
    path = "/{fonds}/@appraisal-batches"
    url = f"{j001}/@appraisal-batches"
    bad = {"records": [world["record_uid"]], "reason": "保管期满"}  # a permanent record
    w.call("invalid", path, "post", url, "admin", 409, json=bad)
    answer = w.call(
        "valid", path, "post", url, "admin", 201, json={"records": uids, "reason": "保管期满"}
    )
    batch = answer.headers["Location"]
    w.call("valid", path, "get", url, "admin", 200)
    w.call("invalid", path, "get", url, None, 403)
    path = "/{fonds}/{batch}/@appraisal-batch"
    w.call("valid", path, "get", f"{batch}/@appraisal-batch", "admin", 200)
    w.call("invalid", path, "get", f"{batch}/@appraisal-batch", None, 401)
    path = "/{fonds}/{batch}/@appraisal-opinions"
    url = f"{batch}/@appraisal-opinions"
    opinion = {"record": "*", "decision": "destroy", "reason": "已无保存价值"}
    w.call("invalid", path, "post", url, "ap-a", 422, json={**opinion, "record": "no-such-uid"})
    w.call("valid", path, "post", url, "ap-a", 200, json=opinion)
    w.call("valid", path, "post", url, "ap-b", 200, json=opinion)
    path = "/{fonds}/{batch}/@appraisal-register"
    w.call("invalid", path, "get", f"{batch}/@appraisal-register", "admin", 409)
    path = "/{fonds}/{batch}/@appraisal-decision"
    url = f"{batch}/@appraisal-decision"
    w.call("invalid", path, "post", url, "admin", 400, json={"action": "burn"})
    w.call("valid", path, "post", url, "admin", 200, json={"action": "submit"})
    w.call("valid", path, "post", url, "leader", 200, json={"action": "approve", "comment": "同意"})
    path = "/{fonds}/{batch}/@appraisal-register"
    w.call(
        "valid",
        path,
        "get",
        f"{batch}/@appraisal-register",
        "admin",
        200,
        params={"format": "xlsx"},
    )
    path = "/{fonds}/{batch}/@appraisal-execute"
    url = f"{batch}/@appraisal-execute"
    w.call("invalid", path, "post", url, "admin", 422, json={"supervisors": ["张三", "张三"]})
    w.call("valid", path, "post", url, "admin", 200, json={"supervisors": ["张三", "李四"]})
    path = "/{fonds}/{batch}/@appraisal-certificate"
    w.call("valid", path, "get", f"{batch}/@appraisal-certificate", "admin", 200)
    w.call("invalid", path, "get", f"{batch}/@appraisal-certificate", None, 401)
    path = "/{fonds}/{batch}/@appraisal-carriers"
    url = f"{batch}/@appraisal-carriers"
    w.call("invalid", path, "post", url, "admin", 422, json={"carrier": "NO-SUCH"})
    w.call("valid", path, "post", url, "admin", 200, json={"carrier": "WALK-A-0001"})
