"""Marker interfaces of the rectification types (整改通知); kept in the area's home so that the
area can be read (and grown) in one place."""

from zope.interface import Interface


class IRectificationNotice(Interface):
    """整改通知 (rectification notice): a supervisor asks an agency to rectify its archiving."""


class IRectificationFolder(Interface):
    """The site's folder of rectification notices (``/rectification-notices``)."""
