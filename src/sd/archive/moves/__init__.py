"""Whole-repository moves between sites (整库迁移): export and import, files included.

collective.exportimport walks the catalog, and components (电子文件) are not catalogued
(``content/component.py``), so its export carries records without their files. This exporter
walks the tree instead and writes items of collective.exportimport's shape (see
:mod:`sd.archive.core.moves`), with every stored attribute (server fields too: archival code,
code log, seal findings, ledger references), the annotations (preservation events and
versions, numbering counters, rules), workflow history and state, local roles, marker
interfaces and the bytes of every file as side files with their SM3.

The import is a system action: the objects are rebuilt as they were, unrestricted, without
events (no intake, numbering, archiving or ledger subscriber runs again), catalogued, and the
move is written once to the audit trail. Everything happens in the caller's transaction
(one transaction: refused or failed, nothing stays). The ledger references of the records
(``ledger_index``, ``leaf_hash``, ``checkpoint``) are kept as they were: they refer to the
ledger of the node the records came from, named in the manifest (``ledger_origin`` and its
key ``ledger_vkey``).
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC
from datetime import datetime
from pathlib import Path

from Acquisition import aq_base
from plone.dexterity.utils import resolveDottedName
from plone.namedfile.file import NamedBlobFile
from zope.annotation.interfaces import IAnnotations
from zope.interface import alsoProvides
from zope.interface import directlyProvidedBy

from sd.archive import audit
from sd.archive.core.moves import AIPS
from sd.archive.core.moves import BLOBS
from sd.archive.core.moves import CONTENT
from sd.archive.core.moves import FORMAT
from sd.archive.core.moves import MANIFEST
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import check_export
from sd.archive.core.moves import problem
from sd.archive.core.preservation.hashing import copy_hashed
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.interfaces import IComponent
from sd.archive.moves.codec import decode
from sd.archive.moves.codec import encode

#: the types moved with everything under them (全宗及其下的案卷、件、电子文件)
ROOT_TYPES = ("Fonds",)
#: attributes not carried: the children (carried as items), the file (a side file),
#: annotations (carried by key), volatile and persistence attributes
SKIPPED = {"_tree", "_count", "_mt_index", "_objects", "__annotations__", "__provides__"}
#: annotations rebuilt on import (the order of a folder) or belonging to the site's
#: configuration (content rule assignments)
SKIPPED_ANNOTATIONS = {
    "plone.folder.ordered.order",
    "plone.folder.ordered.pos",
    "plone.contentrules.localassignments",
}


def _relative(site, obj) -> str:
    site_path = site.getPhysicalPath()
    return "/".join(obj.getPhysicalPath()[len(site_path) :])


def _walk(container):
    for obj in container.objectValues():
        yield obj
        if hasattr(aq_base(obj), "objectValues"):
            yield from _walk(obj)


def _ledger_node() -> tuple[str, str]:
    """This node's ledger: its origin name and verification key (the records' ledger
    references point into it)."""
    try:
        from sd.archive.ledger.current import current_ledger

        ledger = current_ledger()
        return ledger.origin, ledger.vkey
    except Exception:  # a site without a ledger yet: the move still says so
        return "", ""


def _item(site, obj, directory: Path) -> dict:
    base = aq_base(obj)
    where = _relative(site, obj)
    state = {}
    for name, value in base.__dict__.items():
        if name in SKIPPED or name.startswith(("_v_", "_p_")) or name == "file":
            continue
        state[name] = encode(value, f"{where}#{name}")
    annotations = {}
    for key, value in (base.__dict__.get("__annotations__") or {}).items():
        if key not in SKIPPED_ANNOTATIONS:
            annotations[key] = encode(value, f"{where}@{key}")
    parent = obj.aq_parent
    item = {
        "@id": where,
        "@type": base.portal_type,
        "UID": obj.UID(),
        "id": obj.getId(),
        "parent": {"@id": _relative(site, parent), "UID": getattr(parent, "UID", lambda: "")()},
        "review_state": site.portal_workflow.getInfoFor(obj, "review_state", None),
        "local_roles": {k: list(v) for k, v in (base.__ac_local_roles__ or {}).items()},
        "provides": [i.__identifier__ for i in directlyProvidedBy(base)],
        "sd_state": state,
        "sd_annotations": annotations,
    }
    blob = base.__dict__.get("file")
    if blob is not None:
        blob_path = f"{BLOBS}/{item['UID']}"
        with blob.open() as source, open(directory / blob_path, "wb") as target:
            digest, size = copy_hashed(source, target)
        own = getattr(base, "sm3", None)
        if own and own != digest:  # 账实不符: never move a file that is not what was stored
            raise MoveRefused(
                "A file differs from its stored digest",
                [problem("MOVE-BLOB-SM3", "SM3 digest differs", where, "sm3")],
            )
        item["file"] = {
            "filename": blob.filename,
            "content-type": blob.contentType,
            "size": size,
            "blob_path": blob_path,
            "sm3": digest,
        }
    return item


def export_repository(site, directory: str | os.PathLike, root_types=ROOT_TYPES) -> dict:
    """Write the site's fonds (``root_types``) and everything under them to ``directory``
    (made, must be empty); returns the manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise MoveRefused(
            "The export directory is not empty",
            [problem("MOVE-TARGET", "not empty", str(directory))],
        )
    (directory / BLOBS).mkdir()
    items = []
    try:
        for root in site.objectValues():
            if getattr(aq_base(root), "portal_type", "") not in root_types:
                continue
            items.append(_item(site, root, directory))
            items.extend(_item(site, obj, directory) for obj in _walk(root))
    except MoveRefused:
        shutil.rmtree(directory / BLOBS, ignore_errors=True)
        raise
    content = directory / CONTENT
    content.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    aips = directory / AIPS
    aips.write_text(json.dumps(_aip_entries(site, items), ensure_ascii=False), encoding="utf-8")
    origin, vkey = _ledger_node()
    manifest = {
        "format": FORMAT,
        "site": "/".join(site.getPhysicalPath()),
        "ledger_origin": origin,
        "ledger_vkey": vkey,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": len(items),
        "files": sum(1 for i in items if "file" in i),
        "content_sm3": sm3_file(content),
        "aips_sm3": sm3_file(aips),
    }
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    audit.log("moves.exported", site, details={k: manifest[k] for k in ("items", "files")})
    return manifest


