"""Fixtures of the sign-on tests: the test OpenID provider (tests/oidc, node-oidc-provider) for
the acceptance layer's site, and a browserless sign-in through it (HTTP, requests)."""

import sys
from pathlib import Path

import pytest
import transaction
from plone import api
from zope.component.hooks import setSite

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "oidc"))
from testop import CLIENT_ID  # noqa: E402
from testop import CLIENT_SECRET  # noqa: E402
from testop import TestOP  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oidc_signon import SignOn  # noqa: E402

_OPS: dict[str, TestOP] = {}


@pytest.fixture(scope="session")
def _op_processes():
    yield _OPS
    for op in _OPS.values():
        op.stop()
    _OPS.clear()


def configure_site(portal, op: TestOP, **signon) -> None:
    """Point the site's OIDC plugin at ``op`` and switch sign-on on (committed)."""
    setSite(portal)
    plugin = portal.acl_users.oidc
    plugin.issuer = op.issuer
    plugin.client_id = CLIENT_ID
    plugin.client_secret = CLIENT_SECRET
    values = {"enabled": True, "password_login": "all", "emergency_logins": ("admin",), **signon}
    for name, value in values.items():
        api.portal.set_registry_record(f"sd.archive.signon.{name}", value)
    transaction.commit()


@pytest.fixture
def op(acceptance, _op_processes):
    """The test provider for this session's acceptance site, the site configured for it."""
    portal = acceptance["portal"]
    site_url = portal.absolute_url()
    provider = _OPS.get(site_url)
    if provider is None or provider.process is None or provider.process.poll() is not None:
        try:
            provider = _OPS[site_url] = TestOP(site_url).start()
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
    provider.reset()
    configure_site(portal, provider)
    yield provider


@pytest.fixture
def signon(op):
    return SignOn(op.site_url)
