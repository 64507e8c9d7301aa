"""Fixtures of the text tests: a var directory (AIP locations) and records with real files."""

import pytest
from plone import api

from sd.archive.core.text.render import scanned_pdf
from sd.archive.core.text.render import text_ofd
from sd.archive.core.text.render import text_pdf
from sd.archive.numbering import assign_code
from sd.archive.repository import ComponentData
from sd.archive.repository import create_record

REPORT = ["关于2023年度财务预算执行情况的报告", "山东省某某厅办公室"]
NOTICE = ["关于开展固定资产清查工作的通知", "各处室：请于十月底前完成清查。"]
SCAN = ["会议纪要", "研究档案数字化工作"]


@pytest.fixture(autouse=True)
def var(tmp_path, monkeypatch):
    path = tmp_path / "var"
    path.mkdir()
    monkeypatch.setenv("SD_ARCHIVE_VAR", str(path))
    return path


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


@pytest.fixture(scope="session")
def files():
    """Real Chinese files, made once: a PDF with a text layer, an OFD and a 300-dpi scan."""
    return {
        "pdf": ("报告.pdf", text_pdf([REPORT])),
        "ofd": ("通知.ofd", text_ofd([NOTICE])),
        "scan": ("纪要.pdf", scanned_pdf([SCAN])),
        "corrupt": ("坏.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog garbage"),
    }
