"""Rebuild the repository from the AIPs of one storage location (由 AIP 重建).

Proves the storage is the canonical copy: every record (its metadata, components, archival
code, workflow state and history, UIDs) is made again from the latest AIP version found at
one location alone; every version found is registered with its digest for fixity. Each AIP
is read strictly and its package signature must verify; a signer key that is not this
node's is refused unless accepted explicitly.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from dataclasses import field
from itertools import groupby
from pathlib import Path

from DateTime import DateTime
from plone import api
from plone.uuid.interfaces import IMutableUUID
from zope.annotation.interfaces import IAnnotations

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation.aip import read_aip_file
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.core.preservation.splice import SpliceError
from sd.archive.core.preservation.storage import StorageLocation
from sd.archive.core.preservation.storage import aip_path
from sd.archive.core.preservation.storage import list_aips
from sd.archive.intake.received import adopt_tables
from sd.archive.numbering import accept_code
from sd.archive.repository import RECORD_FIELDS
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record
from sd.archive.text.store import restore_from_aip as restore_text

from . import config
from . import keys
from . import store
from .package import add_preservation_event
from .package import components
from .package import fingerprint
from .package import from_json_value
from .package import read_snapshot
from .package import set_carriers


@dataclass
class RebuildReport:
    location: str
    records: list[str] = field(default_factory=list)  # archival codes rebuilt
    skipped: list[str] = field(default_factory=list)  # present already
    versions: int = 0
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _location(location: str | StorageLocation) -> StorageLocation:
    if isinstance(location, StorageLocation):
        return location
    if "/" in location:
        return StorageLocation("rebuild", location)
    return config.location(location)


def _container(site, snap: dict):
    info = snap["fonds"]
    fonds = site.get(info["id"])
    if fonds is None:
        fonds = api.content.create(
            container=site,
            type="Fonds",
            id=info["id"],
            title=info["title"],
            fonds_code=info["fonds_code"],
            agency_name=info["agency_name"],
            code_grammar=info.get("code_grammar") or "DA/T 22-2015",
        )
    container = fonds
    for step in snap.get("containers", ()):
        child = container.get(step["id"])
        if child is None:
            child = api.content.create(
                container=container, type=step["type"], id=step["id"], title=step["title"]
            )
        container = child
    return container


def _restore_workflow(record, snap: dict) -> None:
    wf_id = snap.get("workflow")
    history = snap.get("workflow_history") or []
    if not wf_id or not history:
        return
    entries = []
    for h in history:
        h = from_json_value(h)
        h["time"] = DateTime(h["time"]) if h.get("time") else DateTime()
        entries.append(h)
    record.workflow_history[wf_id] = tuple(entries)
    wf = api.portal.get_tool("portal_workflow")
    wf.getWorkflowById(wf_id).updateRoleMappingsFor(record)


def _record(container, snap: dict, aip, signed_ok: bool):
    fields = {k: from_json_value(v) for k, v in snap["fields"].items() if k in RECORD_FIELDS}
    by_name = {c.name: c for c in aip.components}
    comps = []
    for info in snap["components"]:
        comp = by_name[f"{info['id']}/{info['filename'] or info['id']}"]
        comps.append(
            ComponentData(
                filename=info["filename"],
                data=open(comp.content, "rb"),  # noqa: SIM115 - closed after create_record
                role=info["role"],
                sequence=info["sequence"],
                path=info["path"] or "",
                format_name=info["format_name"] or "",
                content_type=info["content_type"] or "application/octet-stream",
                extra={"version_of": info["version_of"]} if info.get("version_of") else {},
            )
        )
    try:
        record = create_record(container, fields, comps, id=snap["id"])
    finally:
        for c in comps:
            c.data.close()
    try:  # the package as received kept as a splice table: joined with its parts again
        adopt_tables(record)
    except SpliceError as error:
        container._delObject(record.getId(), suppress_events=True)  # nothing half-rebuilt
        raise ArchiveError(
            "the package as received cannot be assembled from the AIP",
            [Problem("REBUILD-SPLICE", str(error), snap["id"])],
            422,
        ) from None
    IMutableUUID(record).set(snap["uid"])
    for component, info in zip(components(record), snap["components"], strict=True):
        IMutableUUID(component).set(info["uid"])
        component.reindexObject(idxs=["UID"])
    accept_code(record, snap["archival_code"])
    _restore_workflow(record, snap)
    set_carriers(record, aip.metadata.get("脱机载体编号") or [])
    restore_text(record, aip)  # the derived text (派生/文本), no OCR again
    record.reindexObject()
    return record


def rebuild(
    location: str | StorageLocation,
    *,
    site=None,
    accept_any_signer: bool = False,
    progress=None,
) -> RebuildReport:
    """Rebuild every record found at ``location`` (an id or a path) into the site."""
    site = site or api.portal.get()
    loc = _location(location)
    report = RebuildReport(loc.id)
    trusted = keys.trusted_public_keys()
    catalog = api.portal.get_tool("portal_catalog")
    refs = list(list_aips(loc))
    groups = [(code, list(g)) for code, g in groupby(refs, key=lambda r: r.archival_code)]
    for n, (code, group) in enumerate(groups, 1):
        latest = group[-1]
        with tempfile.TemporaryDirectory(prefix="sd-rebuild-") as tmp:
            try:
                aip = read_aip_file(
                    aip_path(loc, latest.relpath),
                    content_dir=tmp,
                    verifier=keys.verify,
                    require_signature=True,
                )
                if not accept_any_signer and aip.signature.certificate not in trusted:
                    raise ArchiveError("signed by an unknown key", [], 422, "UntrustedSigner")
                snap = read_snapshot(aip)
                if not snap:
                    raise ArchiveError("no sd.archive snapshot in the AIP", [], 422)
                if catalog.unrestrictedSearchResults(UID=snap["uid"]):
                    report.skipped.append(code)
                    continue
                record = _record(_container(site, snap), snap, aip, True)
            except ArchiveError as error:
                report.problems.append({"code": code, "relpath": latest.relpath, **error.as_dict()})
                continue
        for ref in group:
            path = aip_path(loc, ref.relpath)
            digest, size = sm3_file(path), path.stat().st_size
            store.register(ref.relpath, digest, size, record.UID(), code, ref.version, site)
            entry = {
                "version": ref.version,
                "relpath": ref.relpath,
                "sm3": digest,
                "size": size,
                "locations": [loc.id],
                "reason": "rebuild",
            }
            if ref is latest:
                entry["fingerprint"] = fingerprint(record)
            IAnnotations(record)[store.VERSIONS_KEY] = (*store.versions(record), entry)
            report.versions += 1
        add_preservation_event(record, "重建", f"rebuilt from {loc.id} ({latest.relpath})")
        report.records.append(code)
        if progress is not None:
            progress(n, len(groups), code)
    return report


def location_from_path(path: str | Path) -> StorageLocation:
    return StorageLocation("rebuild", str(path))
