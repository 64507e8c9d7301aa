"""Settings of the sign-on (统一身份认证设置), kept in the registry (``sd.archive.signon.*``).

The provider itself (issuer, client id, scopes) is configured on the PAS plugin through
pas.plugins.oidc's control panel (``@@oidc-controlpanel``); the client secret preferably comes from
the instance's environment (``SD_ARCHIVE_OIDC_CLIENT_SECRET``), so it is in no ZODB export
(see ``plugin.ArchiveOIDCPlugin.getProperty``). These records say whether the site signs on
through the provider, and who may still log in with a local password.
"""

from zope import schema
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import invariant
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

from sd.archive import _
from sd.archive.core.identity.signon import PASSWORD_ALL
from sd.archive.core.identity.signon import PASSWORD_EMERGENCY
from sd.archive.core.identity.signon import PASSWORD_NONE

PREFIX = "sd.archive.signon"

PASSWORD_MODES = SimpleVocabulary(
    [
        SimpleTerm(PASSWORD_ALL, PASSWORD_ALL, _("Every local account")),
        SimpleTerm(PASSWORD_EMERGENCY, PASSWORD_EMERGENCY, _("Emergency accounts only")),
        SimpleTerm(PASSWORD_NONE, PASSWORD_NONE, _("Nobody (sign-on only)")),
    ]
)


class ISignOnSettings(Interface):
    """统一身份认证: the switches of sign-on and of local password logins."""

    enabled = schema.Bool(
        title=_("Sign on through the OpenID Connect provider"),
        description=_(
            "The login page offers the provider's sign-on, and a visitor who must log in is "
            "sent to the provider."
        ),
        default=False,
        required=False,
    )
    password_login = schema.Choice(
        title=_("Who may log in with a local password"),
        description=_(
            "The Zope root's administrator (the installation's emergency login) is never refused."
        ),
        vocabulary=PASSWORD_MODES,
        default=PASSWORD_ALL,
        required=True,
    )
    emergency_logins = schema.Tuple(
        title=_("Emergency accounts"),
        description=_("Local accounts that keep their password login while sign-on is on."),
        value_type=schema.TextLine(),
        default=("admin",),
        required=False,
        missing_value=(),
    )

    @invariant
    def sign_on_before_closing(data):
        if getattr(data, "password_login", PASSWORD_ALL) == PASSWORD_NONE and not getattr(
            data, "enabled", False
        ):
            raise Invalid(_("Switch sign-on on before closing every local password login."))


def settings() -> dict:
    """The current values (defaults where a record is missing: a site before the upgrade)."""
    from plone.registry.interfaces import IRegistry
    from zope.component import queryUtility

    registry = queryUtility(IRegistry)
    values = {}
    for name in ("enabled", "password_login", "emergency_logins"):
        default = ISignOnSettings[name].default
        values[name] = (
            registry.get(f"{PREFIX}.{name}", default) if registry is not None else default
        )
    return values
