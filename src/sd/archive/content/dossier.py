"""案卷 (Dossier): a volume-level grouping of records."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.content.local_roles import LocalRolesReindexing
from sd.archive.interfaces import IDossier


class IDossierSchema(model.Schema):
    """Fields of a dossier (案卷)."""

    dossier_number = schema.TextLine(title=_("Dossier number"), required=False)  # 案卷号
    case_number = schema.TextLine(title=_("Case number"), required=False)  # 办件编号
    year = schema.Int(title=_("Year"), required=False, min=1900, max=2999)  # 年度


@implementer(IDossier)
class Dossier(LocalRolesReindexing, Container):
    """案卷."""
