"""The annual statistics report (档案统计年报): the cells of the two basic-situation tables an
agency records room (机关档案室基本情况) and an archives (档案馆基本情况) file each year in the
national archives statistics system (国家档案事业统计年报), as far as their columns are known.

Each cell is either **computed** from the system's figures (``source`` = the figure's key) or
**filled in** by a person (``source`` = ``MANUAL``: staff, floor space, equipment … which the
system does not know). :func:`fill` puts the two together; :func:`check_manual` checks what a
person typed (non-negative numbers, known cells only). The report is reviewed and signed off
by a person (states :data:`DRAFT` → :data:`SIGNED`, reopened back to draft), which the Plone
side records with who and when. ``docs/statistics.md`` lists the same cells for staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from decimal import InvalidOperation

from sd.archive.core.errors import bad_request

MANUAL = "manual"
DRAFT, SIGNED = "draft", "signed"
STATE_WORDS = {DRAFT: "待审核", SIGNED: "已审核签发"}
ROOM, ARCHIVES = "room", "archives"
FORM_TITLES = {ROOM: "机关档案室基本情况", ARCHIVES: "档案馆基本情况"}


@dataclass(frozen=True)
class Cell:
    """One cell of a table (指标): code, zh_CN label, unit, where its value comes from."""

    code: str
    label: str
    unit: str
    source: str  # a figure key, or MANUAL
    decimals: int = 0


def _c(code, label, unit, source, decimals=0):
    return Cell(code, label, unit, source, decimals)


#: 机关档案室基本情况 (the agency's records room at the end of the year)
ROOM_CELLS = (
    _c("R01", "档案工作人员（专职）", "人", MANUAL),
    _c("R02", "档案工作人员（兼职）", "人", MANUAL),
    _c("R03", "档案库房面积", "平方米", MANUAL, 1),
    _c("R10", "室存全宗", "个", "fonds"),
    _c("R11", "室存档案（以卷为单位）", "卷", "volumes"),
    _c("R12", "室存档案（以件为单位）", "件", "items"),
    _c("R13", "其中：永久", "件", "retention_Y"),
    _c("R14", "其中：定期30年", "件", "retention_D30"),
    _c("R15", "其中：定期10年", "件", "retention_D10"),
    _c("R20", "电子档案", "件", "electronic_items"),
    _c("R21", "电子档案容量", "GB", "electronic_gb", 3),
    _c("R22", "本年归档（进室）", "件", "intake_year"),
    _c("R23", "本年移交进馆", "件", "transferred_year"),
    _c("R24", "本年销毁", "件", "destroyed_year"),
    _c("R25", "到期未移交进馆", "件", "due_for_transfer"),
    _c("R30", "本年利用档案人次", "人次", "use_persons"),
    _c("R31", "本年利用档案卷（件）次", "件次", "use_items"),
    _c("R40", "已数字化档案（纸质）", "卷/件", MANUAL),
    _c("R41", "档案信息化投入", "万元", MANUAL, 2),
)

#: 档案馆基本情况 (the archives at the end of the year)
ARCHIVES_CELLS = (
    _c("A01", "在编人员", "人", MANUAL),
    _c("A02", "馆库建筑面积", "平方米", MANUAL, 1),
    _c("A03", "其中：档案库房面积", "平方米", MANUAL, 1),
    _c("A10", "馆藏全宗", "个", "fonds"),
    _c("A11", "馆藏档案（以卷为单位）", "卷", "volumes"),
    _c("A12", "馆藏档案（以件为单位）", "件", "items"),
    _c("A13", "其中：永久", "件", "retention_Y"),
    _c("A14", "其中：定期30年", "件", "retention_D30"),
    _c("A15", "其中：定期10年", "件", "retention_D10"),
    _c("A20", "馆藏电子档案", "件", "electronic_items"),
    _c("A21", "馆藏电子档案容量", "GB", "electronic_gb", 3),
    _c("A22", "本年接收进馆", "件", "received_year"),
    _c("A23", "本年销毁", "件", "destroyed_year"),
    _c("A24", "已开放档案", "件", "open_items"),
    _c("A30", "本年利用档案人次", "人次", "use_persons"),
    _c("A31", "本年利用档案卷（件）次", "件次", "use_items"),
    _c("A32", "本年出具档案证明", "份", "certificates"),
    _c("A40", "馆藏资料", "册", MANUAL),
    _c("A41", "本年编研成果", "种", MANUAL),
    _c("A42", "本年举办展览", "个", MANUAL),
)

FORMS = {ROOM: ROOM_CELLS, ARCHIVES: ARCHIVES_CELLS}
MAX_MANUAL = Decimal("1e12")


def check_form(form) -> str:
    if form not in FORMS:
        raise bad_request(
            "form must be room or archives (报表须为档案室或档案馆基本情况)", "annual.form", "form"
        )
    return form


def check_year(year, this_year: int) -> int:
    """The report's year (统计年度): a past or the current year, from 1949 on."""
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise bad_request(
            "year must be a number like 2025 (年度无效)", "annual.year", "year"
        ) from None
    if not 1949 <= year <= this_year:
        raise bad_request(f"year must be 1949–{this_year} (年度超出范围)", "annual.year", "year")
    return year


def check_manual(form: str, data) -> dict[str, str]:
    """The cells a person fills in (人工填报): ``{"R01": 2, "R03": "120.5"}``; only manual cells,
    non-negative numbers with at most the cell's decimals (kept as text, exact)."""
    if not isinstance(data, dict):
        raise bad_request(
            "manual must be an object of cell codes (人工填报项须为对象)", "annual.manual", "manual"
        )
    cells = {c.code: c for c in FORMS[check_form(form)]}
    values = {}
    for code, value in data.items():
        cell = cells.get(code)
        if cell is None:
            raise bad_request(
                f"no cell {str(code)[:20]} in this form (无此指标)", "annual.cell", str(code)[:20]
            )
        if cell.source != MANUAL:
            raise bad_request(
                f"{code} {cell.label} is computed, not filled in (该指标由系统计算，不能填报)",
                "annual.computed-cell",
                code,
            )
        if value in (None, ""):
            continue
        if isinstance(value, bool):
            raise bad_request(f"{code} must be a number (须为数字)", "annual.number", code)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise bad_request(
                f"{code} must be a number (须为数字)", "annual.number", code
            ) from None
        if not number.is_finite() or number < 0 or number > MAX_MANUAL:
            raise bad_request(f"{code} must be zero or more (不能为负数)", "annual.negative", code)
        if -number.as_tuple().exponent > cell.decimals:
            raise bad_request(
                f"{code} has at most {cell.decimals} decimals (小数位过多)", "annual.decimals", code
            )
        values[code] = str(number)
    return values


def fill(form: str, figures: dict, manual: dict | None = None) -> list[dict]:
    """The rows of the form: code, label, unit, value, source ("计算"/"填报")."""
    manual = manual or {}
    rows = []
    for cell in FORMS[check_form(form)]:
        if cell.source == MANUAL:
            value, source = manual.get(cell.code, ""), "填报"
        else:
            value, source = figures.get(cell.source, 0), "计算"
            if cell.decimals:
                value = round(float(value or 0), cell.decimals)
        rows.append(
            {
                "code": cell.code,
                "label": cell.label,
                "unit": cell.unit,
                "value": value,
                "source": source,
            }
        )
    return rows


def missing_manual(form: str, manual: dict) -> list[str]:
    """Manual cells not filled in yet (sign-off needs every cell)."""
    return [c.code for c in FORMS[check_form(form)] if c.source == MANUAL and c.code not in manual]
