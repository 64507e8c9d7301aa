"""The fonds' controlled vocabulary (主题词表) on the site: kept on the fonds, imported from XLSX.

The records officer of the fonds imports the whole table at once (all or nothing: a file with
one problem changes nothing and lists every problem with its row); the import is a recorded
action in the audit trail. The table is kept as JSON text in the fonds' annotation and parsed
once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache

from zope.annotation.interfaces import IAnnotations

from sd.archive.core.mining import keywords

THESAURUS_KEY = "sd.archive.mining.thesaurus"


@lru_cache(maxsize=32)
def _parsed(text: str) -> keywords.Thesaurus:
    return keywords.Thesaurus.from_list(json.loads(text))


def get(fonds) -> keywords.Thesaurus:
    """The fonds' thesaurus (empty when none was imported)."""
    text = IAnnotations(fonds).get(THESAURUS_KEY)
    return _parsed(text) if text else keywords.Thesaurus()


def import_xlsx(fonds, data: bytes) -> keywords.Thesaurus:
    """Replace the fonds' thesaurus with the XLSX file's (raises ``ThesaurusError``)."""
    from sd.archive import audit

    with audit.logged("mining.thesaurus.imported", fonds, details={"bytes": len(data)}):
        parsed = keywords.read_thesaurus_xlsx(data)
        IAnnotations(fonds)[THESAURUS_KEY] = json.dumps(parsed.as_list(), ensure_ascii=False)
    return parsed


def export_xlsx(fonds) -> bytes:
    return keywords.write_thesaurus_xlsx(get(fonds))
