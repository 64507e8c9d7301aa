"""Browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import os
import pathlib
import shutil
import sys

import pytest

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
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
        yield context.new_page()
        context.close()
        browser.close()


# The test modules import these helpers as ``browser_helpers`` (a unique name, like the other
# test folders' helpers), whichever conftest.py pytest imported last as ``conftest``.
if __name__ in sys.modules:
    sys.modules["browser_helpers"] = sys.modules[__name__]
