"""Browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import os
import pathlib
import shutil
import sys
from contextlib import contextmanager

import pytest
import requests
import transaction
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles

from sd.archive.testing import PACKAGE_SAMPLES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHECKOUT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = CHECKOUT / "test-artifacts" / "browser"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)
#: every browser test module's ``pytestmark``: marked ``browser`` (run last) and skipped, saying
#: why, where Debian's Chromium is missing
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not HAVE_CHROMIUM, reason="Debian chromium not installed: make test installs it"
    ),
]
#: the transfer package of five J001 records (移交包) that the records room's system posts
TRANSFER_SAMPLE = (
    pathlib.Path(os.environ.get("SD_ARCHIVE_SAMPLES", PACKAGE_SAMPLES)) / "transfer-5-records.zip"
)


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the session (starting Playwright and the browser costs about 2 s).

    Playwright's sync API keeps its event loop running in the main thread while it is open, so
    any ``asyncio.run`` after the first browser test (pyHanko signing and validation in the seal
    tests) would fail with "cannot be called from a running event loop": the root conftest runs
    the browser tests last."""
    from playwright.sync_api import sync_playwright

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
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A page of a fresh zh-CN browser context (no cookies of another test); screenshots go
    to ``ARTIFACTS``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    yield context.new_page()
    context.close()


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


def log_in_to_workbench(page, site: str, user: str, password: str) -> None:
    """Log in, then open the site's front page: the user's workbench (工作台)."""
    log_in(page, site, user, password)
    page.goto(site)
    page.wait_for_selector("#sd-workbench")


def screenshot_dir() -> pathlib.Path | None:
    """Where the user guide's screenshots go: ``SD_ARCHIVE_SCREENSHOTS=<dir>`` (relative to the
    checkout; ``make screenshots`` sets docs/images), or docs/images with the older
    ``SD_ARCHIVE_DOC_SHOTS=1``; None otherwise (a test run leaves the checkout as it was)."""
    target = os.environ.get("SD_ARCHIVE_SCREENSHOTS")
    if target:
        return CHECKOUT / target
    if os.environ.get("SD_ARCHIVE_DOC_SHOTS") == "1":
        return CHECKOUT / "docs" / "images"
    return None


def shoot(page, name: str, *, full_page: bool = False) -> None:
    """A screenshot ``<name>.png`` of the page at 1100×760 into test-artifacts/browser/ and,
    when asked (``screenshot_dir``), into the user guide's images, reduced to 64 colours."""
    page.set_viewport_size({"width": 1100, "height": 760})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=full_page)
    target = screenshot_dir()
    if target is not None:
        from PIL import Image

        target.mkdir(parents=True, exist_ok=True)
        with Image.open(shot) as image:
            image.convert("RGB").quantize(colors=64).save(target / shot.name, optimize=True)


def post_transfer(site: str, user: str, password: str, **headers) -> str:
    """The records room's system posts ``TRANSFER_SAMPLE`` (``POST @transfer``); the batch's
    URL as the browser reaches it."""
    answer = requests.post(
        f"{site}/@transfer",
        data=TRANSFER_SAMPLE.read_bytes(),
        auth=(user, password),
        headers={"Content-Type": "application/zip", "Accept": "application/json", **headers},
        timeout=120,
    )
    assert answer.status_code in (201, 202), answer.text[:500]
    return answer.json()["@id"].replace("127.0.0.1", "localhost")


def sign_off_manual_items(page, note: str) -> list[str]:
    """On a batch page, the archivist signs off every manual item as passed, one by one (each
    form posts and comes back to the page), with the note ``"<code> <note>"``; the codes."""
    codes = page.locator("#transfer-manual code").all_inner_texts()
    for code in codes:
        row = page.locator("#transfer-manual tr", has=page.locator(f"code:text-is('{code}')"))
        row.locator("select[name=outcome]").select_option("passed")
        row.locator("input[name=note]").fill(f"{code} {note}")
        with page.expect_navigation():
            row.locator("button[name=sign_off]").click()
        page.wait_for_load_state("networkidle")
    return codes


def assert_forbidden(page, url: str) -> None:
    """A logged-in user opening ``url`` beyond their permissions gets Plone's
    insufficient-privileges page in Chinese: no content of the page asked for, no traceback."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    assert "权限" in page.locator("h1").first.inner_text(), (page.url, body[:500])
    assert "Traceback" not in body and "Insufficient Privileges" not in body, body[:500]


# The test modules import these helpers as ``browser_helpers`` (a unique name, like the other
# test folders' helpers), whichever conftest.py pytest imported last as ``conftest``.
if __name__ in sys.modules:
    sys.modules["browser_helpers"] = sys.modules[__name__]
