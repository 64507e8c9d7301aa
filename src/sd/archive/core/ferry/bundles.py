"""Writing and checking ferry bundles (摆渡包的生成与校验); see the package docstring."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sd.archive.core.errors import Problem
from sd.archive.core.ferry import FORMAT
from sd.archive.core.ferry import SUFFIX
from sd.archive.core.ledger.bundle import verify_bundle
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.ledger.manifests import SENDER
from sd.archive.core.ledger.manifests import SIGNATURE
from sd.archive.core.ledger.manifests import ManifestRefused
from sd.archive.core.ledger.manifests import sign_manifest
from sd.archive.core.ledger.manifests import verify_manifest
from sd.archive.core.preservation.atomic import atomic_writer

MANIFEST, NOTE = "manifest.json", "manifest.note"
CHUNK = 1 << 20


def bundle_name(origin: str, sequence: int) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in origin)
    return f"{safe}-{sequence:06d}{SUFFIX}"


@dataclass
class Outgoing:
    """One AIP version to carry (待摆渡): where its file is and its proof."""

    uid: str
    code: str
    relpath: str
    sm3: str
    size: int
    path: str  # the AIP file on the sender's storage
    evidence: dict  # the ledger's offline proof bundle of its ``preserve`` entry


def write_bundle(
    outbox: str | Path, origin: str, sequence: int, items: Iterable[Outgoing], key: NodeKey
) -> Path:
    """Write the bundle atomically into ``outbox`` and return its path."""
    rows = []
    target = Path(outbox) / bundle_name(origin, sequence)
    with atomic_writer(target) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as z:
        for n, item in enumerate(items, 1):
            member = f"aip/{n:06d}.eep"
            z.write(item.path, member)
            rows.append(
                {
                    "uid": item.uid,
                    "code": item.code,
                    "relpath": item.relpath,
                    "sm3": item.sm3,
                    "size": item.size,
                    "member": member,
                    "evidence": item.evidence,
                }
            )
        manifest = json.dumps(
            {
                "format": FORMAT,
                "origin": origin,
                "sequence": sequence,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "records": rows,
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        z.writestr(MANIFEST, manifest)
        z.writestr(NOTE, sign_manifest(FORMAT, origin, sequence, manifest, key))
    return target


@dataclass
class CheckedBundle:
    """A bundle read and checked (校验结果): refused as a whole when ``problems``."""

    path: Path
    sm3: str = ""
    origin: str = ""
    sequence: int = 0
    records: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def file_sm3(path: str | Path) -> str:
    digest = hashlib.new("sm3")
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_bundle(path: str | Path, trusted_vkeys: Iterable[str]) -> CheckedBundle:
    """Read ``path`` and check everything a bundle vouches for, against the senders the LAN
    node trusts (their ledger vkeys). AIP bytes are hashed here; the importer hashes again
    what it writes."""
    path = Path(path)
    result = CheckedBundle(path)

    def fail(code: str, message: str, obj: str = "") -> CheckedBundle:
        result.problems.append(Problem(code, message, obj or path.name, "ferry"))
        return result

    try:
        result.sm3 = file_sm3(path)
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return fail("FERRY-UNREADABLE", f"摆渡包不完整或无法读取 / not a whole ZIP: {error}")
    with z:
        names = set(z.namelist())
        if MANIFEST not in names or NOTE not in names:
            return fail("FERRY-MANIFEST", "摆渡包缺少清单或签名 / manifest or its note missing")
        try:
            manifest_bytes = z.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            note = z.read(NOTE)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            return fail("FERRY-MANIFEST", f"清单无法读取 / unreadable manifest: {error}")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            return fail("FERRY-FORMAT", "不是摆渡包 / not a ferry bundle")
        result.origin = str(manifest.get("origin", ""))
        result.sequence = manifest.get("sequence") if type(manifest.get("sequence")) is int else 0
        try:
            senders = verify_manifest(
                note, FORMAT, result.origin, result.sequence, manifest_bytes, trusted_vkeys
            )
        except ManifestRefused as refused:
            code, message = _FAILURES.get(refused.kind, _FAILURES[None])
            return fail(code, f"{message} {result.origin!r}" if code == "FERRY-SENDER" else message)
        rows = manifest.get("records")
        if not isinstance(rows, list):
            return fail("FERRY-MANIFEST", "清单没有档案列表 / no records list")
        for row in rows:
            _check_row(z, names, row, senders, fail)
        result.records = rows
    return result


#: the ferry's problem of each failure of the manifest's signature
_FAILURES = {
    SENDER: ("FERRY-SENDER", "发送节点未获信任 / untrusted sender"),
    SIGNATURE: ("FERRY-SIGNATURE", "清单签名无效 / the manifest's signature fails"),
    None: ("FERRY-MANIFEST", "清单签名无法读取或与清单不符 / unreadable or not this manifest's"),
}


def _check_row(z, names, row, senders, fail) -> None:
    where = (
        f"{row.get('code', '')} {row.get('relpath', '')}".strip() if isinstance(row, dict) else ""
    )
    if not isinstance(row, dict) or row.get("member") not in names:
        fail("FERRY-MEMBER", "清单列出的长期保存包不在摆渡包中 / listed AIP missing", where)
        return
    digest = hashlib.new("sm3")
    with z.open(row["member"]) as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    if digest.hexdigest() != row.get("sm3"):
        fail("FERRY-DIGEST", "长期保存包摘要值与清单不符 / AIP digest differs", where)
        return
    evidence = row.get("evidence") or {}
    entry = evidence.get("entry") if isinstance(evidence, dict) else None
    if not isinstance(entry, dict) or entry.get("package") != row["sm3"]:
        fail("FERRY-EVIDENCE", "存证条目不是此长期保存包的 / the entry is not this AIP's", where)
        return
    verdict = verify_bundle(evidence, {}, [v.vkey for v in senders], quorum=1)
    if not verdict.valid:
        codes = ", ".join(p.code for p in verdict.problems)
        fail("FERRY-EVIDENCE", f"存证证明无效 / the evidence does not verify: {codes}", where)
