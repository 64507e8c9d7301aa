"""AIPs (档案信息包): one DA/T 48 EEP per record version, ``<档号>.v<N>.eep``.

The public entry points for the Plone side::

    write_aip_file(record, path, signer) -> EEPWriteResult     # atomic, streaming
    read_aip_file(path, content_dir=..., verifier=...) -> AIPRecord   # strict
"""

from __future__ import annotations

import os
from datetime import datetime

from .aip_model import AIPRecord
from .aip_model import Component
from .aip_model import Event
from .aip_model import PackageSigner
from .aip_model import SignatureInfo
from .aip_model import SignatureVerifier
from .aip_model import aip_file_name
from .atomic import atomic_writer
from .eep_reader import ContentSink
from .eep_reader import read_eep
from .eep_writer import EEPWriteResult
from .eep_writer import write_eep

__all__ = [
    "AIPRecord",
    "Component",
    "Event",
    "PackageSigner",
    "SignatureInfo",
    "SignatureVerifier",
    "EEPWriteResult",
    "aip_file_name",
    "read_aip_file",
    "read_eep",
    "write_aip_file",
    "write_eep",
]


def write_aip_file(
    record: AIPRecord,
    path: str | os.PathLike,
    signer: PackageSigner | None,
    *,
    now: datetime | None = None,
) -> EEPWriteResult:
    """Write the AIP to ``path`` atomically (temp file + fsync + rename)."""
    with atomic_writer(path) as f:
        return write_eep(record, f, signer, now=now)


def read_aip_file(
    path: str | os.PathLike,
    *,
    sink: ContentSink | None = None,
    content_dir: str | os.PathLike | None = None,
    verifier: SignatureVerifier | None = None,
    require_signature: bool = False,
) -> AIPRecord:
    """Read and check the AIP at ``path`` (see ``eep_reader.read_eep``)."""
    with open(path, "rb") as f:
        return read_eep(
            f,
            sink=sink,
            content_dir=content_dir,
            verifier=verifier,
            require_signature=require_signature,
            name=os.fspath(path),
        )
