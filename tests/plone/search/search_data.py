"""Data of the search tests: records of two fonds in several states, with file text. Imported
as ``search_data`` (a unique module name: pytest imports test helpers by rootdir)."""

from plone import api
from zope.annotation.interfaces import IAnnotations

from sd.archive.numbering import assign_code
from sd.archive.testing import make_record

PATHS = {
    "pre_archived": [],
    "archived": ["archive"],
    "received": ["archive", "request_transfer", "transfer", "receive"],
    "open": ["archive", "request_transfer", "transfer", "receive", "open"],
    "controlled": ["archive", "request_transfer", "transfer", "receive", "control"],
}
PASSWORD = "secret-12345"


def set_text(record, text):
    """The record's file text as the text module keeps it (an annotation by component UID),
    then its SearchableText indexed again."""
    from sd.archive.text import TEXT_KEY

    IAnnotations(record)[TEXT_KEY] = {
        "c1": {"text": text, "sequence": 1, "status": "ok", "name": "正本.pdf"}
    }
    record.reindexObject(idxs=["SearchableText"])


def bring_to(record, state, year=2023, retention="Y"):
    if state != "pre_archived":
        assign_code(record, "WS", year, retention, "BGS")
    for transition in PATHS[state]:
        api.content.transition(record, transition=transition)
    return record


def add(fonds, n, state="archived", text="", year=2023, **metadata):
    record = make_record(fonds, n, year=year, **metadata)
    bring_to(record, state, year=year, retention=metadata.get("retention_period", "Y"))
    if text:
        set_text(record, text)
    return record
