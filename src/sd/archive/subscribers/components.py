"""Component events: digests on upload, immutability once the record is archived."""

from plone import api
from zExceptions import Forbidden
from zope.event import notify

from sd.archive.core import digests

MUTABLE_STATES = ("pre_archived",)


def record_state(component):
    record = component.__parent__
    try:
        return api.content.get_state(record, default=None)
    except Exception:
        return None


def _file_digests(component):
    blob = getattr(component.file, "_blob", None)
    if blob is None:
        return digests.digest_stream(component.file.open(), ("SM3", "SHA-256"))
    with blob.open("r") as f:
        return digests.digest_stream(f, ("SM3", "SHA-256"))


def added_as_content(component, event):
    """A component added as Plone content (edit form, REST POST, a copied record) is stored."""
    from sd.archive.repository import ComponentStoredEvent

    notify(ComponentStoredEvent(component))


def component_added(component, event):
    """Fill size and digests from the stored bytes (read once, in chunks)."""
    if component.file is None:
        return
    if getattr(component, "sm3", None) and getattr(component, "size", None) is not None:
        return  # intake computed them while reading the package
    found, size = _file_digests(component)
    component.sm3 = found["SM3"]
    component.sha256 = found["SHA-256"]
    component.size = size
    if not getattr(component, "format_name", None):
        name = component.file.filename or ""
        component.format_name = name.rsplit(".", 1)[-1].upper() if "." in name else ""


def component_modified(component, event):
    """Refuse new bytes for a component of a record past pre-archiving (内容不可更改)."""
    if component.file is None:
        return
    found, size = _file_digests(component)
    if found["SM3"] == getattr(component, "sm3", None):
        return
    if record_state(component) not in MUTABLE_STATES and record_state(component) is not None:
        raise Forbidden(
            "The content of an archived record is immutable; add a new version instead."
        )
    component.sm3 = found["SM3"]
    component.sha256 = found["SHA-256"]
    component.size = size
