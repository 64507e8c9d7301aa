"""Storage locations and policy control panel (存储位置与存储策略).

Registry records under ``sd.archive.preservation`` (profiles/default/registry/preservation.xml).
"""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.registry.interfaces import IRegistry
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from zope import schema
from zope.component import adapter
from zope.component import getUtility
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import invariant

from sd.archive import _
from sd.archive.interfaces import ISdArchiveLayer

SCHEMA_PREFIX = "sd.archive.preservation"
CARRIER_TYPES = ("BD-R 25GB", "BD-R 50GB", "BD-R 100GB")


def _check_line(value):
    from sd.archive.core.preservation.storage import MEDIA

    parts = [p.strip() for p in (value or "").split("|")]
    if len(parts) != 3 or not all(parts):
        raise Invalid(_("Write each location as id|medium|path."))
    if parts[1] not in MEDIA:
        raise Invalid(
            _("Unknown medium: use online_disk, offline_disk, optical, tape or second_site.")
        )
    return True


class IStorageSettings(Interface):
    """Storage locations and policy (存储位置与存储策略)."""

    locations = schema.List(
        title=_("Storage locations"),  # 存储位置
        description=_(
            "One per line: id|medium|path. Media: online_disk, offline_disk, optical, tape, "
            "second_site. A relative path lies under the instance var directory. Every AIP "
            "is written to each online location (online_disk, second_site)."
        ),
        value_type=schema.TextLine(constraint=_check_line),
        default=[
            "copy1|online_disk|aip/copy1",
            "copy2|online_disk|aip/copy2",
            "discs|optical|discs",
        ],
    )
    copies_required = schema.Int(
        title=_("Online copies required"),  # 在线副本数
        default=2,
        min=1,
    )
    offline_sets_required = schema.Int(
        title=_("Offline sets required"),  # 离线套数
        default=1,
        min=0,
    )
    fixity_workers = schema.Int(
        title=_("Fixity workers (0: one per core)"),  # 检测并行数
        default=0,
        min=0,
    )
    fixity_interval_days = schema.Int(
        title=_("Days between scheduled fixity runs"),  # 巡检周期
        default=30,
        min=1,
    )
    carrier_type = schema.Choice(
        title=_("Disc type for batching"),  # 载体类型
        values=CARRIER_TYPES,
        default="BD-R 25GB",
    )
    unit_name = schema.TextLine(
        title=_("Unit named on the disc label"),  # 单位
        default="",
        required=False,
    )

    @invariant
    def unique_ids(data):
        ids = [line.split("|", 1)[0].strip() for line in (data.locations or [])]
        if len(set(ids)) != len(ids):
            raise Invalid(_("Storage location ids must be unique."))


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
