"""Import of a whole repository (整库迁移：导入): a system action in the caller's transaction.
The export's signature and every byte are checked first, then the objects are rebuilt as they
were, without events, catalogued; the AIPs are written to this site's online locations and
attested in its ledger. See :mod:`sd.archive.moves`."""

from __future__ import annotations

import os
from datetime import UTC
from datetime import datetime
from pathlib import Path

from Acquisition import aq_base
from plone.dexterity.utils import resolveDottedName
from plone.namedfile.file import NamedBlobFile
from zope.annotation.interfaces import IAnnotations
from zope.interface import alsoProvides

from sd.archive import audit
from sd.archive.core.moves import AUDIT
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import aip_file
from sd.archive.core.moves import check_export
from sd.archive.core.moves import problem
from sd.archive.core.preservation.atomic import atomic_writer
from sd.archive.core.preservation.hashing import copy_hashed
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.interfaces import IComponent
from sd.archive.moves.codec import BLOB_DIR
from sd.archive.moves.codec import decode
from sd.archive.moves.signers import trusted_signers


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


def import_repository(site, directory: str | os.PathLike, trust=()) -> dict:
    """Rebuild in ``site`` what :func:`.exporter.export_repository` wrote to ``directory``, in the
    current transaction (the caller commits, or aborts on any error). Refused with
    :class:`MoveRefused` before anything is made when the export is not signed by a trusted
    node (see :func:`.signers.trusted_signers`; ``trust``: more verification keys), was altered, or
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
