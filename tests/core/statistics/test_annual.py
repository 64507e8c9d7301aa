"""The annual statistics report's cells (统计年报): computed vs filled in, manual input checks."""

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.statistics import annual


def code_of(call, *args):
    with pytest.raises(ArchiveError) as raised:
        call(*args)
    return raised.value.problems[0].code, raised.value.problems[0].property


def test_every_form_has_computed_and_manual_cells():
    for cells in annual.FORMS.values():
        codes = [c.code for c in cells]
        assert len(codes) == len(set(codes))
        assert any(c.source == annual.MANUAL for c in cells)
        assert any(c.source != annual.MANUAL for c in cells)


def test_fill_puts_figures_and_manual_together():
    rows = annual.fill(
        "room", {"items": 120, "retention_Y": 20, "electronic_gb": 1.23456}, {"R01": "2"}
    )
    by_code = {r["code"]: r for r in rows}
    assert by_code["R12"]["value"] == 120 and by_code["R12"]["source"] == "计算"
    assert by_code["R13"]["value"] == 20
    assert by_code["R21"]["value"] == 1.235
    assert by_code["R01"] == {
        "code": "R01",
        "label": "档案工作人员（专职）",
        "unit": "人",
        "value": "2",
        "source": "填报",
    }
    assert by_code["R02"]["value"] == ""
    assert "R02" in annual.missing_manual("room", {"R01": "2"})


def test_manual_values_checked():
    assert annual.check_manual("room", {"R01": 3, "R03": "120.5", "R41": ""}) == {
        "R01": "3",
        "R03": "120.5",
    }
    assert code_of(annual.check_manual, "room", {"R01": -1}) == ("annual.negative", "R01")
    assert code_of(annual.check_manual, "room", {"R01": "三"}) == ("annual.number", "R01")
    assert code_of(annual.check_manual, "room", {"R01": True}) == ("annual.number", "R01")
    assert code_of(annual.check_manual, "room", {"R01": "1.5"}) == ("annual.decimals", "R01")
    assert code_of(annual.check_manual, "room", {"R12": 5}) == ("annual.computed-cell", "R12")
    assert code_of(annual.check_manual, "room", {"X99": 5}) == ("annual.cell", "X99")
    assert code_of(annual.check_manual, "archives", {"R01": 5}) == ("annual.cell", "R01")
    assert code_of(annual.check_manual, "room", [1]) == ("annual.manual", "manual")


def test_year_and_form():
    assert annual.check_year("2025", 2026) == 2025
    assert code_of(annual.check_year, 2027, 2026) == ("annual.year", "year")
    assert code_of(annual.check_year, "abc", 2026) == ("annual.year", "year")
    assert code_of(annual.check_form, "county") == ("annual.form", "form")
