"""Holdings tables from postings and the activity periods (馆藏统计、业务量统计)."""

from datetime import date

import pytest

from sd.archive.core.errors import ArchiveError
from sd.archive.core.statistics import tables

#: ten records: ids 1..10
DIMS = {
    "fonds": {"J001": {1, 2, 3, 4, 5, 6}, "J002": {7, 8, 9, 10}},
    "retention": {"Y": {1, 2, 7}, "D30": {3, 4, 8, 9}, "D10": {5}},  # 6 and 10 not described
    "format": {"OFD": {1, 2, 3}, "PDF": {3, 4, 5, 6, 7}},  # 3 holds both
    "state": {"archived": {1, 2, 3, 4, 5, 6}, "received": {7, 8, 9, 10}},
}
SIZES = {i: i * 1024 * 1024 for i in range(1, 11)}  # 1..10 MB


def postings():
    return tables.Postings(set(range(1, 11)), DIMS, SIZES)


def test_retention_table_counts_and_sizes():
    table = tables.holdings_table(postings(), "retention")
    assert table["header"][:2] == ["保管期限", "件数"]
    assert table["rows"] == [
        ["定期30年", 4, 40.0, 24.0],
        ["永久", 3, 30.0, 10.0],
        ["定期10年", 1, 10.0, 5.0],
        ["（未著录）", 2, 20.0, 16.0],  # records without the field: one row, last
    ]
    assert table["total"] == ["合计", 10, 100.0, 55.0]


def test_scope_narrows_every_table():
    j001 = postings().within(DIMS["fonds"]["J001"])
    assert j001.count() == 6
    rows = {r[0]: r[1] for r in tables.holdings_table(j001, "retention")["rows"]}
    assert rows == {"永久": 2, "定期30年": 2, "定期10年": 1, "（未著录）": 1}
    assert j001.count(j001.ids_of("state", ["archived", "received"])) == 6


def test_formats_may_overlap_and_have_no_unknown_row():
    rows = tables.holdings_table(postings(), "format")["rows"]
    assert [(r[0], r[1]) for r in rows] == [("PDF", 5), ("OFD", 3)]


def test_unknown_dimension():
    with pytest.raises(ArchiveError) as raised:
        tables.holdings_table(postings(), "colour")
    assert raised.value.problems[0].code == "statistics.dimension"


def test_range_checks():
    assert tables.check_range("2026-01-01", "2026-03-31", "month")[:2] == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    for args, code in [
        (("2026-03-01", "2026-01-01"), "statistics.range"),
        (("2026-13-01", "2026-12-31"), "statistics.date"),
        (("2000-01-01", "2026-12-31"), "statistics.range-limit"),
        (("2026-01-01", "2026-12-31", "week"), "statistics.period"),
    ]:
        with pytest.raises(ArchiveError) as raised:
            tables.check_range(*args)
        assert raised.value.problems[0].code == code
        assert raised.value.status == 400


def test_periods():
    months = tables.periods(date(2026, 1, 15), date(2026, 3, 10), "month")
    assert months == [
        ("2026-01", date(2026, 1, 15), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-03", date(2026, 3, 1), date(2026, 3, 10)),
    ]
    quarters = tables.periods(date(2025, 11, 1), date(2026, 4, 1), "quarter")
    assert [q[0] for q in quarters] == ["2025年第4季度", "2026年第1季度", "2026年第2季度"]
    assert tables.periods(date(2025, 6, 1), date(2026, 1, 1), "year")[-1] == (
        "2026年",
        date(2026, 1, 1),
        date(2026, 1, 1),
    )


def test_activity_table_sums():
    table = tables.activity_table(
        [("2026-01", {"intake": 3, "uses": 2}), ("2026-02", {"intake": 1})]
    )
    assert table["rows"][0][:2] == ["2026-01", 3]
    assert table["total"][1] == 4 and table["total"][-1] == 2
