"""Site-wide setup (安装): which of sd.archive's profiles the add-ons control panel offers.

Each area's import step lives in its home (``ledger/setuphandlers.py``: the node key;
``seals/setuphandlers.py``: the demo archiving-seal key); the demo profile's handler is
``sd.archive.demo``. Uninstalling removes the configuration only: records stay in the database.
"""

from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        return ["sd.archive:uninstall"]
