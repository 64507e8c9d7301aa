"""山东通接入 control panel: the platform's address, corp and agent ids, where the secret is read
from (an environment variable or a file: the secret itself is never stored in the registry, so
it is in no ZODB or GenericSetup export), the root department, the full-sync interval."""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from zope.component import adapter
from zope.interface import Interface

from sd.archive import _
from sd.archive.identity.platform.settings import PREFIX
from sd.archive.identity.platform.settings import IPlatformSettings
from sd.archive.interfaces import ISdArchiveLayer


class PlatformSettingsForm(RegistryEditForm):
    schema = IPlatformSettings
    schema_prefix = PREFIX
    label = _("Province platform sign-on and directory")
    description = _(
        "The application secret is read from the environment variable (or the file) named "
        "here; it is never stored in the site."
    )


PlatformSettingsView = layout.wrap_form(PlatformSettingsForm, ControlPanelFormWrapper)


@adapter(Interface, ISdArchiveLayer)
class PlatformConfigletPanel(RegistryConfigletPanel):
    schema = IPlatformSettings
    schema_prefix = PREFIX
    configlet_id = "sd-archive-platform"
    configlet_category_id = "Products"
    title = _("Province platform sign-on and directory")
    group = "Products"
