"""The product's own face (#24, 品牌): its name, logo and favicon; no Plone logo, footer,
site actions or "Powered by Plone"."""

import re

from sd.archive.testing import rest_session


def test_pages_show_the_platform_not_plone(fportal):
    session = rest_session(fportal, "admin")
    session.headers["Accept"] = "text/html"
    session.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    html = session.get(fportal.absolute_url()).text
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "山东省电子档案单套管理一体化平台" in title and "Plone" not in title
    logo = re.search(r'<a id="portal-logo".*?</a>', html, re.S).group(0)
    assert "@@site-logo/sd-archive-logo.svg" in logo and "plone-logo" not in logo
    assert 'alt="山东省电子档案单套管理一体化平台"' in logo
    assert 'id="sd-footer"' in html
    assert "Powered by Plone" not in html
    footer = html.split('id="portal-footer-wrapper"')[-1]
    assert "Plone" not in re.sub(r"<[^>]*>", "", footer)  # what a person reads there
    assert 'id="portal-colophon"' not in html and 'id="portal-siteactions"' not in html
    icon = re.search(r'<link[^>]*rel="icon"[^>]*>', html).group(0)
    assert "image/svg+xml" in icon
    svg = session.get(f"{fportal.absolute_url()}/@@site-logo/sd-archive-logo.svg")
    assert svg.status_code == 200 and b"<svg" in svg.content
    assert "山东省电子档案单套管理一体化平台".encode() in svg.content
    favicon = session.get(f"{fportal.absolute_url()}/favicon.ico")
    assert favicon.status_code == 200 and b"<svg" in favicon.content
