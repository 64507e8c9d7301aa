"""Who may see or report an agency's figures (指标的查看与申报权限).

- a supervisor (``sd.archive: Supervise archiving`` on the site) sees every agency;
- the agency's own records officer (``Archive records`` on its fonds) and its business
  systems' service accounts (``Submit packages`` on its fonds) see and report for that fonds
  only — "the fonds the caller serves" (本单位全宗).

Refusals are ``ArchiveError`` in the one error shape: 401 anonymous, 403 another agency's
fonds, 404 a fonds that does not exist (to a supervisor; others get the 403, which does not
tell whether it exists).
"""

from __future__ import annotations

from plone import api

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

SUPERVISE = "sd.archive: Supervise archiving"
SERVES = ("sd.archive: Archive records", "sd.archive: Submit packages")


def supervises() -> bool:
    return bool(api.user.has_permission(SUPERVISE, obj=api.portal.get()))


def serves(fonds) -> bool:
    """The caller is the agency's records officer or one of its service accounts."""
    return any(api.user.has_permission(p, obj=fonds) for p in SERVES)


def _refuse(status: int, type_: str, code: str, message: str, obj: str = "", prop: str = "fonds"):
    raise ArchiveError(message, [Problem(code, message, obj, prop)], status, type_)


def require_login() -> None:
    if api.user.is_anonymous():
        _refuse(
            401, "Unauthorized", "auth.required", "log in first / 请先登录", "", "authorization"
        )


def fonds_for(code, *, report: bool = False):
    """The fonds of 全宗号 ``code`` the caller may see (``report``: may report for, which a
    supervisor alone may not)."""
    from sd.archive.intake.fonds import find_fonds

    require_login()
    if not isinstance(code, str) or not code.strip():
        _refuse(400, "BadRequest", "supervision.fonds-required", "全宗号 required / 须指明全宗号")
    fonds = find_fonds(api.portal.get(), code.strip())
    allowed = fonds is not None and (serves(fonds) or (supervises() and not report))
    if allowed:
        return fonds
    if fonds is None and supervises():
        _refuse(404, "NotFound", "supervision.no-fonds", f"no fonds {code} / 没有全宗 {code}", code)
    _refuse(
        403,
        "Forbidden",
        "supervision.not-your-fonds",
        f"this account does not serve fonds {code} / 本账号不服务于全宗 {code}",
        code,
    )


def check_fonds(fonds) -> None:
    """The caller may see the figures of ``fonds`` (a context object)."""
    require_login()
    if not (supervises() or serves(fonds)):
        _refuse(
            403,
            "Forbidden",
            "supervision.not-your-fonds",
            f"this account does not serve fonds {fonds.fonds_code} / 本账号不服务于该全宗",
            fonds.fonds_code,
        )
