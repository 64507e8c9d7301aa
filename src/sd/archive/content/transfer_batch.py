"""移交批次 (TransferBatch): one transfer of records from a records room to the archives.

Modelled on an accession: the batch carries the package facts (说明文件), the per-record
results of the transfer-stage detection (移交接收检测), the manual items an archivist signs off
(载体外观, 交接手续), the registration form (登记表) and the two-sided receipt (回执). The
package itself never enters the ZODB: it stays spooled under the instance var directory until
the batch is finished. The logic lives in :mod:`sd.archive.transfer`.
"""

from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer

from sd.archive import _
from sd.archive.interfaces import ITransferBatch


class ITransferBatchSchema(model.Schema):
    """Fields shown and edited; results and progress are kept by :mod:`sd.archive.transfer`."""

    direction = schema.Choice(
        title=_("Direction"),  # 方向: 移出 (records room) / 接收 (archives)
        values=("incoming", "outgoing"),
        default="incoming",
    )
    fonds_code = schema.ASCIILine(title=_("Fonds code"), required=False)  # 全宗号
    transferring_unit = schema.TextLine(title=_("Transferring unit"), required=False)  # 移交单位
    content_description = schema.Text(title=_("Content description"), required=False)  # 内容描述
    sender_node = schema.TextLine(title=_("Sender node"), required=False)  # 移交方存证节点


@implementer(ITransferBatch)
class TransferBatch(Item):
    """移交批次: a container-less item; per-record results live in a BTree attribute."""
