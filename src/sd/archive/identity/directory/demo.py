"""Demo of the organisation-tree sync (组织机构同步演示), a development option.

``make_directory_demo`` binds the demo province's agencies to the demo fonds (省档案局 → J001,
省财政厅 → J002), keeps the default role mapping, and points the platform settings at the
development stub (``scripts/platform_stub.py``, http://localhost:8790) when nothing is set yet;
sign-on stays off until an operator switches it on. Idempotent: a site whose bindings or
settings were already edited is left as it is.
"""

from __future__ import annotations

from plone import api

from sd.archive.identity.directory import store

DEV_STUB_URL = "http://localhost:8790"
DEV_CORP_ID = "ww-sd-archive-test"  # the stub's (tests/platform_stub CORP_ID)


def make_directory_demo(portal) -> bool:
    """Bindings and development settings of the demo; False when they were there already."""
    if store.bindings(portal):
        return False
    store.save_settings(portal, "2 = J001\n4 = J002", store.mapping_text(portal))
    prefix = "sd.archive.platform"
    registry = api.portal.get_tool("portal_registry")
    if f"{prefix}.platform_url" not in registry:
        return True  # a site from before the settings' records (the v1002 upgrade adds them)
    if not api.portal.get_registry_record(f"{prefix}.platform_url", default=""):
        api.portal.set_registry_record(f"{prefix}.platform_url", DEV_STUB_URL)
        api.portal.set_registry_record(f"{prefix}.corp_id", DEV_CORP_ID)
        api.portal.set_registry_record(f"{prefix}.agent_id", "1000002")
    return True
