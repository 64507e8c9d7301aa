"""Fixtures for the preservation core tests: an Ed25519 package signer and sample records."""

from preservation_helpers import ed25519_key  # noqa: F401
from preservation_helpers import holdings  # noqa: F401
from preservation_helpers import record  # noqa: F401
from preservation_helpers import signer  # noqa: F401
from preservation_helpers import verifier  # noqa: F401
