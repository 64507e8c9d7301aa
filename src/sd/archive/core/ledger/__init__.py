"""Evidence ledger (电子档案证据保全账本).

A verifiable append-only log per node (RFC 9162 Merkle tree, SM3 by default), checkpoints in
the C2SP ``tlog-checkpoint`` / ``signed-note`` formats, cosignatures of the other admitted
nodes (C2SP ``tlog-cosignature``), offline proof bundles and their verifier.

Modules:
- ``hashing``    — the hash algorithms (SM3, SHA-256) and RFC 9162 leaf/node hashes
- ``merkle``     — ``MerkleLog`` over a pluggable node store, proofs and their verification
- ``stores``     — node stores: in-memory and SQLite
- ``entry``      — canonical JSON ledger entries (账本条目) and their validation
- ``algorithms`` — signature algorithms (签名算法), key names, checking a raw signature
- ``keys``       — node signing keys (节点密钥), Ed25519 or SM2
- ``notes``      — C2SP signed notes and verifier keys (vkeys)
- ``checkpoint`` — C2SP tlog checkpoints (检查点)
- ``cosign``     — witness cosigning (见证联署) and quorum (法定数)
- ``nodes``      — admitted nodes (准入节点)
- ``replica``    — replicas of the logs a node cosigns (见证副本)
- ``bundle``     — offline evidence proof bundles (离线证据包) and their verification
- ``cli``        — the ``sd-archive-verify`` console script
"""