def _aip_entries(site, items) -> dict:
    """The AIP index entries (relpath → digests) of the moved records."""
    from sd.archive.preservation.store import index

    uids = {i["UID"] for i in items if i["@type"] == "Record"}
    return {
        relpath: dict(entry) for relpath, entry in index(site).items() if entry.get("uid") in uids
    }


def _register_aips(site, entries: dict) -> None:
    from sd.archive.preservation.store import register

    for relpath, e in entries.items():
        register(relpath, e["sm3"], e["size"], e["uid"], e["code"], e["version"], site=site)


def _rebuild_counters(site) -> None:
    """The supervision counters (监督指标) are kept by subscribers the import does not fire:
    read every record again, as the rebuild script does."""
    from sd.archive.supervision.aggregates import rebuild

    rebuild(site)


def _refuse_conflicts(site, items) -> None:
    problems = []
    uids = {i["UID"] for i in items}
    types = set(site.portal_types.objectIds())
    seen = {""}
    for item in items:
        parent = item["parent"]["@id"]
        if item["@type"] not in types:
            problems.append(problem("MOVE-TYPE", "unknown type here", item["@id"], "@type"))
        if parent not in seen:  # parents come first: an item out of place is refused
            problems.append(problem("MOVE-PARENT", "parent not in the export", item["@id"]))
        seen.add(f"{parent}/{item['id']}" if parent else item["id"])
        if parent == "" and item["id"] in site.objectIds():
            problems.append(problem("MOVE-EXISTS", "already in this site", item["@id"], "id"))
    found = site.portal_catalog.unrestrictedSearchResults(UID=list(uids))
    problems.extend(
        problem("MOVE-EXISTS", "UID already in this site", b.getPath(), "UID") for b in found
    )
    if problems:
        raise MoveRefused("The site already holds what the export brings", problems)


def _build(item, directory: Path, types_tool):
    klass = resolveDottedName(types_tool[item["@type"]].klass)
    obj = klass(item["id"])
    base = aq_base(obj)
    for name, value in item["sd_state"].items():
        base.__dict__[name] = decode(value)
    for key, value in item["sd_annotations"].items():
        IAnnotations(obj)[key] = decode(value)
    for identifier in item.get("provides", []):
        alsoProvides(obj, resolveDottedName(identifier))
    info = item.get("file")
    if info:
        blob = NamedBlobFile(filename=info["filename"], contentType=info["content-type"])
        with open(directory / info["blob_path"], "rb") as data, blob.open("w") as sink:
            digest, _ = copy_hashed(data, sink)  # streamed, never whole in memory
        if digest != info["sm3"]:  # changed since the check: refuse (the caller aborts)
            raise MoveRefused(
                "Files of the export differ from what was exported",
                [problem("MOVE-BLOB-SM3", "SM3 digest differs", item["@id"], "sm3")],
            )
        obj.file = blob
    base._p_changed = True
    return obj


def import_repository(site, directory: str | os.PathLike) -> dict:
    """Rebuild in ``site`` what :func:`export_repository` wrote to ``directory``, in the
    current transaction (the caller commits, or aborts on any error). Refused with
    :class:`MoveRefused` before anything is made when the export was altered or the site
    already holds one of its objects. Returns counts and the source of the move."""
    directory = Path(directory)
    manifest, items = check_export(directory)
    _refuse_conflicts(site, items)
    types_tool = site.portal_types
    made = []
    for item in items:
        parent_path = item["parent"]["@id"]
        parent = site.unrestrictedTraverse(parent_path) if parent_path else site
        obj = _build(item, directory, types_tool)
        parent._setObject(item["id"], obj, set_owner=0, suppress_events=True)
        made.append(parent_path and f"{parent_path}/{item['id']}" or item["id"])
    catalog = site.portal_catalog
    for path in made:  # catalogued once everything is in place (indexers read children);
        obj = site.unrestrictedTraverse(path)  # not through indexObject: it would touch the
        if not IComponent.providedBy(obj):  # modification date; components stay out
            catalog.catalog_object(obj, "/".join(obj.getPhysicalPath()))
    _register_aips(site, manifest["aips"])
    _rebuild_counters(site)
    outcome = {
        "items": len(items),
        "aips": len(manifest["aips"]),
        "files": manifest["files"],
        "source_site": manifest["site"],
        "ledger_origin": manifest["ledger_origin"],
        "ledger_vkey": manifest.get("ledger_vkey", ""),
        "exported_at": manifest["exported_at"],
    }
    audit.log("moves.imported", site, details=outcome)
    return outcome
