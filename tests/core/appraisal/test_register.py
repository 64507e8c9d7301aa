"""The destruction register (销毁清册) and certificate (销毁证明): XLSX and PDF (#25)."""

import io

from openpyxl import load_workbook

from sd.archive.core.appraisal import register

FACTS = {
    "fonds_code": "J001",
    "fonds_title": "山东省某某厅",
    "title": "2026年度鉴定批次1",
    "kind_label": "机关档案室鉴定",
    "proposer": "officer",
    "proposed": "2026-12-07",
    "approver": "leader",
    "approved": "2026-12-08",
    "supervisors": ["张三", "李四"],
    "executor": "officer",
    "executed": "2026-12-09",
    "count": 2,
}
ITEMS = [
    (
        {
            "code": "J001-WS·2011-D10-BGS-0001",
            "title": "=关于档案工作的通知",
            "year": 2011,
            "period": "D10",
            "pages": 3,
            "size": 2048,
        },
        "已无保存价值",
    ),
    (
        {
            "code": "J001-WS·2011-D10-BGS-0002",
            "title": "函",
            "year": 2011,
            "period": "D30",
            "pages": None,
            "size": 3 * 1048576,
        },
        "@cmd",
    ),
]


def test_register_xlsx_columns_and_neutral_cells():
    sheet = load_workbook(io.BytesIO(register.register_xlsx(FACTS, ITEMS))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "销毁清册" and "J001" in rows[0][1]
    assert rows[1] == ["序号", "档号", "题名", "年度", "保管期限", "页数/大小", "销毁理由"]
    assert rows[2][1] == "J001-WS·2011-D10-BGS-0001" and rows[2][4] == "定期10年"
    assert rows[2][5] == "3页 / 2KB" and rows[3][5] == "3.0MB"
    assert not str(rows[2][2]).startswith("=") and not str(rows[3][6]).startswith("@")


def test_pdfs_embed_the_cjk_font():
    for data in (register.register_pdf(FACTS, ITEMS), register.certificate_pdf(FACTS, ITEMS)):
        assert data.startswith(b"%PDF") and b"FontFile2" in data


def test_certificate_names_approval_and_supervisors():
    lines = register.certificate_lines(FACTS)
    assert any("批准人：leader" in line for line in lines)
    assert any("监销人：张三、李四" in line for line in lines)
    assert any("共 2 件" in line for line in lines)
