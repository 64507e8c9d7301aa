"""The province platform's sign-on (山东通网页授权登录).

OAuth2 web authorization in WeCom's style: ``start`` makes a random ``state``, keeps it in a
short-lived cookie and sends the browser to the platform's authorize URL (appid = corp id,
agentid, state); the platform sends it back to ``@@platform-callback`` with a ``code``, which
``complete`` exchanges for the member's user id through the platform's API (``gettoken``, then
``auth/getuserinfo``), then starts a plone.session session for that account.

Refused, with the reason logged in the audit trail at once (``login.platform`` outcome
``refused``) and nothing created or changed:

``state_mismatch``   the state does not match the one the browser was given (or none)
``code_replayed``    the code was used here before (a code works once)
``code_invalid``     the platform does not know the code (used, expired or forged: 40029)
``unknown_user``     the directory does not know the user id (or the member is not active)
``account_disabled`` the account was disabled by the sync
``administrator``    the account holds one of the three administrators' roles or a
                     superuser role: those sign in locally only
``not_configured``   sign-on is switched off or the platform is not set up
``unreachable``      the platform could not be asked

A member the directory knows but the site has no account for yet (signed in before the next full
sync) gets its account from the directory then (an incremental sync of that one member).
"""

from __future__ import annotations

import hmac
import secrets

from zope.event import notify

from sd.archive import audit
from sd.archive.core.errors import ArchiveError
from sd.archive.identity.directory import store
from sd.archive.identity.directory.accounts import plugin as accounts_plugin
from sd.archive.identity.platform.client import INVALID_CODE
from sd.archive.identity.platform.client import PlatformError
from sd.archive.identity.platform.settings import Settings
from sd.archive.identity.platform.settings import client as platform_client
from sd.archive.security.directory import Directory
from sd.archive.security.separation import ADMINISTRATOR_ROLES
from sd.archive.security.separation import SUPERUSER_ROLES

STATE_COOKIE = "__sd_platform_state"

REASONS = {
    "state_mismatch": "登录状态校验失败（state 不一致）: the sign-on state does not match",
    "code_replayed": "授权码已被使用，请重新登录: the code was used already",
    "code_invalid": "授权码无效或已过期，请重新登录: the platform does not know the code",
    "unknown_user": "统一目录中没有该用户或该用户未启用: the directory does not know this user",
    "account_disabled": "账号已停用: the account is disabled",
    "administrator": "三员和超级管理员账号只能本地登录: administrators sign in locally only",
    "not_configured": "未启用山东通登录: platform sign-on is not enabled",
    "unreachable": "暂时无法连接山东通，请稍后再试: the platform cannot be reached",
}


class SignOnRefused(Exception):
    """A refused sign-on: ``reason`` (a key of :data:`REASONS`), ``detail`` for the log."""

    def __init__(self, reason: str, detail: str = "", user_id: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.user_id = user_id

    @property
    def message(self) -> str:
        return REASONS[self.reason]


def start(portal, request, came_from: str = "") -> str:
    """The platform's authorize URL for this browser (the state cookie is set)."""
    settings = Settings()
    if not settings.sign_on_enabled or not settings.configured:
        raise SignOnRefused("not_configured")
    state = secrets.token_urlsafe(24)
    request.response.setCookie(
        STATE_COOKIE, state, path="/", http_only=True, same_site="Lax", max_age=600
    )
    if came_from:
        request.response.setCookie(
            "__sd_platform_came_from", came_from, path="/", http_only=True, max_age=600
        )
    redirect_uri = f"{portal.absolute_url()}/@@platform-callback"
    try:
        client = platform_client(settings)
    except ArchiveError:
        raise SignOnRefused("not_configured") from None
    return client.authorize_url(settings.agent_id, redirect_uri, state)


def complete(portal, request, client=None) -> str:
    """Check the callback's state and code, sign the member in; returns the user id."""
    settings = Settings()
    if not settings.sign_on_enabled:
        raise SignOnRefused("not_configured")
    given = request.form.get("state", "")
    expected = request.cookies.get(STATE_COOKIE, "")
    request.response.expireCookie(STATE_COOKIE, path="/")
    if not given or not expected or not hmac.compare_digest(str(given), str(expected)):
        raise SignOnRefused("state_mismatch")
    code = str(request.form.get("code", ""))
    if not code or not store.use_once(portal, f"code:{code}"):
        raise SignOnRefused("code_replayed")
    try:
        client = client or platform_client(settings)
        user_id = client.user_id_for_code(code)
    except PlatformError as error:
        reason = "code_invalid" if error.errcode == INVALID_CODE else "unreachable"
        raise SignOnRefused(reason, f"{error.errcode} {error.errmsg}") from None
    except ArchiveError as error:
        raise SignOnRefused("unreachable", error.message) from None
    _check_account(portal, client, user_id)
    portal.acl_users.session._setupSession(user_id, request.response)
    user = portal.acl_users.getUserById(user_id)
    from Products.PlonePAS.events import UserLoggedInEvent

    notify(UserLoggedInEvent(user))
    audit.log("login.platform", None, who=user_id, details={"principal": user_id})
    return user_id


def _check_account(portal, client, user_id):
    """The account may sign in: known to the directory, active, no administrator."""
    if (ADMINISTRATOR_ROLES | SUPERUSER_ROLES) & Directory(portal.acl_users).global_roles(user_id):
        raise SignOnRefused("administrator", user_id=user_id)
    accounts = accounts_plugin(portal)
    if accounts.is_disabled(user_id):
        # the directory may have enabled it again since: ask
        _refresh(portal, client, user_id)
        if accounts.is_disabled(user_id):
            raise SignOnRefused("account_disabled", user_id=user_id)
    if accounts.get(user_id) is None:
        _refresh(portal, client, user_id)
        if accounts.get(user_id) is None:
            raise SignOnRefused("unknown_user", user_id=user_id)


def _refresh(portal, client, user_id):
    from sd.archive.identity.directory.sync import incremental_sync

    outcome = incremental_sync(portal, client, [user_id])
    if outcome.status != "ok":
        raise SignOnRefused("unreachable", outcome.status, user_id)


def refused(portal, request, refusal: SignOnRefused) -> None:
    """Log a refusal at once (the request's transaction is aborted)."""
    audit.log_now(
        "login.platform",
        None,
        outcome="refused",
        request=request,
        details={"reason": refusal.reason, "detail": refusal.detail, "principal": refusal.user_id},
    )
