"""Completing a sign-on (统一身份认证登录) on the callback, and refreshing its tokens.

:func:`complete` does what the provider's answer must pass before anybody is signed in — in
this order, the first failure refusing with its reason (``core.identity.signon.REFUSALS``):
an error answer (``provider_error``); the ``state`` the browser brings back must be the one this
browser was given and is used once (``state_mismatch``); the code is exchanged with the PKCE
verifier (``code_rejected`` when the provider refuses it: used before, expired); the ID token is
verified by oic — signature against the provider's published keys, issuer, audience, expiry
(``bad_signature``, ``wrong_issuer``, ``wrong_audience``, ``token_expired``); its ``nonce`` must
be the one sent (``nonce_mismatch``: oic checks it only for requests it made itself); the userinfo
answer must name the same subject (``subject_mismatch``).

:func:`sign_in` then finds or creates the account (first sign-in creates it), refuses a
superuser's, an administrator's (三员) or an emergency account (``protected_account``), sets
name and e-mail, hands the business claims (department, position, groups — never roles, never a
group carrying a protected role) to the directory mapping when it is there, keeps the tokens and
makes the Plone session.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

import requests
from oic.oic import message
from pas.plugins.oidc.plugins import OAuth2ConnectionException
from plone import api
from plone.api.exc import CannotGetPortalError
from Products.PlonePAS.events import UserInitialLoginInEvent
from Products.PlonePAS.events import UserLoggedInEvent
from Products.PluggableAuthService.events import PrincipalCreated
from ZODB.POSException import ConflictError
from zope.event import notify

from sd.archive.core.identity.signon import PROTECTED_ROLES
from sd.archive.core.identity.signon import Claims
from sd.archive.core.identity.signon import business_claims
from sd.archive.core.identity.signon import phrase
from sd.archive.core.identity.signon import reason_of

logger = logging.getLogger("sd.archive.identity")
#: claims of the protocol, not of the person
PROTOCOL_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nonce", "azp", "at_hash", "c_hash", "auth_time", "sid"}
)


class SignOnRefused(Exception):
    """A sign-in refused: ``reason`` is a code of ``core.identity.signon.REFUSALS``."""

    def __init__(self, reason: str, detail: str = "", subject: str = ""):
        self.reason, self.detail, self.subject = reason, detail, subject
        super().__init__(f"{reason}: {detail}" if detail else reason)


def record_refusal(refusal: SignOnRefused, issuer: str) -> None:
    """Log a refusal and put it in the audit trail at once (the request's transaction aborts)."""
    from sd.archive import audit

    logger.warning(
        "sign-on refused (%s) from %s%s%s",
        refusal.reason,
        issuer,
        f" for {refusal.subject!r}" if refusal.subject else "",
        f": {refusal.detail}" if refusal.detail else "",
    )
    details = {"reason": refusal.reason, "why": phrase(refusal.reason), "provider": issuer}
    if refusal.subject:
        details["subject"] = refusal.subject[:200]
    if refusal.detail:
        details["detail"] = refusal.detail[:300]
    audit.log_now("login.refused", who="anonymous", outcome="refused", details=details)


# -- the callback ------------------------------------------------------------------------------


def complete(plugin, request, session) -> tuple[dict, dict]:
    """(claims, tokens) of a provider's answer that passed every check; raises SignOnRefused."""
    query = request.environ.get("QUERY_STRING", "")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    if "error" in params:
        raise SignOnRefused("provider_error", params.get("error_description") or params["error"])
    expected = session.get("state")
    if not expected or params.get("state") != expected:
        raise SignOnRefused("state_mismatch", "no sign-in under way" if not expected else "")
    session.set("state", "")  # used once: the same answer brought back again is refused
    try:
        client = plugin.get_oauth2_client()
    except OAuth2ConnectionException as error:
        raise SignOnRefused("provider_unreachable", type(error.__cause__).__name__) from error
    try:
        client.parse_response(message.AuthorizationResponse, info=query, sformat="urlencoded")
    except Exception as error:  # oic raises many types for a malformed answer
        raise SignOnRefused("provider_error", type(error).__name__) from error
    response, claims = _exchange(plugin, client, params, session)
    tokens = {
        "refresh_token": response.get("refresh_token", ""),
        "expires": time.time() + int(response.get("expires_in") or 0),
        "id_token": response.get("id_token_jwt", ""),
        "issuer": client.provider_info.get("issuer", ""),
    }
    return claims, tokens


def _exchange(plugin, client, params: dict, session) -> tuple:
    """The code exchanged for tokens (PKCE verifier sent), the ID token verified by oic, its
    nonce checked here, the userinfo merged in: (token response, claims)."""
    args = {"code": params.get("code", ""), "redirect_uri": plugin.get_redirect_uris()}
    if plugin.getProperty("use_pkce"):
        args["code_verifier"] = session.get("verifier")
    try:
        response = client.do_access_token_request(
            state=params["state"], request_args=args, authn_method="client_secret_basic"
        )
    except Exception as error:  # the ID token did not verify
        raise SignOnRefused(reason_of(error), f"{type(error).__name__}: {error}"[:300]) from error
    if isinstance(response, message.TokenErrorResponse) or "error" in response:
        raise SignOnRefused("code_rejected", str(response.get("error", "")))
    id_token = response.get("id_token")
    if not id_token:
        raise SignOnRefused("token_invalid", "no ID token in the token response")
    if id_token.get("nonce") != session.get("nonce"):
        raise SignOnRefused("nonce_mismatch", subject=str(id_token.get("sub", "")))
    claims = {k: v for k, v in id_token.to_dict().items() if k not in PROTOCOL_CLAIMS}
    if client.userinfo_endpoint:
        try:
            userinfo = client.do_user_info_request(state=params["state"])
        except Exception as error:
            raise SignOnRefused("provider_error", f"userinfo: {type(error).__name__}") from error
        userinfo = userinfo.to_dict() if hasattr(userinfo, "to_dict") else dict(userinfo)
        if userinfo.get("sub") != claims.get("sub"):
            raise SignOnRefused("subject_mismatch", subject=str(claims.get("sub", "")))
        claims.update(userinfo)
    return response, claims


def protected_groups(pas) -> set[str]:
    """The site's groups that hold a protected role (三员, Manager, Site Administrator)."""
    groups = set()
    manager = pas._getOb("portal_role_manager", None)
    if manager is None:
        return groups
    for role in PROTECTED_ROLES:
        try:
            assigned = manager.listAssignedPrincipals(role)
        except KeyError:
            continue
        for principal_id, _title in assigned:
            if pas.getGroupById(principal_id) is not None:
                groups.add(principal_id)
    return groups


def sign_in(plugin, claims: dict, tokens: dict) -> str:
    """Sign the account of ``claims`` in (creating it at its first sign-in); its user id."""
    from sd.archive.identity.oidc.settings import settings

    pas = plugin._getPAS()
    found = business_claims(
        claims, plugin.getProperty("user_property_as_userid") or "sub", protected_groups(pas)
    )
    if not found.user_id:
        raise SignOnRefused("no_identity")
    user = pas.getUserById(found.user_id)
    if user is not None and (
        set(user.getRoles()) & PROTECTED_ROLES
        or found.user_id in set(settings()["emergency_logins"])
    ):
        raise SignOnRefused("protected_account", subject=found.user_id)
    if found.dropped:
        logger.warning(
            "sign-on of %r: claims that would give a protected role ignored: %s",
            found.user_id,
            ", ".join(found.dropped),
        )
    first = user is None
    if first:
        if not plugin.getProperty("create_user"):
            raise SignOnRefused("no_identity", "unknown account, creation off", found.user_id)
        user = plugin._create_user(found.user_id)
        if user is None:
            raise SignOnRefused("no_identity", "the account could not be made", found.user_id)
    from pas.plugins.oidc.plugins import safe_write

    with safe_write(plugin.REQUEST):
        props = {}
        if found.fullname:
            props["fullname"] = found.fullname
        if found.email:
            props["email"] = found.email
        if props:
            user.setProperties(**props)
        plugin.keep_tokens(found.user_id, tokens)
        apply_business_claims(found)
    if first:
        notify(PrincipalCreated(user))
        notify(UserInitialLoginInEvent(user))
    notify(UserLoggedInEvent(user))
    _audit_sign_in(found, first, tokens.get("issuer", ""))
    plugin._setup_ticket(found.user_id)
    return found.user_id


def apply_business_claims(found: Claims) -> None:
    """Hand department, position and groups to the directory mapping (#27 item 3,
    ``identity.directory.membership.apply_membership``: groups of the sync, never roles; it
    leaves an administrator's account alone too). Claims that would give a protected role were
    dropped before. Without the directory (another installation), nothing is granted."""
    try:
        from sd.archive.identity.directory.membership import apply_membership
    except ImportError:
        return
    business = found.business
    try:
        apply_membership(
            found.user_id,
            departments=[*business.get("department", ()), *business.get("departments", ())],
            positions=list(business.get("position", ())),
            source="oidc",
            tags=list(business.get("groups", ())),
        )
    except ConflictError:
        raise
    except Exception as error:  # noqa: BLE001 (the sign-in goes on without new memberships)
        logger.exception("sign-on of %r: memberships from its claims not applied", found.user_id)
        found.dropped.append(f"membership-error:{type(error).__name__}")


def _audit_sign_in(found: Claims, first: bool, issuer: str) -> None:
    from sd.archive import audit

    details = {"provider": issuer, "first": first}
    if found.dropped:
        details["ignored_claims"] = found.dropped
    audit.log("login.signon", who=found.user_id, details=details)


# -- token refresh -----------------------------------------------------------------------------


def refresh(plugin, user_id: str) -> bool | None:
    """Refresh ``user_id``'s tokens at the provider: True when it gave new ones; False when it
    refused (the account is gone or disabled there: the caller ends the session); None when the
    provider could not be asked (down: the session goes on, asked again a minute later)."""
    record = plugin.tokens_of(user_id)
    if not record or not record.get("refresh_token"):
        return False
    try:
        client = plugin.get_oauth2_client()
        answer = requests.post(
            client.token_endpoint,
            data={"grant_type": "refresh_token", "refresh_token": record["refresh_token"]},
            auth=(plugin.getProperty("client_id"), plugin.getProperty("client_secret")),
            timeout=10,
        )
    except (OAuth2ConnectionException, requests.RequestException) as error:
        logger.warning("token refresh for %r: provider not reachable (%s)", user_id, error)
        return None
    if answer.status_code >= 500:
        logger.warning("token refresh for %r: provider error %s", user_id, answer.status_code)
        return None
    if answer.status_code >= 400:
        logger.warning("token refresh for %r refused: %s", user_id, answer.text[:200])
        return False
    body = answer.json()
    record.update(
        refresh_token=body.get("refresh_token") or record["refresh_token"],
        expires=time.time() + int(body.get("expires_in") or 0),
        id_token=body.get("id_token") or record.get("id_token", ""),
    )
    plugin.keep_tokens(user_id, record)
    return True


#: user id -> when to ask a provider that could not be reached again (per process)
_RETRY_AFTER: dict[str, float] = {}
RETRY_SECONDS = 60


def refresh_when_due(event) -> None:
    """IPubAfterTraversal: a signed-on account whose access token has expired is refreshed at
    the provider; when the provider refuses, the session ends (cookie expired, audit trail)."""
    request = event.request
    try:
        api.portal.get()
    except CannotGetPortalError:
        return  # a request to the Zope root (a health check): no site, no signed-on account
    user = api.user.get_current()
    user_id = user.getId() if user is not None else None
    if not user_id:
        return
    plugin = _plugin()
    if plugin is None:
        return
    record = plugin.tokens_of(user_id)
    now = time.time()
    if record is None or record.get("expires", 0) > now or _RETRY_AFTER.get(user_id, 0) > now:
        return
    from pas.plugins.oidc.plugins import safe_write

    with safe_write(request):
        ok = refresh(plugin, user_id)
        if ok is False:
            plugin.forget_tokens(user_id)
    if ok is None:
        _RETRY_AFTER[user_id] = now + RETRY_SECONDS
        return
    _RETRY_AFTER.pop(user_id, None)
    if ok:
        return
    record_refusal(SignOnRefused("refresh_refused", subject=user_id), record.get("issuer", ""))
    pas = plugin._getPAS()
    pas.resetCredentials(request, request.response)
    from zExceptions import Redirect

    raise Redirect(f"{api.portal.get().absolute_url()}/login")


def _plugin():
    from sd.archive.identity.oidc.plugin import PLUGIN_ID
    from sd.archive.identity.oidc.plugin import ArchiveOIDCPlugin

    try:
        pas = api.portal.get_tool("acl_users")
    except Exception:  # noqa: BLE001 (outside a site: the Zope root, ZMI)
        return None
    plugin = pas._getOb(PLUGIN_ID, None)
    return plugin if isinstance(plugin, ArchiveOIDCPlugin) else None
