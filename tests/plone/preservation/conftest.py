"""Fixtures of the Plone-side preservation tests: a var directory per test, archived records."""

import pytest
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_record


@pytest.fixture(autouse=True)
def var(tmp_path, monkeypatch):
    path = tmp_path / "var"
    path.mkdir()
    monkeypatch.setenv("SD_ARCHIVE_VAR", str(path))
    return path


def archive(record, org="BGS"):
    assign_code(record, "WS", record.year, record.retention_period, org)
    api.content.transition(record, transition="archive")
    return record


@pytest.fixture
def archived(fonds):
    """Three archived records of J001 (2023, permanent), with an AIP v1 each."""
    return [
        archive(make_record(fonds, n, agency_name="山东省某某厅", author="山东省某某厅"))
        for n in (1, 2, 3)
    ]


@pytest.fixture
def archive_record():
    """``archive(record)``: number and archive a record (its AIP v1 is written)."""
    return archive
