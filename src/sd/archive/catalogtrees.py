"""The catalog's trees with small buckets (目录树小分桶, #31 storage and intake speed).

ZCatalog gives each new object the next record id (rid) after a random start, so every record
archived lands in the last bucket of each rid-keyed tree: the metadata table (``data``, ~40
columns a row), ``paths``, every index's ``_unindex``, the text indexes' ``_docwords`` and
``_docweight``; its archival code and record id land in the last bucket of their value-keyed
trees too. ZODB writes a changed bucket whole, so each intake transaction rewrote buckets of up
to 60 rows (IOBTree's default) — ~220 KB per new record in Data.fs, pickled by the request
thread before its answer.

The classes here are the same BTrees with smaller buckets and inner nodes (BTrees lets a
subclass set ``max_leaf_size`` and ``max_internal_size``); :func:`use_small_trees` puts every
tree of the catalog (the catalog's own tables, each index's trees, its Okapi index's, the
lexicons') and of the int ids utility into them, entry for entry. The install handler
(:func:`install`, post handler of the default profile) does it for new sites, upgrade step 1004
for existing ones. Pickles name these classes, so they must stay importable from here.

A tree made again later (``Clear and Rebuild`` of the catalog, an index added by a later
profile) gets ZCatalog's default classes: it works as before, only its buckets are bigger
until :func:`use_small_trees` runs again (it converts only what is not converted yet).
"""

from __future__ import annotations

import logging
import os

import transaction
from Acquisition import aq_base
from BTrees.IIBTree import IIBTree
from BTrees.IOBTree import IOBTree
from BTrees.OIBTree import OIBTree
from BTrees.OOBTree import OOBTree
from Products.CMFCore.utils import getToolByName
from Products.PluginIndexes.KeywordIndex.KeywordIndex import KeywordIndex
from zope.component import queryUtility
from zope.intid.interfaces import IIntIds

logger = logging.getLogger("sd.archive.catalogtrees")

SAVEPOINT_AT = 10_000  # entries: a savepoint after copying a tree this big
INTERNAL = 64  # children per inner node (defaults 250–500): a bucket split rewrites its parent


class RowTree(IOBTree):
    """rid → a big value (a metadata row of ~40 columns, a document's word codes): 8 a bucket."""

    max_leaf_size = 8
    max_internal_size = INTERNAL


class DocTree(IOBTree):
    """int key → a small value (an index's ``_unindex``, ``paths``, a lexicon's words)."""

    max_leaf_size = 16
    max_internal_size = INTERNAL


class DocIntTree(IIBTree):
    """int key → int (a date index's ``_unindex``, Okapi's ``_docweight``)."""

    max_leaf_size = 32
    max_internal_size = INTERNAL


class KeyIntTree(OIBTree):
    """value → int (the catalog's ``uids``, a UUID index, a lexicon's word ids)."""

    max_leaf_size = 16
    max_internal_size = INTERNAL


class KeyTree(OOBTree):
    """value → rids (a field or keyword index's forward index)."""

    max_leaf_size = 16
    max_internal_size = INTERNAL


SMALL = {IOBTree: DocTree, IIBTree: DocIntTree, OIBTree: KeyIntTree, OOBTree: KeyTree}
ROWS = {"data", "_docwords"}  # rid-keyed trees whose values are big


def target(owner, name: str, tree):
    """The small-bucket class for ``tree`` (``owner``'s attribute ``name``), or None to keep
    it. Rows: the metadata table, the text indexes' word codes, a keyword index's lists of
    values by rid (interfaces provided, file digests)."""
    kind = type(tree)
    if kind not in SMALL:  # already converted, or not one of the four tree kinds
        return None
    if kind is IOBTree and (
        name in ROWS or (name == "_unindex" and isinstance(owner, KeywordIndex))
    ):
        return RowTree
    return SMALL[kind]


def trees(catalog):
    """(owner, attribute, path) of every BTree attribute of the catalog: its own tables, each
    index's, each text index's Okapi index's, each lexicon's; and the site's int ids
    utility's (``intids``: each new record gets an int id there in the same transaction)."""
    owners = [("catalog", aq_base(catalog)._catalog)]
    for name, index in aq_base(catalog)._catalog.indexes.items():
        index = aq_base(index)
        index._p_activate()
        owners.append((name, index))
        okapi = getattr(index, "__dict__", {}).get("index")
        if okapi is not None and hasattr(okapi, "_docwords"):
            owners.append((f"{name}.index", okapi))
    for lexicon in aq_base(catalog).objectValues():
        if hasattr(aq_base(lexicon), "_wids"):
            owners.append((f"lexicon {lexicon.getId()}", aq_base(lexicon)))
    intids = queryUtility(IIntIds, context=catalog)
    if intids is not None:  # each new record's int id: ids by key reference, refs by int id
        owners.append(("intids", aq_base(intids)))
    for label, owner in owners:
        owner._p_activate()
        for attr, value in sorted(vars(owner).items()):
            if type(value) in SMALL or isinstance(value, tuple(SMALL)):
                yield owner, attr, f"{label}.{attr}"


def _convert(catalog, pick) -> dict[str, int]:
    """Copy each tree for which ``pick(owner, attribute, tree)`` names a class into a tree of that
    class, entry for entry; {path: entries} of the trees copied."""
    done = {}
    for owner, attr, path in list(trees(catalog)):
        old = getattr(owner, attr)
        cls = pick(owner, attr, old)
        if cls is None:
            continue
        new = cls()
        new.update(old)
        if len(new) != len(old):  # pragma: no cover - BTrees copies every entry
            raise RuntimeError(f"{path}: {len(new)} entries copied of {len(old)}")
        setattr(owner, attr, new)
        done[path] = len(new)
        if len(new) >= SAVEPOINT_AT and owner._p_jar is not None:
            # a big catalog: the new tree's buckets to the savepoint, the old ones out of the
            # cache, so that the copy never holds the whole catalog in memory
            transaction.savepoint(optimistic=True)
            owner._p_jar.cacheGC()
    return done


def use_small_trees(catalog) -> dict[str, int]:
    """Put every tree of ``catalog`` into its small-bucket class, keeping every entry; returns
    {path: entries} of the trees converted (those already converted are left alone)."""
    return _convert(catalog, target)


DEFAULT = {small: base for base, small in SMALL.items()} | {RowTree: IOBTree}


def use_default_trees(catalog) -> dict[str, int]:
    """The reverse of :func:`use_small_trees` (ZCatalog's own classes, as sites before 1004
    have them): for the upgrade's tests and the before/after figures of the bench."""
    return _convert(catalog, lambda _owner, _attr, tree: DEFAULT.get(type(tree)))


def install(setup_tool):
    """Post handler of the default profile: the site's catalog on small-bucket trees
    (``SD_ARCHIVE_CATALOG_TREES=default`` in the environment leaves ZCatalog's own: for the
    before/after figures of ``bench/bench_after_archiving.py``)."""
    if os.environ.get("SD_ARCHIVE_CATALOG_TREES") == "default":
        logger.info("catalog trees left as ZCatalog makes them (SD_ARCHIVE_CATALOG_TREES)")
        return
    done = use_small_trees(getToolByName(setup_tool, "portal_catalog"))
    logger.info("catalog trees with small buckets: %d converted", len(done))
