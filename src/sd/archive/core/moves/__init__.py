"""Whole-repository moves (整库迁移): the shape of an export and its check, pure.

An export is a directory::

    manifest.json   {"format": "sd.archive.moves/1", "content_sm3": …, "items": n, …}
    content.json    [item, …] parents before children (collective.exportimport's item shape:
                    "@id", "@type", "UID", "id", "parent", "review_state", "local_roles",
                    the file field as {"filename", "content-type", "size", "blob_path"} plus
                    "sm3"; the stored attributes in "sd_state", annotations in
                    "sd_annotations", typed by :mod:`sd.archive.moves.codec`)
    blobs/<UID>     the bytes of each file (电子文件), as side files
    aips.json       the site's AIP index entries of the moved records ({relpath: {sm3, size,
                    uid, code, version}}), every version
    aips/<relpath>  the AIP file of each entry (``<全宗号>/<年度>/<档号>/<档号>.v<N>.eep``), once:
                    every online copy of the source was checked against the entry's SM3
    audit.jsonl     the source's audit trail (审计日志), one entry a line, its chain whole
    manifest.note   a signed note by the source's ledger node key over the manifest
                    (:mod:`sd.archive.core.ledger.manifests`, as the ferry's bundles)

:func:`check_export` reads it back and refuses it (:class:`MoveRefused`, nothing imported)
when the signature does not hold or the manifest, the content, any file, any AIP or the audit
chain differs from what the export wrote.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sd.archive.core.audit.check import check_chain
from sd.archive.core.audit.entry import Entry
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger import manifests
from sd.archive.core.preservation.hashing import sm3_file
from sd.archive.core.preservation.storage import aip_relpath
from sd.archive.core.preservation.storage import parse_relpath

FORMAT = "sd.archive.moves/1"
MANIFEST = "manifest.json"
CONTENT = "content.json"
BLOBS = "blobs"
AIPS = "aips.json"
AIP_FILES = "aips"
#: the tag of a typed value (:mod:`sd.archive.moves.codec`) and the tag of a side file
TAG, BLOB_TAG = "@t", "blob"
AUDIT = "audit.jsonl"
NOTE = "manifest.note"
_BLOB_NAME = re.compile(r"^blobs/[0-9A-Za-z_-]{1,64}$")


class MoveRefused(ArchiveError):
    """The export cannot be imported (迁移包不可导入): HTTP 422, nothing imported."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "MoveRefused")


def problem(code: str, message: str, obj: str = "", prop: str = "") -> Problem:
    return Problem(code=code, message=message, object=obj, property=prop)


def read_json(path: Path, code: str):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise MoveRefused(
            "The export cannot be read", [problem(code, f"unreadable: {error}", path.name)]
        ) from None


def aip_file(relpath: str) -> str:
    """Where the AIP ``relpath`` lies in an export (``aips/<relpath>``); refused
    (``MOVE-AIP-PATH``) when ``relpath`` does not follow the AIP layout or leaves it."""
    ref = parse_relpath(relpath) if isinstance(relpath, str) else None
    try:
        ok = ref is not None and aip_relpath(ref.fonds, ref.year, ref.archival_code, ref.version)
    except ArchiveError:
        ok = False
    if ok != relpath:
        raise MoveRefused(
            "An AIP of the export is not where AIPs lie",
            [problem("MOVE-AIP-PATH", "not an AIP path", str(relpath)[:200], "relpath")],
        )
    return f"{AIP_FILES}/{relpath}"


#: the move's problem of each failure of the manifest's signature
_SIGNATURE_PROBLEMS = {
    manifests.SENDER: ("MOVE-SIGNER", "signed by no trusted node"),
    manifests.SIGNATURE: ("MOVE-SIGNATURE", "the signature fails"),
    manifests.MISMATCH: ("MOVE-SIGNATURE", "the signature is not this manifest's"),
    manifests.UNREADABLE: ("MOVE-SIGNATURE", "the signature cannot be read"),
}


def sign(manifest: bytes, origin: str, serial: str, key) -> str:
    """The signed note of an export's manifest bytes by the node ``key``."""
    return manifests.sign_manifest(FORMAT, origin, serial, manifest, key)


def check_signature(directory: Path, trusted_vkeys) -> dict:
    """The manifest, when a trusted node signed it (签名核验); else refused whole."""
    try:
        data = (directory / MANIFEST).read_bytes()
    except OSError as error:
        raise MoveRefused(
            "The export cannot be read",
            [problem("MOVE-MANIFEST", f"unreadable: {error}", MANIFEST)],
        ) from None
    manifest = read_json(directory / MANIFEST, "MOVE-MANIFEST")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise MoveRefused(
            "Not an export of sd.archive",
            [problem("MOVE-FORMAT", f"format must be {FORMAT}", MANIFEST, "format")],
        )
    try:
        note = (directory / NOTE).read_bytes()
    except OSError:
        raise MoveRefused(
            "The export is not signed",
            [problem("MOVE-UNSIGNED", "manifest.note missing", NOTE)],
        ) from None
    origin = str(manifest.get("ledger_origin", ""))
    try:
        manifests.verify_manifest(
            note, FORMAT, origin, str(manifest.get("export_id", "")), data, trusted_vkeys
        )
    except manifests.ManifestRefused as refused:
        code, message = _SIGNATURE_PROBLEMS[refused.kind]
        raise MoveRefused(
            "The export's signature does not hold",
            [problem(code, f"{message}: {refused}", origin or NOTE, "ledger_origin")],
        ) from None
    return manifest


