"""The fonds a package names and who may submit to it (全宗与报送权限).

Both are looked up on every request; the hints below only say where to look first (the fonds
found last time, the fonds where the account could submit last time), never a walk over every
fonds when a hint still holds.
"""

from __future__ import annotations

from AccessControl import getSecurityManager
from plone import api
from Products.CMFCore.utils import getToolByName

SUBMIT = "sd.archive: Submit packages"


def all_fonds(portal) -> list:
    catalog = api.portal.get_tool("portal_catalog")
    return [
        b._unrestrictedGetObject() for b in catalog.unrestrictedSearchResults(portal_type="Fonds")
    ]


#: 全宗号 → where its fonds was last found (a hint: checked on every use)
_fonds_paths: dict[tuple[str, str], tuple[str, ...]] = {}


def find_fonds(portal, fonds_code: str | None):
    """The fonds of 全宗号 ``fonds_code``: where it was found last time when it is still
    there with that code, otherwise its catalog entry (never a walk over every fonds)."""
    if not fonds_code:
        return None
    key = ("/".join(portal.getPhysicalPath()), fonds_code)
    path = _fonds_paths.get(key)
    if path is not None:
        fonds = portal.unrestrictedTraverse(path, None)
        if (
            getattr(fonds, "portal_type", None) == "Fonds"
            and getattr(fonds, "fonds_code", None) == fonds_code
        ):
            return fonds
    catalog = getToolByName(portal, "portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Fonds", fonds_code=fonds_code):
        fonds = brain._unrestrictedGetObject()
        if getattr(fonds, "fonds_code", None) == fonds_code:
            _fonds_paths[key] = fonds.getPhysicalPath()
            return fonds
    _fonds_paths.pop(key, None)
    return None


#: (site, account) → the fonds where the account could submit last time (a hint: the
#: permission is checked on every request)
_submit_hints: dict[tuple[str, str], tuple[str, ...]] = {}


def may_submit_somewhere(portal) -> bool:
    """Managers and accounts holding Submitter on at least one fonds (报送服务账号). The fonds
    that said yes last time is asked first, before every fonds is looked at."""
    security = getSecurityManager()
    if security.checkPermission(SUBMIT, portal):
        return True
    key = ("/".join(portal.getPhysicalPath()), security.getUser().getId())
    hint = _submit_hints.get(key)
    if hint is not None:
        fonds = portal.unrestrictedTraverse(hint, None)
        if getattr(fonds, "portal_type", None) == "Fonds" and security.checkPermission(
            SUBMIT, fonds
        ):
            return True
    for fonds in all_fonds(portal):
        if security.checkPermission(SUBMIT, fonds):
            _submit_hints[key] = fonds.getPhysicalPath()
            return True
    _submit_hints.pop(key, None)
    return False
