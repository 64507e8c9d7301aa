"""Fixtures of the records-room tools: a fonds with archived and pre-archived records."""

import datetime

import pytest
from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_record
from sd.archive.testing import rest_sessions


def archive(record, year=2023, retention="Y", category="BGS"):
    assign_code(record, "WS", year, retention, category)
    api.content.transition(record, transition="archive")
    return record


@pytest.fixture
def catalogued(fonds):
    """Twelve archived records of 2023 (11 kept permanently, one for 30 years) and one
    pre-archived record without a code, made in an order other than their codes'."""
    records = []
    for n in range(1, 13):
        record = make_record(
            fonds,
            n,
            document_number=f"鲁档发〔2023〕{n}号",
            author="办公室",
            document_date=datetime.date(2023, 3, n),
            pages=n + 1,
        )
        records.append(archive(record, retention="D30" if n == 12 else "Y"))
    make_record(fonds, 99, title="尚未归档的文件")
    return records


PASSWORD = "secret-12345"


@pytest.fixture
def ffonds(fportal):
    """J001 on the functional site with three archived records; ``officer`` is its records
    officer, ``stranger`` a member with no role on it."""
    import transaction

    from sd.archive.testing import make_fonds

    fonds = make_fonds(fportal)
    api.user.create(email="officer@example.org", username="officer", password=PASSWORD)
    api.user.create(email="stranger@example.org", username="stranger", password=PASSWORD)
    api.user.grant_roles(username="officer", obj=fonds, roles=["RecordsOfficer", "Reader"])
    for n in (3, 1, 2):
        archive(make_record(fonds, n))
    transaction.commit()
    return fonds


@pytest.fixture
def session(fportal):
    """``session(user)``: a REST session as ``user`` (None: anonymous)."""
    with rest_sessions(fportal, PASSWORD) as make:
        yield make


@pytest.fixture
def zh(fportal):
    """The functional site speaking zh-CN first (站点语言：简体中文)."""
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    fportal.setLanguage("zh-cn")
    yield fportal
    fportal.setLanguage("en")
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
