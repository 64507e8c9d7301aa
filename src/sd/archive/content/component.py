"""电子文件 (Component): one file of a record, with its digests."""

from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from plone.supermodel.directives import primary
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.interfaces import IComponent


class IComponentSchema(model.Schema):
    """Fields of a component (电子文件)."""

    primary("file")
    file = NamedBlobFile(title=_("File"))
    sequence = schema.Int(title=_("Sequence"), default=1, min=1)  # 序号
    role = schema.Choice(
        title=_("Role"),  # 角色
        vocabulary="sd.archive.ComponentRoles",
        default="正本",
    )
    path = schema.TextLine(title=_("Path in package"), required=False)  # 计算机文件名
    format_name = schema.TextLine(title=_("Format"), required=False)  # 格式信息
    format_id = schema.ASCIILine(title=_("Format identifier"), required=False)  # PRONOM
    size = schema.Int(title=_("Size in bytes"), required=False, readonly=True)  # 计算机文件大小
    sm3 = schema.ASCIILine(title=_("SM3 digest"), required=False, readonly=True)
    sha256 = schema.ASCIILine(title=_("SHA-256 digest"), required=False, readonly=True)
    version_of = schema.ASCIILine(
        title=_("Derived from (UID)"),  # 派生自
        description=_(
            "For a converted, sealed or stripped version: the component it was made from."
        ),
        required=False,
        readonly=True,
    )


@implementer(IComponent)
class Component(Item):
    """电子文件.

    Not catalogued on its own: a component is reached through its record; its digests are
    looked up in the evidence ledger (``@verify``). Three fewer catalog entries per record is
    most of the cost of intake.
    """

    def indexObject(self):
        pass

    def reindexObject(self, idxs=None):
        pass

    def unindexObject(self):
        pass

    def reindexObjectSecurity(self, skip_self=False):
        pass
