"""Demo records with real Chinese text (演示数据：全文): a text-layer PDF, an OFD and a scan, so
full-text search and OCR have something to find on the demo site."""

from __future__ import annotations

from plone import api

from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

# Records whose files hold real Chinese text (#30): a PDF with a text layer, an OFD and a
# scanned (image-only) PDF whose text only OCR can read. (id, title, 文种, org, files)
TEXT_RECORDS = [
    (
        "text-demo-report",
        "关于2023年度财务预算执行情况的报告",
        "报告",
        "CWC",
        [
            (
                "正本.pdf",
                "pdf",
                [
                    "关于2023年度财务预算执行情况的报告",
                    "省财政厅：",
                    "现将我厅2023年度财务预算执行情况报告如下。",
                    "一、收入预算执行情况良好，固定资产管理规范。",
                    "二、支出严格按照预算执行，结余资金已按规定上缴。",
                    "山东省某某厅",
                ],
            )
        ],
    ),
    (
        "text-demo-ofd",
        "关于开展档案数字化工作的通知",
        "通知",
        "BGS",
        [
            (
                "正本.ofd",
                "ofd",
                [
                    "关于开展档案数字化工作的通知",
                    "各处室、各直属单位：",
                    "为加强电子档案管理，决定开展馆藏纸质档案数字化工作。",
                    "请于十月底前完成本单位档案的整理和移交。",
                ],
            )
        ],
    ),
    (
        "text-demo-scan",
        "安全生产工作会议纪要",
        "会议纪要",
        "BGS",
        [
            (
                "扫描件.pdf",
                "scan",
                ["安全生产工作会议纪要", "会议研究部署了安全生产检查工作", "山东省某某厅办公室"],
            )
        ],
    ),
]


def text_file(kind: str, lines: list[str]) -> bytes:
    from sd.archive.core.text import render

    if kind == "ofd":
        return render.text_ofd([lines])
    if kind == "scan":
        return render.scanned_pdf([lines])
    return render.text_pdf([lines])


def make_text_records(fonds) -> list:
    """The records with real Chinese text (text layer, OFD, scan), archived; their text is
    extracted after archiving like any other (``scripts/create_site.py`` drains the queues)."""
    made = []
    for record_id, title, doc_type, org, files in TEXT_RECORDS:
        if record_id in fonds:
            continue
        metadata = {
            "title": title,
            "record_kind": "电子公文",
            "electronic_record_id": f"OA-37-2023-{record_id}",
            "agency_name": fonds.agency_name,
            "author": fonds.agency_name,
            "document_type": doc_type,
            "security_level": "公开",
            "open_status": "待审",
            "keywords": ["演示", "全文检索"],
            "fonds_code": fonds.fonds_code,
            "year": 2023,
            "retention_period": "Y",
        }
        components = [
            ComponentData(
                filename=name,
                data=text_file(kind, lines),
                role="正本",
                sequence=n,
                path=f"正本/{name}",
                format_name=name.rsplit(".", 1)[-1].upper(),
                content_type="application/ofd" if kind == "ofd" else "application/pdf",
            )
            for n, (name, kind, lines) in enumerate(files, 1)
        ]
        record = create_record(fonds, metadata, components, id=record_id)
        assign_code(record, "WS", 2023, "Y", org)
        api.content.transition(record, transition="archive", comment="演示数据")
        made.append(record)
    return made
