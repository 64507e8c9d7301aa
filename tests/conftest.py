"""Root fixtures: plone.app.testing layers through pytest-plone."""

from pytest_plone import fixtures_factory
from sd.archive.testing import ACCEPTANCE_TESTING
from sd.archive.testing import FUNCTIONAL_TESTING
from sd.archive.testing import INTEGRATION_TESTING

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
