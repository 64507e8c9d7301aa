"""The rectification notice and statistics operations in the OpenAPI walk (#26,
tests/plone/openapi/test_openapi_walk.py): each called once valid, once invalid. The supervisor
issues and decides, J001's records officer answers and fills in the annual report."""

from __future__ import annotations

from datetime import timedelta

from sd.archive.core.access.period import beijing_today


def walk_rectification(w, site, j001, world):
    _notices(w, site, world)
    _statistics(w, site)


def _notices(w, site, world):
    path = "/@rectification-notices"
    body = {
        "fonds": "J001",
        "title": "关于补齐2023年发文归档的整改通知",
        "text": "鲁某发〔2023〕12号至14号未归档，请于期限内补齐。",
        "deadline": (beijing_today() + timedelta(days=14)).isoformat(),
        "figures": [{"label": "文号缺号", "value": 3, "link": f"{world['j001']}/@number-gaps"}],
        "records": [world["record_uid"]],
    }
    url = f"{site}/@rectification-notices"
    past = {**body, "deadline": "2020-01-01"}
    w.call("invalid", path, "post", url, "supervisor", 400, json=past)
    issued = w.call("valid", path, "post", url, "supervisor", 201, json=body).json()
    w.call("valid", path, "get", url, "officer", 200)
    w.call("invalid", path, "get", url, "supervisor", 400, params={"state": "lost"})
    path = "/rectification-notices/{notice}/@rectification-notice"
    w.call("valid", path, "get", f"{issued['@id']}/@rectification-notice", "officer", 200)
    w.call("invalid", path, "get", f"{issued['@id']}/@rectification-notice", None, 401)
    number = issued["notice_number"]
    path, url = "/@rectification-answer", f"{site}/@rectification-answer"
    answer = {"notice": number, "answer": "已补充归档三件。", "records": [world["record_uid"]]}
    w.call("invalid", path, "post", url, "officer", 404, json={**answer, "notice": "ZG-1999-0001"})
    w.call("valid", path, "post", url, "officer", 200, json=answer)
    path, url = "/@rectification-decision", f"{site}/@rectification-decision"
    w.call(
        "invalid", path, "post", url, "supervisor", 400, json={"notice": number, "decision": "x"}
    )
    closed = w.call(
        "valid", path, "post", url, "supervisor", 200, json={"notice": number, "decision": "close"}
    )
    assert closed.json()["state"] == "closed", closed.text


def _statistics(w, site):
    path, url = "/@statistics", f"{site}/@statistics"
    w.call("valid", path, "get", url, "supervisor", 200)
    w.call("valid", path, "get", url, "officer", 200, params={"by": "fonds", "format": "xlsx"})
    w.call("invalid", path, "get", url, "supervisor", 400, params={"by": "colour"})
    path, url = "/@statistics-activity", f"{site}/@statistics-activity"
    today = beijing_today()
    year = {"start": f"{today.year}-01-01", "end": today.isoformat(), "period": "quarter"}
    w.call("valid", path, "get", url, "supervisor", 200, params=year)
    backwards = {"start": today.isoformat(), "end": f"{today.year - 1}-01-01"}
    w.call("invalid", path, "get", url, "supervisor", 400, params=backwards)
    path, url = "/@statistics-report", f"{site}/@statistics-report"
    report = {"form": "room", "year": today.year, "fonds": "J001"}
    w.call("invalid", path, "post", url, "officer", 400, json={**report, "manual": {"R01": -2}})
    w.call("valid", path, "post", url, "officer", 200, json={**report, "manual": {"R01": 2}})
    w.call("valid", path, "get", url, "officer", 200, params=report)
    w.call("valid", path, "get", url, "supervisor", 200, params={**report, "format": "pdf"})
    w.call("invalid", path, "get", url, "supervisor", 400, params={"form": "room", "year": 2025})
