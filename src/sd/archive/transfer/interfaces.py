"""Marker interfaces of the transfer area (移交接收)."""

from zope.interface import Interface


class ITransferBatch(Interface):
    """移交批次 (transfer batch): one transfer from a records room to the archives."""
