"""The platform sign-on's two addresses (山东通登录入口与回调): ``@@platform-login`` sends the
browser to the platform, ``@@platform-callback`` receives it back. A refusal is a page (the
reason in Chinese first, no code or token shown), status 403, logged in the audit trail."""

from __future__ import annotations

import transaction
from plone.app.layout.viewlets import ViewletBase
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

from sd.archive.identity.platform import signon


def _safe_came_from(portal, came_from: str) -> str:
    """Only an address of this site (no open redirect)."""
    base = portal.absolute_url()
    return came_from if came_from and came_from.startswith(base + "/") else ""


class PlatformLogin(BrowserView):
    """山东通登录: redirect to the platform's authorize URL."""

    refusal_template = ViewPageTemplateFile("templates/refused.pt")

    def __call__(self):
        came_from = _safe_came_from(self.context, self.request.form.get("came_from", ""))
        try:
            url = signon.start(self.context, self.request, came_from)
        except signon.SignOnRefused as refusal:
            return self.refuse(refusal)
        self.request.response.redirect(url, lock=True)
        return ""

    def refuse(self, refusal):
        transaction.abort()  # nothing of the attempt is kept (the refusal is logged at once)
        signon.refused(self.context, self.request, refusal)
        self.refusal = refusal
        self.request.response.setStatus(403)
        return self.refusal_template()


class PlatformCallback(PlatformLogin):
    """山东通登录回调: exchange the code, start the session."""

    def __call__(self):
        try:
            signon.complete(self.context, self.request)
        except signon.SignOnRefused as refusal:
            return self.refuse(refusal)
        came_from = _safe_came_from(
            self.context, self.request.cookies.get("__sd_platform_came_from", "")
        )
        self.request.response.expireCookie("__sd_platform_came_from", path="/")
        self.request.response.redirect(came_from or self.context.absolute_url(), lock=True)
        return ""


class PlatformSignOnViewlet(ViewletBase):
    """On the login page: 山东通登录, when platform sign-on is on (came_from kept)."""

    index = ViewPageTemplateFile("templates/signon_button.pt")

    def update(self):
        from urllib.parse import urlencode

        from sd.archive.identity.platform.settings import Settings

        settings = Settings()
        self.enabled = bool(settings.sign_on_enabled and settings.configured)
        came_from = self.request.get("came_from") or ""
        portal_url = self.context.portal_url()
        self.url = f"{portal_url}/@@platform-login" + (
            f"?{urlencode({'came_from': came_from})}" if came_from else ""
        )
