"""存证 (notarization): where the record stands in the evidence ledger. Filled by the ledger."""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from zope.interface import provider

from sd.archive import _


@provider(IFormFieldProvider)
class INotarization(model.Schema):
    """Ledger index, leaf hash and checkpoint of the record's latest entry."""

    model.fieldset(
        "notarization",
        label=_("Evidence ledger"),
        fields=["ledger_index", "leaf_hash", "checkpoint"],
    )
    directives.mode(ledger_index="display", leaf_hash="display", checkpoint="display")
    ledger_index = schema.Int(title=_("Ledger index"), required=False, readonly=True)  # 存证序号
    leaf_hash = schema.ASCIILine(title=_("Leaf hash"), required=False, readonly=True)  # 叶哈希
    checkpoint = schema.Text(title=_("Checkpoint"), required=False, readonly=True)  # 检查点
