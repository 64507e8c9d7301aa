"""Helpers of the text tests: Chinese lines and records with real files."""

from plone import api

from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

REPORT = ["关于2023年度财务预算执行情况的报告", "山东省某某厅办公室"]
NOTICE = ["关于开展固定资产清查工作的通知", "各处室：请于十月底前完成清查。"]
SCAN = ["会议纪要", "研究档案数字化工作"]


def component(filename, data, sequence, role="正本", content_type="application/pdf"):
    return ComponentData(
        filename=filename,
        data=data,
        role=role,
        sequence=sequence,
        content_type=content_type,
        format_name=filename.rsplit(".", 1)[-1].upper(),
    )


def record_with(fonds, n, files, archive=True):
    """A record of ``fonds`` with ``files`` [(filename, bytes)], archived (AIP v1 inline)."""
    record = create_record(
        fonds,
        {
            "title": f"文本提取测试（{n}）",
            "record_kind": "电子公文",
            "electronic_record_id": f"OA-TEXT-{n:06d}",
            "fonds_code": fonds.fonds_code,
            "year": 2023,
            "retention_period": "Y",
        },
        [
            component(name, data, i, "正本" if i == 1 else "附件")
            for i, (name, data) in enumerate(files, 1)
        ],
    )
    if archive:
        assign_code(record, "WS", 2023, "Y", "BGS")
        api.content.transition(record, transition="archive")
    return record
