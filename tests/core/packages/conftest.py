"""Fixtures for the package-reading tests: the corpus and the sample folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "corpus"))
