"""Pages of the sign-on (统一身份认证): the callback and logout of ``acl_users/oidc``, Plone's
logout for signed-on accounts, and the sign-on link on the login page."""

from __future__ import annotations

from urllib.parse import urlencode

from pas.plugins.oidc import utils
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from Products.CMFPlone.browser.login.logout import LogoutView as PloneLogoutView
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.core.identity.signon import PASSWORD_ALL
from sd.archive.core.identity.signon import phrase
from sd.archive.identity.oidc.signon import SignOnRefused
from sd.archive.identity.oidc.signon import complete
from sd.archive.identity.oidc.signon import record_refusal
from sd.archive.identity.oidc.signon import sign_in


class CallbackView(BrowserView):
    """``acl_users/oidc/callback``: where the provider sends the browser back with a code."""

    def __call__(self):
        plugin = self.context
        session = utils.load_existing_session(plugin, self.request)
        try:
            claims, tokens = complete(plugin, self.request, session)
            sign_in(plugin, claims, tokens)
        except SignOnRefused as refusal:
            record_refusal(refusal, plugin.getProperty("issuer"))
            return self.refused(refusal)
        self.request.response.setHeader("Cache-Control", "no-cache, must-revalidate")
        self.request.response.redirect(
            utils.process_came_from(session, self.request.get("came_from"))
        )
        return ""

    def refused(self, refusal: SignOnRefused):
        """Back to the login page with the reason in Chinese; nothing signed in or written."""
        import transaction

        transaction.doom()  # nothing of this request is stored (the refusal is logged at once)
        api.portal.show_message(
            message=_("Sign-on refused: ${why}", mapping={"why": phrase(refusal.reason)}),
            request=self.request,
            type="error",
        )
        self.request.response.setHeader("Cache-Control", "no-cache, must-revalidate")
        self.request.response.redirect(f"{api.portal.get().absolute_url()}/login")
        return ""


def end_session_url(plugin, user_id: str | None) -> str | None:
    """The provider's end-session URL (RP-initiated logout) for ``user_id``, None without one."""
    try:
        client = plugin.get_oauth2_client()
    except Exception:  # noqa: BLE001 (provider down: the local logout still happens)
        return None
    endpoint = getattr(client, "end_session_endpoint", None)
    if not endpoint:
        return None
    args = {
        "post_logout_redirect_uri": utils.url_cleanup(api.portal.get().absolute_url()),
        "client_id": plugin.getProperty("client_id"),
    }
    record = plugin.tokens_of(user_id) if user_id else None
    if record and record.get("id_token"):
        args["id_token_hint"] = record["id_token"]
    return f"{endpoint}?{urlencode(args)}"


class LogoutView(BrowserView):
    """``acl_users/oidc/logout``: ends the Plone session, then the provider's (end session)."""

    def __call__(self):
        user = api.user.get_current()
        user_id = None if api.user.is_anonymous() else user.getId()
        target = end_session_url(self.context, user_id)
        membership = api.portal.get_tool("portal_membership")
        membership.logoutUser(self.request)
        if user_id:
            from pas.plugins.oidc.plugins import safe_write

            with safe_write(self.request):
                self.context.forget_tokens(user_id)
        self.request.response.setHeader("Cache-Control", "no-cache, must-revalidate")
        self.request.response.redirect(target or f"{api.portal.get().absolute_url()}/logged-out")
        return ""


class SignOnLogoutView(PloneLogoutView):
    """Plone's ``@@logout``; an account that signed on through the provider is logged out of the
    provider too (the provider would sign it in again without asking otherwise)."""

    def __call__(self):
        from sd.archive.identity.oidc.signon import _plugin

        plugin = _plugin()
        if plugin is not None and not api.user.is_anonymous():
            user_id = api.user.get_current().getId()
            if plugin.signed_on(user_id):
                return plugin.unrestrictedTraverse("@@logout")()
        return super().__call__()


class SignOnViewlet(ViewletBase):
    """On the login page: the button to sign on through the provider, when sign-on is on."""

    def update(self):
        from sd.archive.identity.oidc.settings import settings

        values = settings()
        self.enabled = values["enabled"]
        self.password_mode = values["password_login"]
        came_from = self.request.get("came_from") or ""
        portal_url = api.portal.get().absolute_url()
        self.url = f"{portal_url}/acl_users/oidc/login" + (
            f"?{urlencode({'came_from': came_from})}" if came_from else ""
        )

    def index(self):
        if not self.enabled:
            return ""
        note = ""
        if self.password_mode != PASSWORD_ALL:
            text = self._t(_("Local password login is for emergency accounts only."))
            note = f'<p class="discreet" id="sd-password-note">{text}</p>'
        label = self._t(_("Sign on with the unified identity provider"))
        return (
            '<div id="sd-signon" class="container my-3 text-center">'
            f'<a class="btn btn-primary" id="sd-signon-button" href="{self.url}">{label}</a>'
            f"{note}</div>"
        )

    def _t(self, msgid) -> str:
        from zope.i18n import translate

        return translate(msgid, context=self.request)
