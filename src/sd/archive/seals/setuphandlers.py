"""Import step of the seal service (签章服务安装步骤): the demo archiving-seal key."""

from __future__ import annotations

from sd.archive import logger
from sd.archive.seals import settings


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
