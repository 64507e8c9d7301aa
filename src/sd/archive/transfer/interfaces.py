"""The transfer batch's marker now lives with the other type markers in ``sd.archive.interfaces``.

Kept for the modules that still import it from here (the audit trail, the transfer REST
serializer, the transfer services' ZCML).
"""

from sd.archive.interfaces import ITransferBatch  # noqa: F401 - re-export
