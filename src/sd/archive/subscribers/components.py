"""Component events: digests on upload, immutability once the record is archived."""

from zope.event import notify

from sd.archive.core import digests
from sd.archive.protection import RecordProtected
from sd.archive.protection import is_archived
from sd.archive.protection import is_sanctioned


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
    """A component of an archived record never changes (内容不可更改): not its bytes, not its
    title, path, role or order; a new version (conversion, stripped seal) is a new component.
    Only a recorded action (``sd.archive.protection.sanctioned``) may touch one."""
    if is_archived(component) and not is_sanctioned(component):
        raise RecordProtected(list(getattr(event, "descriptions", None) and _names(event)
                                   or ["file"]),
                              "/".join(component.getPhysicalPath()))
    if component.file is None:
        return
    found, size = _file_digests(component)
    if found["SM3"] == getattr(component, "sm3", None):
        return
    component.sm3 = found["SM3"]
    component.sha256 = found["SHA-256"]
    component.size = size


def _names(event) -> list[str]:
    return [name for description in event.descriptions
            for name in getattr(description, "attributes", ())]
