"""The registration form PDF (移交与接收登记表): its Chinese labels and a 档号 with `·` come back
from the PDF text, and its fonts are embedded."""

from pdfcheck import assert_embedded
from pdfcheck import needs_font
from pdfcheck import needs_tools
from pdfcheck import pdf_text

from sd.archive.transfer.form import CHECKS
from sd.archive.transfer.form import ROOT
from sd.archive.transfer.form import registration_pdf
from sd.archive.transfer.form import render

pytestmark = [needs_font, needs_tools]


def test_registration_pdf_text_and_fonts():
    values = {
        "交接工作名称": "J001 电子档案移交",
        "内容描述": "J001-WS·2018-D30-BGS-0001 至 J001-WS·2018-D30-BGS-0003",
        "移交电子档案数量": 3,
        "载体起止顺序号": "—",
    }
    sender = {"checks": {key: "合格" for key, _ in CHECKS}, "people": {"unit": "山东省办公厅"}}
    receiver = {"checks": {key: "待接收方检测" for key, _ in CHECKS}}
    data = registration_pdf(render(values, sender, receiver))
    text = pdf_text(data)
    assert ROOT in text
    assert "J001-WS·2018-D30-BGS-0001" in text and "J001-WS·2018-D30-BGS-0003" in text
    for label in (
        "交接工作名称",
        "移交单位",
        "接收单位",
        "检验内容",
        "填表人（签名）",
        "山东省办公厅",
    ):
        assert label in text
    for _key, label in CHECKS:
        assert label in text
    assert "待接收方检测" in text
    assert_embedded(data)