def _checked_json(directory: Path, name: str, manifest: dict, key: str):
    path = directory / name
    if not path.is_file() or sm3_file(path) != manifest.get(key):
        raise MoveRefused(
            "The content of the export differs from its manifest",
            [problem("MOVE-CONTENT", f"SM3 of {name} differs", name, key)],
        )
    return path


def _check_file(path: Path, size, sm3: str, codes: str, where: str, prop: str) -> Problem | None:
    """A problem when the file at ``path`` is missing, not ``size`` bytes or not ``sm3``
    (codes ``<codes>-MISSING``/``-SIZE``/``-SM3``)."""
    if not path.is_file():
        return problem(f"{codes}-MISSING", "file missing", where, prop)
    if path.stat().st_size != size:
        return problem(f"{codes}-SIZE", "size differs (truncated?)", where, "size")
    if sm3_file(path) != sm3:
        return problem(f"{codes}-SM3", "SM3 digest differs", where, "sm3")
    return None


def blob_values(data):
    """Every side file a typed value refers to (``{"@t": "blob", "v": info}``), nested."""
    if isinstance(data, list):
        for value in data:
            yield from blob_values(value)
    elif isinstance(data, dict):
        if data.get(TAG) == BLOB_TAG and isinstance(data.get("v"), dict):
            yield data["v"]
            return
        for value in data.values():
            yield from blob_values(value)


def _check_blobs(directory: Path, items: list) -> list[Problem]:
    problems = []
    for item in items:
        where = item.get("@id", "")
        for info in blob_values([item.get("sd_state"), item.get("sd_annotations")]):
            if not _BLOB_NAME.match(str(info.get("blob_path", ""))):
                problems.append(problem("MOVE-BLOB-PATH", "bad blob path", where, "blob_path"))
                continue
            found = _check_file(
                directory / info["blob_path"],
                info.get("size"),
                info.get("sm3"),
                "MOVE-BLOB",
                where,
                info["blob_path"],
            )
            if found:
                problems.append(found)
        info = item.get("file")
        if not info:
            continue
        blob_path = info.get("blob_path", "")
        if not _BLOB_NAME.match(blob_path):
            problems.append(problem("MOVE-BLOB-PATH", "bad blob path", where, "blob_path"))
            continue
        own = item.get("sd_state", {}).get("sm3")
        if isinstance(own, str) and own and own != info.get("sm3"):
            problems.append(problem("MOVE-BLOB-SM3", "SM3 digest differs", where, "sm3"))
            continue
        found = _check_file(
            directory / blob_path, info.get("size"), info.get("sm3"), "MOVE-BLOB", where, "file"
        )
        if found:
            problems.append(found)
    return problems


def _check_aips(directory: Path, aips) -> list[Problem]:
    if not isinstance(aips, dict):
        return [problem("MOVE-CONTENT", "aips.json is not an index", AIPS)]
    problems = []
    for relpath, entry in aips.items():
        try:
            path = directory / aip_file(relpath)
        except MoveRefused as refused:
            problems.extend(refused.problems)
            continue
        entry = entry if isinstance(entry, dict) else {}
        found = _check_file(path, entry.get("size"), entry.get("sm3"), "MOVE-AIP", relpath, "aip")
        if found:
            problems.append(found)
    return problems


def read_audit(path: Path):
    """The entries of an exported audit trail (``audit.jsonl``), oldest first."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            yield Entry.from_dict(json.loads(line))


def _check_audit(directory: Path, manifest: dict) -> list[Problem]:
    """The source's audit chain is whole (审计链完整): every entry, link and hash, up to the
    head the manifest names."""
    path = _checked_json(directory, AUDIT, manifest, "audit_sm3")
    try:
        result = check_chain(read_audit(path))
    except (ValueError, KeyError, TypeError) as error:
        return [problem("MOVE-AUDIT", f"unreadable audit entry: {error}", AUDIT)]
    if not result.valid:
        return [problem("MOVE-AUDIT", result.reason, AUDIT, "audit")]
    if result.checked != manifest.get("audit_entries") or (
        result.checked and result.head_hash != manifest.get("audit_head")
    ):
        return [problem("MOVE-AUDIT", "the trail is not the one exported", AUDIT, "audit_head")]
    return []


def check_export(directory: str | Path, trusted_vkeys=()) -> tuple[dict, list[dict]]:
    """The manifest and the items of the export in ``directory``, all checked (迁移包校验):
    the manifest is signed by a node whose key is in ``trusted_vkeys``; the content's SM3 is
    the manifest's; every file and every AIP is present, of its size and SM3 (a file's SM3 is
    the component's own); the audit chain is whole. Raises :class:`MoveRefused` with every
    problem found."""
    directory = Path(directory)
    manifest = check_signature(directory, trusted_vkeys)
    content_path = _checked_json(directory, CONTENT, manifest, "content_sm3")
    items = read_json(content_path, "MOVE-CONTENT")
    manifest["aips"] = read_json(
        _checked_json(directory, AIPS, manifest, "aips_sm3"), "MOVE-CONTENT"
    )
    if not isinstance(items, list) or len(items) != manifest.get("items"):
        raise MoveRefused(
            "The content of the export differs from its manifest",
            [problem("MOVE-COUNT", "item count differs", CONTENT, "items")],
        )
    problems = _check_blobs(directory, items)
    problems += _check_aips(directory, manifest["aips"])
    problems += _check_audit(directory, manifest)
    if problems:
        raise MoveRefused("Files of the export differ from what was exported", problems)
    return manifest, items
