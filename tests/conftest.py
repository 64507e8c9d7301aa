"""Root fixtures: plone.app.testing layers through pytest-plone.

Like an instance's zope.conf, the test session gets one instance var directory
(``SD_ARCHIVE_VAR``: ledger, seal keys, AIP locations, spooled packages), made before any layer
is set up so that every test sees the same environment whichever tests run first.
"""

import os
import tempfile

import pytest

# a test has a virus scanner only when it asks for the `clamd` fixture
os.environ.pop("SD_ARCHIVE_CLAMD_SOCKET", None)
os.environ.setdefault("SD_ARCHIVE_VAR", tempfile.mkdtemp(prefix="sd-archive-test-var-"))
# the session's own temporary directory: tests that count loose files there (uncommitted blobs
# of a refused package) must not see another process's
tempfile.tempdir = tempfile.mkdtemp(prefix="sd-archive-test-tmp-")

from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings  # noqa: E402

# generated cases are checked by content, not speed: a busy CI host must not fail them
settings.register_profile("sd-archive", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("sd-archive")

from pytest_plone import fixtures_factory  # noqa: E402

from sd.archive.testing import ACCEPTANCE_TESTING  # noqa: E402
from sd.archive.testing import FUNCTIONAL_TESTING  # noqa: E402
from sd.archive.testing import INTEGRATION_TESTING  # noqa: E402

pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (ACCEPTANCE_TESTING, "acceptance"),
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
        )
    )
)


@pytest.fixture(autouse=True)
def _close_pooled_stores():
    """After each test, the ledgers' and audit trails' idle SQLite connections are closed (each
    test's var directory opens its own: kept, they reached the 1,024 descriptors ``select()``
    takes and the test HTTP server's thread died in the middle of the suite)."""
    yield
    from sd.archive.testing import close_pooled_stores

    close_pooled_stores()


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory):
    """A clamd of the test session (own config, own socket, the project's signature database),
    started at the first test that asks, stopped at the end. Without clamd installed the tests
    that need it fail and say how to install it."""
    from sd.archive.core.detection.clamd_local import LocalClamd

    server = LocalClamd(tmp_path_factory.mktemp("clamd"))
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(f"clamd needed by this test: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def clamd(clamd_server, monkeypatch):
    """The session's clamd configured for this test (``SD_ARCHIVE_CLAMD_SOCKET``)."""
    from sd.archive.core.detection.clamd import SOCKET_ENV

    monkeypatch.setenv(SOCKET_ENV, clamd_server.socket)
    return clamd_server


def pytest_collection_modifyitems(session, config, items):
    """The browser tests run last, whatever order the paths were given in: their one Playwright
    (tests/browser/conftest.py) keeps an event loop running in the main thread until the session
    ends, and ``asyncio.run`` (pyHanko) refuses to run beside it."""
    browser = os.sep + "browser" + os.sep
    items.sort(key=lambda item: browser in str(item.path))
