"""Profile version 1001 (升级到 1001): what sites made at 1000 need of this release.

Re-imported from ``profiles/default`` (only these steps):

- ``catalog``: the new indexes (field search: 文号, 责任者, 主题词, 机构或问题, 日期, 密级,
  开放状态; the Chinese lexicon and ``record_title``; ``arrangement_status`` for the review
  queue; ``retention_due`` for the list of records due for appraisal) and metadata columns
  (catalogue, 归档章, search results, review queue, retention due date and disposition).
  Only what is new is indexed: the indexes that were not there before the import, and — when
  columns were added — the records' and volumes' metadata, in one pass.
- ``typeinfo`` (the workbench view of the site, AccessRequest types, dossier and record
  changes), ``workflow`` (transition titles, access requests, anonymous catalogue entries),
  ``rolemap`` (new permissions and the Leader role), ``plone.app.registry`` (settings of
  access, text extraction, search, the preservation format watch list, the platform's
  title, logo and favicon), ``portlets``
  (Plone's footer portlets off), ``controlpanel``, ``browserlayer``.
- ``sd.archive.search``: ``SearchableText`` on the jieba lexicon (once; it indexes the site's
  text again, see ``search/setuphandlers.py``).
- The workflows' new permission maps applied to existing objects (``updateRoleMappings``).
- The retention expiry of every record computed where it is missing or wrong, and the new
  ``retention_due`` index filled (``retention.recompute_expiry``, savepoints every 500 records).
- The site's front page becomes ``@@workbench`` if it is not already.
"""

from __future__ import annotations

import logging

import transaction
from plone import api

from sd.archive.retention import recompute_expiry
from sd.archive.search.setuphandlers import use_chinese_index

logger = logging.getLogger("sd.archive.upgrades")

PROFILE = "profile-sd.archive:default"
STEPS = (
    "typeinfo",
    "workflow",
    "rolemap",
    "plone.app.registry",
    "portlets",
    "controlpanel",
    "browserlayer",
)
#: the catalogued types whose metadata gain values from the new columns
COLUMN_TYPES = ("Record", "Dossier")
FRONT_PAGE = "workbench"


def import_catalog(setup_tool, catalog) -> tuple[list[str], list[str]]:
    """Re-import ``catalog.xml``; the indexes and columns it added."""
    indexes, columns = set(catalog.indexes()), set(catalog.schema())
    setup_tool.runImportStepFromProfile(PROFILE, "catalog", run_dependencies=False)
    return sorted(set(catalog.indexes()) - indexes), sorted(set(catalog.schema()) - columns)


def index_new(catalog, indexes: list[str], columns: list[str]) -> int:
    """Index only what is new: the new indexes, and the metadata of the records and volumes
    when columns were added (one pass over them, each woken once: the new indexes and
    columns are theirs). The number of objects indexed so."""
    if not columns:
        if indexes:
            catalog.manage_reindexIndex(ids=indexes)
        return 0
    idxs = indexes or ["getId"]  # an empty list would mean every index
    done = 0
    for brain in catalog.unrestrictedSearchResults(portal_type=list(COLUMN_TYPES)):
        obj = brain._unrestrictedGetObject()
        catalog.catalog_object(obj, brain.getPath(), idxs=idxs, update_metadata=1)
        done += 1
    return done


def upgrade(setup_tool):
    portal = api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    indexes, columns = import_catalog(setup_tool, catalog)
    for step in STEPS:
        setup_tool.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    # the permission maps of the workflows changed (e.g. anonymous catalogue entries of
    # open records): existing objects take them only here (every object woken once)
    changed = api.portal.get_tool("portal_workflow").updateRoleMappings()
    logger.info("1001: workflow role mappings updated on %s objects", changed)
    use_chinese_index(catalog)
    done = index_new(catalog, indexes, columns)
    logger.info("1001: new indexes %s, new columns %s, %d objects", indexes, columns, done)
    # the due list (到期档案清单) reads retention_due: every record's expiry, computed in one place
    due = recompute_expiry(
        portal,
        progress=logger.info,
        commit=lambda: transaction.savepoint(optimistic=True),
    )
    logger.info("1001: retention expiry of %(total)s records, %(changed)s changed", due)
    if portal.getLayout() != FRONT_PAGE:
        portal.setLayout(FRONT_PAGE)
