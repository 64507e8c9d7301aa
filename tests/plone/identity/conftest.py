"""Fixtures of the sign-on tests: the test OpenID provider (tests/oidc, node-oidc-provider) for
the acceptance layer's site, and a browserless sign-in through it (HTTP, requests)."""

import re
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
import transaction
from plone import api
from zope.component.hooks import setSite

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "oidc"))
from testop import CLIENT_ID  # noqa: E402
from testop import CLIENT_SECRET  # noqa: E402
from testop import TestOP  # noqa: E402

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


FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class SignOn:
    """A browserless sign-in: follows redirects by hand, so a test may stop at the callback."""

    def __init__(self, site_url: str):
        self.site_url = site_url
        self.http = requests.Session()

    def follow(self, response, stop_at: str | None = None):
        while response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if stop_at and target.startswith(stop_at):
                return target
            response = self.http.get(target, allow_redirects=False, timeout=20)
        return response

    def login_page(self):
        """Start at Plone: the provider's login form."""
        start = self.http.get(
            f"{self.site_url}/acl_users/oidc/login", allow_redirects=False, timeout=20
        )
        page = self.follow(start)
        assert page.status_code == 200, page.text[:500]
        return page

    def submit(self, page, login: str, password: str, stop_at: str | None = None):
        action = FORM_ACTION.search(page.text).group(1)
        answer = self.http.post(
            urljoin(page.url, action),
            data={"login": login, "password": password},
            allow_redirects=False,
            timeout=20,
        )
        return self.follow(answer, stop_at=stop_at)

    def sign_in(self, login: str, password: str):
        return self.submit(self.login_page(), login, password)

    def callback_url(self, login: str, password: str) -> str:
        """Sign in at the provider but stop before Plone's callback: its URL (code, state)."""
        return self.submit(
            self.login_page(), login, password, stop_at=f"{self.site_url}/acl_users/oidc/callback"
        )

    def me(self, user_id: str) -> dict | None:
        """``@users/<user_id>`` as this browser sees it (an account may read its own): None when
        this browser is not ``user_id``."""
        answer = self.http.get(
            f"{self.site_url}/@users/{user_id}", headers={"Accept": "application/json"}, timeout=20
        )
        return answer.json() if answer.ok else None


@pytest.fixture
def signon(op):
    return SignOn(op.site_url)
