"""The notice PDF embeds its CJK font and carries the notice and the answer as text."""

import sys
from pathlib import Path

from sd.archive.core.rectification.pdf import notice_pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pdfcheck import assert_embedded  # noqa: E402
from pdfcheck import needs_font  # noqa: E402
from pdfcheck import needs_tools  # noqa: E402
from pdfcheck import pdf_text  # noqa: E402

NOTICE = {
    "number": "ZG-2026-0001",
    "agency": "山东省某厅",
    "fonds": "J001",
    "title": "关于补齐2023年发文归档的整改通知",
    "text": "鲁某发〔2023〕12号至14号未归档，请于期限内补齐。",
    "deadline": "2026-12-31",
    "state": "answered",
    "issuer": "supervisor",
    "issued": "2026-12-07 17:00",
    "figures": [{"label": "文号缺号", "value": 3}],
    "records": [{"archival_code": "J001-WS·2023-Y-BGS-0001", "title": "关于档案工作的通知"}],
    "answer": "已补充归档三件。",
    "answered_by": "officer-j001",
    "answer_records": [],
    "history": [
        {"time": "2026-12-07 17:00", "actor": "supervisor", "action": "issued", "comment": ""}
    ],
}


@needs_tools
@needs_font
def test_pdf_has_text_and_embedded_font():
    data = notice_pdf(NOTICE)
    text = pdf_text(data)
    for needle in (
        "整改通知书",
        "ZG-2026-0001",
        "已补充归档三件",
        "J001-WS·2023-Y-BGS-0001",
        "下发整改通知",
    ):
        assert needle in text
    assert_embedded(data)
