"""Statistics (档案统计) and the annual report (统计年报) on the Plone side: holdings from the
catalog, activity per period, the report filled in, signed off and reopened, who sees what,
and bad input (4xx in the error shape, nothing stored)."""

import io
import sys
from datetime import date
from pathlib import Path

import pytest
import transaction
from openpyxl import load_workbook

from sd.archive.core.access.period import beijing_today
from sd.archive.core.errors import ArchiveError
from sd.archive.statistics import figures
from sd.archive.statistics import reports

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def rows_of(table):
    return {r[0]: r[1] for r in table["rows"]}


def test_holdings_by_retention_state_and_format(holdings):
    assert rows_of(figures.holdings("retention")) == {"永久": 3, "定期30年": 2, "定期10年": 1}
    assert rows_of(figures.holdings("state")) == {
        "已归档": 3,
        "预归档": 1,
        "已进馆": 1,
        "已开放": 1,
    }
    assert rows_of(figures.holdings("format")) == {"PDF": 6}
    room = figures.holdings("retention", ["J001"], ("archived",))
    assert rows_of(room) == {"永久": 2, "定期30年": 1}
    assert room["total"][1] == 3
    sizes = figures.holdings("fonds")
    assert sizes["total"][3] >= 0  # MB
    assert rows_of(figures.holdings("security")) == {"公开": 5, "内部": 1}


def test_size_comes_from_the_catalog(holdings):
    from plone import api

    from sd.archive.statistics.catalog import record_postings

    postings = record_postings(api.portal.get_tool("portal_catalog"))
    assert postings.bytes() == sum(r.get_size() for r in holdings) > 0


def test_annual_figures_room_and_archives(holdings):
    year = beijing_today().year
    room = figures.annual_figures("room", year, "J001")
    assert (room["items"], room["retention_Y"], room["retention_D30"], room["fonds"]) == (
        3,
        2,
        1,
        1,
    )
    assert room["intake_year"] == 3  # archived this year; the pre-archived one is not yet
    archives = figures.annual_figures("archives", year)
    assert (archives["items"], archives["open_items"], archives["fonds"]) == (2, 1, 1)


def test_report_fill_sign_reopen(holdings, as_user):
    year = beijing_today().year
    as_user("officer")
    body = reports.report("room", year, "J001")
    assert body["state"] == "draft" and body["may_write"]
    cells = {r["code"]: r for r in body["rows"]}
    assert cells["R12"]["value"] == 3 and cells["R12"]["source"] == "计算"
    with pytest.raises(ArchiveError) as raised:
        reports.act("room", year, "J001", "sign", {"R01": 2})
    assert raised.value.problems[0].code == "annual.incomplete"
    manual = {"R01": 2, "R02": 1, "R03": "80.5", "R40": 0, "R41": "1.50"}
    signed = reports.act("room", year, "J001", "sign", manual, "已核对")
    assert signed["state"] == "signed" and signed["signed_by"] == "officer"
    assert {r["code"]: r["value"] for r in signed["rows"]}["R03"] == "80.5"
    with pytest.raises(ArchiveError) as raised:
        reports.act("room", year, "J001", "save", {"R01": 3})
    assert raised.value.status == 409
    with pytest.raises(ArchiveError) as raised:
        reports.act("room", year, "J001", "reopen", None, "")
    assert raised.value.problems[0].code == "annual.reason"
    reopened = reports.act("room", year, "J001", "reopen", None, "人数有误")
    assert reopened["state"] == "draft" and not reopened["signed_by"]
    assert [h["action"] for h in reopened["history"]] == ["signed", "reopened"]


def test_other_officer_neither_sees_nor_signs(holdings, as_user):
    year = beijing_today().year
    as_user("other-officer")
    with pytest.raises(ArchiveError) as raised:
        reports.report("room", year, "J001")
    assert (raised.value.status, raised.value.problems[0].code) == (
        403,
        "statistics.not-your-fonds",
    )
    as_user("supervisor")
    assert reports.report("room", year, "J001")["may_write"] is False
    with pytest.raises(ArchiveError) as raised:
        reports.act("room", year, "J001", "save", {"R01": 1})
    assert raised.value.status == 403


@pytest.mark.parametrize(
    "args, code",
    [
        (("room", 1800, "J001"), "annual.year"),
        (("room", 2025, None), "annual.fonds"),
        (("county", 2025, "J001"), "annual.form"),
        (("room", 2025, "J999"), "statistics.unknown-fonds"),
    ],
)
def test_bad_report_requests(holdings, args, code):
    with pytest.raises(ArchiveError) as raised:
        reports.report(*args)
    assert raised.value.problems[0].code == code


