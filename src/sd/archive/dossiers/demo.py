"""Demo fonds J003 arranged by volume (演示数据：按卷整理, DA/T 13-2022)."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import timezone

from plone import api

from sd.archive.demo_parts import make_fonds
from sd.archive.demo_parts import pdf_bytes
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

#: 按卷整理 (#24): a fonds whose 文书 are arranged by volume (DA/T 13-2022 按卷)
VOLUME_FONDS = {
    "id": "j003",
    "title": "山东省某某局（按卷整理）",
    "fonds_code": "J003",
    "agency_name": "山东省某某局",
    "credit_code": "11370000MB2345678Z",
    "network_domain": "administrative",
    "record_kinds": {"电子公文"},
    "own_records_room": False,
}
#: (volume title, compiler, [(record title, document type, month, day, pages)]); the last
#: "volume" is None: records left outside a volume, to be put in from the UI
VOLUME_CONTENT = [
    (
        "2023年度局务会议纪要",
        "王芳",
        [
            ("局务会议纪要（第1期）", "会议纪要", 1, 12, 4),
            ("局务会议纪要（第2期）", "会议纪要", 3, 8, 3),
            ("局务会议纪要（第3期）", "会议纪要", 6, 20, 5),
        ],
    ),
    (
        "2023年度人事任免文件",
        "王芳",
        [
            ("关于张某某同志任职的通知", "通知", 2, 16, 2),
            ("关于李某某同志任职的通知", "通知", 5, 9, 2),
            ("关于机构人员调整的请示", "请示", 9, 1, 3),
        ],
    ),
    (
        None,
        "",
        [
            ("关于年度考核工作的通知", "通知", 11, 3, 2),
            ("年度工作总结报告", "报告", 12, 18, 6),
        ],
    ),
]


def make_volume_fonds(portal):
    """J003 with its WS category arranged by volume: two volumes of three records each (案卷目录,
    卷内目录) and two archived records not yet in a volume."""
    from sd.archive import dossiers
    from sd.archive.core import codes
    from sd.archive.rules import set_category_rule

    fonds = make_fonds(portal, VOLUME_FONDS)
    if fonds is None:
        return None
    set_category_rule(
        fonds, "WS", codes.CodeRule(grammar=codes.DAT13, level=codes.VOLUME, use_org=False)
    )
    wf = api.portal.get_tool("portal_workflow")
    n = 0
    for title, compiler, items in VOLUME_CONTENT:
        records = []
        for record_title, doc_type, month, day, pages in items:
            n += 1
            when = datetime(2023, month, day, 9, 0, tzinfo=timezone(timedelta(hours=8)))
            metadata = {
                "title": record_title,
                "record_kind": "电子公文",
                "electronic_record_id": f"OA-37-J003-2023-{n:06d}",
                "agency_name": VOLUME_FONDS["agency_name"],
                "document_number": f"鲁某局发〔2023〕{n}号",
                "author": VOLUME_FONDS["agency_name"],
                "document_date": when.date(),
                "document_type": doc_type,
                "security_level": "公开",
                "open_status": "待审",
                "pages": pages,
                "keywords": ["演示", "按卷"],
                "fonds_code": "J003",
            }
            record = create_record(
                fonds,
                metadata,
                [
                    ComponentData(
                        filename="正本.pdf",
                        data=pdf_bytes(record_title, [f"{VOLUME_FONDS['agency_name']} · 正本"]),
                        role="正本",
                        sequence=1,
                        path="正本/正本.pdf",
                        format_name="PDF",
                        content_type="application/pdf",
                    )
                ],
            )
            assign_code(record, "WS", 2023, "Y", "")
            wf.doActionFor(record, "archive", comment="演示数据")
            records.append(record)
        if title is None:
            continue
        volume = dossiers.create_volume(
            fonds,
            {
                "title": title,
                "year": 2023,
                "retention_period": "Y",
                "category": "WS",
                "compiler": compiler,
                "checker": "赵强",
                "compiled_on": "2024-03-01",
                "security_level": "公开",
                "note": "本卷文件齐全，无破损。",
            },
        )
        dossiers.place_in_volume(volume, records, "演示数据：按卷整理")
    return fonds
