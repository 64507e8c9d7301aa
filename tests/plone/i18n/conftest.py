"""Fixtures of the language and time tests (语言与时间): a site whose language is zh_CN."""

import pytest
from plone import api


@pytest.fixture
def zh_site(fportal):
    """The functional portal with zh_CN as its language (站点语言：简体中文)."""
    api.portal.set_registry_record("plone.default_language", "zh_CN")
    api.portal.set_registry_record("plone.available_languages", ["zh_CN", "en"])
    yield fportal
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])
