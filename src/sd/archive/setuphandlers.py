"""Install and uninstall steps that GenericSetup XML cannot express."""

from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["sd.archive:uninstall"]


def post_install(context):
    """Nothing beyond the profile yet; the ledger node key is made by the ledger issue."""


def uninstall(context):
    """Records stay in the database: uninstalling never deletes a record."""
