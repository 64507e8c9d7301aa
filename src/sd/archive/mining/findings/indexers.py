"""Catalog indexers of the findings: search facets by name, same-file look-up by digest.

``mining_people`` / ``mining_organisations`` / ``mining_places`` (KeywordIndex): the names found
in the record's text, those a person rejected left out (人名、机构、地名 facets of
``@archive-search``); ``file_digests`` (KeywordIndex): the SM3 of the record's original files,
so a file archived twice is found in one look-up. A record without findings indexes nothing.
"""

from __future__ import annotations

from plone.indexer import indexer

from sd.archive.interfaces import IRecord

from .sources import file_digests as digests_of
from .store import entity_names


def _names(kind):
    @indexer(IRecord)
    def names(obj):
        found = entity_names(obj, kind)
        if not found:
            raise AttributeError(kind)
        return found

    return names


mining_people = _names("people")
mining_organisations = _names("organisations")
mining_places = _names("places")


@indexer(IRecord)
def file_digests(obj):
    found = digests_of(obj)
    if not found:
        raise AttributeError("file_digests")
    return found
