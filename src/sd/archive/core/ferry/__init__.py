"""The one-way ferry to the archives LAN (单向摆渡), pure Python.

A domain node writes **bundles** to its outbox; whatever carries them (a data diode, a disc)
lets nothing flow back on that path. The LAN node imports each bundle from its inbox and
answers with a **receipt** that a person carries the other way by hand.

A bundle is one ZIP file ``<origin>-<sequence>.ferry.zip`` (self-describing, ZIP_STORED):

================== ===========================================================================
``manifest.json``  ``format`` (:data:`FORMAT`), ``origin`` (the sender's ledger origin),
                   ``sequence`` (per sender, from 1), ``created``, and ``records``: one row per
                   AIP version — ``uid``, ``code``, ``relpath``, ``sm3``, ``size``, ``member``
                   (its name in the ZIP) and ``evidence`` (the ledger's offline proof bundle of
                   the version's ``preserve`` entry: entry, inclusion proof, signed checkpoint)
``manifest.note``  a C2SP signed note by the sender's node key over
                   ``FORMAT / origin / sequence / SM3 of manifest.json``
``aip/<n>.eep``    the AIP files, byte for byte
================== ===========================================================================

:func:`check_bundle` refuses a bundle as a whole when anything does not hold (truncated ZIP,
unknown signer or bad signature, manifest digest, an AIP whose SM3 is not the manifest's or not
the ``package`` digest of its ledger entry, an evidence bundle that does not verify); the
importer (``inbox``) then stores each AIP and is idempotent and resumable.
"""

FORMAT = "sd-archive-ferry/1"
RECEIPT_FORMAT = "sd-archive-ferry-receipt/1"
SUFFIX = ".ferry.zip"
RECEIPT_SUFFIX = ".receipt.json"
