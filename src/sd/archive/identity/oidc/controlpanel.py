"""The sign-on settings form (统一身份认证设置, ``@@signon-settings``) and its @controlpanels
adapter; the provider's own settings (issuer, client id, scopes) are pas.plugins.oidc's
``@@oidc-controlpanel``."""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from zope.component import adapter
from zope.interface import Interface

from sd.archive import _
from sd.archive.identity.oidc.settings import PREFIX
from sd.archive.identity.oidc.settings import ISignOnSettings
from sd.archive.interfaces import ISdArchiveLayer


class SignOnSettingsForm(RegistryEditForm):
    schema = ISignOnSettings
    schema_prefix = PREFIX
    label = _("Sign-on settings")
    description = _(
        "The identity provider itself (issuer, client id, scopes) is set in the OpenID Connect "
        "control panel; the client secret preferably in the instance's environment."
    )


SignOnSettingsView = layout.wrap_form(SignOnSettingsForm, ControlPanelFormWrapper)


@adapter(Interface, ISdArchiveLayer)
class SignOnConfigletPanel(RegistryConfigletPanel):
    schema = ISignOnSettings
    schema_prefix = PREFIX
    configlet_id = "sd-archive-signon"
    configlet_category_id = "Products"
    title = _("Sign-on settings")
    group = "Products"
