"""The platform sign-on's two addresses (山东通登录入口与回调): ``@@platform-login`` sends the
browser to the platform, ``@@platform-callback`` receives it back. A refusal is a page (the
reason in Chinese first, no code or token shown), status 403, logged in the audit trail."""

from __future__ import annotations

import transaction
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
