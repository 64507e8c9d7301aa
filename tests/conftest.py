"""Root fixtures: plone.app.testing layers through pytest-plone.

Like an instance's zope.conf, the test session gets one instance var directory
(``SD_ARCHIVE_VAR``: ledger, seal keys, AIP locations, spooled packages), made before any layer
is set up so that every test sees the same environment whichever tests run first.
"""

import os
import tempfile

os.environ.setdefault("SD_ARCHIVE_VAR", tempfile.mkdtemp(prefix="sd-archive-test-var-"))

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
