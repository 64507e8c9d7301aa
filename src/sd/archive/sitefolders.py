"""Site folders made by their first item (按需创建的站点文件夹): the folder of access requests
(``/access-requests``, 利用申请) and of rectification notices (``/rectification-notices``,
整改通知). Nobody can add one (the site's allowed types do not list them): they are made
here, on the first write, and never on a read."""

from __future__ import annotations

from plone import api
from plone.dexterity.utils import createContentInContainer


def site_folder(folder_id: str, portal_type: str, title: str, create: bool = False):
    """The site's folder ``folder_id``; with ``create``, made (``portal_type``, ``title``) when
    it is not there yet. None when it is missing and not to be made."""
    portal = api.portal.get()
    found = portal.get(folder_id)
    if found is None and create:
        found = createContentInContainer(
            portal, portal_type, checkConstraints=False, id=folder_id, title=title
        )
        found.reindexObject()
    return found
