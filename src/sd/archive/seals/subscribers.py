"""Event handlers of the seal service (签章服务事件)."""

from __future__ import annotations

from ZODB.POSException import ConflictError

from sd.archive import logger
from sd.archive.core.seals.verdict import UNVERIFIABLE
from sd.archive.core.seals.verdict import Reason
from sd.archive.interfaces import IRecord
from sd.archive.repository import is_original_package
from sd.archive.seals import settings
from sd.archive.seals.archiving import record_archived  # noqa: F401 - registered in ZCML
from sd.archive.seals.verification import component_format
from sd.archive.seals.verification import file_finding
from sd.archive.seals.verification import refresh_record
from sd.archive.seals.verification import verify_component


def component_added(component, event):
    """Verify a new component's signatures and seals (入库验签) and update its record."""
    if getattr(component, "file", None) is None or is_original_package(component):
        return  # the package as received is not a record file: its files are verified
    try:
        verify_component(component)
    except ConflictError:
        raise
    except Exception as exc:  # noqa: BLE001 - a verifier crash must not lose the file
        logger.exception("seal verification failed for %s", component.getId())
        reason = Reason("seal.verifier-error", UNVERIFIABLE, f"the verifier failed: {exc}")
        component.seal_findings = [file_finding(reason, component_format(component) or "", component,
                                                getattr(component, "sm3", "") or "")]
    record = getattr(component, "__parent__", None)
    if record is not None and IRecord.providedBy(record):
        refresh_record(record)


def install_demo_key(context):
    """Import step: a demo archiving-seal key when none exists (演示用归档章密钥)."""
    if context.readDataFile("registry/seals.xml") is None:
        return  # another profile
    path = settings.key_path()
    if path is None:
        logger.warning("no instance var directory (SD_ARCHIVE_VAR): archiving-seal key not created")
        return
    if settings.create_demo_key():
        logger.warning("created a DEMO archiving-seal key at %s; replace it for production", path)
