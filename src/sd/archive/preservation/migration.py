"""Migration of all holdings to a new storage location (存储迁移), verified record by record.

Every AIP version in the digest index is copied from ``source`` to the new location and
checked against its expected digest before and after the copy; nothing bad is copied. Each
copied AIP is logged in the ledger as a ``preserve`` event of its record.
"""

from __future__ import annotations

from sd.archive.core.preservation import migration as core
from sd.archive.core.preservation.storage import MEDIA
from sd.archive.core.preservation.storage import StorageLocation
from sd.archive.ledger import log_event

from . import config
from . import store
from .package import add_preservation_event


def migrate(
    source_id: str,
    target_path: str,
    *,
    target_id: str = "new",
    medium: str = "online_disk",
    progress=None,
) -> core.MigrationReport:
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}")
    source = config.location(source_id)
    target = StorageLocation(target_id, str(target_path), medium, medium in config.ONLINE_MEDIA)
    expected = store.expected_digests()
    report = core.migrate(source, target, expected.get, inventory=list(expected), progress=progress)
    for relpath in report.copied:
        entry = store.index().get(relpath)
        record = store.record_by_uid(entry["uid"]) if entry else None
        if record is not None:  # the AIP now lives at one more place: a preserve event
            log_event(
                "preserve", record, package_digest=entry["sm3"], content={relpath: entry["sm3"]}
            )
            add_preservation_event(record, "迁移", f"{relpath} {source.id} → {target.id}")
    return report
