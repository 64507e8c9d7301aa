"""A site set up for the contract stub (测试站点接入模拟服务): shared by the sync, sign-on and
browser tests."""

from __future__ import annotations

from contextlib import contextmanager

from platform_stub import PlatformStub
from platform_stub import demo_province


@contextmanager
def running_stub():
    """The demo province's stub, started (and stopped after)."""
    stub = PlatformStub()
    demo_province(stub)
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


def configure(portal, stub, monkeypatch, sign_on: bool = True) -> None:
    """Bind 省档案局 (2) to J001 and 省财政厅 (4) to J002, point the platform settings at
    ``stub`` (its secret in the environment, as in production), sign-on on or off."""
    from plone import api

    from sd.archive.identity.directory import store

    store.save_settings(portal, "2 = J001\n4 = J002", store.mapping_text(portal))
    monkeypatch.setenv("SD_ARCHIVE_PLATFORM_SECRET", stub.secret)
    for name, value in {
        "platform_url": stub.url,
        "corp_id": stub.corp_id,
        "agent_id": "1000002",
        "sign_on_enabled": sign_on,
    }.items():
        api.portal.set_registry_record(f"sd.archive.platform.{name}", value)
