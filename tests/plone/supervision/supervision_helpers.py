"""Helpers of the supervision tests (#26): records of a fonds with 文号, archived or not."""

import datetime

from plone import api

from sd.archive.numbering import assign_code
from sd.archive.testing import make_record


def archive(record, year=2026, retention="Y", org="BGS"):
    assign_code(record, "WS", year, retention, org)
    api.content.transition(record, transition="archive")
    return record


def official(fonds, n, number=None, day=None, year=2026, archived=True, **extra):
    """A 电子公文 of ``year`` with 文号 鲁某发〔year〕``number``号 dated ``day``."""
    record = make_record(
        fonds,
        n,
        document_number=f"鲁某发〔{year}〕{number or n}号" if number != 0 else "",
        document_date=day or datetime.date(year, 1, 5),
        year=year,
        **extra,
    )
    return archive(record, year) if archived else record
