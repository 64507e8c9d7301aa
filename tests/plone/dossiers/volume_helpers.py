"""Helpers of the volume tests: a fonds whose WS category is arranged by volume (DA/T 13-2022
按卷) with archived records, and an item-arranged fonds."""

import datetime

from plone import api

from sd.archive.core import codes
from sd.archive.numbering import assign_code
from sd.archive.rules import set_category_rule
from sd.archive.testing import make_fonds
from sd.archive.testing import make_record

VOLUME_RULE = codes.CodeRule(grammar=codes.DAT13, level=codes.VOLUME, use_org=False)


def volume_fonds(container, fonds_id="j003", code="J003"):
    fonds = make_fonds(container, fonds_id, code, "DA/T 13-2022", use_org_code=False)
    set_category_rule(fonds, "WS", VOLUME_RULE)
    return fonds


def archived(fonds, n, year=2023, retention="Y", day=None, pages=None, **metadata):
    """An archived record of WS with a 按件 code of the 按卷 rule (not yet in a volume)."""
    if day is not None:
        metadata["document_date"] = datetime.date(year, 1, 1) + datetime.timedelta(days=day)
    if pages is not None:
        metadata["pages"] = pages
    record = make_record(fonds, n, year=year, retention_period=retention, **metadata)
    assign_code(record, "WS", year, retention, "")
    api.content.transition(record, transition="archive")
    return record


DESCRIPTION = {
    "title": "2023年度办公室文件",
    "year": 2023,
    "retention_period": "Y",
    "category": "WS",
    "compiler": "张三",
    "checker": "李四",
    "compiled_on": "2024-01-15",
    "security_level": "公开",
    "note": "本卷完整",
}
