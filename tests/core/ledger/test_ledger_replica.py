"""Witness replicas: entries are kept only when they reproduce the cosigned checkpoint."""

import pytest

from sd.archive.core.ledger.checkpoint import Checkpoint
from sd.archive.core.ledger.errors import LedgerError
from sd.archive.core.ledger.merkle import MerkleLog
from sd.archive.core.ledger.replica import replicate

ENTRIES = [b"entry %d" % i for i in range(20)]


def peer(n):
    log = MerkleLog()
    log.extend(ENTRIES[:n])
    return Checkpoint("peer.example/log", n, log.root())


def test_replica_follows_the_peer():
    replica = MerkleLog()
    replica = replicate(replica, ENTRIES[:7], peer(7))
    replica = replicate(replica, ENTRIES[7:20], peer(20))
    assert replica.size == 20 and replica.root() == peer(20).root
    assert MerkleLog(replica.store).size == 20


@pytest.mark.parametrize(
    "entries,code",
    [
        (ENTRIES[7:19], "LEDGER-REPLICA-SIZE"),
        (ENTRIES[7:19] + [b"forged"], "LEDGER-REPLICA-ROOT"),
        (list(reversed(ENTRIES[7:20])), "LEDGER-REPLICA-ROOT"),
    ],
)
def test_mismatching_entries_write_nothing(entries, code):
    replica = replicate(MerkleLog(), ENTRIES[:7], peer(7))
    before = dict(replica.store)
    with pytest.raises(LedgerError) as info:
        replicate(replica, entries, peer(20))
    assert info.value.problems[0].code == code
    assert dict(replica.store) == before and replica.size == 7
