"""Storage locations and policy control panel (存储位置与存储策略).

Registry records under ``sd.archive.preservation`` (profiles/default/registry/preservation.xml);
the schema is ``sd.archive.preservation.config.IStorageSettings``.
"""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.registry.interfaces import IRegistry
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from zope.component import adapter
from zope.component import getUtility
from zope.interface import Interface

from sd.archive import _
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.preservation.config import PREFIX as SCHEMA_PREFIX
from sd.archive.preservation.config import IStorageSettings


def stored_settings(site) -> IStorageSettings:
    """The stored storage settings (the registry records) as ``IStorageSettings`` of the site.

    ``PATCH @controlpanels/sd-archive-storage`` checks the invariant over the fields sent and,
    for the fields left out, over what z3c.form's invariant data finds by adapting the site to
    the schema: this adapter, so a PATCH of one field is checked against the stored rest."""
    return getUtility(IRegistry).forInterface(IStorageSettings, prefix=SCHEMA_PREFIX)


class StorageSettingsForm(RegistryEditForm):
    schema = IStorageSettings
    schema_prefix = SCHEMA_PREFIX
    label = _("Storage locations and policy")


StorageSettingsView = layout.wrap_form(StorageSettingsForm, ControlPanelFormWrapper)


@adapter(Interface, ISdArchiveLayer)
class StorageConfigletPanel(RegistryConfigletPanel):
    schema = IStorageSettings
    schema_prefix = SCHEMA_PREFIX
    configlet_id = "sd-archive-storage"
    configlet_category_id = "Products"
    title = _("Storage locations and policy")
    group = "Products"
