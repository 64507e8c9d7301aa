"""案卷 (Dossier): a volume-level grouping of records (按卷整理, DA/T 13-2022).

The volume's own description (案卷级著录). Who writes each field:

- the records officer, when the volume is made and later by edit: 案卷题名 ``title``, 年度
  ``year``, 保管期限 ``retention_period`` (retention behavior), 门类 ``category`` and 机构或问题
  ``org_code`` (together the 类别号; fixed once the volume holds records), 立卷人 ``compiler``,
  检查人 ``checker``, 立卷日期 ``compiled_on``, 密级 ``security_level``, 备注/本卷情况说明
  ``note``, 办件编号 ``case_number``;
- the system only (read-only in the schema, refused by the REST deserializer): 案卷号
  ``dossier_number`` (next free number in the fonds + 类别号 series, given when the volume is
  made), 案卷档号 ``archival_code`` (``全宗号-类别号-案卷号`` under the fonds' rule), 起止日期
  ``date_start``/``date_end``, 件数 ``item_count`` and 页数 ``page_count`` (computed from its
  records on every placement and removal, ``sd.archive.dossiers``).

Records inside a volume carry their 卷内件号 in ``item_number`` (1..N within the volume).
"""

from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.content.local_roles import LocalRolesReindexing
from sd.archive.interfaces import IDossier

#: fields of a volume written by the system only (案卷系统维护字段)
DOSSIER_SERVER_FIELDS = frozenset(
    {"dossier_number", "archival_code", "date_start", "date_end", "item_count", "page_count"}
)

#: the volume's 类别号 parts: set when it is made, fixed while it holds records
DOSSIER_CLASS_FIELDS = ("year", "retention_period", "category", "org_code")


class IDossierSchema(model.Schema):
    """Fields of a dossier (案卷级著录)."""

    directives.mode(archival_code="display")
    archival_code = schema.TextLine(
        title=_("Volume archival code"), required=False, readonly=True
    )  # 案卷档号
    directives.mode(dossier_number="display")
    dossier_number = schema.TextLine(
        title=_("Dossier number"), required=False, readonly=True
    )  # 案卷号
    case_number = schema.TextLine(title=_("Case number"), required=False)  # 办件编号
    year = schema.Int(title=_("Year"), required=False, min=1900, max=2999)  # 年度
    category = schema.TextLine(title=_("Category code"), required=False)  # 门类代码
    org_code = schema.TextLine(
        title=_("Organisation or problem code"), required=False
    )  # 机构或问题
    directives.mode(date_start="display", date_end="display")
    date_start = schema.Date(title=_("Start date"), required=False, readonly=True)  # 起始日期
    date_end = schema.Date(title=_("End date"), required=False, readonly=True)  # 终止日期
    directives.mode(item_count="display", page_count="display")
    item_count = schema.Int(
        title=_("Number of items"), required=False, default=0, readonly=True
    )  # 件数
    page_count = schema.Int(
        title=_("Number of pages"), required=False, default=0, readonly=True
    )  # 页数
    compiler = schema.TextLine(title=_("Compiled by"), required=False)  # 立卷人
    checker = schema.TextLine(title=_("Checked by"), required=False)  # 检查人
    compiled_on = schema.Date(title=_("Compiled on"), required=False)  # 立卷日期
    security_level = schema.Choice(
        title=_("Security classification"),
        vocabulary="sd.archive.SecurityLevels",
        required=False,
    )  # 密级
    note = schema.Text(title=_("Volume note"), required=False)  # 备注 / 本卷情况说明


@implementer(IDossier)
class Dossier(LocalRolesReindexing, Container):
    """案卷."""

    # defaults for volumes made before these fields existed
    archival_code = None
    dossier_number = None
    category = None
    org_code = None
    date_start = None
    date_end = None
    item_count = 0
    page_count = 0
    compiler = None
    checker = None
    compiled_on = None
    security_level = None
    note = None
