"""Browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import os
import pathlib
import shutil
import sys
from contextlib import contextmanager

import pytest
import transaction
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)


@pytest.fixture
def page():
    """A page of a fresh zh-CN browser context; screenshots go to ``ARTIFACTS``."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
        yield context.new_page()
        context.close()
        browser.close()


@contextmanager
def as_manager(portal):
    """Set the site up as the test user with Manager, the site speaking zh-CN first; commits."""
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    try:
        portal.portal_registry["plone.default_language"] = "zh-cn"
        portal.portal_registry["plone.available_languages"] = ["zh-cn", "en"]
        portal.setLanguage("zh-cn")
        yield portal
        transaction.commit()
    finally:
        logout()


def log_in(page, site: str, user: str, password: str) -> None:
    """Log in through Plone's login form."""
    page.goto(f"{site}/login")
    page.fill("#__ac_name", user)
    page.fill("#__ac_password", password)
    page.click("#buttons-login")
    page.wait_for_load_state("networkidle")


# The test modules import these helpers as ``browser_helpers`` (a unique name, like the other
# test folders' helpers), whichever conftest.py pytest imported last as ``conftest``.
if __name__ in sys.modules:
    sys.modules["browser_helpers"] = sys.modules[__name__]
