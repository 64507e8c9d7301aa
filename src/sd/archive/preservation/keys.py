"""The node key that signs AIPs (封装包签名密钥).

The ledger package (``sd.archive.ledger``) owns the node's Ed25519 key. When it offers
``node_key()`` that key is used; otherwise this module keeps its own key file under the
instance var directory (``preservation/keys/node-ed25519.pem``, mode 0600) and its public
part beside it (``node-ed25519.pub``) for backups and verifiers.
"""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path

from sd.archive.core.ledger.algorithms import ED25519
from sd.archive.core.ledger.algorithms import verify_raw
from sd.archive.core.ledger.keys import NodeKey
from sd.archive.core.preservation.aip_model import PackageSigner
from sd.archive.core.preservation.storage import write_aip as _write_here
from sd.archive.core.preservation.writer_process import AIPWriter
from sd.archive.core.preservation.writer_process import KeySpec

from . import config

KEY_FILE = "node-ed25519.pem"
PUBLIC_FILE = "node-ed25519.pub"
KEY_NAME = "sd-archive-preservation"
SIGNER_NAME = "sd.archive 保存节点"
ALGORITHMS = {ED25519: "Ed25519", "sm2": "1.2.156.10197.1.501"}
_lock = threading.Lock()


def keys_dir() -> Path:
    return config.work_dir("keys")


def _ledger_key():
    from sd.archive import ledger

    provider = getattr(ledger, "node_key", None)
    if not callable(provider):
        return None
    key = provider()
    if all(hasattr(key, a) for a in ("sign", "public_key", "algorithm")):
        return key
    return None


def node_key() -> NodeKey:
    """The node key: the ledger package's when it has one, else this package's key file."""
    key = _ledger_key()
    if key is not None:
        return key
    path = keys_dir() / KEY_FILE
    with _lock:
        if not path.exists():
            key = NodeKey.generate(KEY_NAME)
            key.save(path)  # mode 0600
            (keys_dir() / PUBLIC_FILE).write_text(
                base64.b64encode(key.public_key).decode("ascii") + "\n", "ascii"
            )
            return key
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return NodeKey.load(path, KEY_NAME)


_writer = AIPWriter(int(os.environ.get("SD_ARCHIVE_AIP_PROCESSES", 2)))


def write_aip(locations, aip, policy=None):
    """Write ``aip`` signed by the node key, in a writer process when one is configured
    (``SD_ARCHIVE_AIP_PROCESSES``, default 2: the after-archiving worker has two AIPs
    written at once, :func:`submit_aip`; 0 writes in this process)."""
    spec = key_spec()
    if spec is None:
        return _write_here(locations, aip, signer(), policy=policy)
    return _writer.write(locations, aip, spec, policy)


class _Written:
    """An AIP written already (no writer process for this key): ``result()`` answers it."""

    def __init__(self, stored):
        self._stored = stored

    def result(self):
        return self._stored


def submit_aip(locations, aip, policy=None):
    """Start :func:`write_aip` and return at once; ``result()`` of the answer waits for the
    stored AIP (a writer process writes while the caller goes on; without one it is written
    now)."""
    spec = key_spec()
    if spec is None:
        return _Written(_write_here(locations, aip, signer(), policy=policy))
    return _writer.submit(locations, aip, spec, policy)


def signer() -> PackageSigner:
    key = node_key()
    return PackageSigner(
        key.sign, SIGNER_NAME, ALGORITHMS.get(key.algorithm, key.algorithm), key.public_key
    )


def key_spec() -> KeySpec | None:
    """Where a writer process finds the node key (None: the key only lives in this process)."""
    if _ledger_key() is not None:
        return None
    key = node_key()  # creates the key file on first use
    return KeySpec(
        str(keys_dir() / KEY_FILE),
        KEY_NAME,
        SIGNER_NAME,
        ALGORITHMS.get(key.algorithm, key.algorithm),
    )


def verify(message: bytes, signature: bytes, certificate: bytes, algorithm: str) -> bool:
    """Signature verifier for the EEP reader (Ed25519 or SM2 with raw public keys)."""
    names = {v: k for k, v in ALGORITHMS.items()}
    return verify_raw(names.get(algorithm, algorithm), certificate, message, signature)


def trusted_public_keys() -> set[bytes]:
    """Public keys this node accepts as its own (the current one)."""
    return {node_key().public_key}
