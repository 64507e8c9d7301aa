"""@audit-trail and @@audit-trail: the auditor reads, filters, pages, exports and checks;
nobody else reads; nobody — a Manager neither — writes."""

import csv
import io
import sqlite3

import pytest
import transaction

from sd.archive import audit

INJECTION = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def trail(frecord, session):
    """A failed login whose login is a spreadsheet formula, and a record view."""
    session().post(
        "@login",
        json={"login": INJECTION, "password": "x"},
        headers={"X-Forwarded-For": "=cmd|' /C calc'!A0"},
    )
    officer = session("officer")
    officer.headers["Accept"] = "text/html"
    officer.get(frecord.absolute_url())
    return audit.trail()


def test_auditor_filters_and_pages(trail, session):
    auditor = session("auditor")
    body = auditor.get("@audit-trail", params={"b_size": 2}).json()
    assert body["items_total"] >= 5 and len(body["items"]) == 2
    assert body["items"][0]["seq"] > body["items"][1]["seq"]  # newest first
    item = body["items"][0]
    assert item["time"].endswith("Z") and len(item["hash"]) == 64
    views = auditor.get("@audit-trail", params={"action": "record.view"}).json()
    assert [i["actor"] for i in views["items"]] == ["officer"]
    assert (
        auditor.get(
            "@audit-trail", params={"actor": "officer", "outcome": "ok", "action": "record."}
        ).json()["items_total"]
        >= 1
    )
    failed = auditor.get("@audit-trail", params={"outcome": "refused"}).json()
    assert [i["action"] for i in failed["items"]] == ["login.failed"]


def test_time_filter_reads_beijing_time(trail, session):
    auditor = session("auditor")
    [view] = auditor.get("@audit-trail", params={"action": "record.view"}).json()["items"]
    local = view["time_local"]  # 北京时间, UTC+8
    assert int(local[11:13]) == (int(view["time"][11:13]) + 8) % 24
    later = auditor.get(
        "@audit-trail", params={"action": "record.view", "from": local[:10] + "T23:59:59"}
    ).json()
    same_day = auditor.get(
        "@audit-trail", params={"action": "record.view", "from": local[:10], "to": "2999-01-01"}
    ).json()
    assert later["items_total"] == 0 and same_day["items_total"] == 1


@pytest.mark.parametrize("user", [None, "officer", "sysadmin"])
def test_others_cannot_read(trail, session, user):
    response = session(user).get("@audit-trail")
    assert response.status_code in (401, 403)
    assert session(user).get("@audit-trail/check").status_code in (401, 403)


@pytest.mark.parametrize("method", ["patch", "delete", "post", "put"])
@pytest.mark.parametrize("path", ["@audit-trail", "@audit-trail/0"])
def test_nobody_can_write(trail, session, method, path):
    before = list(trail.iterate())
    response = getattr(session("admin"), method)(path, json={"actor": "nobody"})
    assert 400 <= response.status_code < 500
    transaction.begin()
    after = list(trail.iterate())
    assert after[: len(before)] == before


@pytest.mark.parametrize(
    "params,code",
    [
        ({"outcome": "maybe"}, "AUDIT-PARAMETER"),
        ({"from": "yesterday"}, "AUDIT-PARAMETER"),
        ({"b_size": "0"}, "AUDIT-PARAMETER"),
        ({"b_start": "x"}, "AUDIT-PARAMETER"),
    ],
)
def test_bad_parameters_are_structured_errors(trail, session, params, code):
    response = session("auditor").get("@audit-trail", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "BadRequest" and body["errors"][0]["code"] == code


def test_unknown_resource_is_a_structured_404(trail, session):
    response = session("auditor").get("@audit-trail/nothing")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "AUDIT-RESOURCE"


def test_check_endpoint_reports_tampering(trail, session):
    auditor = session("auditor")
    result = auditor.get("@audit-trail/check").json()
    assert result["valid"] is True and result["checked"] >= 5 and result["first_bad_index"] is None
    conn = sqlite3.connect(trail.path)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET outcome = 'ok' WHERE action = 'login.failed'")
    conn.commit()
    conn.close()
    result = auditor.get("@audit-trail/check").json()
    assert set(result) >= {"valid", "checked", "anchored_index", "first_bad_index", "reason"}
    assert result["valid"] is False and "altered" in result["reason"]
    assert result["first_bad_index"] == result["checked"]


def test_csv_export_neutralises_formulas(trail, session):
    response = session("auditor").get("@audit-trail/csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时间（北京时间）", "操作人"]
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=cmd|' /C calc'!A0" in cells and any("HYPERLINK" in cell for cell in cells)
    assert audit.trail() is trail


def test_xlsx_export_has_text_cells_only(trail, session):
    from openpyxl import load_workbook

    response = session("auditor").get("@audit-trail/xlsx", params={"outcome": "refused"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 2
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)
    assert rows[1][4] == "login.failed" and rows[1][3] == "'=cmd|' /C calc'!A0"


def test_csv_cell_starting_with_formula_gets_a_quote():
    from sd.archive.audit.reading import _cell

    assert [_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "ok", 3)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "ok",
        "3",
    ]


def test_auditor_page_in_chinese(trail, session, fportal):
    from plone import api

    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    transaction.commit()
    auditor = session("auditor")
    auditor.headers["Accept"] = "text/html"
    page = auditor.get("@@audit-trail", params={"action": "record.view"})
    assert page.status_code == 200
    assert "安全审计日志" in page.text and "北京时间" in page.text
    assert "record.view" in page.text and 'id="sd-audit-total">1<' in page.text
    checked = auditor.post(
        "@@audit-trail", data={"check": "1", "_authenticator": _token(auditor, page.text)}
    )
    assert checked.status_code == 200 and "审计链完整" in checked.text
    export = auditor.get("@@audit-trail-export", params={"format": "csv"})
    assert export.status_code == 200 and export.content.startswith(b"\xef\xbb\xbf")
    assert (
        session("officer").get("@@audit-trail").status_code in (401, 403)
        or "login" in session("officer").get("@@audit-trail").url
    )


def _token(auditor, html):
    import re

    return re.search(r'name="_authenticator" value="([^"]+)"', html).group(1)


def test_auditor_anchors_from_the_page(trail, session):
    from sd.archive.audit import anchor

    auditor = session("auditor")
    auditor.headers["Accept"] = "text/html"
    page = auditor.get("@@audit-trail").text
    answer = auditor.post(
        "@@audit-trail", data={"anchor": "1", "_authenticator": _token(auditor, page)}
    )
    assert answer.status_code == 200 and 'class="alert alert-info"' in answer.text
    transaction.begin()
    latest = anchor.latest_anchor()
    assert latest is not None and latest.seq >= 1
    [anchored] = [e for e in trail.iterate() if e.action == "audit.anchored"]
    assert anchored.actor == "auditor" and anchored.details["seq"] == latest.seq
    refused = auditor.post("@@audit-trail", data={"anchor": "1"})  # no CSRF token
    assert refused.status_code == 403
