"""Fixtures of the language and time tests (语言与时间): a site whose language is zh_CN."""

import pytest
from plone import api


@pytest.fixture
def zh_site(fportal):
    """The functional portal speaking zh-CN first (站点语言：简体中文), as in the browser tests."""
    api.portal.set_registry_record("plone.default_language", "zh-cn")
    api.portal.set_registry_record("plone.available_languages", ["zh-cn", "en"])
    fportal.setLanguage("zh-cn")
    yield fportal
    fportal.setLanguage("en")
    api.portal.set_registry_record("plone.default_language", "en")
    api.portal.set_registry_record("plone.available_languages", ["en"])


@pytest.fixture
def zh_page():
    """``zh_page(session, url)``: the HTML of a page asked for in zh-CN (Accept-Language)."""

    def get(session, url):
        session.headers["Accept"] = "text/html"
        session.headers["Accept-Language"] = "zh-CN,zh;q=0.9,en;q=0.5"
        response = session.get(url)
        assert response.status_code == 200, response.text[:3000]
        return response.text

    return get
