"""sd.archive: provincial electronic records repository on Plone 6 (省级电子档案一体化系统)."""

import logging

from zope.i18nmessageid import MessageFactory

PACKAGE_NAME = "sd.archive"

_ = MessageFactory(PACKAGE_NAME)

logger = logging.getLogger(PACKAGE_NAME)
