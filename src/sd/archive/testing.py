"""Test layers of sd.archive (测试层)."""

import os

from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import applyProfile
from plone.restapi.testing import PloneRestApiDXLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE

import sd.archive

os.environ.setdefault("TZ", "Asia/Shanghai")


class SdArchiveLayer(PloneSandboxLayer):
    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import plone.restapi

        self.loadZCML(package=plone.restapi)
        self.loadZCML(package=sd.archive)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "plone.restapi:default")
        applyProfile(portal, "sd.archive:default")
        # plone.app.testing switches workflows off; sd.archive's bindings come from its profile.
        portal.portal_workflow.setDefaultChain("simple_publication_workflow")


FIXTURE = SdArchiveLayer()

INTEGRATION_TESTING = IntegrationTesting(bases=(FIXTURE,), name="SdArchiveLayer:IntegrationTesting")
FUNCTIONAL_TESTING = FunctionalTesting(bases=(FIXTURE,), name="SdArchiveLayer:FunctionalTesting")
ACCEPTANCE_TESTING = FunctionalTesting(
    bases=(FIXTURE, WSGI_SERVER_FIXTURE), name="SdArchiveLayer:AcceptanceTesting"
)
