"""The supervision pages (#26): @@supervision for supervisors (ranking, SVG charts, filters,
bad input in words) and {fonds}/@@supervision-agency for the agency (figures, drill-down)."""

import datetime

import pytest
import requests
import transaction
from plone import api
from supervision_helpers import official

from sd.archive.testing import make_fonds

PASSWORD = "secret-12345"


@pytest.fixture
def pages(fportal):
    fonds = make_fonds(fportal)
    other = make_fonds(fportal, "j002", "J002", "DA/T 13-2022")
    for user_id, roles in (
        ("supervisor", ["Supervisor"]),
        ("officer", ["Member"]),
        ("stranger", ["Member"]),
    ):
        api.user.create(
            email=f"{user_id}@example.org", username=user_id, password=PASSWORD, roles=roles
        )
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    api.user.grant_roles(username="stranger", obj=other, roles=["RecordsOfficer", "Reader"])
    for n in (1, 2, 5):
        official(fonds, n)
    official(fonds, 9, number=1, year=2019, day=datetime.date(2019, 2, 1))
    transaction.commit()
    return fportal, fonds


def get(url, user, **params):
    return requests.get(url, params=params, auth=(user, PASSWORD), timeout=60)


def test_dashboard_ranks_agencies_with_svg_charts(pages):
    portal, _fonds = pages
    page = get(
        f"{portal.absolute_url()}/@@supervision", "supervisor", year="2026", metric="number_gaps"
    )
    assert page.status_code == 200
    html = page.text
    assert html.count('class="sd-chart"') == 2  # ranking and trend
    assert 'id="sd-supervision-table"' in html
    first = html.index('data-fonds="J001"')
    assert first < html.index('data-fonds="J002"')  # J001 has gaps (3, 4): ranked first
    assert "metric=number_gaps" in html
    assert "Traceback" not in html and '"type"' not in html


def test_dashboard_bad_metric_is_a_400_in_words(pages):
    portal, _fonds = pages
    page = get(f"{portal.absolute_url()}/@@supervision", "supervisor", metric="nonsense")
    assert page.status_code == 400
    assert 'id="sd-supervision-error"' in page.text
    assert "Traceback" not in page.text


def test_dashboard_is_for_supervisors(pages):
    portal, _fonds = pages
    page = get(f"{portal.absolute_url()}/@@supervision", "officer")
    assert page.status_code in (401, 403) or 'id="sd-supervision"' not in page.text


def test_agency_page_with_drill_down(pages):
    _portal, fonds = pages
    url = f"{fonds.absolute_url()}/@@supervision-agency"
    page = get(url, "officer", year="2026", metric="number_gaps")
    assert page.status_code == 200
    assert "鲁某发〔2026〕3号、鲁某发〔2026〕4号" in page.text
    late = get(url, "officer", year="2019", metric="late")
    assert late.status_code == 200 and "data-uid" in late.text
    refused = get(url, "stranger")
    assert 'id="sd-supervision-agency"' not in refused.text


def test_workbench_blocks(pages):
    portal, _fonds = pages
    officer = get(f"{portal.absolute_url()}/@@workbench", "officer")
    assert 'class="sd-wb-supervision discreet"' in officer.text
    assert "@@supervision-agency?year=2026" in officer.text
    supervisor = get(f"{portal.absolute_url()}/@@workbench", "supervisor")
    assert 'id="sd-wb-supervision-dashboard"' in supervisor.text
