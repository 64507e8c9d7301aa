"""Shared fixtures of the ledger tests: node keys made once per session (SM2 is slow-ish)."""

import pytest

from sd.archive.core.ledger.keys import NodeKey

ORIGINS = (
    "ledger.sd-archive.gov/public",
    "ledger.sd-archive.gov/admin",
    "ledger.sd-archive.gov/lan",
)


@pytest.fixture(scope="session")
def ed_keys():
    return [NodeKey.generate(origin) for origin in ORIGINS]


@pytest.fixture(scope="session")
def sm2_keys():
    return [NodeKey.generate(origin, "sm2") for origin in ORIGINS]


@pytest.fixture(scope="session", params=["ed25519", "sm2"])
def keys(request, ed_keys, sm2_keys):
    return ed_keys if request.param == "ed25519" else sm2_keys
