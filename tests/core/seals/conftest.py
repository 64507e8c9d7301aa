"""Fixtures for the seals core tests: the third-party OFD samples in /work/shared."""

from pathlib import Path

import pytest

SAMPLES = Path(__file__).parents[3].parent / "shared" / "samples" / "ofd"


@pytest.fixture(scope="session")
def samples() -> Path:
    assert SAMPLES.is_dir(), SAMPLES
    return SAMPLES
