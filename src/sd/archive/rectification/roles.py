"""The agency's records officers on its notices (整改通知的本机关档案员).

A notice lives in the site's folder, not in the fonds, so the fonds' local roles do not reach
it by acquisition. This local-role provider (borg.localrole) gives every principal that holds
``RecordsOfficer`` on the notice's fonds the same role on the notice, read from the fonds each
time: an officer appointed after the notice was issued sees and answers it too, and one removed
from the fonds no longer does. Only that one role is passed on (a fonds' ``Reader`` or
``Submitter`` grants mean nothing for notices).
"""

from __future__ import annotations

from Acquisition import aq_base
from borg.localrole.interfaces import ILocalRoleProvider
from plone import api
from zope.component import adapter
from zope.interface import implementer

from sd.archive.rectification.interfaces import IRectificationNotice

OFFICER = "RecordsOfficer"


def fonds_of(notice):
    """The notice's fonds (whoever asks), or None."""
    uid = getattr(aq_base(notice), "fonds_uid", "")
    if not uid:
        return None
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(UID=uid, portal_type="Fonds")
    return brains[0]._unrestrictedGetObject() if brains else None


@implementer(ILocalRoleProvider)
@adapter(IRectificationNotice)
class AgencyOfficers:
    def __init__(self, context):
        self.context = context

    def _grants(self) -> dict:
        fonds = fonds_of(self.context)
        if fonds is None:
            return {}
        local = getattr(aq_base(fonds), "__ac_local_roles__", None) or {}
        return {pid: (OFFICER,) for pid, roles in local.items() if OFFICER in roles}

    def getRoles(self, principal_id):
        return self._grants().get(principal_id, ())

    def getAllRoles(self):
        yield from self._grants().items()
