"""Who sees which statistics (统计的查看范围): supervisors and the archives' staff see every
agency; a records officer sees the agencies (fonds) they keep; nobody else sees any."""

from __future__ import annotations

from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

SUPERVISE = "sd.archive: Supervise archiving"
RECEIVE = "sd.archive: Receive records"
ARCHIVE = "sd.archive: Archive records"


def _refuse(status, type_, code, message, prop=""):
    return ArchiveError(message, [Problem(code, message, "", prop)], status, type_)


def all_fonds() -> list:
    ctl = api.portal.get_tool("portal_catalog")
    return [b._unrestrictedGetObject() for b in ctl.unrestrictedSearchResults(portal_type="Fonds")]


def sees_all() -> bool:
    portal = api.portal.get()
    return api.user.has_permission(SUPERVISE, obj=portal) or api.user.has_permission(
        RECEIVE, obj=portal
    )


def my_fonds_codes() -> list[str]:
    """The 全宗号 of the fonds the current user keeps (档案员)."""
    return sorted(f.fonds_code for f in all_fonds() if api.user.has_permission(ARCHIVE, obj=f))


def scope(fonds_code: str | None) -> list[str] | None:
    """The fonds codes the current request may count: None (all) or a list; 401/403/400 in
    the error shape otherwise."""
    if api.user.is_anonymous():
        raise _refuse(401, "Unauthorized", "auth.required", "log in first (请先登录)")
    codes = {f.fonds_code for f in all_fonds()}
    if fonds_code and fonds_code not in codes:
        raise _refuse(
            400,
            "BadRequest",
            "statistics.unknown-fonds",
            f"no fonds {str(fonds_code)[:40]!r} (没有这个全宗)",
            "fonds",
        )
    if sees_all():
        return [fonds_code] if fonds_code else None
    mine = my_fonds_codes()
    if not mine:
        raise _refuse(
            403,
            "Forbidden",
            "statistics.not-allowed",
            "no statistics for this account (该账号无统计权限)",
        )
    if fonds_code:
        if fonds_code not in mine:
            raise _refuse(
                403,
                "Forbidden",
                "statistics.not-your-fonds",
                f"fonds {fonds_code} is not yours (不是本机关的全宗)",
                "fonds",
            )
        return [fonds_code]
    return mine
