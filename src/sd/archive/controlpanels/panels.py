"""Classic UI control panel forms and their @controlpanels adapters."""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from zope.component import adapter
from zope.interface import Interface

from sd.archive import _
from sd.archive.controlpanels.settings import IArchiveSettings
from sd.archive.controlpanels.settings import IArrangementSettings
from sd.archive.interfaces import ISdArchiveLayer


class ArchiveSettingsForm(RegistryEditForm):
    schema = IArchiveSettings
    schema_prefix = "sd.archive.settings"
    label = _("Archive settings")


class ArrangementSettingsForm(RegistryEditForm):
    schema = IArrangementSettings
    schema_prefix = "sd.archive.arrangement"
    label = _("Classification and retention")


ArchiveSettingsView = layout.wrap_form(ArchiveSettingsForm, ControlPanelFormWrapper)
ArrangementSettingsView = layout.wrap_form(ArrangementSettingsForm, ControlPanelFormWrapper)


@adapter(Interface, ISdArchiveLayer)
class ArchiveSettingsConfigletPanel(RegistryConfigletPanel):
    schema = IArchiveSettings
    schema_prefix = "sd.archive.settings"
    configlet_id = "sd-archive-settings"
    configlet_category_id = "Products"
    title = _("Archive settings")
    group = "Products"


@adapter(Interface, ISdArchiveLayer)
class ArrangementConfigletPanel(RegistryConfigletPanel):
    schema = IArrangementSettings
    schema_prefix = "sd.archive.arrangement"
    configlet_id = "sd-archive-arrangement"
    configlet_category_id = "Products"
    title = _("Classification and retention")
    group = "Products"
