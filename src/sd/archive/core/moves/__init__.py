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
                    uid, code, version}}): the AIP copies themselves stay in the storage
                    locations (copied beside the move, see docs/deployment.md)

:func:`check_export` reads it back and refuses it (:class:`MoveRefused`, nothing imported)
when the manifest, the content or any file differs from what the export wrote.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.preservation.hashing import sm3_file

FORMAT = "sd.archive.moves/1"
MANIFEST = "manifest.json"
CONTENT = "content.json"
BLOBS = "blobs"
AIPS = "aips.json"
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


def check_export(directory: str | Path) -> tuple[dict, list[dict]]:
    """The manifest and the items of the export in ``directory``, all checked (迁移包校验):
    the content's SM3 is the manifest's, every file is present, of its size and SM3, and
    its SM3 is the component's own. Raises :class:`MoveRefused` with every problem found."""
    directory = Path(directory)
    manifest = read_json(directory / MANIFEST, "MOVE-MANIFEST")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise MoveRefused(
            "Not an export of sd.archive",
            [problem("MOVE-FORMAT", f"format must be {FORMAT}", MANIFEST, "format")],
        )
    content_path = directory / CONTENT
    if not content_path.is_file() or sm3_file(content_path) != manifest.get("content_sm3"):
        raise MoveRefused(
            "The content of the export differs from its manifest",
            [problem("MOVE-CONTENT", "SM3 of content.json differs", CONTENT, "content_sm3")],
        )
    items = read_json(content_path, "MOVE-CONTENT")
    aips_path = directory / AIPS
    if not aips_path.is_file() or sm3_file(aips_path) != manifest.get("aips_sm3"):
        raise MoveRefused(
            "The content of the export differs from its manifest",
            [problem("MOVE-CONTENT", "SM3 of aips.json differs", AIPS, "aips_sm3")],
        )
    manifest["aips"] = read_json(aips_path, "MOVE-CONTENT")
    problems = []
    if not isinstance(items, list) or len(items) != manifest.get("items"):
        raise MoveRefused(
            "The content of the export differs from its manifest",
            [problem("MOVE-COUNT", "item count differs", CONTENT, "items")],
        )
    for item in items:
        where = item.get("@id", "")
        info = item.get("file")
        if not info:
            continue
        blob_path = info.get("blob_path", "")
        if not _BLOB_NAME.match(blob_path):
            problems.append(problem("MOVE-BLOB-PATH", "bad blob path", where, "blob_path"))
            continue
        path = directory / blob_path
        if not path.is_file():
            problems.append(problem("MOVE-BLOB-MISSING", "file missing", where, "file"))
            continue
        if path.stat().st_size != info.get("size"):
            problems.append(problem("MOVE-BLOB-SIZE", "size differs (truncated?)", where, "size"))
            continue
        digest = sm3_file(path)
        own = item.get("sd_state", {}).get("sm3")
        if digest != info.get("sm3") or (isinstance(own, str) and own and own != digest):
            problems.append(problem("MOVE-BLOB-SM3", "SM3 digest differs", where, "sm3"))
    if problems:
        raise MoveRefused("Files of the export differ from what was exported", problems)
    return manifest, items
