"""Profile version 1004 (升级到 1004): the catalog's trees with small buckets (#31).

- Every BTree of ``portal_catalog`` (the metadata table, ``paths``, ``uids``, each index's
  trees, the text indexes' Okapi trees, the lexicons') is copied, entry for entry, into its
  small-bucket class of ``sd.archive.catalogtrees``: a new record then rewrites buckets of 8–32
  entries instead of 30–120 (about a third of the bytes each intake transaction wrote).
- Nothing else of the profile changed. The copy runs in the upgrade's transaction; a big
  catalog takes a while (the trees are read whole once) but needs no reindexing.
"""

from __future__ import annotations

import logging

from plone import api

from sd.archive.catalogtrees import use_small_trees

logger = logging.getLogger("sd.archive.upgrades")


def upgrade(setup_tool):
    done = use_small_trees(api.portal.get_tool("portal_catalog"))
    logger.info(
        "1004: %d catalog trees on small buckets (%d entries)", len(done), sum(done.values())
    )
