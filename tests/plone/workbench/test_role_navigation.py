"""The role navigation on every page (#24): 工作台 first, then what the user's permissions reach."""

import re

import pytest
from plone.app.testing import login
from plone.app.testing import logout

from sd.archive.testing import make_record


def globalnav(html: str) -> str:
    match = re.search(
        r'<ul class="navbar-nav"\s+id="portal-globalnav"\s*>(.*?)</ul>\s*<button', html, re.S
    )
    assert match, "no portal-globalnav on the page"
    return match.group(1)


@pytest.fixture
def pages(desk, fonds):
    record = make_record(fonds, 924)
    return {"record": record, "fonds": fonds}


@pytest.mark.parametrize("page", ["record", "fonds"])
def test_officer_sees_the_own_navigation_on_every_page(pages, desk, page):
    login(desk, "officer")
    html = pages[page]()
    nav = globalnav(html)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs[0].endswith("/@@workbench")
    assert "工作台" in nav or "Workbench" in nav
    assert any(h.endswith("j001/@@review-queue") for h in hrefs), hrefs
    assert any(h.endswith("j001/@@transfer-out") for h in hrefs), hrefs
    for admin in (
        "@@audit-trail",
        "@@ledger-nodes",
        "@@sd-archive-settings",
        "@@usergroup-userprefs",
        "@@transfer-holdings",
    ):
        assert not any(h.endswith(admin) for h in hrefs), (admin, hrefs)
    assert not any("j002" in h for h in hrefs), hrefs


def test_auditor_sees_the_audit_trail_not_the_fonds(pages, desk):
    login(desk, "auditor")
    hrefs = re.findall(r'href="([^"]+)"', globalnav(pages["fonds"]()))
    assert hrefs[0].endswith("/@@workbench")
    assert any(h.endswith("@@audit-trail") for h in hrefs), hrefs
    assert not any(h.endswith("@@review-queue") for h in hrefs), hrefs


def test_anonymous_keeps_plones_tabs(pages, desk):
    logout()
    html = desk()
    nav = globalnav(html)
    assert "@@workbench" not in nav
