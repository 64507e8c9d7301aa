"""A browserless sign-in through the test OpenID provider (HTTP, requests), for the sign-on
tests (imported as ``oidc_signon``: a unique module name, unlike ``conftest``)."""

import re
from urllib.parse import urljoin

import requests

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
