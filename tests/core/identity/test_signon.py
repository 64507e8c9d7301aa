"""The pure rules of OIDC sign-on (core.identity.signon): refusal reasons, the claims that may
reach an account, who may log in with a password."""

import pytest

from sd.archive.core.identity import signon


def test_business_claims_drop_protected_roles_and_groups():
    claims = signon.business_claims(
        {
            "sub": "wq",
            "name": "王强",
            "email": "wq@example.org",
            "department": "it",
            "position": ["科员"],
            "groups": ["Administrators", "sec-admins", "archivists"],
            "roles": ["SecurityAuditor", "Manager"],
        },
        protected_groups={"sec-admins"},
    )
    assert claims.user_id == "wq" and claims.fullname == "王强"
    assert claims.business == {"department": ["it"], "position": ["科员"], "groups": ["archivists"]}
    assert set(claims.dropped) == {
        "groups:Administrators",
        "groups:sec-admins",
        "roles:SecurityAuditor",
        "roles:Manager",
    }


def test_chinese_name_from_family_and_given():
    assert (
        signon.business_claims({"sub": "x", "family_name": "张", "given_name": "伟"}).fullname
        == "张伟"
    )


def test_group_named_like_a_protected_role_dropped():
    claims = signon.business_claims({"sub": "x", "groups": "SystemAdministrator"})
    assert claims.business == {} and claims.dropped == ["groups:SystemAdministrator"]


class EXPError(Exception):
    pass


class NotForMe(Exception):
    pass


@pytest.mark.parametrize(
    "error, reason",
    [
        (EXPError("Invalid expiration time"), "token_expired"),
        (NotForMe("a not in aud"), "wrong_audience"),
        (ValueError("Unknown issuer"), "wrong_issuer"),
        (Exception("Could not verify signature"), "bad_signature"),
        (RuntimeError("boom"), "token_invalid"),
    ],
)
def test_reason_of(error, reason):
    assert signon.reason_of(error) == reason


def test_reason_of_follows_the_cause():
    try:
        try:
            raise NotForMe("x")
        except NotForMe as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert signon.reason_of(outer) == "wrong_audience"


def test_every_reason_has_a_phrase():
    for reason, (zh, en) in signon.REFUSALS.items():
        assert zh and en and signon.phrase(reason) == zh


@pytest.mark.parametrize(
    "mode, login, allowed",
    [
        ("all", "clerk", True),
        ("emergency", "clerk", False),
        ("emergency", "admin", True),
        ("none", "admin", False),
    ],
)
def test_password_login_allowed(mode, login, allowed):
    assert signon.password_login_allowed(mode, login, ("admin",)) is allowed
