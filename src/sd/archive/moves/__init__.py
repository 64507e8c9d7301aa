"""Whole-repository moves between sites (整库迁移): export and import, files included.

collective.exportimport walks the catalog, and components (电子文件) are not catalogued
(``content/component.py``), so its export carries records without their files. This exporter
walks the tree instead and writes items of collective.exportimport's shape (see
:mod:`sd.archive.core.moves`), with every stored attribute (server fields too: archival code,
code log, seal findings, ledger references), the annotations (preservation events and
versions, numbering counters, rules), workflow history and state, local roles, marker
interfaces and the bytes of every file as side files with their SM3, every AIP version (each
online copy checked against the digest index) and the site's audit trail. The manifest is
signed with the node's ledger key (the ferry's signing, ``core.ledger.manifests``).

The import is a system action: the signature and every byte are checked first (a trusted
signer: a node admitted to this node's ledger, this node, or a key the operator names), then
the objects are rebuilt as they were, unrestricted, without events (no intake, numbering,
archiving or ledger subscriber runs again), catalogued; the AIP files are written to this
site's own online locations and attested in its ledger (``receive`` entries, actor
``move:<origin>``, as the ferry does) so that fixity holds at once; the source's audit trail
is kept as a read-only imported history (:mod:`.history`), and the move is written once to
this site's trail. Everything happens in the caller's transaction (one transaction: refused
or failed, nothing stays; files written are removed again). The ledger references of the
records (``ledger_index``, ``leaf_hash``, ``checkpoint``) are kept as they were: they refer to
the ledger of the node the records came from, named in the manifest (``ledger_origin`` and
its key ``ledger_vkey``).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
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
from sd.archive.core.moves import AIP_FILES
from sd.archive.core.moves import AIPS
from sd.archive.core.moves import AUDIT
from sd.archive.core.moves import BLOBS
from sd.archive.core.moves import CONTENT
from sd.archive.core.moves import FORMAT
from sd.archive.core.moves import MANIFEST
from sd.archive.core.moves import NOTE
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import aip_file
from sd.archive.core.moves import check_export
from sd.archive.core.moves import problem
from sd.archive.core.moves import sign
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.hashing import copy_hashed
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.interfaces import IComponent
from sd.archive.moves.codec import BLOB_DIR
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


def _ledger(site):
    """This node's ledger (its key signs the export; the records' references point into it)."""
    from sd.archive.ledger.current import current_ledger

    return current_ledger(site)


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


#: what an export writes into its (empty) directory: removed again when it is refused
WRITTEN = (BLOBS, AIP_FILES, CONTENT, AIPS, AUDIT, MANIFEST, NOTE)


def _clean(directory: Path) -> None:
    for name in WRITTEN:
        path = directory / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def export_repository(
    site, directory: str | os.PathLike, root_types=ROOT_TYPES, progress=None
) -> dict:
    """Write the site's fonds (``root_types``) and everything under them to ``directory``
    (made, must be empty), with their AIPs and the site's audit trail, signed by the node's
    ledger key; returns the manifest. ``progress(stage, done)`` is told how far it got
    (stages ``items``, ``aips``, ``audit``)."""
    progress = progress or (lambda stage, done: None)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise MoveRefused(
            "The export directory is not empty",
            [problem("MOVE-TARGET", "not empty", str(directory))],
        )
    ledger = _ledger(site)
    (directory / BLOBS).mkdir()
    items = []
    blob_dir = BLOB_DIR.set(str(directory))
    try:
        for root in site.objectValues():
            if getattr(aq_base(root), "portal_type", "") not in root_types:
                continue
            for obj in (root, *_walk(root)):
                items.append(_item(site, obj, directory))
                progress("items", len(items))
        aip_entries = _aip_entries(site, items)
        _export_aips(directory, aip_entries, progress)
        trail = _export_audit(site, directory / AUDIT)
        progress("audit", trail["audit_entries"])
    except BaseException:
        _clean(directory)
        raise
    finally:
        BLOB_DIR.reset(blob_dir)
    content = directory / CONTENT
    content.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    aips = directory / AIPS
    aips.write_text(json.dumps(aip_entries, ensure_ascii=False), encoding="utf-8")
    manifest = {
        "format": FORMAT,
        "export_id": uuid.uuid4().hex,
        "site": "/".join(site.getPhysicalPath()),
        "ledger_origin": ledger.origin,
        "ledger_vkey": ledger.vkey,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": len(items),
        "files": sum(1 for i in items if "file" in i),
        "aip_files": len(aip_entries),
        "content_sm3": sm3_file(content),
        "aips_sm3": sm3_file(aips),
        **trail,
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    (directory / MANIFEST).write_bytes(data)
    note = sign(data, ledger.origin, manifest["export_id"], ledger.node.key)
    (directory / NOTE).write_text(note, encoding="utf-8")
    audit.log(
        "moves.exported",
        site,
        details={k: manifest[k] for k in ("export_id", "items", "files", "aip_files")},
    )
    return manifest


def _export_aips(directory: Path, entries: dict, progress) -> None:
    """Every AIP version of the moved records, once, into ``aips/``: each online copy of the
    site must be there and hash to the digest index's SM3 (账实相符), else the export is
    refused (run fixity and its repair first)."""
    from sd.archive.core.preservation.storage import aip_path
    from sd.archive.preservation.config import online_locations

    locations = online_locations()
    problems = []
    for done, (relpath, entry) in enumerate(entries.items(), 1):
        target = directory / aip_file(relpath)
        target.parent.mkdir(parents=True, exist_ok=True)
        for n, location in enumerate(locations):
            where, path = f"{location.id}:{relpath}", aip_path(location, relpath)
            if not path.is_file():
                problems.append(problem("MOVE-AIP-MISSING", "AIP copy missing", where, "aip"))
                continue
            if n == 0:
                with open(path, "rb") as source, open(target, "wb") as sink:
                    digest, _ = copy_hashed(source, sink)
            else:
                digest = sm3_file(path)
            if digest != entry["sm3"]:
                problems.append(problem("MOVE-AIP-SM3", "SM3 digest differs", where, "aip"))
        progress("aips", done)
    if problems:
        raise MoveRefused("AIP copies differ from the digest index", problems)


def _export_audit(site, path: Path) -> dict:
    """The site's audit trail, one entry a line (审计日志随迁移); what the manifest says of it."""
    trail = audit.trail(site)
    count, head = 0, ""
    with open(path, "w", encoding="utf-8") as out:
        for entry in trail.iterate() if trail is not None else ():
            out.write(json.dumps(entry.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            count, head = count + 1, entry.hash
    return {
        "audit_log_id": trail.log_id if trail is not None else "",
        "audit_entries": count,
        "audit_head": head,
        "audit_sm3": sm3_file(path),
    }


def _aip_entries(site, items) -> dict:
    """The AIP index entries (relpath → digests) of the moved records."""
    from sd.archive.preservation.store import index

    uids = {i["UID"] for i in items if i["@type"] == "Record"}
    return {
        relpath: dict(entry) for relpath, entry in index(site).items() if entry.get("uid") in uids
    }


def _refuse_held_aips(entries: dict, locations) -> None:
    """An AIP of the export that this site indexes already, or whose place in one of its
    locations holds other bytes, is refused (nothing is overwritten)."""
    from sd.archive.core.preservation.storage import aip_path
    from sd.archive.preservation.store import index

    held = index()
    problems = [
        problem("MOVE-EXISTS", "AIP already in this site's index", r, "aip")
        for r in entries
        if r in held
    ]
    for relpath, entry in entries.items():
        for location in locations:
            path = aip_path(location, relpath)
            if path.exists() and sm3_file(path) != entry["sm3"]:
                problems.append(
                    problem(
                        "MOVE-AIP-EXISTS", "other bytes at this place", f"{location.id}:{relpath}"
                    )
                )
    if problems:
        raise MoveRefused("The site already holds what the export brings", problems)


def _write_aips(directory: Path, entries: dict, locations, written: list[str]) -> None:
    """Each AIP into every online location of this site (atomically, hashed as written);
    ``written`` collects the files made (removed again if the import fails)."""
    from sd.archive.core.preservation.storage import aip_path

    for relpath, entry in entries.items():
        source = directory / aip_file(relpath)
        for location in locations:
            target = aip_path(location, relpath)
            if target.exists():  # the same bytes (checked before): kept as they are
                continue
            with open(source, "rb") as data, atomic_writer(target) as sink:
                digest, _ = copy_hashed(data, sink)
            written.append(str(target))
            if digest != entry["sm3"]:  # changed since the check
                raise MoveRefused(
                    "AIPs of the export differ from what was exported",
                    [problem("MOVE-AIP-SM3", "SM3 digest differs", relpath, "aip")],
                )


def _attest_aips(entries: dict, origin: str) -> None:
    """Index each AIP and attest its digest in this node's ledger (as the ferry's import)."""
    from sd.archive.ferry.inbox import SiteTarget

    target = SiteTarget(via="move")
    for relpath, entry in entries.items():
        target.register({"relpath": relpath, **entry}, origin)


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


def trusted_signers(site, trust=()) -> list[str]:
    """The keys an export may be signed with: the ferry's (the nodes admitted to this node's
    ledger and this node's own key) and the keys the operator names (``trust``)."""
    from sd.archive.ferry.outbox import trusted

    return [*trusted(_ledger(site)), *trust]


def import_repository(site, directory: str | os.PathLike, trust=()) -> dict:
    """Rebuild in ``site`` what :func:`export_repository` wrote to ``directory``, in the
    current transaction (the caller commits, or aborts on any error). Refused with
    :class:`MoveRefused` before anything is made when the export is not signed by a trusted
    node (see :func:`trusted_signers`; ``trust``: more verification keys), was altered, or
    the site already holds one of its objects or AIPs. Returns counts and the source."""
    from sd.archive.preservation.config import online_locations
    from sd.archive.preservation.store import _RemoveOnAbort

    from .history import store_trail

    directory = Path(directory)
    manifest, items = check_export(directory, trusted_signers(site, trust))
    _refuse_conflicts(site, items)
    locations = online_locations()
    _refuse_held_aips(manifest["aips"], locations)
    types_tool = site.portal_types
    made = []
    blob_dir = BLOB_DIR.set(str(directory))
    try:
        for item in items:
            parent_path = item["parent"]["@id"]
            parent = site.unrestrictedTraverse(parent_path) if parent_path else site
            obj = _build(item, directory, types_tool)
            parent._setObject(item["id"], obj, set_owner=0, suppress_events=True)
            made.append(parent_path and f"{parent_path}/{item['id']}" or item["id"])
    finally:
        BLOB_DIR.reset(blob_dir)
    catalog = site.portal_catalog
    for path in made:  # catalogued once everything is in place (indexers read children);
        obj = site.unrestrictedTraverse(path)  # not through indexObject: it would touch the
        if not IComponent.providedBy(obj):  # modification date; components stay out
            catalog.catalog_object(obj, "/".join(obj.getPhysicalPath()))
    source = {
        "site": manifest["site"],
        "ledger_origin": manifest["ledger_origin"],
        "ledger_vkey": manifest["ledger_vkey"],
        "export_id": manifest["export_id"],
        "exported_at": manifest["exported_at"],
        "log_id": manifest["audit_log_id"],
        "head": manifest["audit_head"],
        "entries": manifest["audit_entries"],
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    written: list[str] = []
    try:
        _write_aips(directory, manifest["aips"], locations, written)
        history = store_trail(site, directory / AUDIT, source)
        if history is not None:
            written.append(str(history))
    except BaseException:
        for path in written:
            Path(path).unlink(missing_ok=True)
        raise
    import transaction

    transaction.get().join(_RemoveOnAbort(written))
    _attest_aips(manifest["aips"], manifest["ledger_origin"])
    _rebuild_counters(site)
    outcome = {
        "items": len(items),
        "aips": len(manifest["aips"]),
        "files": manifest["files"],
        "source_site": manifest["site"],
        "ledger_origin": manifest["ledger_origin"],
        "ledger_vkey": manifest["ledger_vkey"],
        "exported_at": manifest["exported_at"],
        "export_id": manifest["export_id"],
        "audit_entries": manifest["audit_entries"],
        "audit_head": manifest["audit_head"],
    }
    audit.log("moves.imported", site, details=outcome)
    return outcome
