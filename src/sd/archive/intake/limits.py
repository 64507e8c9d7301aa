"""How big a package may be (信息包大小上限): the registry's setting, as reader limits."""

from __future__ import annotations

from plone import api

from sd.archive.core.packages.zipsafe import Limits


def limits() -> Limits:
    return Limits(max_total_size=max_package_bytes())


def max_package_bytes() -> int:
    return api.portal.get_registry_record(
        "sd.archive.settings.max_package_bytes", default=4 * 1024**3
    )
