"""Classic UI control panel forms and their @controlpanels adapters (系统配置).

The forms only: each registry schema lives in its area's home (``sd.archive.settings`` for the
site-wide ones, ``rules``, ``ledger.settings``, ``seals.settings``, ``preservation.config``)."""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from zope.component import adapter
from zope.interface import Interface

from sd.archive import _
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.rules import SETTINGS_PREFIX as ARRANGEMENT_PREFIX
from sd.archive.rules import IArrangementSettings
from sd.archive.settings import IArchiveSettings


class ArchiveSettingsForm(RegistryEditForm):
    schema = IArchiveSettings
    schema_prefix = "sd.archive.settings"
    label = _("Archive settings")


class ArrangementSettingsForm(RegistryEditForm):
    schema = IArrangementSettings
    schema_prefix = ARRANGEMENT_PREFIX
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
    schema_prefix = ARRANGEMENT_PREFIX
    configlet_id = "sd-archive-arrangement"
    configlet_category_id = "Products"
    title = _("Classification and retention")
    group = "Products"
