"""Test volumes (案卷) with records inside, made directly (the volume arrangement's own
actions are tested in their area): 案卷档号, 案卷号 and 卷内件号 set as placement sets them."""

import datetime

from plone import api

from sd.archive.testing import make_record

FONDS_NAME = "山东省某某厅"


def make_volume(fonds, number, pages=(5, 4, 3), year=2023, retention="Y", **description):
    """Volume ``number`` of 2023 (WS, kept ``retention``) holding one record per ``pages``."""
    fonds.agency_name = FONDS_NAME
    code = f"J001-WS·{year}·{retention}-{number:03d}"
    dossier = api.content.create(
        container=fonds,
        type="Dossier",
        id=f"volume-{number}",
        title=f"{year}年度办公室文件（第{number}卷）",
    )
    values = dict(
        archival_code=code,
        dossier_number=str(number),
        year=year,
        category="WS",
        retention_period=retention,
        note="本卷有一件复印件。",
        compiler="张三",
        checker="李四",
        compiled_on=datetime.date(2024, 1, 10),
    )
    values.update(description)
    for name, value in values.items():
        setattr(dossier, name, value)
    dossier.reindexObject()
    for n, count in enumerate(pages, 1):
        record = make_record(
            dossier,
            number * 100 + n,
            title=f"第{number}卷第{n}件",
            document_number=f"鲁档发〔{year}〕{number * 100 + n}号",
            author="办公室",
            document_date=datetime.date(year, 3, n),
            pages=count,
            year=year,
            retention_period=retention,
        )
        record.archival_code = f"{code}-{n:03d}"
        record.category_code = "WS"
        record.item_number = n
        record.volume_number = str(number)
        record.reindexObject()
    return dossier
