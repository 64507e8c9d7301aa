"""Profile version 1002 (升级到 1002): what sites made at 1001 need of the third release.

- ``pas.plugins.oidc``'s profile (now a dependency) when the site never had it, then the
  ``sd.archive.identity.oidc`` step (the OIDC plugin becomes sd.archive's, the password gate).
- ``catalog``: only the indexes and columns of ``catalog.xml`` the site lacks are added
  (statistics: ``file_format``, ``size_bytes``; appraisal, open review, supervision and mining
  indexes) and indexed — not the catalog import step, which would empty and rebuild the
  existing text index ``record_title`` on the Chinese lexicon.
- ``typeinfo`` (AppraisalBatch, RectificationNotice and its folder, …), ``workflow`` (their
  workflows), ``rolemap`` (their permissions), ``plone.app.registry`` (open review,
  supervision, mining findings, the platform and sign-on settings; the node's domain setting
  now offers 'combined'; the storage setting ``renew_evidence``), ``controlpanel``.
- The workflows' permission maps applied to existing objects.
- After the upgrade, run once per site (long work, kept out of the upgrade's transaction):
  ``scripts/supervision_rebuild.py`` (the supervision counters from the holdings) and
  ``scripts/findings.py analyse`` (names, duplicates and sensitive content of the records
  archived before; the new indexes ``mining_*`` and ``file_digests`` fill as they are
  analysed); existing records show format "未著录" in the statistics until reindexed
  (``file_format`` is indexed by this step).
- Each fonds keeps the network domain and record kinds it had: a fonds made without them
  stored read the old defaults (administrative, 电子公文); their defaults now follow the node's
  setting, so they are stored as they were (``content.fonds.keep_domain``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

from lxml import etree
from plone import api

from sd.archive.upgrades.v1001 import index_new

logger = logging.getLogger("sd.archive.upgrades")

PROFILE = "profile-sd.archive:default"
OIDC = "pas.plugins.oidc:default"
STEPS = (
    "typeinfo",
    "workflow",
    "rolemap",
    "plone.app.registry",
    "controlpanel",
    "sd.archive.identity.oidc",
)
OLD_DOMAIN, OLD_KINDS = "administrative", {"电子公文"}


CATALOG_XML = Path(__file__).parents[2] / "profiles" / "default" / "catalog.xml"
SIMPLE_INDEXES = ("FieldIndex", "KeywordIndex", "DateIndex", "BooleanIndex")


def add_missing(catalog, xml: Path = CATALOG_XML) -> tuple[list[str], list[str]]:
    """Add the field, keyword, date and boolean indexes and the columns of ``catalog.xml``
    the site does not have; (indexes added, columns added)."""
    root = etree.parse(str(xml)).getroot()
    indexes, columns = [], []
    for node in root.iter("index"):
        name, meta_type = node.get("name"), node.get("meta_type")
        if name in catalog.indexes() or meta_type not in SIMPLE_INDEXES:
            continue
        attrs = ",".join(a.get("value") for a in node.iter("indexed_attr")) or name
        catalog.addIndex(name, meta_type, SimpleNamespace(indexed_attrs=attrs))
        indexes.append(name)
    for node in root.iter("column"):
        if node.get("value") not in catalog.schema():
            catalog.addColumn(node.get("value"))
            columns.append(node.get("value"))
    return indexes, columns


def keep_fonds_domains(catalog) -> int:
    """Store the domain and kinds each fonds read before (the old defaults when unset)."""
    kept = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="Fonds"):
        fonds = brain._unrestrictedGetObject()
        if "network_domain" not in fonds.__dict__:
            fonds.network_domain = OLD_DOMAIN
            kept += 1
        if "record_kinds" not in fonds.__dict__:
            fonds.record_kinds = set(OLD_KINDS)
    return kept


def upgrade(setup_tool):
    catalog = api.portal.get_tool("portal_catalog")
    if setup_tool.getLastVersionForProfile(OIDC) == "unknown":
        setup_tool.runAllImportStepsFromProfile(f"profile-{OIDC}")
    indexes, columns = add_missing(catalog)
    for step in STEPS:
        setup_tool.runImportStepFromProfile(PROFILE, step, run_dependencies=False)
    changed = api.portal.get_tool("portal_workflow").updateRoleMappings()
    done = index_new(catalog, indexes, columns)
    kept = keep_fonds_domains(catalog)
    logger.info(
        "1002: role mappings on %s objects; new indexes %s, columns %s, %d objects; "
        "%d fonds kept their domain",
        changed,
        indexes,
        columns,
        done,
        kept,
    )
