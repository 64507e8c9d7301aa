"""Node keys (节点密钥): what a key keeps between signatures."""

from sd.archive.core.ledger.keys import NodeKey


def test_the_public_key_is_derived_once_per_key():
    key = NodeKey.generate("sd.archive.test/node")
    assert key.public_key is key.public_key  # kept, not derived again for every signature
    assert key.verifier().public_key == key.public_key
