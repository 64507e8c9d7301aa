"""The mining findings operations in the OpenAPI walk (#28, test_openapi_walk.py):
each called once valid, once invalid. Three records of J001 with text (a notice, the same
notice archived again, a report citing the notice's 文号) give a name to answer, a duplicate and
a related pair; J001's records officer answers them, the site owner sets the patterns."""

from __future__ import annotations

import sys
from pathlib import Path

import transaction
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from zope.component.hooks import setSite

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "mining_findings"))
from findings_helpers import LETTER  # noqa: E402
from findings_helpers import NOTICE  # noqa: E402
from findings_helpers import archived  # noqa: E402


def _records(world) -> dict:
    portal = world["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    fonds = portal["j001"]
    made = {
        "notice": archived(fonds, 911, NOTICE, document_number="鲁档发〔2023〕7号"),
        "report": archived(fonds, 912, LETTER),
        "copy": archived(fonds, 913, NOTICE),
    }
    urls = {key: record.absolute_url() for key, record in made.items()}
    transaction.commit()
    logout()
    return urls


def walk_findings(w, site, world):
    records = _records(world)
    path = "/{fonds}/{record}/@mining-findings"
    url = f"{records['report']}/@mining-findings"
    found = w.call("valid", path, "get", url, "officer", 200).json()
    assert "张伟" in {e["name"] for e in found["entities"]["people"]}, found
    w.call("invalid", path, "get", url, None, 401)
    answer = {"action": "accept", "kind": "people", "name": "张伟", "reason": "馆长姓名"}
    w.call("valid", path, "post", url, "officer", 200, json=answer)
    w.call("invalid", path, "post", url, "officer", 400, json={**answer, "action": "maybe"})
    w.call("invalid", path, "post", url, "officer", 404, json={**answer, "name": "李四"})

    path, url = "/@mining-pairs", f"{site}/@mining-pairs"
    pairs = w.call("valid", path, "get", url, "officer", 200, params={"kind": "dup"}).json()
    w.call("invalid", path, "get", url, "officer", 400, params={"kind": "xyz"})
    dup = pairs["items"][0]["key"]
    w.call(
        "invalid",
        path,
        "post",
        url,
        "officer",
        404,
        json={"pair": "dup:a:b", "answer": "duplicate"},
    )
    w.call("invalid", path, "post", url, "officer", 400, json={"pair": dup, "answer": "related"})
    w.call(
        "valid",
        path,
        "post",
        url,
        "officer",
        200,
        json={"pair": dup, "answer": "duplicate", "reason": "重复归档"},
    )

    path, url = "/@mining-patterns", f"{site}/@mining-patterns"
    w.call("valid", path, "get", url, "admin", 200)
    w.call("invalid", path, "get", url, "officer", 401)
    bad = {"patterns": [{"name": "坏规则", "pattern": "([a-"}]}
    w.call("invalid", path, "put", url, "admin", 400, json=bad)
    good = {"patterns": [{"name": "项目编号", "pattern": "XM-\\d{6}"}]}
    w.call("valid", path, "put", url, "admin", 200, json=good)
    w.call("valid", path, "put", url, "admin", 200, json={"patterns": []})
