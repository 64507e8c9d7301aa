"""Rules of OpenID Connect sign-on (统一身份认证登录), without Zope.

* why a sign-in is refused (:data:`REFUSALS`, :func:`reason_of`): one reason code per failure,
  with the Chinese phrase the page shows and the audit trail keeps;
* which claims may reach the account (:func:`business_claims`): the three administrators
  (三员: 系统管理员、安全保密管理员、安全审计员) and the superuser roles are never given through a
  provider's claims — whatever a ``roles`` or ``groups`` claim says. They come from a local
  assignment by a Manager or from the security administrator's directory mapping.
* who may sign in with a password (:func:`password_login_allowed`) when the site signs on
  through a provider (本地口令登录开关).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

#: roles no claim may give (三员 and the superusers)
PROTECTED_ROLES = frozenset(
    {
        "SystemAdministrator",
        "SecurityAdministrator",
        "SecurityAuditor",
        "Manager",
        "Site Administrator",
    }
)
#: Plone's own groups that carry the superuser roles
PROTECTED_GROUPS = frozenset({"Administrators", "Site Administrators"})

#: reason code -> (中文, English)
REFUSALS = {
    "provider_error": ("身份提供方拒绝了登录请求", "the provider answered with an error"),
    "provider_unreachable": ("无法连接身份提供方", "the provider could not be reached"),
    "state_mismatch": ("登录状态不符（state 不匹配或已使用）", "state mismatch or already used"),
    "code_rejected": (
        "授权码无效或已被使用",
        "the authorization code was refused (used or expired)",
    ),
    "bad_signature": ("身份令牌签名无效", "the ID token's signature does not verify"),
    "token_expired": ("身份令牌已过期", "the ID token has expired"),
    "wrong_audience": (
        "身份令牌不是签发给本系统的",
        "the ID token is for another client (audience)",
    ),
    "wrong_issuer": ("身份令牌的签发方不符", "the ID token comes from another issuer"),
    "nonce_mismatch": ("身份令牌的 nonce 不符（疑似重放）", "nonce mismatch (replayed token)"),
    "token_invalid": ("身份令牌无效", "the ID token is not valid"),
    "no_identity": ("身份提供方未给出用户标识", "the provider gave no user identifier"),
    "subject_mismatch": (
        "用户信息与身份令牌不属于同一用户",
        "userinfo and ID token name other users",
    ),
    "protected_account": (
        "该账号是超级管理员、三员或应急账号，不能通过统一身份认证登录",
        "a superuser, administrator or emergency account cannot sign on through the provider",
    ),
    "refresh_refused": ("身份提供方拒绝续期，会话已结束", "the provider refused the refresh"),
    "password_login_off": (
        "本地口令登录已关闭，请通过统一身份认证登录",
        "local password login is off",
    ),
}

#: exception class names (oic, pyjwkest) -> reason code
_EXCEPTIONS = {
    "BadSignature": "bad_signature",
    "NoSuitableSigningKeys": "bad_signature",
    "WrongSigningAlgorithm": "bad_signature",
    "MissingKey": "bad_signature",
    "EXPError": "token_expired",
    "IATError": "token_expired",
    "NotForMe": "wrong_audience",
    "IssuerMismatch": "wrong_issuer",
}


def phrase(reason: str) -> str:
    """The Chinese phrase of ``reason`` (the code itself for an unknown one)."""
    return REFUSALS.get(reason, (reason, reason))[0]


def reason_of(error: BaseException) -> str:
    """The refusal reason of an error raised while the token response was verified."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for cls in type(error).__mro__:
            if cls.__name__ in _EXCEPTIONS:
                return _EXCEPTIONS[cls.__name__]
        text = str(error)
        if "Unknown issuer" in text or "issuer" in text.lower() and "mismatch" in text.lower():
            return "wrong_issuer"
        if "nonce" in text:
            return "nonce_mismatch"
        if "signature" in text.lower():
            return "bad_signature"
        error = error.__cause__ or error.__context__
    return "token_invalid"


@dataclass
class Claims:
    """What the provider said about the account, split into what may be used."""

    user_id: str
    fullname: str = ""
    email: str = ""
    #: business claims for the directory mapping (department, position, groups)
    business: dict = field(default_factory=dict)
    #: claims dropped because they would give a protected role
    dropped: list = field(default_factory=list)


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, dict):
        return [str(v) for v in value]
    return [str(value)]


def business_claims(
    userinfo: dict, id_claim: str = "sub", protected_groups: Iterable[str] = ()
) -> Claims:
    """The account's id, name, e-mail and the business claims; any ``roles`` claim and any group
    that is (or carries) a protected role is dropped and named in ``dropped``.

    ``protected_groups`` are the site's groups holding a protected role (asked of the site)."""
    user_id = str(userinfo.get(id_claim) or "").strip()
    fullname = str(userinfo.get("name") or "").strip()
    if not fullname:
        family, given = userinfo.get("family_name") or "", userinfo.get("given_name") or ""
        fullname = f"{family}{given}".strip()  # 中文姓名: family name first, no space
    blocked = PROTECTED_GROUPS | PROTECTED_ROLES | set(protected_groups)
    business, dropped = {}, []
    for name in ("department", "departments", "position", "groups"):
        values = _as_list(userinfo.get(name))
        kept = [v for v in values if v not in blocked]
        dropped += [f"{name}:{v}" for v in values if v in blocked]
        if kept:
            business[name] = kept
    dropped += [f"roles:{v}" for v in _as_list(userinfo.get("roles"))]
    return Claims(
        user_id=user_id,
        fullname=fullname,
        email=str(userinfo.get("email") or ""),
        business=business,
        dropped=dropped,
    )


#: password_login settings
PASSWORD_ALL, PASSWORD_EMERGENCY, PASSWORD_NONE = "all", "emergency", "none"


def password_login_allowed(mode: str, login: str, emergency: Iterable[str]) -> bool:
    """May ``login`` sign in with a local password on the site (本地口令登录)?

    ``all``: everyone (the default, as before sign-on); ``emergency``: only the emergency
    accounts (``admin`` by default); ``none``: nobody in the site's user folder. The Zope root's
    user folder (the installation's ``admin`` made by ``addzopeuser``) is not the site's and is
    never refused: the installation cannot be locked out."""
    if mode == PASSWORD_NONE:
        return False
    if mode == PASSWORD_EMERGENCY:
        return login in set(emergency)
    return True
