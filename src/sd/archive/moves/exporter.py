"""Export of a whole repository (整库迁移：导出): the fonds and everything under them, every
file and AIP version checked against its digest, and the site's audit trail, into an empty
directory, signed with this node's ledger key. See :mod:`sd.archive.moves`."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import UTC
from datetime import datetime
from pathlib import Path

from Acquisition import aq_base
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
from sd.archive.core.moves import problem
from sd.archive.core.moves import sign
from sd.archive.core.preservation.hashing import copy_hashed
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.moves.codec import BLOB_DIR
from sd.archive.moves.codec import encode
from sd.archive.moves.signers import node_ledger

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
    ledger = node_ledger(site)
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
