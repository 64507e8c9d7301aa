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

Modules: :mod:`.exporter` (``export_repository``), :mod:`.importer` (``import_repository``),
:mod:`.signers` (who signs, whom an import trusts), :mod:`.codec` (typed values and side
files), :mod:`.history` (the imported audit trail), :mod:`.jobs` (background exports).
"""
