"""Site-wide data kept in the site's annotations (站点数据): one BTree per key.

Intake's rejections and replay records, transfer's package index, preservation's AIP index,
alarms, disc register and after-archiving queue. Reading never writes: a tree that does not
exist yet reads as None, and only a writer (``create=True``) makes it, so a page or a GET never
turns into a database write.
"""

from __future__ import annotations

from BTrees.OOBTree import OOBTree
from zope.annotation.interfaces import IAnnotations


def site_tree(portal, key: str, create: bool = False) -> OOBTree | None:
    """The BTree kept in the site annotation ``key`` (``portal`` None: the current site);
    None until a writer makes it with ``create=True``."""
    if portal is None:
        from plone import api

        portal = api.portal.get()
    annotations = IAnnotations(portal)
    tree = annotations.get(key)
    if tree is None and create:
        tree = annotations[key] = OOBTree()
    return tree
