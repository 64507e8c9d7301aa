"""The product's own face (品牌): a footer that names the platform (the site's title from the
registry, the product's name when the site has none). The logo, favicon and title are registry
records of the default profile (``registry/branding.xml``)."""

from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

PRODUCT_NAME = "山东省电子档案单套管理一体化平台"
#: titles a new Plone site carries before anyone names it
DEFAULT_TITLES = {"", "Plone site", "Plone", "Site"}


def platform_title() -> str:
    title = api.portal.get_registry_record("plone.site_title", default="") or ""
    return PRODUCT_NAME if title.strip() in DEFAULT_TITLES else title


class FooterViewlet(ViewletBase):
    index = ViewPageTemplateFile("footer.pt")

    def title(self) -> str:
        return platform_title()