def test_activity_backwards_range(holdings):
    with pytest.raises(ArchiveError) as raised:
        figures.activity(None, "2026-12-31", "2026-01-01", "month")
    assert (raised.value.status, raised.value.problems[0].code) == (400, "statistics.range")


def test_activity_counts_intake_this_month(holdings):
    today = beijing_today()
    table = figures.activity(
        None, date(today.year, today.month, 1).isoformat(), today.isoformat(), "month"
    )
    assert table["rows"][-1][1] == 5  # intake: made this month, the pre-archived one left out
    assert table["total"][1] == 5


# -- over HTTP ---------------------------------------------------------------------------------


def test_rest_tables_and_xlsx(fsite, session):
    supervisor = session("supervisor")
    body = supervisor.get("@statistics", params={"by": "retention"}).json()
    assert rows_of(body["tables"][0]) == {"永久": 3, "定期30年": 2, "定期10年": 1}
    officer = session("officer").get("@statistics", params={"by": "fonds"}).json()
    assert rows_of(officer["tables"][0]) == {"J001": 4}  # only their own fonds
    xlsx = supervisor.get("@statistics", params={"format": "xlsx"})
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert len(book.sheetnames) == 7
    sheet = book["保管期限"]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == ["保管期限", "件数"]


@pytest.mark.parametrize(
    "endpoint, params, status, code",
    [
        (
            "@statistics-activity",
            {"start": "2026-12-31", "end": "2026-01-01"},
            400,
            "statistics.range",
        ),
        (
            "@statistics-activity",
            {"start": "2026-12-31", "end": "2026-01-01", "format": "xlsx"},
            400,
            "statistics.range",
        ),
        ("@statistics", {"by": "colour"}, 400, "statistics.dimension"),
        ("@statistics", {"format": "doc"}, 400, "statistics.format"),
        ("@statistics", {"fonds": "J999"}, 400, "statistics.unknown-fonds"),
        ("@statistics-report", {"form": "room", "year": "2025"}, 400, "annual.fonds"),
    ],
)
def test_rest_bad_input(fsite, session, endpoint, params, status, code):
    response = session("supervisor").get(endpoint, params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"type", "message", "errors"} and body["errors"][0]["code"] == code


def test_rest_forbidden_fonds(fsite, session):
    response = session("other-officer").get("@statistics", params={"fonds": "J001"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "statistics.not-your-fonds"
    assert session("member").get("@statistics").status_code == 403


def test_rest_report_sign_and_files(fsite, session):
    from plone import api

    from sd.archive import audit
    from sd.archive.audit.store import Query

    year = beijing_today().year
    officer = session("officer")
    bad = officer.post(
        "@statistics-report",
        json={
            "form": "room",
            "year": year,
            "fonds": "J001",
            "action": "save",
            "manual": {"R01": -2},
        },
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "annual.negative"
    transaction.begin()
    assert reports.stored("room", year, "J001") is None  # nothing stored
    manual = {"R01": 2, "R02": 1, "R03": "80.5", "R40": 0, "R41": "1.5"}
    signed = officer.post(
        "@statistics-report",
        json={"form": "room", "year": year, "fonds": "J001", "action": "sign", "manual": manual},
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["state"] == "signed"
    params = {"form": "room", "year": year, "fonds": "J001"}
    pdf = session("supervisor").get("@statistics-report", params={**params, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    from pdfcheck import assert_embedded
    from pdfcheck import pdf_text

    text = pdf_text(pdf.content)
    assert "机关档案室基本情况" in text and "已审核签发" in text and "officer" in text
    assert_embedded(pdf.content)
    xlsx = officer.get("@statistics-report", params={**params, "format": "xlsx"})
    rows = list(
        load_workbook(io.BytesIO(xlsx.content), read_only=True).active.iter_rows(values_only=True)
    )
    assert rows[0] == ("指标代码", "指标", "计量单位", "数值", "来源")
    assert ("R12", "室存档案（以件为单位）", "件", 3, "计算") in rows
    transaction.begin()
    logged = [e.action for e in audit.trail(api.portal.get()).iterate(Query(action="statistics."))]
    assert "statistics.report-signed" in logged


def test_pages(fsite, session):
    supervisor = session("supervisor")
    supervisor.headers["Accept"] = "text/html"
    page = supervisor.get("@@statistics")
    assert page.status_code == 200
    assert (
        "sd-holdings-retention" in page.text
        and "永久" in page.text
        and "Traceback" not in page.text
    )
    bad = supervisor.get("@@statistics", params={"start": "2026-12-31", "end": "2026-01-01"})
    assert bad.status_code == 400 and "起始日期晚于截止日期" in bad.text
    report = supervisor.get(
        "@@statistics-report", params={"form": "archives", "year": beijing_today().year}
    )
    assert report.status_code == 200 and "档案馆基本情况" in report.text
